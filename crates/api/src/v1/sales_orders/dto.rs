//! The sales order resource as it travels over HTTP: lines inline with their invoicing, totals
//! and `allowed_actions`.

use chrono::{DateTime, NaiveDate, Utc};
use domain::document::Totals;
use domain::money::shown_price;
use domain::sales_order::{self as model, SalesOrder, SalesOrderChange, SalesOrderInput};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{LineBody, TaxShareResponse, actions_enum, allowed_actions, double_option, mirror_enum, whole_i32};
use crate::v1::parties::dto::Address;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SalesOrderStatus {
    Draft,
    Confirmed,
    Completed,
    Cancelled,
}

/// What may be done with a sales order now: a transition (`POST /sales-orders/{id}/{action}`),
/// `update` or `delete` a draft (`PATCH`, `DELETE /sales-orders/{id}`), or `invoice` what remains
/// of a confirmed order (`POST /invoice-orders {"sales_order_id"}`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SalesOrderAction {
    Confirm,
    Complete,
    Cancel,
    Update,
    Delete,
    Invoice,
}

/// How much of a line or an order is invoiced.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoicingStatus {
    NotInvoiced,
    PartiallyInvoiced,
    FullyInvoiced,
}

mirror_enum!(SalesOrderStatus <-> model::SalesOrderStatus { Draft, Confirmed, Completed, Cancelled });
actions_enum!(SalesOrderAction <- model::SalesOrderAction { Confirm, Complete, Cancel });
mirror_enum!(InvoicingStatus <-> model::InvoicingStatus { NotInvoiced, PartiallyInvoiced, FullyInvoiced });

/// A new order: either `{"offer_id"}` alone, converting an accepted offer (its counted lines,
/// linked to their offer lines; an offer converts once), or a direct order with `party_id` and
/// `lines`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SalesOrderBody {
    /// The accepted offer to convert.
    #[serde(default)]
    pub offer_id: Option<Uuid>,
    /// For a direct order.
    #[serde(default)]
    pub party_id: Option<Uuid>,
    /// Direct orders: defaults to the caller for sales users.
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    /// Direct orders: ISO 4217, defaults to the party's currency.
    #[serde(default)]
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// Direct orders: defaults to today.
    #[serde(default)]
    pub order_date: Option<NaiveDate>,
    /// Direct orders: defaults to the party's.
    #[serde(default, deserialize_with = "whole_i32")]
    #[schema(minimum = 0, maximum = 365)]
    pub payment_terms_days: Option<i32>,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    /// Direct orders: at least one.
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub lines: Vec<LineBody>,
    /// The id of this order in the integrator's system (direct orders and conversions); unique.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

/// The whole direct order, for an upsert by external id: created like `POST /sales-orders` with
/// `party_id`, or replacing the draft's header and lines. Omitted fields get their defaults (the
/// order date stays the day the order was made); party and currency cannot change.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SalesOrderUpsertBody {
    pub party_id: Uuid,
    /// Defaults to the caller for sales users.
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    /// ISO 4217, defaults to the party's currency.
    #[serde(default)]
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// Defaults to today (on a replace: the order's date).
    #[serde(default)]
    pub order_date: Option<NaiveDate>,
    /// Defaults to the party's.
    #[serde(default, deserialize_with = "whole_i32")]
    #[schema(minimum = 0, maximum = 365)]
    pub payment_terms_days: Option<i32>,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    /// At least one; they replace every line of the draft, priced like a new order's.
    #[schema(min_items = 1, max_items = 1000)]
    pub lines: Vec<LineBody>,
    /// Absent, or equal to the external id in the path.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

impl SalesOrderUpsertBody {
    /// The order as a direct order's input, and the external id of the body.
    pub fn into_input(self) -> (SalesOrderInput, Option<String>) {
        let input = SalesOrderInput {
            party_id: self.party_id,
            owner_id: self.owner_id,
            currency: self.currency,
            order_date: self.order_date,
            payment_terms_days: self.payment_terms_days,
            notes: self.notes,
            lines: self.lines.into_iter().map(Into::into).collect(),
        };
        (input, self.external_id)
    }
}

/// A change of a draft's header; its lines stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SalesOrderPatch {
    #[serde(default, deserialize_with = "double_option")]
    pub owner_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub order_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "whole_i32")]
    #[schema(minimum = 0, maximum = 365)]
    pub payment_terms_days: Option<i32>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 10000)]
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SalesOrderLineResponse {
    pub id: Uuid,
    /// 1, 2, …: the line's place in the document, in the order of the positions sent (renumbered
    /// from 1).
    #[schema(minimum = 1, example = 1)]
    pub position: i32,
    /// The offer line it was ordered from.
    pub offer_line_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub description: String,
    #[schema(value_type = String, example = "2.5")]
    pub quantity: Decimal,
    pub unit: String,
    #[schema(value_type = String, example = "19.99")]
    pub unit_price: Decimal,
    #[schema(value_type = String, example = "10")]
    pub discount_percent: Decimal,
    #[schema(value_type = String, example = "19")]
    pub tax_rate: Decimal,
    #[schema(value_type = String, example = "44.98")]
    pub line_net: Decimal,
    /// On open invoice orders.
    #[schema(value_type = String, example = "1")]
    pub reserved_quantity: Decimal,
    #[schema(value_type = String, example = "1")]
    pub invoiced_quantity: Decimal,
    /// What may still go on an invoice order: quantity − invoiced − reserved.
    #[schema(value_type = String, example = "0.5")]
    pub remaining_quantity: Decimal,
    pub invoicing_status: InvoicingStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SalesOrderResponse {
    pub id: Uuid,
    #[schema(example = "SO-2026-000001")]
    pub number: String,
    pub party_id: Uuid,
    /// The accepted offer it was made from.
    pub offer_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub currency: String,
    pub order_date: NaiveDate,
    pub payment_terms_days: i32,
    /// Copied from the party when the order was made.
    pub billing_address: Option<Address>,
    pub shipping_address: Option<Address>,
    pub notes: Option<String>,
    pub status: SalesOrderStatus,
    pub invoicing_status: InvoicingStatus,
    pub lines: Vec<SalesOrderLineResponse>,
    #[schema(value_type = String, example = "91.26")]
    pub net_total: Decimal,
    #[schema(value_type = String, example = "17.11")]
    pub tax_total: Decimal,
    #[schema(value_type = String, example = "108.37")]
    pub total: Decimal,
    pub tax_breakdown: Vec<TaxShareResponse>,
    /// What the caller may do with it now.
    pub allowed_actions: Vec<SalesOrderAction>,
    pub external_id: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SalesOrderResponse {
    /// The order for a caller who may (`may_act`) or may not act on it, and who may or may not
    /// make invoice orders (`may_invoice`).
    pub fn new(order: SalesOrder, may_act: bool, may_invoice: bool) -> Self {
        let Totals {
            net_total,
            tax_total,
            total,
            tax_breakdown,
        } = order.totals();
        let invoicing_status = order.invoicing_status().into();
        let draft = may_act && order.check_editable().is_ok();
        let allowed_actions = allowed_actions(
            may_act,
            order.allowed_actions(),
            [
                (SalesOrderAction::Update, draft),
                (SalesOrderAction::Delete, draft),
                (SalesOrderAction::Invoice, may_invoice && order.is_invoiceable()),
            ],
        );
        let f = order.fields;
        let currency = f.currency;
        Self {
            id: order.id,
            number: order.number,
            party_id: f.party_id,
            offer_id: f.offer_id,
            owner_id: f.owner_id,
            currency: currency.code().to_owned(),
            order_date: f.order_date,
            payment_terms_days: f.payment_terms_days,
            billing_address: f.billing_address.map(Into::into),
            shipping_address: f.shipping_address.map(Into::into),
            notes: f.notes,
            status: order.status.into(),
            invoicing_status,
            lines: (1..)
                .zip(f.lines)
                .map(|(position, line)| SalesOrderLineResponse {
                    line_net: line.amounts().net(currency),
                    remaining_quantity: line.remaining(),
                    invoicing_status: line.invoicing_status().into(),
                    id: line.id,
                    position,
                    offer_line_id: line.offer_line_id,
                    product_id: line.product_id,
                    description: line.description,
                    quantity: line.quantity.normalize(),
                    unit: line.unit,
                    unit_price: shown_price(line.unit_price, currency),
                    discount_percent: line.discount_percent.normalize(),
                    tax_rate: line.tax_rate.normalize(),
                    reserved_quantity: line.reserved_quantity,
                    invoiced_quantity: line.invoiced_quantity,
                })
                .collect(),
            net_total,
            tax_total,
            total,
            tax_breakdown: tax_breakdown.into_iter().map(Into::into).collect(),
            allowed_actions,
            external_id: order.external_id,
            version: order.version,
            created_at: order.created_at,
            updated_at: order.updated_at,
        }
    }
}

impl From<SalesOrderPatch> for SalesOrderChange {
    fn from(patch: SalesOrderPatch) -> Self {
        Self {
            owner_id: patch.owner_id,
            order_date: patch.order_date,
            payment_terms_days: patch.payment_terms_days,
            notes: patch.notes,
            lines: None,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SalesOrderListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `created_at`, `updated_at` or `number`, `-` for descending (default `created_at`;
    /// `updated_at` when `updated_since` is given).
    #[param(value_type = Option<String>, pattern = "^-?(created_at|updated_at|number)$")]
    pub sort: Option<crate::query::Sort>,
    #[serde(default)]
    pub status: Vec<SalesOrderStatus>,
    pub party_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub offer_id: Option<Uuid>,
    #[param(example = "SO-2026-000001")]
    pub number: Option<String>,
    /// The exact external id.
    pub external_id: Option<String>,
    /// Ordered on or after this day.
    pub order_date_from: Option<NaiveDate>,
    /// Ordered on or before this day.
    pub order_date_to: Option<NaiveDate>,
    /// Case-insensitive text search: in the number (`SO-2026`, `000001`), or in the party's name (email and external id too, as `q` on `/parties` searches).
    #[param(max_length = 200, example = "acme")]
    pub q: Option<String>,
    /// Only orders changed at or after this instant; without `sort`, oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of sales orders, each with its lines.
    SalesOrderPage(SalesOrderResponse)
);
