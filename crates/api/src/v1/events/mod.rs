//! `/api/v1/events`: the change feed. Every change of every business record, in an order a
//! consumer pages through with `after` without ever missing a committed change.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(scope("/events").service(handlers::list_events));
}
