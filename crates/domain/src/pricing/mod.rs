//! Pricing: price lists, discount rules and the resolution of a unit price and discount.
//!
//! A party's unit price for a product is the tier of its price list with the highest `min_quantity`
//! not above the quantity, else the product's list price. Its discount is the single best matching
//! rule: discounts never stack. Resolution is a pure function of what the caller loaded beforehand
//! (the candidate rules, the party's turnover), so every answer can be explained and tested.

mod discount;
#[cfg(test)]
mod fixtures;
mod price_list;
mod resolution;

use chrono::NaiveDate;

use crate::time;
use crate::validation::ValidationErrors;

pub use discount::{DiscountRule, DiscountRuleFields, DiscountRuleInput, TurnoverCondition, TurnoverPeriod};
pub use price_list::{PriceList, PriceListEntry, PriceListEntryInput, PriceListFields, PriceListInput};
pub use resolution::{Consideration, PricedProduct, PricingQuery, Resolution, Source, resolve, turnover_conditions};

pub const NAME_MAX: usize = 200;
pub const GROUP_MAX: usize = 100;
pub const MAX_ENTRIES: usize = 10_000;

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
