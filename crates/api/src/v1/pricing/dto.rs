//! `GET /pricing/resolve`: the question and the answer, with the explanation.

use chrono::NaiveDate;
use domain::pricing::{self, Consideration, Resolution};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ResolveQuery {
    pub party_id: Uuid,
    pub product_id: Uuid,
    /// A decimal greater than 0 with at most 4 decimals (default 1).
    #[param(pattern = r"^[0-9]+(\.[0-9]+)?$", example = "10")]
    pub quantity: Option<String>,
    /// The day the price is for (default today, UTC).
    pub date: Option<NaiveDate>,
    /// The currency the price is wanted in (default the party's currency, else the product's).
    #[param(pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
}

/// Where a price or discount could come from.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A contract of the party: whether its conditions apply on the date.
    Contract,
    PriceList,
    ListPrice,
    /// The discount of the contract that applies.
    ContractDiscount,
    DiscountRule,
}

/// One source considered, and why it applied or not.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsiderationResponse {
    pub source: SourceKind,
    /// The contract, price list or discount rule (null for the list price).
    pub source_id: Option<Uuid>,
    /// The contract's number, the price list's or the rule's name.
    pub source_name: Option<String>,
    pub applied: bool,
    /// Stable: `applied`, `not_valid_on_date`, `not_chosen` (another contract applies),
    /// `currency_mismatch`, `no_entry_for_product`,
    /// `below_lowest_tier`, `not_needed`, `inactive`, `customer_group_mismatch`,
    /// `product_group_mismatch`, `below_min_quantity`, `turnover_below_threshold`, `not_best`.
    pub code: String,
    /// For people: what held, or what did not.
    pub reason: String,
}

/// A unit price and a discount, and every rule considered on the way.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolutionResponse {
    pub party_id: Uuid,
    pub product_id: Uuid,
    #[schema(value_type = String, example = "10")]
    pub quantity: Decimal,
    pub date: NaiveDate,
    pub currency: String,
    /// Null when there is no price in the currency.
    #[schema(value_type = Option<String>, example = "9.50")]
    pub unit_price: Option<Decimal>,
    /// Percent, of the best matching discount rule or of the contract that applies (discounts do
    /// not stack); 0 when none applies.
    #[schema(value_type = String, example = "5")]
    pub discount_percent: Decimal,
    /// The rule the discount comes from; null when none applies or the contract's is the best.
    pub discount_rule_id: Option<Uuid>,
    /// The contract whose conditions applied on the date (its price list first, its discount as a
    /// candidate); null when none runs then.
    pub contract_id: Option<Uuid>,
    pub explanation: Vec<ConsiderationResponse>,
}

impl ResolutionResponse {
    pub fn new(party_id: Uuid, product_id: Uuid, quantity: Decimal, date: NaiveDate, resolution: Resolution) -> Self {
        Self {
            party_id,
            product_id,
            quantity: quantity.normalize(),
            date,
            currency: resolution.currency.code().to_owned(),
            unit_price: resolution
                .unit_price
                .map(|price| domain::money::shown_price(price, resolution.currency)),
            discount_percent: resolution.discount_percent.normalize(),
            discount_rule_id: resolution.discount_rule_id,
            contract_id: resolution.contract_id,
            explanation: resolution.explanation.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<Consideration> for ConsiderationResponse {
    fn from(c: Consideration) -> Self {
        let (source, source_id, source_name) = match c.source {
            pricing::Source::Contract { id, number } => (SourceKind::Contract, Some(id), Some(number)),
            pricing::Source::ContractDiscount { id, number } => (SourceKind::ContractDiscount, Some(id), Some(number)),
            pricing::Source::PriceList { id, name } => (SourceKind::PriceList, Some(id), Some(name)),
            pricing::Source::ListPrice => (SourceKind::ListPrice, None, None),
            pricing::Source::DiscountRule { id, name } => (SourceKind::DiscountRule, Some(id), Some(name)),
        };
        Self {
            source,
            source_id,
            source_name,
            applied: c.applied,
            code: c.code.to_owned(),
            reason: c.reason,
        }
    }
}
