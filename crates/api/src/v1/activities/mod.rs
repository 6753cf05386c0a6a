//! `/api/v1/activities`: calls, meetings, emails, tasks, appointments, visits and notes.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/activities")
            .service(handlers::create_activity)
            .service(handlers::list_activities)
            .service(handlers::get_activity)
            .service(handlers::update_activity)
            .service(handlers::start_activity)
            .service(handlers::complete_activity)
            .service(handlers::cancel_activity)
            .service(handlers::reopen_activity)
            .service(handlers::list_activity_history),
    );
}
