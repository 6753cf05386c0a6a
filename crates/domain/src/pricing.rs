//! Pricing: price lists, discount rules and the resolution of a unit price and discount.
//!
//! A party's unit price for a product is the tier of its price list with the highest `min_quantity`
//! not above the quantity, else the product's list price. Its discount is the single best matching
//! rule: discounts never stack. Resolution is a pure function of what the caller loaded beforehand
//! (the candidate rules, the party's turnover), so every answer can be explained and tested.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;
use crate::money;
use crate::text;
use crate::time;
use crate::validation::ValidationErrors;

pub const NAME_MAX: usize = 200;
pub const GROUP_MAX: usize = 100;
pub const MAX_ENTRIES: usize = 10_000;

/// One tier: from `min_quantity` units on, the product costs `unit_price` in the list's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceListEntry {
    pub product_id: Uuid,
    pub unit_price: Decimal,
    pub min_quantity: Decimal,
}

/// A price list's content after every rule held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceListFields {
    pub name: String,
    pub currency: Currency,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// Each (product, `min_quantity`) at most once.
    pub entries: Vec<PriceListEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceList {
    pub id: Uuid,
    pub fields: PriceListFields,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PriceList {
    /// Whether the list applies on `date`: both bounds inclusive, a missing one open.
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        within(self.fields.valid_from, self.fields.valid_to, date)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceListEntryInput {
    pub product_id: Uuid,
    pub unit_price: Decimal,
    /// None: 0, the price from the first unit.
    pub min_quantity: Option<Decimal>,
}

/// What a client asked a price list to be, before any rule was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceListInput {
    pub name: String,
    pub currency: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub entries: Vec<PriceListEntryInput>,
}

impl PriceListInput {
    /// Checks every rule and reports all broken ones.
    pub fn validate(self) -> Result<PriceListFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", text::required(&self.name, NAME_MAX));
        let currency = errors.check("currency", Currency::parse(&self.currency));
        let (valid_from, valid_to) = check_window(&mut errors, self.valid_from, self.valid_to);
        let entries = check_entries(&mut errors, self.entries);
        match (name, currency) {
            (Some(name), Some(currency)) if errors.is_empty() => Ok(PriceListFields {
                name,
                currency,
                valid_from,
                valid_to,
                entries,
            }),
            _ => Err(errors),
        }
    }
}

fn check_entries(errors: &mut ValidationErrors, entries: Vec<PriceListEntryInput>) -> Vec<PriceListEntry> {
    if entries.len() > MAX_ENTRIES {
        errors.add("entries", "too_many", format!("at most {MAX_ENTRIES} entries"));
        return Vec::new();
    }
    // Two tiers of one product from the same quantity would make the price ambiguous. They are refused,
    // not merged, so every error names an index of the list sent.
    let mut first_index = HashMap::new();
    let mut checked = Vec::with_capacity(entries.len());
    for (i, entry) in entries.into_iter().enumerate() {
        let unit_price = errors.check(
            format!("entries[{i}].unit_price"),
            money::check_unit_price(entry.unit_price),
        );
        let min_quantity = errors.check(
            format!("entries[{i}].min_quantity"),
            money::check_min_quantity(entry.min_quantity.unwrap_or(Decimal::ZERO)),
        );
        // `check_min_quantity` normalises, so 10 and 10.0 are the same tier.
        if let Some(min_quantity) = min_quantity {
            let earlier = *first_index.entry((entry.product_id, min_quantity)).or_insert(i);
            if earlier != i {
                errors.add(
                    format!("entries[{i}]"),
                    "duplicate",
                    format!("same product and min_quantity as entries[{earlier}]"),
                );
            }
        }
        if let (Some(unit_price), Some(min_quantity)) = (unit_price, min_quantity) {
            checked.push(PriceListEntry {
                product_id: entry.product_id,
                unit_price,
                min_quantity,
            });
        }
    }
    checked
}

impl PriceListFields {
    /// Checks a change: the currency changes only together with the entries, whose prices are in
    /// the old one (9.50 EUR are not 9.50 JPY).
    pub fn check_change(&self, input: &PriceListInput, entries_replaced: bool) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if !entries_replaced && input.currency != self.currency.code() {
            errors.add(
                "currency",
                "needs_entries",
                "the entries are priced in the old currency: send them again with the new one",
            );
        }
        errors.finish(|| ())
    }
}

impl From<PriceListFields> for PriceListInput {
    /// The input that would produce these fields again: the base a patch is applied to.
    fn from(f: PriceListFields) -> Self {
        Self {
            name: f.name,
            currency: f.currency.code().to_owned(),
            valid_from: f.valid_from,
            valid_to: f.valid_to,
            entries: f
                .entries
                .into_iter()
                .map(|e| PriceListEntryInput {
                    product_id: e.product_id,
                    unit_price: e.unit_price,
                    min_quantity: Some(e.min_quantity),
                })
                .collect(),
        }
    }
}

/// Checks a validity window: both dates in range, the end not before the start.
fn check_window(
    errors: &mut ValidationErrors,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let from = from.and_then(|date| errors.check("valid_from", time::date(date)));
    let to = to.and_then(|date| errors.check("valid_to", time::date(date)));
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        errors.add("valid_to", "before_start", "must not be before valid_from");
    }
    (from, to)
}

fn within(from: Option<NaiveDate>, to: Option<NaiveDate>, date: NaiveDate) -> bool {
    from.is_none_or(|from| from <= date) && to.is_none_or(|to| date <= to)
}

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

    fn label(self) -> &'static str {
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

/// What pricing needs to know of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricedProduct<'a> {
    pub id: Uuid,
    pub list_price: Decimal,
    pub currency: Currency,
    pub product_group: Option<&'a str>,
}

/// What to price: one product for one party, in a quantity, on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricingQuery<'a> {
    pub product: PricedProduct<'a>,
    /// The party's.
    pub customer_group: Option<&'a str>,
    /// The party's price list, if it has one.
    pub price_list: Option<&'a PriceList>,
    /// Candidate rules, in the order ties are broken (the caller sorts by name, then id).
    pub rules: &'a [DiscountRule],
    pub quantity: Decimal,
    pub date: NaiveDate,
    /// The currency the price is wanted in (the document's).
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// None: no price in the wanted currency.
    pub unit_price: Option<Decimal>,
    /// The wanted currency.
    pub currency: Currency,
    /// 0 when no rule applies.
    pub discount_percent: Decimal,
    pub discount_rule_id: Option<Uuid>,
    /// The price list (when the party has one), the list price, then every rule in the order given.
    pub explanation: Vec<Consideration>,
}

/// Where a price or discount could come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    PriceList { id: Uuid, name: String },
    ListPrice,
    DiscountRule { id: Uuid, name: String },
}

/// One source considered: whether it applied, a stable code and a reason a salesperson understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consideration {
    pub source: Source,
    pub applied: bool,
    pub code: &'static str,
    pub reason: String,
}

/// Why a source did not apply: its code and reason.
type Miss = (&'static str, String);

impl Consideration {
    /// `Ok(reason)` when the source applied.
    fn new(source: Source, outcome: Result<String, Miss>) -> Self {
        let applied = outcome.is_ok();
        let (code, reason) = outcome.map_or_else(|miss| miss, |reason| ("applied", reason));
        Self {
            source,
            applied,
            code,
            reason,
        }
    }
}

/// The unit price and the discount for `query`, with the reason for each source considered.
///
/// `turnover(period, currency)`: the party's invoiced turnover in `currency` over `period.previous(query.date)`.
/// The caller computes it beforehand (see [`turnover_conditions`]).
pub fn resolve(query: &PricingQuery<'_>, turnover: impl Fn(TurnoverPeriod, Currency) -> Decimal) -> Resolution {
    let mut explanation = Vec::with_capacity(query.rules.len() + 2);
    let mut unit_price = None;
    if let Some(list) = query.price_list {
        let tier = tier_for(list, query);
        unit_price = tier.as_ref().ok().map(|entry| entry.unit_price);
        let source = Source::PriceList {
            id: list.id,
            name: list.fields.name.clone(),
        };
        explanation.push(Consideration::new(
            source,
            tier.map(|entry| tier_reason(entry, query.currency)),
        ));
    }
    let list_price = list_price_for(&query.product, query.currency, unit_price.is_some());
    if list_price.is_ok() {
        unit_price = Some(query.product.list_price);
    }
    explanation.push(Consideration::new(Source::ListPrice, list_price));

    let outcomes: Vec<_> = query
        .rules
        .iter()
        .map(|rule| rule_matches(rule, query, &turnover))
        .collect();
    let best = best_rule(query.rules, &outcomes);
    for (i, (rule, outcome)) in query.rules.iter().zip(outcomes).enumerate() {
        let outcome = outcome.and_then(|met| match best {
            Some(b) if b == i => Ok(format!("{} discount: {met}", percent(rule.fields.percent))),
            Some(b) => Err(("not_best", beaten_by(rule, &query.rules[b]))),
            None => Err(("not_best", "it gives no discount (0 %)".to_owned())),
        });
        let source = Source::DiscountRule {
            id: rule.id,
            name: rule.fields.name.clone(),
        };
        explanation.push(Consideration::new(source, outcome));
    }
    let winner = best.map(|b| &query.rules[b]);
    Resolution {
        unit_price,
        currency: query.currency,
        discount_percent: winner.map_or(Decimal::ZERO, |rule| rule.fields.percent),
        discount_rule_id: winner.map(|rule| rule.id),
        explanation,
    }
}

/// The (period, currency) pairs whose turnover [`resolve`] may ask for: those of the active turnover rules,
/// each once, in the order of the rules.
pub fn turnover_conditions(rules: &[DiscountRule]) -> Vec<(TurnoverPeriod, Currency)> {
    let mut pairs = Vec::new();
    for condition in rules
        .iter()
        .filter(|r| r.fields.active)
        .filter_map(|r| r.fields.turnover.as_ref())
    {
        let pair = (condition.period, condition.currency);
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    pairs
}

/// The list's tier for the product: the highest `min_quantity` not above the quantity.
fn tier_for<'a>(list: &'a PriceList, query: &PricingQuery<'_>) -> Result<&'a PriceListEntry, Miss> {
    let fields = &list.fields;
    if !list.is_valid_on(query.date) {
        let reason = format!("{}, not on {}", window(fields.valid_from, fields.valid_to), query.date);
        return Err(("not_valid_on_date", reason));
    }
    if fields.currency != query.currency {
        let reason = format!(
            "its prices are in {}, the document is in {}",
            fields.currency, query.currency
        );
        return Err(("currency_mismatch", reason));
    }
    let tiers = fields.entries.iter().filter(|e| e.product_id == query.product.id);
    let Some(lowest) = tiers.clone().map(|e| e.min_quantity).min() else {
        return Err(("no_entry_for_product", "it has no price for this product".to_owned()));
    };
    tiers
        .filter(|e| e.min_quantity <= query.quantity)
        .max_by_key(|e| e.min_quantity)
        .ok_or_else(|| {
            let reason = format!(
                "its lowest tier starts at {}, the quantity is {}",
                units(lowest),
                query.quantity.normalize()
            );
            ("below_lowest_tier", reason)
        })
}

fn tier_reason(entry: &PriceListEntry, currency: Currency) -> String {
    let price = amount(entry.unit_price, currency);
    if entry.min_quantity.is_zero() {
        format!("price list price: {price}")
    } else {
        format!("tier from {}: {price}", units(entry.min_quantity))
    }
}

fn list_price_for(product: &PricedProduct<'_>, wanted: Currency, tier_applied: bool) -> Result<String, Miss> {
    let price = amount(product.list_price, product.currency);
    if tier_applied {
        Err((
            "not_needed",
            format!("list price {price} not used: the price list gives the price"),
        ))
    } else if product.currency != wanted {
        let reason = format!("the list price is {price}, the document is in {wanted}");
        Err(("currency_mismatch", reason))
    } else {
        Ok(format!("list price: {price}"))
    }
}

/// Whether every condition of `rule` holds; `Ok` says which held, `Err` the first that did not.
fn rule_matches(
    rule: &DiscountRule,
    query: &PricingQuery<'_>,
    turnover: &dyn Fn(TurnoverPeriod, Currency) -> Decimal,
) -> Result<String, Miss> {
    let f = &rule.fields;
    if !f.active {
        return Err(("inactive", "the rule is switched off".to_owned()));
    }
    if !within(f.valid_from, f.valid_to, query.date) {
        let reason = format!("{}, not on {}", window(f.valid_from, f.valid_to), query.date);
        return Err(("not_valid_on_date", reason));
    }
    let mut met = Vec::new();
    if let Some(group) = f.customer_group.as_deref() {
        if query.customer_group != Some(group) {
            let actual = group_of("the customer", query.customer_group);
            return Err((
                "customer_group_mismatch",
                format!("only for customer group {group}, {actual}"),
            ));
        }
        met.push(format!("customer group {group}"));
    }
    if let Some(group) = f.product_group.as_deref() {
        if query.product.product_group != Some(group) {
            let actual = group_of("the product", query.product.product_group);
            return Err((
                "product_group_mismatch",
                format!("only for product group {group}, {actual}"),
            ));
        }
        met.push(format!("product group {group}"));
    }
    if let Some(min) = f.min_quantity {
        if query.quantity < min {
            let reason = format!("from {}, the quantity is {}", units(min), query.quantity.normalize());
            return Err(("below_min_quantity", reason));
        }
        met.push(format!("from {}", units(min)));
    }
    if let Some(condition) = &f.turnover {
        let (first, last) = condition.period.previous(query.date);
        let reached = turnover(condition.period, condition.currency);
        let facts = format!(
            "turnover last {} ({first} to {last}) was {}",
            condition.period.label(),
            amount(reached, condition.currency)
        );
        let threshold = amount(condition.threshold, condition.currency);
        if reached < condition.threshold {
            let reason = format!("{facts}, below the threshold of {threshold}");
            return Err(("turnover_below_threshold", reason));
        }
        met.push(format!("{facts}, reaching the threshold of {threshold}"));
    }
    if met.is_empty() {
        met.push("applies to everyone".to_owned());
    }
    Ok(met.join("; "))
}

/// The index of the matching rule with the highest percent; the earliest wins a tie. A rule of 0 %
/// (refused by validation, but possible in a hand-built rule) never wins: it would be no discount.
fn best_rule(rules: &[DiscountRule], outcomes: &[Result<String, Miss>]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, (rule, outcome)) in rules.iter().zip(outcomes).enumerate() {
        let percent = rule.fields.percent;
        let better = best.is_none_or(|b| percent > rules[b].fields.percent);
        if outcome.is_ok() && percent > Decimal::ZERO && better {
            best = Some(i);
        }
    }
    best
}

fn beaten_by(rule: &DiscountRule, winner: &DiscountRule) -> String {
    let winner_text = format!("{} ({})", winner.fields.name, percent(winner.fields.percent));
    if rule.fields.percent == winner.fields.percent {
        format!("an earlier rule with the same discount applies: {winner_text}")
    } else {
        format!("a better rule applies: {winner_text}")
    }
}

fn window(from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    match (from, to) {
        (Some(from), Some(to)) => format!("valid from {from} to {to}"),
        (Some(from), None) => format!("valid from {from}"),
        (None, Some(to)) => format!("valid until {to}"),
        (None, None) => "always valid".to_owned(),
    }
}

fn group_of(who: &str, group: Option<&str>) -> String {
    group.map_or_else(|| format!("{who} has no group"), |group| format!("{who} is in {group}"))
}

/// An amount as a salesperson reads it: at least the currency's minor unit (9.50 EUR), more
/// decimals only where a unit price has them (1.255 EUR).
fn amount(value: Decimal, currency: Currency) -> String {
    format!("{} {currency}", money::shown_price(value, currency))
}

fn units(quantity: Decimal) -> String {
    let quantity = quantity.normalize();
    if quantity == Decimal::ONE {
        "1 unit".to_owned()
    } else {
        format!("{quantity} units")
    }
}

fn percent(value: Decimal) -> String {
    format!("{} %", value.normalize())
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::str::FromStr;

    use chrono::TimeDelta;
    use proptest::prelude::*;

    use super::*;

    const PRODUCT: Uuid = Uuid::from_u128(1);
    const OTHER_PRODUCT: Uuid = Uuid::from_u128(2);

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn today() -> NaiveDate {
        day("2026-11-25")
    }

    fn fields_of(errors: &ValidationErrors) -> Vec<(&str, &str)> {
        errors.errors().iter().map(|e| (e.field.as_str(), e.code)).collect()
    }

    fn price_list(currency: &str, tiers: &[(Uuid, &str, &str)]) -> PriceList {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let entries = tiers
            .iter()
            .map(|&(product_id, min, price)| PriceListEntry {
                product_id,
                unit_price: d(price),
                min_quantity: d(min),
            })
            .collect();
        PriceList {
            id: Uuid::from_u128(10),
            fields: PriceListFields {
                name: "Dealers".into(),
                currency: cur(currency),
                valid_from: None,
                valid_to: None,
                entries,
            },
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    /// An active rule without conditions; its id follows its name (short names spell distinct ids).
    fn rule(name: &str, percent: &str) -> DiscountRule {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let id = name.bytes().fold(0u128, |id, b| id.wrapping_shl(8) | u128::from(b));
        DiscountRule {
            id: Uuid::from_u128(id),
            fields: DiscountRuleFields {
                name: name.into(),
                percent: d(percent),
                customer_group: None,
                product_group: None,
                min_quantity: None,
                valid_from: None,
                valid_to: None,
                turnover: None,
                active: true,
            },
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    /// 12.00 EUR list price, product group "Tools", a "Wholesale" customer, on 2026-11-25, in EUR.
    fn query<'a>(list: Option<&'a PriceList>, rules: &'a [DiscountRule], quantity: &str) -> PricingQuery<'a> {
        PricingQuery {
            product: PricedProduct {
                id: PRODUCT,
                list_price: d("12.00"),
                currency: cur("EUR"),
                product_group: Some("Tools"),
            },
            customer_group: Some("Wholesale"),
            price_list: list,
            rules,
            quantity: d(quantity),
            date: today(),
            currency: cur("EUR"),
        }
    }

    fn no_turnover(_: TurnoverPeriod, _: Currency) -> Decimal {
        Decimal::ZERO
    }

    /// Each consideration as "code: reason".
    fn explain(resolution: &Resolution) -> Vec<String> {
        let line = |c: &Consideration| format!("{}: {}", c.code, c.reason);
        resolution.explanation.iter().map(line).collect()
    }

    fn list_input() -> PriceListInput {
        PriceListInput {
            name: " Dealers 2026 ".into(),
            currency: "EUR".into(),
            valid_from: Some(day("2026-01-01")),
            valid_to: Some(day("2026-12-31")),
            entries: vec![
                entry(PRODUCT, "9.50", None),
                entry(PRODUCT, "9.0", Some("10.0")),
                entry(OTHER_PRODUCT, "1", None),
            ],
        }
    }

    fn entry(product_id: Uuid, price: &str, min: Option<&str>) -> PriceListEntryInput {
        PriceListEntryInput {
            product_id,
            unit_price: d(price),
            min_quantity: min.map(d),
        }
    }

    fn rule_input() -> DiscountRuleInput {
        DiscountRuleInput::from(rule("Wholesale", "12").fields)
    }

    #[test]
    fn a_valid_price_list_is_normalised_and_round_trips() {
        let fields = list_input().validate().unwrap();
        assert_eq!(fields.name, "Dealers 2026");
        assert_eq!(fields.entries[0].min_quantity, Decimal::ZERO);
        assert_eq!(fields.entries[1].min_quantity.to_string(), "10");
        assert_eq!(PriceListInput::from(fields.clone()).validate(), Ok(fields));
    }

    #[test]
    fn every_broken_price_list_rule_is_reported_at_its_path() {
        let mut input = list_input();
        input.name = "  ".into();
        input.currency = "EURO".into();
        input.valid_from = Some(day("2027-01-01"));
        input.entries = vec![
            entry(PRODUCT, "-1", None),
            entry(PRODUCT, "1", Some("0.00001")),
            entry(PRODUCT, "2", Some("0.0")),
            entry(OTHER_PRODUCT, "1.0000001", Some("0")),
        ];
        let errors = input.validate().unwrap_err();
        assert_eq!(
            fields_of(&errors),
            [
                ("name", "required"),
                ("currency", "invalid_currency"),
                ("valid_to", "before_start"),
                ("entries[0].unit_price", "out_of_range"),
                ("entries[1].min_quantity", "too_many_decimals"),
                ("entries[2]", "duplicate"),
                ("entries[3].unit_price", "too_many_decimals"),
            ]
        );
        assert_eq!(
            errors.errors()[5].message,
            "same product and min_quantity as entries[0]"
        );

        let mut far = list_input();
        far.valid_from = NaiveDate::from_ymd_opt(10_000, 1, 1);
        far.entries = (0..=MAX_ENTRIES).map(|_| entry(PRODUCT, "1", None)).collect();
        let errors = far.validate().unwrap_err();
        assert_eq!(
            fields_of(&errors),
            [("valid_from", "out_of_range"), ("entries", "too_many")]
        );
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

    #[test]
    fn the_tier_with_the_highest_min_quantity_up_to_the_quantity_wins() {
        let tiers = [
            (PRODUCT, "50", "9.00"),
            (PRODUCT, "10", "9.5"),
            (PRODUCT, "100", "8.125"),
            (OTHER_PRODUCT, "0", "1.00"),
        ];
        let list = price_list("EUR", &tiers);
        let not_needed = "not_needed: list price 12.00 EUR not used: the price list gives the price";
        for (quantity, price, first) in [
            (
                "5",
                "12.00",
                "below_lowest_tier: its lowest tier starts at 10 units, the quantity is 5",
            ),
            ("10", "9.5", "applied: tier from 10 units: 9.50 EUR"),
            ("49.5", "9.5", "applied: tier from 10 units: 9.50 EUR"),
            ("50", "9.00", "applied: tier from 50 units: 9.00 EUR"),
            ("1000", "8.125", "applied: tier from 100 units: 8.125 EUR"),
        ] {
            let resolution = resolve(&query(Some(&list), &[], quantity), no_turnover);
            assert_eq!(resolution.unit_price, Some(d(price)), "{quantity}");
            let second = if quantity == "5" {
                "applied: list price: 12.00 EUR"
            } else {
                not_needed
            };
            assert_eq!(explain(&resolution), [first, second], "{quantity}");
        }
        let base = price_list("EUR", &[(PRODUCT, "0", "9")]);
        let resolution = resolve(&query(Some(&base), &[], "0.5"), no_turnover);
        assert_eq!(explain(&resolution)[0], "applied: price list price: 9.00 EUR");
        let only_other = price_list("EUR", &[(OTHER_PRODUCT, "0", "1.00")]);
        let resolution = resolve(&query(Some(&only_other), &[], "5"), no_turnover);
        assert_eq!(resolution.unit_price, Some(d("12.00")));
        assert_eq!(
            explain(&resolution)[0],
            "no_entry_for_product: it has no price for this product"
        );
    }

    #[test]
    fn a_list_out_of_its_window_or_in_another_currency_falls_back_to_the_list_price() {
        let mut future = price_list("EUR", &[(PRODUCT, "0", "9.00")]);
        future.fields.valid_from = Some(day("2027-01-01"));
        let resolution = resolve(&query(Some(&future), &[], "1"), no_turnover);
        assert_eq!(resolution.unit_price, Some(d("12.00")));
        assert_eq!(
            explain(&resolution),
            [
                "not_valid_on_date: valid from 2027-01-01, not on 2026-11-25",
                "applied: list price: 12.00 EUR"
            ]
        );
        future.fields.valid_from = Some(day("2026-01-01"));
        future.fields.valid_to = Some(today());
        assert!(future.is_valid_on(today()));
        let resolution = resolve(&query(Some(&future), &[], "1"), no_turnover);
        assert_eq!(resolution.unit_price, Some(d("9.00")));
        future.fields.valid_to = Some(day("2026-11-24"));
        let resolution = resolve(&query(Some(&future), &[], "1"), no_turnover);
        assert_eq!(
            explain(&resolution)[0],
            "not_valid_on_date: valid from 2026-01-01 to 2026-11-24, not on 2026-11-25"
        );

        let dollars = price_list("USD", &[(PRODUCT, "0", "9.00")]);
        let resolution = resolve(&query(Some(&dollars), &[], "1"), no_turnover);
        assert_eq!(resolution.unit_price, Some(d("12.00")));
        assert_eq!(
            explain(&resolution)[0],
            "currency_mismatch: its prices are in USD, the document is in EUR"
        );
    }

    #[test]
    fn without_a_price_in_the_wanted_currency_there_is_no_price() {
        let dollars = price_list("USD", &[(PRODUCT, "0", "9.00")]);
        let mut wanted = query(Some(&dollars), &[], "1");
        wanted.product.currency = cur("USD");
        let resolution = resolve(&wanted, no_turnover);
        assert_eq!((resolution.unit_price, resolution.currency), (None, cur("EUR")));
        assert_eq!(
            explain(&resolution),
            [
                "currency_mismatch: its prices are in USD, the document is in EUR",
                "currency_mismatch: the list price is 12.00 USD, the document is in EUR"
            ]
        );
        let sources = resolution.explanation.iter().map(|c| &c.source);
        assert!(sources.eq([
            &Source::PriceList {
                id: dollars.id,
                name: "Dealers".into()
            },
            &Source::ListPrice
        ]));
    }

    #[test]
    fn each_rule_condition_matches_or_says_why_not() {
        type Change = fn(&mut DiscountRuleFields);
        #[rustfmt::skip] // a table reads better packed
        let cases: [(Change, &str); 12] = [
            (|_| {}, "applied: 5 % discount: applies to everyone"),
            (|f| f.active = false, "inactive: the rule is switched off"),
            (|f| f.valid_from = Some(day("2026-11-26")), "not_valid_on_date: valid from 2026-11-26, not on 2026-11-25"),
            (|f| f.valid_to = Some(day("2026-11-24")), "not_valid_on_date: valid until 2026-11-24, not on 2026-11-25"),
            (|f| f.valid_to = Some(today()), "applied: 5 % discount: applies to everyone"),
            (|f| f.customer_group = Some("Retail".into()),
                "customer_group_mismatch: only for customer group Retail, the customer is in Wholesale"),
            (|f| f.customer_group = Some("Wholesale".into()), "applied: 5 % discount: customer group Wholesale"),
            (|f| f.customer_group = Some("wholesale".into()),
                "customer_group_mismatch: only for customer group wholesale, the customer is in Wholesale"),
            (|f| f.product_group = Some("Food".into()),
                "product_group_mismatch: only for product group Food, the product is in Tools"),
            (|f| f.product_group = Some("Tools".into()), "applied: 5 % discount: product group Tools"),
            (|f| f.min_quantity = Some(d("10.5")), "below_min_quantity: from 10.5 units, the quantity is 10"),
            (|f| f.min_quantity = Some(d("10")), "applied: 5 % discount: from 10 units"),
        ];
        for (change, expected) in cases {
            let mut candidate = rule("Spring", "5");
            change(&mut candidate.fields);
            let rules = [candidate];
            let resolution = resolve(&query(None, &rules, "10"), no_turnover);
            assert_eq!(explain(&resolution)[1], expected);
            let applied = expected.starts_with("applied");
            assert_eq!(resolution.explanation[1].applied, applied, "{expected}");
            assert_eq!(
                resolution.discount_percent,
                if applied { d("5") } else { Decimal::ZERO }
            );
        }
        let mut retail = rule("Retail", "5");
        retail.fields.customer_group = Some("Retail".into());
        let rules = [retail];
        let mut no_group = query(None, &rules, "1");
        no_group.customer_group = None;
        assert_eq!(
            explain(&resolve(&no_group, no_turnover))[1],
            "customer_group_mismatch: only for customer group Retail, the customer has no group"
        );
    }

    #[test]
    fn the_best_rule_wins_alone_and_ties_go_to_the_earlier_rule() {
        let mut retail = rule("Retail", "30");
        retail.fields.customer_group = Some("Retail".into());
        let rules = [rule("Base", "5"), rule("Big", "12"), rule("Wholesale", "12"), retail];
        let resolution = resolve(&query(None, &rules, "1"), no_turnover);
        assert_eq!(resolution.discount_percent, d("12"));
        assert_eq!(resolution.discount_rule_id, Some(rules[1].id));
        assert_eq!(
            explain(&resolution)[1..],
            [
                "not_best: a better rule applies: Big (12 %)",
                "applied: 12 % discount: applies to everyone",
                "not_best: an earlier rule with the same discount applies: Big (12 %)",
                "customer_group_mismatch: only for customer group Retail, the customer is in Wholesale",
            ]
        );
        let big = Source::DiscountRule {
            id: rules[1].id,
            name: "Big".into(),
        };
        assert_eq!(resolution.explanation[2].source, big);

        let none = resolve(&query(None, &[], "1"), no_turnover);
        assert_eq!((none.discount_percent, none.discount_rule_id), (Decimal::ZERO, None));
    }

    #[test]
    fn turnover_rules_read_the_turnover_of_the_previous_period() {
        let with_turnover = |name, period, threshold, currency| {
            let mut rule = rule(name, "7.5");
            rule.fields.turnover = Some(TurnoverCondition {
                period,
                threshold: d(threshold),
                currency: cur(currency),
            });
            rule
        };
        let mut loyal = with_turnover("Loyal", TurnoverPeriod::Quarter, "5000.00", "EUR");
        loyal.fields.customer_group = Some("Wholesale".into());
        let dollars = with_turnover("Loyal USD", TurnoverPeriod::HalfYear, "100", "USD");
        let mut switched_off = with_turnover("Old", TurnoverPeriod::Year, "1", "EUR");
        switched_off.fields.active = false;
        let rules = [loyal.clone(), dollars, loyal, switched_off];
        let conditions = turnover_conditions(&rules);
        let expected = [
            (TurnoverPeriod::Quarter, cur("EUR")),
            (TurnoverPeriod::HalfYear, cur("USD")),
        ];
        assert_eq!(conditions, expected);

        let asked = RefCell::new(Vec::new());
        let below = |period, currency| {
            asked.borrow_mut().push((period, currency));
            d("4200")
        };
        let resolution = resolve(&query(None, &rules, "1"), below);
        let below_threshold = "turnover_below_threshold: turnover last quarter (2026-07-01 to 2026-09-30) \
                               was 4200.00 EUR, below the threshold of 5000.00 EUR";
        assert_eq!(explain(&resolution)[1], below_threshold);
        assert_eq!(
            explain(&resolution)[3..],
            [below_threshold, "inactive: the rule is switched off"]
        );
        assert!(asked.borrow().iter().all(|pair| conditions.contains(pair)));
        assert_eq!(resolution.discount_rule_id, Some(rules[1].id), "4200 USD reach 100 USD");

        let by_period = |period, _| {
            if period == TurnoverPeriod::Quarter {
                d("5000")
            } else {
                d("99.99")
            }
        };
        let resolution = resolve(&query(None, &rules, "1"), by_period);
        assert_eq!(
            explain(&resolution)[1..4],
            [
                "applied: 7.5 % discount: customer group Wholesale; turnover last quarter (2026-07-01 to \
                 2026-09-30) was 5000.00 EUR, reaching the threshold of 5000.00 EUR",
                "turnover_below_threshold: turnover last half-year (2026-01-01 to 2026-06-30) was 99.99 USD, \
                 below the threshold of 100.00 USD",
                "not_best: an earlier rule with the same discount applies: Loyal (7.5 %)",
            ]
        );
    }

    /// A rule with random conditions around the query of `query` (customer A/B, product X/Y, today ± 3 days).
    fn arb_rule() -> impl Strategy<Value = DiscountRule> {
        let group = |names: [&'static str; 2]| prop::option::of(prop::sample::select(names.to_vec()));
        let turnover = (prop::sample::select(TurnoverPeriod::ALL.to_vec()), 0u32..=200);
        (
            1u32..=20,
            prop::bool::weighted(0.8),
            (group(["A", "B"]), group(["X", "Y"])),
            prop::option::of(0u32..=20),
            (prop::option::of(-3i64..=3), prop::option::of(-3i64..=3)),
            prop::option::of(turnover),
        )
            .prop_map(|(percent, active, (customer, product), min, (from, to), turnover)| {
                let mut rule = rule("Rule", &percent.to_string());
                let f = &mut rule.fields;
                f.active = active;
                f.customer_group = customer.map(str::to_owned);
                f.product_group = product.map(str::to_owned);
                f.min_quantity = min.map(Decimal::from);
                f.valid_from = from.map(|days| today() + TimeDelta::days(days));
                f.valid_to = to.map(|days| today() + TimeDelta::days(days));
                f.turnover = turnover.map(|(period, threshold)| TurnoverCondition {
                    period,
                    threshold: Decimal::from(threshold),
                    currency: cur("EUR"),
                });
                rule
            })
    }

    fn arb_rules() -> impl Strategy<Value = Vec<DiscountRule>> {
        prop::collection::vec(arb_rule(), 0..8).prop_map(|mut rules| {
            for (i, rule) in (0u128..).zip(rules.iter_mut()) {
                rule.id = Uuid::from_u128(100 + i);
            }
            rules
        })
    }

    /// The turnover of each period, in the order of `TurnoverPeriod::ALL`.
    fn turnover_of(turnovers: [u32; 4]) -> impl Fn(TurnoverPeriod, Currency) -> Decimal {
        move |period, _| {
            let index = TurnoverPeriod::ALL.iter().position(|p| *p == period).unwrap();
            Decimal::from(turnovers[index])
        }
    }

    proptest! {
        #[test]
        fn the_discount_is_the_best_percent_among_matching_rules(
            rules in arb_rules(),
            customer in prop::option::of(prop::sample::select(vec!["A", "B"])),
            product in prop::option::of(prop::sample::select(vec!["X", "Y"])),
            quantity in 0u32..=25,
            turnovers in prop::array::uniform4(0u32..=200),
        ) {
            let mut wanted = query(None, &rules, "0");
            wanted.customer_group = customer;
            wanted.product.product_group = product;
            wanted.quantity = Decimal::from(quantity);
            let turnover = turnover_of(turnovers);
            let matches = |rule: &DiscountRule| {
                let f = &rule.fields;
                f.active
                    && f.valid_from.is_none_or(|from| from <= today())
                    && f.valid_to.is_none_or(|to| today() <= to)
                    && f.customer_group.as_deref().is_none_or(|g| customer == Some(g))
                    && f.product_group.as_deref().is_none_or(|g| product == Some(g))
                    && f.min_quantity.is_none_or(|min| min <= wanted.quantity)
                    && f.turnover.as_ref().is_none_or(|t| turnover(t.period, t.currency) >= t.threshold)
            };
            let best = rules.iter().filter(|r| matches(r)).map(|r| r.fields.percent).max();

            let resolution = resolve(&wanted, &turnover);
            prop_assert_eq!(resolution.discount_percent, best.unwrap_or(Decimal::ZERO));
            let applied: Vec<_> = resolution.explanation[1..].iter().filter(|c| c.applied).collect();
            prop_assert_eq!(applied.len(), usize::from(best.is_some()));
            if let Some(winner) = applied.first() {
                let id = resolution.discount_rule_id.unwrap();
                let is_winner = matches!(winner.source, Source::DiscountRule { id: won, .. } if won == id);
                prop_assert!(is_winner);
                let first_best = rules.iter().find(|r| matches(r) && Some(r.fields.percent) == best).unwrap();
                prop_assert_eq!(first_best.id, id);
            }
        }

        #[test]
        fn a_larger_quantity_never_costs_more_per_unit(
            tiers in prop::collection::vec((1i64..=10, 0i64..=500), 1..6),
            first_min in 0i64..=5,
            list_extra in 0i64..=500,
            reversed in any::<bool>(),
            q1 in 0u32..=60,
            q2 in 0u32..=60,
        ) {
            // Tier prices fall as min_quantity rises, and the list price is at least the first tier's.
            let (mut min, mut price) = (first_min, 100_000i64);
            let mut list = price_list("EUR", &[(OTHER_PRODUCT, "0", "0.01")]);
            for (step, drop) in tiers {
                list.fields.entries.push(PriceListEntry {
                    product_id: PRODUCT,
                    unit_price: Decimal::new(price, 2),
                    min_quantity: Decimal::from(min),
                });
                min += step;
                price -= drop;
            }
            if reversed {
                list.fields.entries.reverse();
            }
            let mut small = query(Some(&list), &[], "0");
            small.product.list_price = Decimal::new(100_000 + list_extra, 2);
            small.quantity = Decimal::from(q1.min(q2));
            let mut large = small;
            large.quantity = Decimal::from(q1.max(q2));
            let (small, large) = (resolve(&small, no_turnover), resolve(&large, no_turnover));
            prop_assert!(large.unit_price.unwrap() <= small.unit_price.unwrap());
        }

        #[test]
        fn every_source_is_explained_once_in_order(
            rules in arb_rules(),
            list_currency in prop::option::of(prop::sample::select(vec!["EUR", "USD"])),
            quantity in 0u32..=25,
        ) {
            let list = list_currency.map(|code| price_list(code, &[(PRODUCT, "5", "9.00")]));
            let mut wanted = query(list.as_ref(), &rules, "0");
            wanted.quantity = Decimal::from(quantity);
            let resolution = resolve(&wanted, |_, _| Decimal::ONE_HUNDRED);
            let explanation = &resolution.explanation;
            prop_assert_eq!(explanation.len(), 1 + usize::from(list.is_some()) + rules.len());
            let rules_start = explanation.len() - rules.len();
            prop_assert_eq!(&explanation[rules_start - 1].source, &Source::ListPrice);
            for (considered, rule) in explanation[rules_start..].iter().zip(&rules) {
                let is_rule = matches!(considered.source, Source::DiscountRule { id, .. } if id == rule.id);
                prop_assert!(is_rule);
            }
            prop_assert_eq!(resolution.discount_rule_id.is_some(), resolution.discount_percent > Decimal::ZERO);
        }
    }
}
