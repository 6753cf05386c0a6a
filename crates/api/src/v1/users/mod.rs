//! `/api/v1/users`: the people and machine accounts that call the API (admins only).

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/users")
            .service(handlers::create_user)
            .service(handlers::list_users)
            .service(handlers::get_user)
            .service(handlers::list_user_history)
            .service(handlers::update_user),
    );
}
