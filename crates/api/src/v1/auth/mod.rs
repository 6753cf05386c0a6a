//! `/api/v1/auth`: trade an email and password for an access token and a refresh token, renew
//! them with the refresh token, and end the session. See `app::sessions`.

pub mod dto;

use actix_web::{HttpRequest, HttpResponse, post, web};
use app::error::AppError;
use domain::user::User;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

use self::dto::{RefreshRequest, TokenRequest, TokenResponse};

use crate::error::ApiError;
use crate::extract::Body;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/auth")
            .service(create_token)
            .service(refresh_token)
            .service(revoke_token),
    );
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
    let session = app::sessions::start(&state.db, &user, state.refresh_token_ttl).await?;
    tokens(&state, &user, session)
}

/// Renew an access token.
///
/// Trades a refresh token for a new access token and the next refresh token: each refresh token
/// is used once. A refresh token presented a second time was copied: every token of its session
/// is revoked (401), and the user logs in again. A change of the user since the login (password,
/// role, team, deactivation) ends the session too.
#[utoipa::path(
    tag = "auth",
    operation_id = "refresh_token",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new access token and the next refresh token", body = TokenResponse),
        crate::openapi::TokenErrors,
    ),
    security(()),
    extensions(("x-permission" = json!(crate::routes::PUBLIC)))
)]
#[post("/refresh")]
pub async fn refresh_token(state: web::Data<AppState>, body: Body<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    let (user, session) = app::sessions::refresh(&state.db, &body.0.refresh_token, state.refresh_token_ttl).await?;
    tokens(&state, &user, session)
}

/// End a session (log out).
///
/// Revokes the refresh token and every other of its session (RFC 7009). An unknown token is not
/// an error: the answer is the same 204. Access tokens already issued run out on their own
/// (`expires_in`); a change of the user ends them at once.
#[utoipa::path(
    tag = "auth",
    operation_id = "revoke_token",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "The session is over"),
        crate::openapi::RevokeErrors,
    ),
    security(()),
    extensions(("x-permission" = json!(crate::routes::PUBLIC)))
)]
#[post("/revoke")]
pub async fn revoke_token(state: web::Data<AppState>, body: Body<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    app::sessions::end(&state.db, &body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

fn tokens(state: &AppState, user: &User, session: app::sessions::Issued) -> Result<HttpResponse, ApiError> {
    // A token's lifetime is real time, whatever the server's clock says: the token library checks
    // it against the system's.
    let access_token = state
        .jwt
        .issue(user.id, user.version, chrono::Utc::now())
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: state.jwt.ttl_seconds,
        refresh_token: session.token,
        refresh_expires_in: session.expires_in.num_seconds(),
    }))
}
