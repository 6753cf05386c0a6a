//! `/api/v1/invoice-orders`: instructions to invoice quantities of confirmed sales order lines.
//!
//! Invoice order endpoints: accountants (and integrators, admins) instruct what to invoice.

pub mod dto;

use actix_web::{get, post};
use persistence::invoice_orders::{InvoiceOrderFilter, InvoiceOrderSort};

use self::dto::{InvoiceOrderBody, InvoiceOrderListQuery, InvoiceOrderPage, InvoiceOrderResponse};
use crate::query;
use crate::v1::kit::{self, Shown};
use app::caller::Caller;
use app::invoice_orders as service;
use domain::invoice_order::InvoiceOrder;
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

kit::create_endpoint!(
    /// Put quantities of confirmed sales order lines on an invoice order, `open`: `{"sales_order_id"}`
    /// takes all that remains of that order; `lines` name quantities, within what remains (ordered −
    /// invoiced − reserved by other open invoice orders), also when requests race.
    create_invoice_order: InvoiceOrder => InvoiceOrderResponse, tag = "invoice-orders", body = InvoiceOrderBody,
    also = ((status = 503, response = crate::openapi::ServiceUnavailable)),
    |db, caller, body| {
        let lines = body.lines.map(|lines| lines.into_iter().map(Into::into).collect());
        service::create(db, &caller, body.sales_order_id, lines)
    }
);

impl Shown for InvoiceOrder {
    type Response = InvoiceOrderResponse;
    fn shown(self, caller: &Caller) -> InvoiceOrderResponse {
        InvoiceOrderResponse::new(self, service::may_act(caller))
    }
}

const SORTS: &[(&str, InvoiceOrderSort)] = &[
    ("created_at", InvoiceOrderSort::CreatedAt),
    ("updated_at", InvoiceOrderSort::UpdatedAt),
];

kit::list_endpoint!(
    /// List invoice orders, each with its lines.
    list_invoice_orders: InvoiceOrder => InvoiceOrderPage, tag = "invoice-orders", query = InvoiceOrderListQuery, sorts = SORTS, default = "created_at",
    filter(query) = InvoiceOrderFilter {
        party_id: query.party_id,
        status: query.status.into_iter().map(Into::into).collect(),
        sales_order_id: query.sales_order_id,
        q: query::search(query.q)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    },
    |db, caller, filter, request| service::list(db, &caller, &filter, &request)
);

kit::get_endpoint!(
    /// Read an invoice order.
    get_invoice_order: InvoiceOrder => InvoiceOrderResponse, tag = "invoice-orders", id = "Invoice order id",
    |db, caller, id| service::get(db, &caller, id)
);

kit::transition_endpoint!(
    /// Cancel an open invoice order: `open` → `cancelled`, its quantities free again.
    cancel_invoice_order: InvoiceOrder => InvoiceOrderResponse, tag = "invoice-orders", id = "Invoice order id",
    path = "/{id}/cancel", done = "The invoice order, `cancelled`",
    |db, caller, id, if_match| service::cancel(db, &caller, id, if_match)
);

crate::v1::history::history_endpoint!(
    /// The history of an invoice order, oldest first.
    list_invoice_order_history,
    InvoiceOrder,
    tag = "invoice-orders",
    id = "Invoice order id"
);
