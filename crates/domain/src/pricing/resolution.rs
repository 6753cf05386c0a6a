//! The resolution of a unit price and a discount for one query, with the reason for every source
//! considered, in words a salesperson understands.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{DiscountRule, PriceList, PriceListEntry, TurnoverPeriod, within};
use crate::contract::{self, Contract};
use crate::currency::Currency;
use crate::money;

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
    /// The party's contracts that may apply on `date` (see [`contract::choose`]).
    pub contracts: &'a [Contract],
    /// The price list of the contract chosen on `date`, if it names one.
    pub contract_price_list: Option<&'a PriceList>,
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
    /// The contract whose conditions applied (its price list, its discount or both were candidates).
    pub contract_id: Option<Uuid>,
    /// The contracts, the price lists (the contract's, then the party's), the list price, the
    /// contract's discount, then every rule in the order given.
    pub explanation: Vec<Consideration>,
}

/// Where a price or discount could come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A contract of the party, considered for the date.
    Contract {
        id: Uuid,
        number: String,
    },
    PriceList {
        id: Uuid,
        name: String,
    },
    ListPrice,
    /// The discount of the contract chosen.
    ContractDiscount {
        id: Uuid,
        number: String,
    },
    DiscountRule {
        id: Uuid,
        name: String,
    },
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
    let mut explanation = Vec::with_capacity(query.contracts.len() + query.rules.len() + 4);
    let (contract, considered) = contract::choose(query.contracts, query.date);
    for c in considered {
        let source = Source::Contract {
            id: c.contract.id,
            number: c.contract.number.clone(),
        };
        let outcome = if c.chosen {
            Ok(c.reason)
        } else {
            Err((c.code, c.reason))
        };
        explanation.push(Consideration::new(source, outcome));
    }
    let mut unit_price = None;
    if let Some((contract, list)) = contract.zip(query.contract_price_list) {
        let tier = tier_for(list, query);
        unit_price = tier.as_ref().ok().map(|entry| entry.unit_price);
        let whose = format!("the price list of contract {}", contract.number);
        let outcome = tier
            .map(|entry| format!("{whose}: {}", tier_reason(entry, query.currency)))
            .map_err(|(code, reason)| (code, format!("{whose}: {reason}")));
        explanation.push(Consideration::new(price_list_source(list), outcome));
    }
    if let Some(list) = query.price_list {
        let outcome = if let Some(contract) = contract.filter(|_| unit_price.is_some()) {
            let reason = format!(
                "not used: the price list of contract {} gives the price",
                contract.number
            );
            Err(("not_needed", reason))
        } else {
            let tier = tier_for(list, query);
            unit_price = tier.as_ref().ok().map(|entry| entry.unit_price);
            tier.map(|entry| tier_reason(entry, query.currency))
        };
        explanation.push(Consideration::new(price_list_source(list), outcome));
    }
    let list_price = list_price_for(&query.product, query.currency, unit_price.is_some());
    if list_price.is_ok() {
        unit_price = Some(query.product.list_price);
    }
    explanation.push(Consideration::new(Source::ListPrice, list_price));

    let contract_discount = contract.and_then(|c| c.fields.discount_percent.map(|percent| (c, percent)));
    let outcomes: Vec<_> = query
        .rules
        .iter()
        .map(|rule| rule_matches(rule, query, &turnover))
        .collect();
    let best = best_rule(query.rules, &outcomes);
    let best_percent = best.map_or(Decimal::ZERO, |b| query.rules[b].fields.percent);
    // The contract's discount is the first candidate: the earliest wins a tie.
    let contract_wins = contract_discount.is_some_and(|(_, percent)| percent >= best_percent);
    if let Some((contract, percent)) = contract_discount {
        let outcome = match best.filter(|_| !contract_wins) {
            None => Ok(format!(
                "{} discount of contract {}",
                self::percent(percent),
                contract.number
            )),
            Some(b) => Err(("not_best", beaten_by(&query.rules[b]))),
        };
        let source = Source::ContractDiscount {
            id: contract.id,
            number: contract.number.clone(),
        };
        explanation.push(Consideration::new(source, outcome));
    }
    for (i, (rule, outcome)) in query.rules.iter().zip(outcomes).enumerate() {
        let outcome = outcome.and_then(|met| match (contract_discount.filter(|_| contract_wins), best) {
            (Some((contract, percent)), _) => Err((
                "not_best",
                format!(
                    "the discount of contract {} is at least as good ({})",
                    contract.number,
                    self::percent(percent)
                ),
            )),
            (None, Some(b)) if b == i => Ok(format!("{} discount: {met}", percent(rule.fields.percent))),
            (None, Some(b)) => Err(("not_best", beaten_by_rule(rule, &query.rules[b]))),
            (None, None) => Err(("not_best", "it gives no discount (0 %)".to_owned())),
        });
        let source = Source::DiscountRule {
            id: rule.id,
            name: rule.fields.name.clone(),
        };
        explanation.push(Consideration::new(source, outcome));
    }
    let (discount_percent, discount_rule_id) = match (contract_discount, best) {
        (Some((_, percent)), _) if contract_wins => (percent, None),
        (_, Some(b)) => (query.rules[b].fields.percent, Some(query.rules[b].id)),
        _ => (Decimal::ZERO, None),
    };
    Resolution {
        unit_price,
        currency: query.currency,
        discount_percent,
        discount_rule_id,
        contract_id: contract.map(|c| c.id),
        explanation,
    }
}

fn price_list_source(list: &PriceList) -> Source {
    Source::PriceList {
        id: list.id,
        name: list.fields.name.clone(),
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

fn beaten_by(winner: &DiscountRule) -> String {
    format!(
        "a better rule applies: {} ({})",
        winner.fields.name,
        percent(winner.fields.percent)
    )
}

fn beaten_by_rule(rule: &DiscountRule, winner: &DiscountRule) -> String {
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
mod tests;
