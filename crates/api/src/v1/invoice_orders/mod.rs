//! `/api/v1/invoice-orders`: instructions to invoice quantities of confirmed sales order lines.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/invoice-orders")
            .service(handlers::create_invoice_order)
            .service(handlers::list_invoice_orders)
            .service(handlers::get_invoice_order)
            .service(handlers::cancel_invoice_order)
            .service(handlers::list_invoice_order_history)
            .service(crate::v1::flow::handlers::get_invoice_order_flow),
    );
}
