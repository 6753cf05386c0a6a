//! The authenticated caller.
//!
//! [`AuthUser`] is extracted from the bearer token; its only use is [`AuthUser::require`], which
//! checks one permission and yields a [`Caller`]. Services take a `Caller`, so a handler cannot reach
//! a service without having declared the permission it needs.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use domain::access::{Member, Permission, Role, Scope};
use persistence::visibility::Visibility;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

pub struct AuthUser(Caller);

/// Who is calling, after a permission check.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub id: Uuid,
    pub role: Role,
    pub team_id: Option<Uuid>,
}

impl AuthUser {
    pub fn require(self, permission: Permission) -> Result<Caller, ApiError> {
        if self.0.role.can(permission) {
            Ok(self.0)
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

impl Caller {
    /// The caller as an owner of records.
    pub fn member(&self) -> Member {
        Member {
            user_id: self.id,
            team_id: self.team_id,
        }
    }

    /// The sales records this caller sees.
    pub fn visibility(&self) -> Visibility {
        match self.role.sales_scope() {
            Scope::All => Visibility::All,
            Scope::OwnAndTeam => Visibility::OwnedBy {
                user_id: self.id,
                team_id: self.team_id,
            },
        }
    }
}

fn unauthorized(code: &'static str, detail: &str) -> ApiError {
    ApiError::Unauthorized {
        code,
        detail: detail.to_owned(),
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let has_token = super::bearer_token(req.headers()).is_some();
        let subject = state.as_ref().and_then(|state| super::bearer_subject(req, &state.jwt));
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState missing")))?;
            if !has_token {
                return Err(unauthorized(
                    "missing_token",
                    "an `Authorization: Bearer` token is required",
                ));
            }
            let subject = subject.ok_or_else(|| unauthorized("invalid_token", "the token is invalid or expired"))?;
            // The user is read on every request so that deactivation and role changes apply at once.
            let user = persistence::users::find(&state.db, subject)
                .await?
                .filter(|user| user.active)
                .ok_or_else(|| unauthorized("invalid_token", "the token's user is unknown or inactive"))?;
            Ok(AuthUser(Caller {
                id: user.id,
                role: user.role,
                team_id: user.team_id,
            }))
        })
    }
}
