//! `/api/v1/price-lists`: prices per party, with quantity tiers and validity.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/price-lists")
            .service(handlers::create_price_list)
            .service(handlers::list_price_lists)
            .service(handlers::get_price_list)
            .service(handlers::list_price_list_history)
            .service(handlers::update_price_list)
            .service(handlers::delete_price_list),
    );
}
