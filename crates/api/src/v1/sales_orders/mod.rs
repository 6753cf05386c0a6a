//! `/api/v1/sales-orders`: what customers ordered, from accepted offers or directly.
//!
//! Sales order endpoints: extract, check the permission, call the service, respond.

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use domain::access::Permission;
use domain::sales_order::{SalesOrder, SalesOrderAction, SalesOrderInput};
use persistence::sales_orders::{SalesOrderFilter, SalesOrderSort};
use uuid::Uuid;

use self::dto::{
    SalesOrderBody, SalesOrderListQuery, SalesOrderPage, SalesOrderPatch, SalesOrderResponse, SalesOrderUpsertBody,
};
use crate::auth::{AuthUser, Caller};
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, if_match};
use crate::pagination::{self};
use crate::query;
use crate::respond::etag;
use crate::state::AppState;
use app::sales_orders as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/sales-orders")
            .service(create_sales_order)
            .service(list_sales_orders)
            .service(upsert_sales_order_by_external_id)
            .service(get_sales_order)
            .service(update_sales_order)
            .service(delete_sales_order)
            .service(confirm_sales_order)
            .service(complete_sales_order)
            .service(cancel_sales_order)
            .service(list_sales_order_history)
            .service(crate::v1::flow::get_sales_order_flow),
    );
}

const SORTS: &[(&str, SalesOrderSort)] = &[
    ("created_at", SalesOrderSort::CreatedAt),
    ("updated_at", SalesOrderSort::UpdatedAt),
    ("number", SalesOrderSort::Number),
];

fn respond(caller: &Caller, order: SalesOrder) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(etag(order.version))
        .json(SalesOrderResponse::new(order, service::may_act(caller)))
}

/// Create a sales order: `{"offer_id"}` converts an accepted offer (once: a second conversion is
/// a 409 `already_converted` naming the order), or a direct order with `party_id` and `lines`.
#[utoipa::path(
    tag = "sales-orders",
    operation_id = "create_sales_order",
    request_body = SalesOrderBody,
    responses(
        (status = 201, description = "Created, `draft`", body = SalesOrderResponse,
            headers(("Location" = String, description = "URL of the new order"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = []))
)]
#[post("")]
pub async fn create_sales_order(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<SalesOrderBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOrders)?;
    let body = body.0;
    let order = match (body.offer_id, body.party_id) {
        (Some(offer_id), None)
            if body.lines.is_empty()
                && body.currency.is_none()
                && body.order_date.is_none()
                && body.payment_terms_days.is_none()
                && body.owner_id.is_none()
                && body.notes.is_none() =>
        {
            service::convert(&state.db, &caller, offer_id, body.external_id).await?
        }
        (Some(_), _) => {
            return Err(ApiError::invalid(
                "offer_id",
                "conversion_only",
                "a conversion takes `offer_id` alone: the order is the offer's",
            ));
        }
        (None, Some(party_id)) => {
            let input = SalesOrderInput {
                party_id,
                owner_id: body.owner_id,
                currency: body.currency,
                order_date: body.order_date,
                payment_terms_days: body.payment_terms_days,
                notes: body.notes,
                lines: body.lines.into_iter().map(Into::into).collect(),
            };
            service::create(&state.db, &caller, input, body.external_id).await?
        }
        (None, None) => {
            return Err(ApiError::invalid(
                "party_id",
                "required",
                "name the accepted offer to convert (`offer_id`), or the party of a direct order",
            ));
        }
    };
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/sales-orders/{}", order.id)))
        .insert_header(etag(order.version))
        .json(SalesOrderResponse::new(order, service::may_act(&caller))))
}

/// Create or replace the sales order with this external id: a direct order (`party_id` and
/// `lines`), created as `POST /sales-orders` does, or the whole draft replaced, lines priced again.
/// Only a draft is replaced (else 409 `document_immutable`); its party and currency stay (422
/// `unchangeable`), and the lines of an order converted from an offer follow the offer (422
/// `lines_follow_source`).
#[utoipa::path(
    tag = "sales-orders",
    operation_id = "upsert_sales_order_by_external_id",
    params(
        ("external_id" = String, Path, description = "The order's id in the integrator's system"),
        IfMatch,
    ),
    request_body = SalesOrderUpsertBody,
    responses(
        (status = 200, description = "Replaced", body = SalesOrderResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 201, description = "Created, `draft`", body = SalesOrderResponse,
            headers(("Location" = String, description = "URL of the new order"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[put("/by-external-id/{external_id}")]
pub async fn upsert_sales_order_by_external_id(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    external_id: web::Path<String>,
    body: Body<SalesOrderUpsertBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOrders)?;
    let (input, body_external_id) = body.0.into_input();
    let upserted = service::upsert(
        &state.db,
        &caller,
        &external_id,
        input,
        body_external_id,
        if_match(&req)?,
    )
    .await?;
    let may_act = service::may_act(&caller);
    Ok(crate::v1::upsert::respond(
        upserted,
        |order| format!("/api/v1/sales-orders/{}", order.id),
        |order| order.version,
        |order| SalesOrderResponse::new(order, may_act),
    ))
}

/// List sales orders, each with its lines, totals and invoicing.
#[utoipa::path(
    tag = "sales-orders",
    operation_id = "list_sales_orders",
    params(SalesOrderListQuery),
    responses(
        (status = 200, description = "A page of sales orders", body = SalesOrderPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = []))
)]
#[get("")]
pub async fn list_sales_orders(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<SalesOrderListQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadOrders)?;
    let query = query.into_inner();
    let default_sort = if query.updated_since.is_some() {
        "updated_at"
    } else {
        "created_at"
    };
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        default_sort,
        SORTS,
        query.limit,
        query.cursor.as_deref(),
    )?;
    let filter = SalesOrderFilter {
        party_id: query.party_id,
        owner_id: query.owner_id,
        offer_id: query.offer_id,
        status: query.status.map(Into::into),
        number: query.number,
        external_id: query.external_id,
        order_date_from: query::date("order_date_from", query.order_date_from)?,
        order_date_to: query::date("order_date_to", query.order_date_to)?,
        q: query::search(query.q)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    };
    let page = service::list(&state.db, &caller, &filter, &request).await?;
    let may_act = service::may_act(&caller);
    Ok(HttpResponse::Ok().json(SalesOrderPage::new(page, &sort, |o| {
        SalesOrderResponse::new(o, may_act)
    })))
}

/// Read a sales order with its lines, invoicing and the actions allowed now.
#[utoipa::path(
    tag = "sales-orders",
    operation_id = "get_sales_order",
    params(("id" = Uuid, Path, description = "Sales order id")),
    responses(
        (status = 200, description = "The sales order", body = SalesOrderResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}")]
pub async fn get_sales_order(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadOrders)?;
    let order = service::get(&state.db, &caller, id.into_inner()).await?;
    Ok(respond(&caller, order))
}

/// Delete a draft: its activities stay, unlinked; its history stays readable; an order converted
/// from an offer frees the offer, which converts again. Anything but a draft is a 409
/// `document_immutable`.
#[utoipa::path(
    tag = "sales-orders",
    operation_id = "delete_sales_order",
    params(("id" = Uuid, Path, description = "Sales order id"), IfMatch),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, response = crate::openapi::Conflict),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = []))
)]
#[delete("/{id}")]
pub async fn delete_sales_order(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOrders)?;
    service::delete(&state.db, &caller, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change a draft's header (owner, order date, payment terms, notes); anything but a draft is a
/// 409 `document_immutable`.
#[utoipa::path(
    tag = "sales-orders",
    operation_id = "update_sales_order",
    params(("id" = Uuid, Path, description = "Sales order id"), IfMatch),
    request_body = SalesOrderPatch,
    responses(
        (status = 200, description = "The changed order", body = SalesOrderResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[patch("/{id}")]
pub async fn update_sales_order(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<SalesOrderPatch>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOrders)?;
    let order = service::update(&state.db, &caller, id.into_inner(), if_match(&req)?, body.0.into()).await?;
    Ok(respond(&caller, order))
}

async fn transition(
    state: &AppState,
    user: AuthUser,
    req: &HttpRequest,
    id: Uuid,
    action: SalesOrderAction,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOrders)?;
    let order = service::act(&state.db, &caller, id, if_match(req)?, action).await?;
    Ok(respond(&caller, order))
}

/// Confirm a draft: `draft` → `confirmed`; only confirmed orders can be invoiced.
#[utoipa::path(
    tag = "sales-orders",
    operation_id = "confirm_sales_order",
    params(("id" = Uuid, Path, description = "Sales order id"), IfMatch),
    responses(
        (status = 200, description = "The order, `confirmed`", body = SalesOrderResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::TransitionErrors,
    ),
    security(("bearer" = []))
)]
#[post("/{id}/confirm")]
pub async fn confirm_sales_order(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    transition(&state, user, &req, id.into_inner(), SalesOrderAction::Confirm).await
}

/// Complete a confirmed order: `confirmed` → `completed`.
#[utoipa::path(
    tag = "sales-orders",
    operation_id = "complete_sales_order",
    params(("id" = Uuid, Path, description = "Sales order id"), IfMatch),
    responses(
        (status = 200, description = "The order, `completed`", body = SalesOrderResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::TransitionErrors,
    ),
    security(("bearer" = []))
)]
#[post("/{id}/complete")]
pub async fn complete_sales_order(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    transition(&state, user, &req, id.into_inner(), SalesOrderAction::Complete).await
}

/// Cancel an order of which nothing is invoiced or on an invoice order: → `cancelled`.
#[utoipa::path(
    tag = "sales-orders",
    operation_id = "cancel_sales_order",
    params(("id" = Uuid, Path, description = "Sales order id"), IfMatch),
    responses(
        (status = 200, description = "The order, `cancelled`", body = SalesOrderResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::TransitionErrors,
    ),
    security(("bearer" = []))
)]
#[post("/{id}/cancel")]
pub async fn cancel_sales_order(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    transition(&state, user, &req, id.into_inner(), SalesOrderAction::Cancel).await
}

crate::v1::history::history_endpoint!(
    /// The history of a sales order, oldest first.
    list_sales_order_history,
    SalesOrder,
    tag = "sales-orders",
    id = "Sales order id"
);
