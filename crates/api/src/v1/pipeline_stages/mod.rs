//! `/api/v1/pipeline-stages`: the steps of the sales pipeline (admins manage them).

pub mod dto;
pub mod handlers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/pipeline-stages")
            .service(handlers::create_pipeline_stage)
            .service(handlers::list_pipeline_stages)
            .service(handlers::get_pipeline_stage)
            .service(handlers::list_pipeline_stage_history)
            .service(handlers::update_pipeline_stage)
            .service(handlers::delete_pipeline_stage),
    );
}
