//! `GET /api/v1/{offers|sales-orders|invoice-orders|invoices|subscriptions}/{id}/flow`: the chain of documents a
//! document belongs to, up and down, with every line's quantities along it. Each handler lives
//! here and is mounted in its resource's scope.
//!
//! The flow endpoints, one per kind of document it may start from; each is mounted in the scope
//! of its resource.

pub mod dto;

use actix_web::{HttpResponse, get, web};
use domain::access::Permission;
use uuid::Uuid;

use self::dto::FlowResponse;
use crate::auth::{Authorized, Caller};
use crate::error::ApiError;
use crate::state::AppState;
use app::flow::{self as service, Start};

async fn respond(state: &AppState, caller: &Caller, start: Start) -> Result<HttpResponse, ApiError> {
    let flow = service::flow(&state.db, caller, start).await?;
    Ok(HttpResponse::Ok().json(FlowResponse::from(flow)))
}

/// The chain this offer belongs to: its opportunity, the order it became, that order's invoice
/// orders, invoices and credit notes, with every line's quantities.
#[utoipa::path(
    tag = "offers",
    operation_id = "get_offer_flow",
    params(("id" = Uuid, Path, description = "Offer id")),
    responses(
        (status = 200, description = "The document flow", body = FlowResponse),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadOffers)))
)]
#[get("/{id}/flow")]
pub async fn get_offer_flow(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    respond(&state, &caller, Start::Offer(id.into_inner())).await
}

/// The chain this sales order belongs to: its offer and opportunity, its invoice orders,
/// invoices and credit notes, with every line's quantities.
#[utoipa::path(
    tag = "sales-orders",
    operation_id = "get_sales_order_flow",
    params(("id" = Uuid, Path, description = "Sales order id")),
    responses(
        (status = 200, description = "The document flow", body = FlowResponse),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadOrders)))
)]
#[get("/{id}/flow")]
pub async fn get_sales_order_flow(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    respond(&state, &caller, Start::SalesOrder(id.into_inner())).await
}

/// The chain this invoice order belongs to: the sales orders it gathers, up to their offers and
/// down to their invoices and credit notes, with every line's quantities.
#[utoipa::path(
    tag = "invoice-orders",
    operation_id = "get_invoice_order_flow",
    params(("id" = Uuid, Path, description = "Invoice order id")),
    responses(
        (status = 200, description = "The document flow", body = FlowResponse),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadInvoices)))
)]
#[get("/{id}/flow")]
pub async fn get_invoice_order_flow(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    respond(&state, &caller, Start::InvoiceOrder(id.into_inner())).await
}

/// The chain this invoice or credit note belongs to: the sales orders it invoices, up to their
/// offers and down to every invoice order, invoice and credit note of their lines (for an invoice
/// without an order: itself and its credit notes), with every line's quantities.
#[utoipa::path(
    tag = "invoices",
    operation_id = "get_invoice_flow",
    params(("id" = Uuid, Path, description = "Invoice or credit note id")),
    responses(
        (status = 200, description = "The document flow", body = FlowResponse),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadInvoices)))
)]
#[get("/{id}/flow")]
pub async fn get_invoice_flow(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    respond(&state, &caller, Start::Invoice(id.into_inner())).await
}

/// The chain of this subscription's orders: the orders of its latest periods (a hundred at most),
/// their invoice orders, invoices and credit notes, its contract, with every line's quantities.
#[utoipa::path(
    tag = "subscriptions",
    operation_id = "get_subscription_flow",
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The document flow", body = FlowResponse),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadContracts)))
)]
#[get("/{id}/flow")]
pub async fn get_subscription_flow(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    respond(&state, &caller, Start::Subscription(id.into_inner())).await
}
