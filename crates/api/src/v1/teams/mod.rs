//! `/api/v1/teams`: groups of users (admins only).

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/teams")
            .service(handlers::create_team)
            .service(handlers::list_teams)
            .service(handlers::get_team)
            .service(handlers::list_team_history)
            .service(handlers::update_team),
    );
}
