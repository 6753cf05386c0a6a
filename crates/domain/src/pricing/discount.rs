//! Discount rules: their conditions (turnover over a previous period among them) and the checks of
//! a rule a client sent.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{GROUP_MAX, NAME_MAX, check_window};
use crate::currency::Currency;
use crate::money;
use crate::text;
use crate::validation::ValidationErrors;

/// The calendar periods a turnover condition looks back over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TurnoverPeriod {
    Month,
    Quarter,
    HalfYear,
    Year,
}

str_enum!(TurnoverPeriod {
    Month => "month",
    Quarter => "quarter",
    HalfYear => "half_year",
    Year => "year",
});

impl TurnoverPeriod {
    fn months(self) -> u32 {
        match self {
            Self::Month => 1,
            Self::Quarter => 3,
            Self::HalfYear => 6,
            Self::Year => 12,
        }
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            Self::HalfYear => "half-year",
            other => other.as_str(),
        }
    }

    /// The previous whole period before the one `date` lies in, as an inclusive (first day, last day):
    /// 2026-11-25 → month 2026-10-01..2026-10-31, quarter 2026-07-01..2026-09-30,
    /// `half_year` 2026-01-01..2026-06-30, year 2025-01-01..2025-12-31. January → previous December etc.
    pub fn previous(self, date: NaiveDate) -> (NaiveDate, NaiveDate) {
        let months = self.months();
        let first_month = date.month0() / months * months;
        // Day 1 exists in every month, so this always succeeds.
        let current = NaiveDate::from_ymd_opt(date.year(), first_month + 1, 1).unwrap_or(date);
        // Only chrono's very first period has no predecessor; stored dates (years 1..=9999) never reach it.
        let first = current
            .checked_sub_months(Months::new(months))
            .unwrap_or(NaiveDate::MIN);
        let last = current.pred_opt().unwrap_or(NaiveDate::MIN);
        (first, last)
    }
}

/// The party's invoiced turnover over the previous `period` reaches `threshold` (in `currency`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnoverCondition {
    pub period: TurnoverPeriod,
    pub threshold: Decimal,
    pub currency: Currency,
}

/// A discount rule's content after every rule held. Every condition left out matches everyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountRuleFields {
    pub name: String,
    /// Greater than 0, at most 100.
    pub percent: Decimal,
    pub customer_group: Option<String>,
    pub product_group: Option<String>,
    pub min_quantity: Option<Decimal>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub turnover: Option<TurnoverCondition>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountRule {
    pub id: Uuid,
    pub fields: DiscountRuleFields,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a client asked a discount rule to be, before any rule was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountRuleInput {
    pub name: String,
    pub percent: Decimal,
    pub customer_group: Option<String>,
    pub product_group: Option<String>,
    pub min_quantity: Option<Decimal>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// The three turnover fields come together or not at all.
    pub turnover_period: Option<TurnoverPeriod>,
    pub turnover_threshold: Option<Decimal>,
    pub turnover_currency: Option<String>,
    /// None: active.
    pub active: Option<bool>,
}

impl DiscountRuleInput {
    /// Checks every rule and reports all broken ones.
    pub fn validate(self) -> Result<DiscountRuleFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", text::required(&self.name, NAME_MAX));
        let percent = errors.check("percent", money::check_percent(self.percent));
        // A rule of 0 % would "win" and explain a discount nobody gets.
        if percent.is_some_and(|p| p.is_zero()) {
            errors.add("percent", "out_of_range", "must be greater than 0");
        }
        let customer_group = errors.check(
            "customer_group",
            text::optional(self.customer_group.as_deref(), GROUP_MAX),
        );
        let product_group = errors.check(
            "product_group",
            text::optional(self.product_group.as_deref(), GROUP_MAX),
        );
        let min_quantity = self
            .min_quantity
            .and_then(|q| errors.check("min_quantity", money::check_min_quantity(q)));
        let (valid_from, valid_to) = check_window(&mut errors, self.valid_from, self.valid_to);
        let turnover = check_turnover(
            &mut errors,
            self.turnover_period,
            self.turnover_threshold,
            self.turnover_currency.as_deref(),
        );
        match (name, percent) {
            (Some(name), Some(percent)) if errors.is_empty() => Ok(DiscountRuleFields {
                name,
                percent,
                customer_group: customer_group.flatten(),
                product_group: product_group.flatten(),
                min_quantity,
                valid_from,
                valid_to,
                turnover,
                active: self.active.unwrap_or(true),
            }),
            _ => Err(errors),
        }
    }
}

/// All three turnover fields or none; each missing one is reported on its own path.
fn check_turnover(
    errors: &mut ValidationErrors,
    period: Option<TurnoverPeriod>,
    threshold: Option<Decimal>,
    currency: Option<&str>,
) -> Option<TurnoverCondition> {
    if period.is_none() && threshold.is_none() && currency.is_none() {
        return None;
    }
    for (field, missing) in [
        ("turnover_period", period.is_none()),
        ("turnover_threshold", threshold.is_none()),
        ("turnover_currency", currency.is_none()),
    ] {
        if missing {
            errors.add(
                field,
                "required",
                "a turnover condition needs its period, threshold and currency",
            );
        }
    }
    let currency = currency.and_then(|code| errors.check("turnover_currency", Currency::parse(code)));
    // The threshold's decimals depend on the currency: without a valid one it cannot be checked.
    let threshold = match (threshold, currency) {
        (Some(threshold), Some(currency)) => {
            errors.check("turnover_threshold", money::check_amount(threshold, currency))
        }
        _ => None,
    };
    Some(TurnoverCondition {
        period: period?,
        threshold: threshold?,
        currency: currency?,
    })
}

impl From<DiscountRuleFields> for DiscountRuleInput {
    /// The input that would produce these fields again: the base a patch is applied to.
    fn from(f: DiscountRuleFields) -> Self {
        let turnover = f.turnover;
        Self {
            name: f.name,
            percent: f.percent,
            customer_group: f.customer_group,
            product_group: f.product_group,
            min_quantity: f.min_quantity,
            valid_from: f.valid_from,
            valid_to: f.valid_to,
            turnover_period: turnover.as_ref().map(|t| t.period),
            turnover_threshold: turnover.as_ref().map(|t| t.threshold),
            turnover_currency: turnover.map(|t| t.currency.code().to_owned()),
            active: Some(f.active),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::fixtures::{d, day, fields_of, rule};

    fn rule_input() -> DiscountRuleInput {
        DiscountRuleInput::from(rule("Wholesale", "12").fields)
    }

    #[test]
    fn a_valid_discount_rule_defaults_to_active_and_round_trips() {
        let mut input = rule_input();
        input.active = None;
        input.customer_group = Some("  ".into());
        input.turnover_period = Some(TurnoverPeriod::Quarter);
        input.turnover_threshold = Some(d("5000"));
        input.turnover_currency = Some("EUR".into());
        let fields = input.validate().unwrap();
        assert!(fields.active);
        assert_eq!(fields.customer_group, None);
        let turnover = fields.turnover.clone().unwrap();
        assert_eq!(
            (turnover.period, turnover.threshold.to_string()),
            (TurnoverPeriod::Quarter, "5000.00".into())
        );
        assert_eq!(DiscountRuleInput::from(fields.clone()).validate(), Ok(fields));
    }

    #[test]
    fn every_broken_discount_rule_is_reported_at_its_path() {
        let mut input = rule_input();
        input.name = String::new();
        input.percent = d("0");
        input.customer_group = Some("x".repeat(GROUP_MAX + 1));
        input.product_group = Some("a\u{0}b".into());
        input.min_quantity = Some(d("-1"));
        input.valid_from = Some(day("2026-06-01"));
        input.valid_to = Some(day("2026-05-31"));
        input.turnover_period = Some(TurnoverPeriod::Month);
        let errors = input.validate().unwrap_err();
        assert_eq!(
            fields_of(&errors),
            [
                ("name", "required"),
                ("percent", "out_of_range"),
                ("customer_group", "too_long"),
                ("product_group", "invalid_characters"),
                ("min_quantity", "out_of_range"),
                ("valid_to", "before_start"),
                ("turnover_threshold", "required"),
                ("turnover_currency", "required"),
            ]
        );
        for (percent, code) in [
            ("100.01", "out_of_range"),
            ("-1", "out_of_range"),
            ("7.125", "too_many_decimals"),
        ] {
            let mut input = rule_input();
            input.percent = d(percent);
            assert_eq!(
                fields_of(&input.validate().unwrap_err()),
                [("percent", code)],
                "{percent}"
            );
        }
        let mut turnover = rule_input();
        turnover.turnover_threshold = Some(d("10.005"));
        turnover.turnover_currency = Some("EUR".into());
        turnover.valid_from = NaiveDate::from_ymd_opt(10_000, 1, 1);
        assert_eq!(
            fields_of(&turnover.clone().validate().unwrap_err()),
            [
                ("valid_from", "out_of_range"),
                ("turnover_period", "required"),
                ("turnover_threshold", "too_many_decimals"),
            ]
        );
        turnover.valid_from = None;
        turnover.turnover_period = Some(TurnoverPeriod::Year);
        turnover.turnover_currency = Some("XXX".into());
        assert_eq!(
            fields_of(&turnover.validate().unwrap_err()),
            [("turnover_currency", "invalid_currency")]
        );
    }

    #[test]
    fn the_previous_period_is_the_whole_one_before() {
        use TurnoverPeriod::{HalfYear, Month, Quarter, Year};
        for (period, date, first, last) in [
            (Month, "2026-11-25", "2026-10-01", "2026-10-31"),
            (Quarter, "2026-11-25", "2026-07-01", "2026-09-30"),
            (HalfYear, "2026-11-25", "2026-01-01", "2026-06-30"),
            (Year, "2026-11-25", "2025-01-01", "2025-12-31"),
            (Month, "2026-01-01", "2025-12-01", "2025-12-31"),
            (Quarter, "2026-03-31", "2025-10-01", "2025-12-31"),
            (Quarter, "2026-04-01", "2026-01-01", "2026-03-31"),
            (HalfYear, "2026-06-30", "2025-07-01", "2025-12-31"),
            (HalfYear, "2026-07-01", "2026-01-01", "2026-06-30"),
            (Year, "2026-01-01", "2025-01-01", "2025-12-31"),
            (Month, "2024-03-15", "2024-02-01", "2024-02-29"),
            (Quarter, "2024-04-30", "2024-01-01", "2024-03-31"),
            (Year, "2025-06-01", "2024-01-01", "2024-12-31"),
        ] {
            assert_eq!(period.previous(day(date)), (day(first), day(last)), "{period:?} {date}");
        }
        // chrono's first day has no previous period; it must not panic.
        assert_eq!(Year.previous(NaiveDate::MIN).1, NaiveDate::MIN);
        assert_eq!(TurnoverPeriod::parse("half_year"), Some(HalfYear));
    }
}
