//! `/api/v1/invoice-orders`: instructions to invoice quantities of confirmed sales order lines.
//!
//! Invoice order endpoints: accountants (and integrators, admins) instruct what to invoice.

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::access::Permission;
use persistence::invoice_orders::{InvoiceOrderFilter, InvoiceOrderSort};
use uuid::Uuid;

use self::dto::{InvoiceOrderBody, InvoiceOrderListQuery, InvoiceOrderPage, InvoiceOrderResponse};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, if_match};
use crate::pagination::{self};
use crate::query;
use crate::respond::etag;
use crate::state::AppState;
use app::invoice_orders as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/invoice-orders")
            .service(create_invoice_order)
            .service(list_invoice_orders)
            .service(get_invoice_order)
            .service(cancel_invoice_order)
            .service(list_invoice_order_history)
            .service(crate::v1::flow::get_invoice_order_flow),
    );
}

/// Put quantities of confirmed sales order lines on an invoice order: `{"sales_order_id"}` takes
/// all that remains of that order; `lines` name quantities, within what remains (ordered −
/// invoiced − reserved by other open invoice orders), also when requests race.
#[utoipa::path(
    tag = "invoice-orders",
    operation_id = "create_invoice_order",
    request_body = InvoiceOrderBody,
    responses(
        (status = 201, description = "Created, `open`", body = InvoiceOrderResponse,
            headers(("Location" = String, description = "URL of the new invoice order"), ("ETag" = String, description = "The version, quoted"))),
        (status = 503, response = crate::openapi::ServiceUnavailable),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = []))
)]
#[post("")]
pub async fn create_invoice_order(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<InvoiceOrderBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteInvoices)?;
    let body = body.0;
    let lines = body.lines.map(|lines| lines.into_iter().map(Into::into).collect());
    let order = service::create(&state.db, &caller, body.sales_order_id, lines).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/invoice-orders/{}", order.id)))
        .insert_header(etag(order.version))
        .json(InvoiceOrderResponse::new(order, service::may_act(&caller))))
}

/// List invoice orders, each with its lines.
#[utoipa::path(
    tag = "invoice-orders",
    operation_id = "list_invoice_orders",
    params(InvoiceOrderListQuery),
    responses(
        (status = 200, description = "A page of invoice orders", body = InvoiceOrderPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = []))
)]
#[get("")]
pub async fn list_invoice_orders(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<InvoiceOrderListQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadInvoices)?;
    let query = query.into_inner();
    let default_sort = if query.updated_since.is_some() {
        "updated_at"
    } else {
        "created_at"
    };
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        default_sort,
        &[
            ("created_at", InvoiceOrderSort::CreatedAt),
            ("updated_at", InvoiceOrderSort::UpdatedAt),
        ],
        query.limit,
        query.cursor.as_deref(),
    )?;
    let filter = InvoiceOrderFilter {
        party_id: query.party_id,
        status: query.status.map(Into::into),
        sales_order_id: query.sales_order_id,
        q: query::search(query.q)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    };
    let page = service::list(&state.db, &caller, &filter, &request).await?;
    let may_act = service::may_act(&caller);
    Ok(HttpResponse::Ok().json(InvoiceOrderPage::new(page, &sort, |o| {
        InvoiceOrderResponse::new(o, may_act)
    })))
}

/// Read an invoice order.
#[utoipa::path(
    tag = "invoice-orders",
    operation_id = "get_invoice_order",
    params(("id" = Uuid, Path, description = "Invoice order id")),
    responses(
        (status = 200, description = "The invoice order", body = InvoiceOrderResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}")]
pub async fn get_invoice_order(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadInvoices)?;
    let order = service::get(&state.db, &caller, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(order.version))
        .json(InvoiceOrderResponse::new(order, service::may_act(&caller))))
}

/// Cancel an open invoice order: `open` → `cancelled`, its quantities free again.
#[utoipa::path(
    tag = "invoice-orders",
    operation_id = "cancel_invoice_order",
    params(("id" = Uuid, Path, description = "Invoice order id"), IfMatch),
    responses(
        (status = 200, description = "The invoice order, `cancelled`", body = InvoiceOrderResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::TransitionErrors,
    ),
    security(("bearer" = []))
)]
#[post("/{id}/cancel")]
pub async fn cancel_invoice_order(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteInvoices)?;
    let order = service::cancel(&state.db, &caller, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(order.version))
        .json(InvoiceOrderResponse::new(order, service::may_act(&caller))))
}

crate::v1::history::history_endpoint!(
    /// The history of an invoice order, oldest first.
    list_invoice_order_history,
    InvoiceOrder,
    tag = "invoice-orders",
    id = "Invoice order id"
);
