//! Price lists: their quantity tiers, the checks of a list a client sent, and the rules of a change.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{MAX_ENTRIES, NAME_MAX, check_window, within};
use crate::currency::Currency;
use crate::money;
use crate::text;
use crate::validation::ValidationErrors;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::fixtures::{OTHER_PRODUCT, PRODUCT, d, day, fields_of};

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
}
