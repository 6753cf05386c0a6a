//! The authenticated caller, authorized before anything else of the request happens.
//!
//! Every operation declares the permission it needs (`x-permission` in its `#[utoipa::path]`);
//! [`guard`] finds the operation of a request in the document, checks the token and the
//! permission before the body is read, the key claimed or the handler run, and hands the
//! [`Caller`] to the handler as [`Authorized`]. Use cases take a `Caller`, so a handler cannot
//! reach one without an operation whose access was declared and checked.

use std::future::{Ready, ready};
use std::ops::Deref;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
pub use app::Caller;
use domain::access::Permission;

use crate::error::{ApiError, AppError, ErrorCode};
use crate::routes::{Access, KnownRoutes, method_not_allowed};
use crate::state::AppState;

/// Authenticates and authorizes every request for a documented operation, by the access the
/// operation declares; a documented route asked with another method is a 405. Other requests go
/// on to be refused by the router (a handler reached some other way finds no [`Authorized`]
/// caller and refuses too).
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(routes) = req.app_data::<web::Data<KnownRoutes>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    // The path as the router decoded it: `/api/v1/p%61rties` is the parties' route.
    let path = req.match_info().as_str();
    let permission = match routes.access(req.method(), path) {
        Some(Access::Public) => return next.call(req).await.map(ServiceResponse::map_into_boxed_body),
        Some(Access::Requires(permission)) => Some(permission),
        Some(Access::Undeclared) => None,
        None => {
            return match routes.allowed(path) {
                // A documented route, another method: 405 with `Allow`, whoever asks.
                Some(methods) => Ok(req.into_response(method_not_allowed(&methods))),
                None => next.call(req).await.map(ServiceResponse::map_into_boxed_body),
            };
        }
    };
    match authorize(&req, permission).await {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            next.call(req).await.map(ServiceResponse::map_into_boxed_body)
        }
        Err(refused) => Ok(req.error_response(refused)),
    }
}

/// The caller, if the request's token names an active user whose role has `permission`.
async fn authorize(req: &ServiceRequest, permission: Option<Permission>) -> Result<Caller, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState missing")))?;
    if super::bearer_token(req.headers()).is_none() {
        return Err(unauthorized(
            ErrorCode::MissingToken,
            "an `Authorization: Bearer` token is required",
        ));
    }
    let verified = super::bearer_user(req, &state.jwt)
        .ok_or_else(|| unauthorized(ErrorCode::InvalidToken, "the token is invalid or expired"))?;
    let user = app::sessions::token_user(&state.db, &verified)
        .await
        .map_err(|refused| {
            if let AppError::Unauthorized { .. } = refused {
                tracing::warn!(target: "security", event = "token_refused", detail = %refused);
            }
            ApiError::from(refused)
        })?;
    let Some(permission) = permission else {
        tracing::error!(target: "security", event = "undeclared_operation", method = %req.method(),
            path = req.path(), "an operation without a declared permission was refused");
        return Err(AppError::Forbidden.into());
    };
    Caller::authorize(user.id, user.role, user.team_id, permission).map_err(|refused| {
        tracing::warn!(target: "security", event = "permission_refused", user_id = %user.id,
            role = user.role.as_str(), ?permission);
        refused.into()
    })
}

fn unauthorized(code: ErrorCode, detail: &str) -> ApiError {
    AppError::unauthorized(code, detail).into()
}

/// The caller [`guard`] authorized for the operation's declared permission.
#[derive(Debug, Clone, Copy)]
pub struct Authorized(Caller);

impl Deref for Authorized {
    type Target = Caller;

    fn deref(&self) -> &Caller {
        &self.0
    }
}

impl FromRequest for Authorized {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        // Only a request the guard did not recognise as an operation lacks its caller: deny.
        ready(
            req.extensions()
                .get::<Caller>()
                .copied()
                .map(Authorized)
                .ok_or_else(|| {
                    tracing::error!(target: "security", event = "unguarded_handler", method = %req.method(),
                path = req.path(), "a handler was reached without an authorized caller");
                    AppError::Forbidden.into()
                }),
        )
    }
}
