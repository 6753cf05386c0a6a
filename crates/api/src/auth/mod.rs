//! Authentication (who is calling) and authorisation (may they do this).

pub mod caller;
pub mod jwt;
pub mod throttle;

use actix_web::HttpMessage;
use actix_web::http::header::{self, HeaderMap};
use uuid::Uuid;

pub use caller::{Authorized, Caller, guard};
pub use jwt::JwtKeys;

/// The token of an `Authorization: Bearer …` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The user a valid bearer token names (whether the user is still active is [`guard`]'s
/// check). The token is validated once per request: the rate limit, the idempotency keys and the
/// handler all ask, and the answer is kept in the request's extensions.
pub fn bearer_subject(req: &impl HttpMessage, jwt: &JwtKeys) -> Option<Uuid> {
    bearer_user(req, jwt).map(|subject| subject.user)
}

/// [`bearer_subject`] with the version of the user the token was issued to.
pub fn bearer_user(req: &impl HttpMessage, jwt: &JwtKeys) -> Option<Subject> {
    if let Some(Known(known)) = req.extensions().get::<Known>() {
        return *known;
    }
    let subject = bearer_token(req.headers()).and_then(|token| {
        let claims = jwt.validate(token).ok()?;
        Some(Subject {
            user: claims.sub,
            user_version: claims.ver,
        })
    });
    req.extensions_mut().insert(Known(subject));
    subject
}

/// Who a valid token names: a user, as it was when the token was issued.
#[derive(Debug, Clone, Copy)]
pub struct Subject {
    pub user: Uuid,
    pub user_version: i32,
}

/// The request's validated token subject, once known.
struct Known(Option<Subject>);
