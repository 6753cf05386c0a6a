//! `/api/v1/offers`: quotes with lines, optional lines, revisions and exact totals.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/offers")
            .service(handlers::create_offer)
            .service(handlers::list_offers)
            .service(handlers::upsert_offer_by_external_id)
            .service(handlers::get_offer)
            .service(handlers::update_offer)
            .service(handlers::delete_offer)
            .service(handlers::send_offer)
            .service(handlers::accept_offer)
            .service(handlers::reject_offer)
            .service(handlers::cancel_offer)
            .service(handlers::revise_offer)
            .service(handlers::list_offer_history)
            .service(crate::v1::flow::handlers::get_offer_flow),
    );
}
