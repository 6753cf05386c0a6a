//! Price lists as they travel over HTTP.

use chrono::{DateTime, NaiveDate, Utc};
use domain::pricing::{PriceList, PriceListEntryInput, PriceListInput};
use persistence::price_lists::PriceListSummary;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::double_option;

/// A price for a product from a quantity on (a tier).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceListEntry {
    pub product_id: Uuid,
    /// Per unit, a decimal string ≥ 0 with at most 6 decimals.
    #[schema(value_type = String, example = "9.50")]
    #[serde(deserialize_with = "crate::dto::decimal")]
    pub unit_price: Decimal,
    /// The tier applies from this quantity on (default 0: from the first unit).
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "10")]
    pub min_quantity: Option<Decimal>,
}

/// A new price list.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PriceListBody {
    #[schema(min_length = 1, max_length = 200, example = "Wholesale 2027")]
    pub name: String,
    /// ISO 4217 code; the list prices documents in this currency only.
    #[schema(example = "EUR", pattern = "^[A-Z]{3}$")]
    pub currency: String,
    /// First day the list applies (inclusive); none: always so far.
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    /// Last day the list applies (inclusive); none: open-ended.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    #[serde(default)]
    #[schema(max_items = 10000)]
    pub entries: Vec<PriceListEntry>,
}

/// A change: fields present are set, `null` clears; `entries`, when present, replaces them all.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PriceListPatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub valid_from: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    pub valid_to: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, max_items = 10000)]
    pub entries: Option<Vec<PriceListEntry>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PriceListResponse {
    pub id: Uuid,
    pub name: String,
    pub currency: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// In the order they were sent.
    pub entries: Vec<PriceListEntry>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A price list in a list: without its entries (read the list for them).
#[derive(Debug, Serialize, ToSchema)]
pub struct PriceListSummaryResponse {
    pub id: Uuid,
    pub name: String,
    pub currency: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PriceList> for PriceListResponse {
    fn from(list: PriceList) -> Self {
        let f = list.fields;
        let currency = f.currency;
        Self {
            id: list.id,
            name: f.name,
            currency: f.currency.code().to_owned(),
            valid_from: f.valid_from,
            valid_to: f.valid_to,
            entries: f
                .entries
                .into_iter()
                .map(|e| PriceListEntry {
                    product_id: e.product_id,
                    unit_price: domain::money::shown_price(e.unit_price, currency),
                    min_quantity: Some(e.min_quantity),
                })
                .collect(),
            version: list.version,
            created_at: list.created_at,
            updated_at: list.updated_at,
        }
    }
}

impl From<PriceListSummary> for PriceListSummaryResponse {
    fn from(s: PriceListSummary) -> Self {
        Self {
            id: s.id,
            name: s.name,
            currency: s.currency.code().to_owned(),
            valid_from: s.valid_from,
            valid_to: s.valid_to,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

impl From<PriceListEntry> for PriceListEntryInput {
    fn from(e: PriceListEntry) -> Self {
        Self {
            product_id: e.product_id,
            unit_price: e.unit_price,
            min_quantity: e.min_quantity,
        }
    }
}

impl From<PriceListBody> for PriceListInput {
    fn from(body: PriceListBody) -> Self {
        Self {
            name: body.name,
            currency: body.currency,
            valid_from: body.valid_from,
            valid_to: body.valid_to,
            entries: body.entries.into_iter().map(Into::into).collect(),
        }
    }
}

impl PriceListPatch {
    pub fn apply_to(self, input: &mut PriceListInput) {
        if let Some(name) = self.name {
            input.name = name;
        }
        if let Some(currency) = self.currency {
            input.currency = currency;
        }
        if let Some(valid_from) = self.valid_from {
            input.valid_from = valid_from;
        }
        if let Some(valid_to) = self.valid_to {
            input.valid_to = valid_to;
        }
        if let Some(entries) = self.entries {
            input.entries = entries.into_iter().map(Into::into).collect();
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PriceListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// Only price lists changed at or after this instant, oldest change first (the incremental sync).
    pub updated_since: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of price lists, by name, without their entries.
    PriceListPage(PriceListSummaryResponse)
);
