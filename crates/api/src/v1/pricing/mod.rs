//! `/api/v1/pricing`: resolving prices; the rules live in `/price-lists` and `/discount-rules`.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(scope("/pricing").service(handlers::resolve_price));
}
