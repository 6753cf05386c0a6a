//! `/api/v1/invoices`: invoices and credit notes, the legal end of the chain, with their payments.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/invoices")
            .service(handlers::create_invoice)
            .service(handlers::list_invoices)
            .service(handlers::upsert_invoice_by_external_id)
            .service(handlers::get_invoice)
            .service(handlers::update_invoice)
            .service(handlers::delete_invoice)
            .service(handlers::issue_invoice)
            .service(handlers::create_payment)
            .service(handlers::list_invoice_history)
            .service(crate::v1::flow::handlers::get_invoice_flow),
    );
}
