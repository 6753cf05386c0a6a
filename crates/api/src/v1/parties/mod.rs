//! `/api/v1/parties`: customers, prospects, suppliers, competitors and partners.

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/parties")
            .service(handlers::create_party)
            .service(handlers::list_parties)
            .service(handlers::batch_upsert_parties)
            .service(handlers::upsert_party_by_external_id)
            .service(handlers::get_party)
            .service(handlers::list_party_history)
            .service(crate::v1::activities::handlers::list_party_activities)
            .service(crate::v1::opportunities::handlers::list_party_opportunities)
            .service(crate::v1::offers::handlers::list_party_offers)
            .service(handlers::update_party)
            .service(handlers::archive_party),
    );
}
