//! `/api/v1/sales-orders`: what customers ordered, from accepted offers or directly.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/sales-orders")
            .service(handlers::create_sales_order)
            .service(handlers::list_sales_orders)
            .service(handlers::upsert_sales_order_by_external_id)
            .service(handlers::get_sales_order)
            .service(handlers::update_sales_order)
            .service(handlers::delete_sales_order)
            .service(handlers::confirm_sales_order)
            .service(handlers::complete_sales_order)
            .service(handlers::cancel_sales_order)
            .service(handlers::list_sales_order_history)
            .service(crate::v1::flow::handlers::get_sales_order_flow),
    );
}
