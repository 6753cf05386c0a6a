//! `/api/v1/webhooks`: subscriptions to the change feed, delivered by the server's worker
//! (`crate::delivery`), and their delivery logs.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/webhooks")
            .service(handlers::create_webhook)
            .service(handlers::list_webhooks)
            .service(handlers::get_webhook)
            .service(handlers::update_webhook)
            .service(handlers::delete_webhook)
            .service(handlers::list_webhook_deliveries)
            .service(handlers::get_webhook_delivery)
            .service(handlers::redeliver_webhook_delivery)
            .service(handlers::test_webhook),
    );
}
