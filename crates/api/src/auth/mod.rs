//! Authentication (who is calling) and authorisation (may they do this).

pub mod caller;
pub mod jwt;
pub mod password;

use actix_web::http::header::{self, HeaderMap};
use uuid::Uuid;

pub use caller::{AuthUser, Caller};
pub use jwt::JwtKeys;

/// The token of an `Authorization: Bearer …` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The user a valid bearer token names, for middlewares that key on the caller before any handler
/// runs (whether the user is still active is the handler's check).
pub fn bearer_subject(headers: &HeaderMap, jwt: &JwtKeys) -> Option<Uuid> {
    jwt.validate(bearer_token(headers)?).ok().map(|claims| claims.sub)
}
