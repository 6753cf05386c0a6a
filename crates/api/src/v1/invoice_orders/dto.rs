//! Invoice orders as they travel over HTTP.

use chrono::{DateTime, Utc};
use domain::document::Totals;
use domain::invoice_order::{self as model, InvoiceOrder, RequestedLine};
use domain::money::shown_price;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{TaxShareResponse, mirror_enum};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceOrderStatus {
    Open,
    Invoiced,
    Cancelled,
}

/// A transition: `POST /invoice-orders/{id}/{action}` (an invoice is made with `POST /invoices`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceOrderAction {
    Invoice,
    Cancel,
}

mirror_enum!(InvoiceOrderStatus <-> model::InvoiceOrderStatus { Open, Invoiced, Cancelled });
mirror_enum!(InvoiceOrderAction <-> model::InvoiceOrderAction { Invoice, Cancel });

/// This much of that sales order line.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct InvoiceOrderLineBody {
    /// Where the line stands in the document: 1, 2, …, unique in it (a duplicate is a 422
    /// `duplicate` at `lines[i].position`). Without it, the line stands at its place in `lines`
    /// (counted from 1). Lines are ordered by position and stored numbered 1, 2, … in that order,
    /// which is the `position` responses show.
    #[serde(default, deserialize_with = "crate::dto::whole_i32")]
    #[schema(minimum = 1, example = 1)]
    pub position: Option<i32>,
    pub sales_order_line_id: Uuid,
    /// Greater than 0 and within what remains of the line (ordered − invoiced − reserved).
    #[serde(deserialize_with = "crate::dto::decimal")]
    #[schema(value_type = String, example = "2")]
    pub quantity: Decimal,
}

/// `{"sales_order_id"}` alone takes everything that remains of that order; with `lines`, those
/// quantities (of that order, or of several confirmed orders of one party and currency, with
/// `sales_order_id` left out).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct InvoiceOrderBody {
    #[serde(default)]
    pub sales_order_id: Option<Uuid>,
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub lines: Option<Vec<InvoiceOrderLineBody>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceOrderLineResponse {
    pub id: Uuid,
    /// 1, 2, …: the line's place in the document, in the order of the positions sent (renumbered
    /// from 1).
    #[schema(minimum = 1, example = 1)]
    pub position: i32,
    pub sales_order_id: Uuid,
    pub sales_order_line_id: Uuid,
    pub product_id: Option<Uuid>,
    pub description: String,
    /// To be invoiced.
    #[schema(value_type = String, example = "2")]
    pub quantity: Decimal,
    pub unit: String,
    #[schema(value_type = String, example = "19.99")]
    pub unit_price: Decimal,
    #[schema(value_type = String, example = "0")]
    pub discount_percent: Decimal,
    #[schema(value_type = String, example = "19")]
    pub tax_rate: Decimal,
    #[schema(value_type = String, example = "39.98")]
    pub line_net: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceOrderResponse {
    pub id: Uuid,
    pub party_id: Uuid,
    pub currency: String,
    pub status: InvoiceOrderStatus,
    pub lines: Vec<InvoiceOrderLineResponse>,
    /// What the invoice made of it will come to.
    #[schema(value_type = String, example = "39.98")]
    pub net_total: Decimal,
    #[schema(value_type = String, example = "7.60")]
    pub tax_total: Decimal,
    #[schema(value_type = String, example = "47.58")]
    pub total: Decimal,
    pub tax_breakdown: Vec<TaxShareResponse>,
    /// The transitions the caller may perform now (an invoice is made with `POST /invoices`).
    pub allowed_actions: Vec<InvoiceOrderAction>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl InvoiceOrderResponse {
    pub fn new(order: InvoiceOrder, may_act: bool) -> Self {
        let Totals {
            net_total,
            tax_total,
            total,
            tax_breakdown,
        } = order.totals();
        let allowed_actions = if may_act {
            order.allowed_actions().into_iter().map(Into::into).collect()
        } else {
            Vec::new()
        };
        let currency = order.currency;
        Self {
            id: order.id,
            party_id: order.party_id,
            currency: currency.code().to_owned(),
            status: order.status.into(),
            lines: (1..)
                .zip(order.lines)
                .map(|(position, line)| InvoiceOrderLineResponse {
                    line_net: line.amounts().net(currency),
                    id: line.id,
                    position,
                    sales_order_id: line.sales_order_id,
                    sales_order_line_id: line.ordered.id,
                    product_id: line.ordered.product_id,
                    description: line.ordered.description,
                    quantity: line.quantity,
                    unit: line.ordered.unit,
                    unit_price: shown_price(line.ordered.unit_price, currency),
                    discount_percent: line.ordered.discount_percent.normalize(),
                    tax_rate: line.ordered.tax_rate.normalize(),
                })
                .collect(),
            net_total,
            tax_total,
            total,
            tax_breakdown: tax_breakdown.into_iter().map(Into::into).collect(),
            allowed_actions,
            version: order.version,
            created_at: order.created_at,
            updated_at: order.updated_at,
        }
    }
}

impl From<InvoiceOrderLineBody> for RequestedLine {
    fn from(body: InvoiceOrderLineBody) -> Self {
        Self {
            position: body.position,
            sales_order_line_id: body.sales_order_line_id,
            quantity: body.quantity,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InvoiceOrderListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `created_at` or `updated_at`, `-` for descending (default `created_at`; `updated_at`
    /// when `updated_since` is given).
    #[param(value_type = Option<String>, pattern = "^-?(created_at|updated_at)$")]
    pub sort: Option<crate::query::Sort>,
    #[serde(default)]
    pub status: Vec<InvoiceOrderStatus>,
    pub party_id: Option<Uuid>,
    /// Invoice orders with a line of this sales order.
    pub sales_order_id: Option<Uuid>,
    /// Case-insensitive text search: invoice orders have no number of their own: in the numbers of the sales orders they invoice (`SO-2026-000001`), or in the party's name (email and external id too, as `q` on `/parties` searches).
    #[param(max_length = 200, example = "acme")]
    pub q: Option<String>,
    /// Only invoice orders changed at or after this instant; without `sort`, oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of invoice orders, each with its lines.
    InvoiceOrderPage(InvoiceOrderResponse)
);
