//! `/api/v1/sales-orders`: what customers ordered, from accepted offers or directly.
//!
//! Sales order endpoints: extract, check the permission, call the service, respond.

pub mod dto;

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use domain::access::Permission;
use domain::sales_order::{SalesOrder, SalesOrderAction, SalesOrderInput};
use persistence::sales_orders::{SalesOrderFilter, SalesOrderSort};

use self::dto::{
    SalesOrderBody, SalesOrderListQuery, SalesOrderPage, SalesOrderPatch, SalesOrderResponse, SalesOrderUpsertBody,
};
use crate::auth::{Authorized, Caller};
use crate::error::ApiError;
use crate::extract::Body;
use crate::query;
use crate::state::AppState;
use crate::v1::kit::{self, Shown};
use app::sales_orders as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/sales-orders")
            .service(create_sales_order)
            .service(list_sales_orders)
            .service(upsert_sales_order_by_external_id)
            .service(get_sales_order_by_external_id)
            .service(get_sales_order)
            .service(update_sales_order)
            .service(delete_sales_order)
            .service(confirm_sales_order)
            .service(complete_sales_order)
            .service(cancel_sales_order)
            .service(list_sales_order_history)
            .service(crate::v1::attachments::list_sales_order_attachments)
            .service(crate::v1::flow::get_sales_order_flow),
    );
}

const SORTS: &[(&str, SalesOrderSort)] = &[
    ("created_at", SalesOrderSort::CreatedAt),
    ("updated_at", SalesOrderSort::UpdatedAt),
    ("number", SalesOrderSort::Number),
];

impl Shown for SalesOrder {
    type Response = SalesOrderResponse;
    fn shown(self, caller: &Caller) -> SalesOrderResponse {
        SalesOrderResponse::new(self, service::may_act(caller), app::invoice_orders::may_act(caller))
    }
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
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::WriteOrders)))
)]
#[post("")]
pub async fn create_sales_order(
    state: web::Data<AppState>,
    caller: Authorized,
    body: Body<SalesOrderBody>,
) -> Result<HttpResponse, ApiError> {
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
    Ok(kit::created(&caller, order))
}

kit::upsert_endpoint!(
    /// Create or replace the sales order with this external id: a direct order (`party_id` and
    /// `lines`), created as `POST /sales-orders` does, or the whole draft replaced, lines priced again.
    /// Only a draft is replaced (else 409 `document_immutable`); its party and currency stay (422
    /// `unchangeable`), and the lines of an order converted from an offer follow the offer (422
    /// `lines_follow_source`).
    upsert_sales_order_by_external_id: SalesOrder => SalesOrderResponse, tag = "sales-orders",
    body = SalesOrderUpsertBody,
    |db, caller, external_id, if_match, body| {
        let (input, body_external_id) = body.into_input();
        service::upsert(db, &caller, external_id, input, body_external_id, if_match)
    }
);

kit::list_endpoint!(
    /// List sales orders, each with its lines, totals and invoicing.
    list_sales_orders: SalesOrder => SalesOrderPage, tag = "sales-orders", query = SalesOrderListQuery, sorts = SORTS, default = "created_at",
    filter(query) = SalesOrderFilter {
        party_id: query.party_id,
        owner_id: query.owner_id,
        offer_id: query.offer_id,
        status: query.status.into_iter().map(Into::into).collect(),
        number: query.number,
        external_id: query.external_id,
        order_date_from: query::date("order_date_from", query.order_date_from)?,
        order_date_to: query::date("order_date_to", query.order_date_to)?,
        q: query::search(query.q)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    },
    |db, caller, filter, request| service::list(db, &caller, &filter, &request)
);

kit::get_endpoint!(
    /// Read a sales order with its lines, totals, invoicing state and the actions allowed now.
    get_sales_order: SalesOrder => SalesOrderResponse, tag = "sales-orders", id = "Sales order id",
    external = get_sales_order_by_external_id in persistence::sales_orders::SalesOrders,
    |db, caller, id| service::get(db, &caller, id)
);

kit::remove_endpoint!(
    /// Delete a draft: its activities stay, unlinked; its history stays readable; an order converted
    /// from an offer frees the offer, which converts again. Anything but a draft is a 409
    /// `document_immutable`.
    delete_sales_order: SalesOrder, tag = "sales-orders", id = "Sales order id", done = "Deleted",
    also = ((status = 409, response = crate::openapi::Conflict)),
    |db, caller, id, if_match| service::delete(db, &caller, id, if_match)
);

kit::update_endpoint!(
    /// Change a draft's header (owner, order date, payment terms, notes); anything but a draft is a
    /// 409 `document_immutable`.
    update_sales_order: SalesOrder => SalesOrderResponse, tag = "sales-orders", id = "Sales order id",
    body = SalesOrderPatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, patch.into())
);

kit::transition_endpoint!(
    /// Confirm a draft: `draft` → `confirmed`; only confirmed orders can be invoiced.
    confirm_sales_order: SalesOrder => SalesOrderResponse, tag = "sales-orders", id = "Sales order id",
    path = "/{id}/confirm", done = "The order, `confirmed`",
    |db, caller, id, if_match| service::act(db, &caller, id, if_match, SalesOrderAction::Confirm)
);

kit::transition_endpoint!(
    /// Complete a confirmed order: `confirmed` → `completed`.
    complete_sales_order: SalesOrder => SalesOrderResponse, tag = "sales-orders", id = "Sales order id",
    path = "/{id}/complete", done = "The order, `completed`",
    |db, caller, id, if_match| service::act(db, &caller, id, if_match, SalesOrderAction::Complete)
);

kit::transition_endpoint!(
    /// Cancel an order of which nothing is invoiced or on an invoice order: → `cancelled`.
    cancel_sales_order: SalesOrder => SalesOrderResponse, tag = "sales-orders", id = "Sales order id",
    path = "/{id}/cancel", done = "The order, `cancelled`",
    |db, caller, id, if_match| service::act(db, &caller, id, if_match, SalesOrderAction::Cancel)
);

crate::v1::history::history_endpoint!(
    /// The history of a sales order, oldest first.
    list_sales_order_history,
    SalesOrder,
    tag = "sales-orders",
    id = "Sales order id"
);
