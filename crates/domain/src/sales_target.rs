//! Sales targets: what a sales representative or a team is to reach in a month, quarter or year,
//! in one metric. Only the goal is stored; how far it is reached is computed from the records
//! (`Achievement`), never kept by hand.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use uuid::Uuid;

use crate::currency::Currency;
use crate::money::{self, AMOUNT_LIMIT};
use crate::report::Window;
use crate::report::calendar::{Calendar, Period};
use crate::validation::ValidationErrors;

/// Whose target it is: one user's records, or those of every current member of a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetSubject {
    User(Uuid),
    Team(Uuid),
}

/// What a target measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetMetric {
    /// Issued invoices less credit notes dated in the period, of the parties the subject owns.
    InvoicedNet,
    /// Amounts of the opportunities the subject owns that were won in the period.
    WonAmount,
    /// Parties the subject owns whose first invoice is dated in the period.
    NewCustomers,
    /// Activities assigned to the subject completed in the period.
    CompletedActivities,
}

str_enum!(TargetMetric {
    InvoicedNet => "invoiced_net",
    WonAmount => "won_amount",
    NewCustomers => "new_customers",
    CompletedActivities => "completed_activities",
});

impl TargetMetric {
    /// Whether it is an amount in a currency (else a count).
    pub fn is_amount(self) -> bool {
        matches!(self, TargetMetric::InvoicedNet | TargetMetric::WonAmount)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesTargetFields {
    pub subject: TargetSubject,
    pub period: Period,
    pub metric: TargetMetric,
    /// An amount in `currency` for amount metrics, a whole count for the others.
    pub target: Decimal,
    /// Set exactly for amount metrics.
    pub currency: Option<Currency>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesTarget {
    pub id: Uuid,
    pub fields: SalesTargetFields,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A target as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesTargetInput {
    pub user_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub period: Calendar,
    pub period_start: NaiveDate,
    pub metric: TargetMetric,
    pub target: Decimal,
    pub currency: Option<String>,
}

impl SalesTargetInput {
    pub fn validate(self) -> Result<SalesTargetFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let subject = match (self.user_id, self.team_id) {
            (Some(user), None) => Some(TargetSubject::User(user)),
            (None, Some(team)) => Some(TargetSubject::Team(team)),
            (Some(_), Some(_)) => {
                errors.add(
                    "team_id",
                    "exclusive",
                    "a target is either a user's or a team's, not both",
                );
                None
            }
            (None, None) => {
                errors.add("user_id", "required", "give user_id or team_id");
                None
            }
        };
        let period = self.period.period_of(self.period_start);
        let in_range = errors
            .check("period_start", crate::time::date(self.period_start))
            .is_some();
        if in_range && period.start != self.period_start {
            errors.add(
                "period_start",
                "not_period_start",
                format!("must be the first day of its period ({})", period.start),
            );
        }
        let currency = match (self.metric.is_amount(), self.currency.as_deref()) {
            (true, Some(code)) => errors.check("currency", Currency::parse(code)),
            (true, None) => {
                errors.add("currency", "required", "an amount target needs a currency");
                None
            }
            (false, Some(_)) => {
                errors.add("currency", "not_allowed", "a count target has no currency");
                None
            }
            (false, None) => None,
        };
        let target = match currency {
            Some(currency) => errors.check("target", money::check_amount(self.target, currency)),
            None if self.metric.is_amount() => None,
            None => errors.check("target", check_count(self.target)),
        };
        match (subject, target) {
            (Some(subject), Some(target)) if errors.is_empty() => Ok(SalesTargetFields {
                subject,
                period,
                metric: self.metric,
                target,
                currency,
            }),
            _ => Err(errors),
        }
    }
}

impl From<SalesTargetFields> for SalesTargetInput {
    fn from(f: SalesTargetFields) -> Self {
        let (user_id, team_id) = match f.subject {
            TargetSubject::User(user) => (Some(user), None),
            TargetSubject::Team(team) => (None, Some(team)),
        };
        Self {
            user_id,
            team_id,
            period: f.period.calendar,
            period_start: f.period.start,
            metric: f.metric,
            target: f.target,
            currency: f.currency.map(|c| c.code().to_owned()),
        }
    }
}

/// Why a count was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CountError {
    #[error("must be a whole number from 0 to 10^15")]
    NotACount,
}

impl crate::validation::CodedError for CountError {
    fn code(&self) -> &'static str {
        "out_of_range"
    }
}

fn check_count(count: Decimal) -> Result<Decimal, CountError> {
    let whole = count.fract().is_zero();
    if whole && !count.is_sign_negative() && count < Decimal::from(AMOUNT_LIMIT) {
        Ok(count.trunc().normalize())
    } else {
        Err(CountError::NotACount)
    }
}

impl SalesTargetFields {
    /// The days the target counts.
    pub fn window(&self) -> Window {
        self.period.window()
    }

    /// Stable text that two targets share exactly when they measure the same thing: the store
    /// keeps one target per subject, period, metric and currency.
    pub fn match_key(&self) -> String {
        let subject = match self.subject {
            TargetSubject::User(user) => format!("user:{user}"),
            TargetSubject::Team(team) => format!("team:{team}"),
        };
        format!(
            "{subject}/{}/{}/{}",
            self.period.label(),
            self.metric.as_str(),
            self.currency.map(|c| c.code()).unwrap_or_default()
        )
    }
}

/// How far a target is reached: the actual figure and the percent of the target it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Achievement {
    pub actual: Decimal,
    /// `actual / target × 100`, to 2 decimals (half away from zero); none for a target of 0.
    pub percent: Option<Decimal>,
}

impl Achievement {
    pub fn of(target: Decimal, actual: Decimal) -> Self {
        let percent = (!target.is_zero()).then(|| {
            (actual * Decimal::ONE_HUNDRED / target).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        });
        Achievement { actual, percent }
    }
}

/// A target with how far it is reached, as it is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasuredTarget {
    pub target: SalesTarget,
    pub achievement: Achievement,
}

impl crate::record::Record for MeasuredTarget {
    const TYPE: crate::resource::ResourceType = crate::resource::ResourceType::SalesTarget;
    fn id(&self) -> Uuid {
        self.target.id
    }
    fn version(&self) -> i32 {
        self.target.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{d, day};

    fn input(metric: TargetMetric, target: Decimal, currency: Option<&str>) -> SalesTargetInput {
        SalesTargetInput {
            user_id: Some(Uuid::from_u128(1)),
            team_id: None,
            period: Calendar::Quarter,
            period_start: day("2026-04-01"),
            metric,
            target,
            currency: currency.map(str::to_owned),
        }
    }

    fn codes(input: SalesTargetInput) -> Vec<(String, &'static str)> {
        input
            .validate()
            .unwrap_err()
            .errors()
            .iter()
            .map(|e| (e.field.clone(), e.code))
            .collect()
    }

    #[test]
    fn an_amount_target_has_a_currency_and_its_minor_unit() {
        let fields = input(TargetMetric::InvoicedNet, d("50000"), Some("EUR"))
            .validate()
            .unwrap();
        assert_eq!(fields.target.to_string(), "50000.00");
        assert_eq!(
            fields.window(),
            Window::new(day("2026-04-01"), day("2026-06-30")).unwrap()
        );
        assert_eq!(
            codes(input(TargetMetric::WonAmount, d("1"), None)),
            [("currency".to_owned(), "required")]
        );
        assert_eq!(
            codes(input(TargetMetric::WonAmount, d("1.001"), Some("EUR"))),
            [("target".to_owned(), "too_many_decimals")]
        );
    }

    #[test]
    fn a_count_target_is_whole_and_has_no_currency() {
        let fields = input(TargetMetric::NewCustomers, d("12.0"), None).validate().unwrap();
        assert_eq!(fields.target.to_string(), "12");
        assert_eq!(
            codes(input(TargetMetric::CompletedActivities, d("1.5"), None)),
            [("target".to_owned(), "out_of_range")]
        );
        assert_eq!(
            codes(input(TargetMetric::CompletedActivities, d("-1"), None)),
            [("target".to_owned(), "out_of_range")]
        );
        assert_eq!(
            codes(input(TargetMetric::NewCustomers, d("3"), Some("EUR"))),
            [("currency".to_owned(), "not_allowed")]
        );
    }

    #[test]
    fn a_target_is_a_users_or_a_teams_and_starts_its_period() {
        let mut both = input(TargetMetric::NewCustomers, d("3"), None);
        both.team_id = Some(Uuid::from_u128(2));
        assert_eq!(codes(both), [("team_id".to_owned(), "exclusive")]);
        let mut neither = input(TargetMetric::NewCustomers, d("3"), None);
        neither.user_id = None;
        assert_eq!(codes(neither), [("user_id".to_owned(), "required")]);
        let mut mid_quarter = input(TargetMetric::NewCustomers, d("3"), None);
        mid_quarter.period_start = day("2026-05-01");
        assert_eq!(codes(mid_quarter), [("period_start".to_owned(), "not_period_start")]);
    }

    #[test]
    fn the_same_measure_of_the_same_subject_and_period_shares_a_match_key() {
        let a = input(TargetMetric::WonAmount, d("1"), Some("EUR")).validate().unwrap();
        let b = input(TargetMetric::WonAmount, d("2"), Some("EUR")).validate().unwrap();
        let usd = input(TargetMetric::WonAmount, d("2"), Some("USD")).validate().unwrap();
        assert_eq!(a.match_key(), b.match_key());
        assert_ne!(a.match_key(), usd.match_key());
    }

    #[test]
    fn achievement_is_the_actual_as_a_percent_of_the_target() {
        assert_eq!(Achievement::of(d("3"), d("1")).percent, Some(d("33.33")));
        assert_eq!(Achievement::of(d("8"), d("1")).percent, Some(d("12.50")));
        assert_eq!(Achievement::of(d("1000.00"), d("1500.00")).percent, Some(d("150.00")));
        assert_eq!(Achievement::of(d("0"), d("5")).percent, None);
    }
}
