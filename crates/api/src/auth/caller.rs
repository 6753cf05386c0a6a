//! The authenticated caller.
//!
//! [`AuthUser`] is extracted from the bearer token; its only use is [`AuthUser::require`], which
//! checks one permission and yields a [`Caller`]. Services take a `Caller`, so a handler cannot reach
//! a service without having declared the permission it needs.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
pub use app::Caller;
use domain::access::{Permission, Role};
use uuid::Uuid;

use crate::error::{ApiError, AppError, ErrorCode};
use crate::state::AppState;
use persistence::table;
use persistence::users::Users;
use persistence::visibility::Visibility;

/// The user a valid bearer token names, before any permission check.
pub struct AuthUser {
    id: Uuid,
    role: Role,
    team_id: Option<Uuid>,
}

impl AuthUser {
    /// The caller, if their role may perform `permission`: the only way a handler gets a
    /// [`Caller`] to hand to a use case.
    pub fn require(self, permission: Permission) -> Result<Caller, ApiError> {
        Caller::authorize(self.id, self.role, self.team_id, permission).map_err(|refused| {
            tracing::warn!(target: "security", event = "permission_refused", user_id = %self.id,
                role = self.role.as_str(), ?permission);
            refused.into()
        })
    }
}

fn unauthorized(code: ErrorCode, detail: &str) -> ApiError {
    AppError::unauthorized(code, detail).into()
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let has_token = super::bearer_token(req.headers()).is_some();
        let subject = state.as_ref().and_then(|state| super::bearer_user(req, &state.jwt));
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState missing")))?;
            if !has_token {
                return Err(unauthorized(
                    ErrorCode::MissingToken,
                    "an `Authorization: Bearer` token is required",
                ));
            }
            let subject =
                subject.ok_or_else(|| unauthorized(ErrorCode::InvalidToken, "the token is invalid or expired"))?;
            // The user is read on every request so that a change of the user ends its tokens at
            // once: a new password, role or team, a deactivation (each a new version).
            let user = table::find::<Users>(&state.db, subject.user, Visibility::All)
                .await?
                .filter(|user| user.active)
                .ok_or_else(|| unauthorized(ErrorCode::InvalidToken, "the token's user is unknown or inactive"))?;
            if user.version != subject.user_version {
                tracing::warn!(target: "security", event = "revoked_token_used", user_id = %user.id);
                return Err(unauthorized(
                    ErrorCode::InvalidToken,
                    "the token's user changed since it was issued (password, role, team or status): get a new token",
                ));
            }
            Ok(AuthUser {
                id: user.id,
                role: user.role,
                team_id: user.team_id,
            })
        })
    }
}
