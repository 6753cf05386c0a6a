//! `/api/v1/opportunities`: sales prospects moving through the pipeline.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/opportunities")
            .service(handlers::create_opportunity)
            .service(handlers::list_opportunities)
            .service(handlers::get_opportunity)
            .service(handlers::update_opportunity)
            .service(handlers::list_opportunity_history),
    );
}
