//! `/api/v1/discount-rules`: percentages and the conditions they apply under.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/discount-rules")
            .service(handlers::create_discount_rule)
            .service(handlers::list_discount_rules)
            .service(handlers::get_discount_rule)
            .service(handlers::list_discount_rule_history)
            .service(handlers::update_discount_rule)
            .service(handlers::delete_discount_rule),
    );
}
