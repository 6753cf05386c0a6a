//! `/api/v1/auth/token`: trade an email and password for an access token.

use actix_web::{HttpRequest, HttpResponse, post, web};
use app::error::AppError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::{scope, service_config::ServiceConfig};
use validator::Validate;

use crate::error::ApiError;
use crate::extract::Body;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(scope("/auth").service(create_token));
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[validate(length(max = 254, message = "must be at most 254 characters"))]
    #[schema(max_length = 254, example = "admin@example.com")]
    pub email: String,
    /// Longer passwords are refused before hashing: Argon2 over megabytes is a denial of service.
    #[validate(length(max = 1024, message = "must be at most 1024 characters"))]
    #[schema(max_length = 1024, format = Password)]
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// Get an access token.
///
/// A wrong email and a wrong password get the same 401, in the same time. After 10 failures for
/// one account from one address (or 50 for any accounts) within 15 minutes, that address gets 429
/// with `Retry-After` until the 15 minutes are over; the account stays open from elsewhere. When
/// more passwords are being checked than the server has cores, a login waits up to 2 s for its
/// turn, then gets 503 `resource_busy` with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_token",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "A bearer token", body = TokenResponse),
        crate::openapi::TokenErrors,
    ),
    security(()),
    extensions(("x-permission" = json!(crate::routes::PUBLIC)))
)]
#[post("/token")]
pub async fn create_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let TokenRequest { email, password } = body.0;
    let address = crate::rate_limit::network(req.peer_addr());
    if let Err(refused) = state.logins.check(address, &email) {
        tracing::warn!(target: "security", event = "login_throttled", %address);
        return Err(refused);
    }
    let user = match app::users::authenticate(&state.db, &email, password).await {
        Ok(user) => {
            state.logins.succeeded(address, &email);
            tracing::info!(target: "security", event = "login", user_id = %user.id, %address);
            user
        }
        Err(error) => {
            if matches!(error, AppError::Unauthorized { .. }) {
                state.logins.failed(address, &email);
                tracing::warn!(target: "security", event = "login_failed", %address);
            }
            return Err(error.into());
        }
    };
    // A token's lifetime is real time, whatever the server's clock says: the token library checks
    // it against the system's.
    let token = state
        .jwt
        .issue(user.id, user.version, chrono::Utc::now())
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: token,
        token_type: "Bearer".to_owned(),
        expires_in: state.jwt.ttl_seconds,
    }))
}
