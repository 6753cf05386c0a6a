//! `/api/v1/products`: the catalog that document lines refer to.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/products")
            .service(handlers::create_product)
            .service(handlers::list_products)
            .service(handlers::batch_upsert_products)
            .service(handlers::upsert_product_by_external_id)
            .service(handlers::get_product)
            .service(handlers::list_product_history)
            .service(handlers::update_product)
            .service(handlers::archive_product),
    );
}
