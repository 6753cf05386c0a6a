//! Authentication (who is calling) and authorisation (may they do this).

pub mod caller;
pub mod jwt;
pub mod throttle;

use actix_web::HttpMessage;
use actix_web::http::header::{self, HeaderMap};
use uuid::Uuid;

pub use caller::{Authorized, Caller, guard};
pub use jwt::{ExternalProvider, JwtKeys, TokenSubject};

/// The token of an `Authorization: Bearer …` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Whom a valid bearer token names, as a key for what is kept per caller (the rate limit, the
/// idempotency keys): the user's id, or for a token of an external provider an id made of its
/// email. The token is validated once per request: the rate limit, the idempotency keys and the
/// guard all ask, and the answer is kept in the request's extensions.
pub fn bearer_subject(req: &impl HttpMessage, jwt: &JwtKeys) -> Option<Uuid> {
    bearer_user(req, jwt).map(|verified| match verified {
        TokenSubject::User { id, .. } => id,
        TokenSubject::Email(email) => {
            use sha2::{Digest, Sha256};
            let digest = Sha256::digest(email.to_lowercase().as_bytes());
            Uuid::from_bytes(digest[..16].try_into().expect("a SHA-256 has 16 bytes and more"))
        }
    })
}

/// Whom a valid bearer token names (whether that user is still active is [`guard`]'s check).
pub fn bearer_user(req: &impl HttpMessage, jwt: &JwtKeys) -> Option<TokenSubject> {
    if let Some(Known(known)) = req.extensions().get::<Known>() {
        return known.clone();
    }
    let verified = bearer_token(req.headers()).and_then(|token| jwt.validate(token));
    req.extensions_mut().insert(Known(verified.clone()));
    verified
}

/// The request's validated token subject, once known.
struct Known(Option<TokenSubject>);
