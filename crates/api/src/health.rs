//! Liveness and readiness probes; no token needed.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// The process is alive.
#[utoipa::path(tag = "health", operation_id = "health", responses((status = 200, description = "Alive", body = Health)), security(()), extensions(("x-permission" = json!(crate::routes::PUBLIC))))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".to_owned(),
    })
}

/// The database answers.
#[utoipa::path(
    tag = "health",
    operation_id = "ready",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, response = crate::openapi::ServiceUnavailable),
    ),
    security(()),
    extensions(("x-permission" = json!(crate::routes::PUBLIC)))
)]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    match persistence::db::ping(&state.db).await {
        Ok(()) => Ok(HttpResponse::Ok().json(Health {
            status: "ok".to_owned(),
        })),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            Err(ApiError::Unavailable)
        }
    }
}
