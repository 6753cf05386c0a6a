//! The product resource as it travels over HTTP, and its conversions to and from the domain.

use chrono::{DateTime, Utc};
use domain::product::{self as model, Product, ProductInput};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{double_option, mirror_enum};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    Goods,
    Service,
}

mirror_enum!(ProductKind <-> model::ProductKind { Goods, Service });

/// A product: the whole record, for create and for upsert by external id.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ProductBody {
    /// Unique across all products, archived ones included.
    #[schema(min_length = 1, max_length = 64, example = "BOLT-M8")]
    pub sku: String,
    #[schema(min_length = 1, max_length = 200, example = "Hex bolt M8")]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// Defaults to `goods`.
    #[serde(default)]
    pub kind: Option<ProductKind>,
    /// Defaults to `pcs` for goods and `h` for services.
    #[serde(default)]
    #[schema(max_length = 20, example = "pcs")]
    pub unit: Option<String>,
    /// Per unit, before tax: a decimal string ≥ 0 with at most 6 decimals.
    #[schema(value_type = String, example = "1.255")]
    #[serde(deserialize_with = "crate::dto::decimal")]
    pub list_price: Decimal,
    /// ISO 4217 code.
    #[schema(example = "EUR", pattern = "^[A-Z]{3}$")]
    pub currency: String,
    /// Percent, 0–100, at most 2 decimals.
    #[schema(value_type = String, example = "19")]
    #[serde(deserialize_with = "crate::dto::decimal")]
    pub tax_rate: Decimal,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub product_group: Option<String>,
    /// Inactive products stay in the catalog but take no new lines; defaults to true.
    #[serde(default)]
    pub active: Option<bool>,
    /// The id of this product in the integrator's system; unique.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

/// Up to 100 products to create or replace by external id: `POST /products/batch`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ProductBatchBody {
    /// 1–100 items, each the body of `PUT /products/by-external-id/{external_id}` with its
    /// `external_id` required. An item that repeats an earlier item's external id is refused
    /// (422 `duplicate_in_batch`).
    #[schema(value_type = Vec<ProductBody>, min_items = 1, max_items = 100)]
    pub items: Vec<serde_json::Value>,
    /// `false` (default): each item is its own transaction, and a failed item leaves the others.
    /// `true`: all items or none; if any fails, nothing is committed (422 `batch_failed`).
    #[serde(default)]
    pub all_or_none: bool,
}

/// A change: fields present are set, `null` clears, absent fields are kept.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 64)]
    pub sku: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 10000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub kind: Option<ProductKind>,
    /// `null` restores the kind's default unit.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 20)]
    pub unit: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "1.255")]
    pub list_price: Option<Decimal>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "19")]
    pub tax_rate: Option<Decimal>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 100)]
    pub product_group: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 200)]
    pub external_id: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductResponse {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: ProductKind,
    pub unit: String,
    #[schema(value_type = String, example = "1.255")]
    pub list_price: Decimal,
    pub currency: String,
    #[schema(value_type = String, example = "19")]
    pub tax_rate: Decimal,
    pub product_group: Option<String>,
    pub active: bool,
    pub external_id: Option<String>,
    /// Set when the product was archived (deleted); archived products take no new lines.
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Product> for ProductResponse {
    fn from(p: Product) -> Self {
        let f = p.fields;
        Self {
            id: p.id,
            sku: f.sku,
            name: f.name,
            description: f.description,
            kind: f.kind.into(),
            unit: f.unit,
            list_price: domain::money::shown_price(f.list_price, f.currency),
            currency: f.currency.code().to_owned(),
            tax_rate: f.tax_rate,
            product_group: f.product_group,
            active: f.active,
            external_id: f.external_id,
            archived_at: p.archived_at,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

impl From<ProductBody> for ProductInput {
    fn from(body: ProductBody) -> Self {
        Self {
            sku: body.sku,
            name: body.name,
            description: body.description,
            kind: body.kind.map_or(model::ProductKind::Goods, Into::into),
            unit: body.unit,
            list_price: body.list_price,
            currency: body.currency,
            tax_rate: body.tax_rate,
            product_group: body.product_group,
            active: body.active,
            external_id: body.external_id,
        }
    }
}

impl ProductPatch {
    /// Applies the present fields to `input`, the current record in input form.
    pub fn apply_to(self, input: &mut ProductInput) {
        fn set<T>(target: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *target = value;
            }
        }
        set(&mut input.sku, self.sku);
        set(&mut input.name, self.name);
        set(&mut input.description, self.description);
        set(&mut input.kind, self.kind.map(Into::into));
        set(&mut input.unit, self.unit);
        set(&mut input.list_price, self.list_price);
        set(&mut input.currency, self.currency);
        set(&mut input.tax_rate, self.tax_rate);
        set(&mut input.product_group, self.product_group);
        set(&mut input.active, self.active.map(Some));
        set(&mut input.external_id, self.external_id);
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProductListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `name`, `sku`, `created_at` or `updated_at`, `-` for descending (default `name`;
    /// `updated_at` when `updated_since` is given).
    #[param(value_type = Option<String>, pattern = "^-?(name|sku|created_at|updated_at)$")]
    pub sort: Option<crate::query::Sort>,
    #[serde(default)]
    pub kind: Vec<ProductKind>,
    pub product_group: Option<String>,
    pub active: Option<bool>,
    pub sku: Option<String>,
    pub external_id: Option<String>,
    /// Case-insensitive text search in SKU, name and external id.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only products changed at or after this instant; without `sort`, oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
    /// Include archived products (default false).
    pub include_archived: Option<bool>,
}

crate::pagination::page_of!(
    /// A page of products.
    ProductPage(ProductResponse)
);
