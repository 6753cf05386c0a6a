//! Fixtures the pricing tests share: shorthands for dates, amounts and currencies, two products,
//! and a plain discount rule.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{DiscountRule, DiscountRuleFields};
pub(super) use crate::fixtures::{cur, d, day};
use crate::validation::ValidationErrors;

pub(super) const PRODUCT: Uuid = Uuid::from_u128(1);
pub(super) const OTHER_PRODUCT: Uuid = Uuid::from_u128(2);

pub(super) fn today() -> NaiveDate {
    day("2026-11-25")
}

pub(super) fn fields_of(errors: &ValidationErrors) -> Vec<(&str, &str)> {
    errors.errors().iter().map(|e| (e.field.as_str(), e.code)).collect()
}

/// An active rule without conditions; its id follows its name (short names spell distinct ids).
pub(super) fn rule(name: &str, percent: &str) -> DiscountRule {
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
