//! Access tokens: HS256 JWTs, issued and validated strictly.
//!
//! Validation allows HS256 only (no `none`, no algorithm confusion), and requires `exp`, `nbf`,
//! `iss`, `aud` and `sub`, with 5 s of leeway for clock skew between servers.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const ISSUER: &str = "crm-server";
pub const AUDIENCE: &str = "crm-api";
/// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
pub const MIN_SECRET_BYTES: usize = 32;
const LEEWAY_SECONDS: u64 = 5;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: Uuid,
    /// The version of the user the token was issued to: any change of the user since (a new
    /// password, role, team, deactivation) ends the token.
    pub ver: i32,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl_seconds: i64,
}

#[derive(Debug, thiserror::Error)]
#[error("CRM_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")]
pub struct WeakSecret;

impl JwtKeys {
    pub fn new(secret: &[u8], ttl_seconds: i64) -> Result<Self, WeakSecret> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(WeakSecret);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_seconds,
        })
    }

    pub fn issue(
        &self,
        user_id: Uuid,
        user_version: i32,
        now: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user_id,
            ver: user_version,
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: now.timestamp() + self.ttl_seconds,
            jti: Uuid::now_v7(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    pub fn validate(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_short_secret_is_refused() {
        assert!(JwtKeys::new(b"too short", 60).is_err());
    }

    #[test]
    fn an_issued_token_validates_and_names_its_user() {
        let keys = JwtKeys::new(SECRET, 60).unwrap();
        let user = Uuid::now_v7();
        let token = keys.issue(user, 1, Utc::now()).unwrap();
        assert_eq!(keys.validate(&token).unwrap().sub, user);
    }

    #[test]
    fn expired_and_foreign_tokens_are_refused() {
        let keys = JwtKeys::new(SECRET, 60).unwrap();
        let old = Utc::now() - chrono::Duration::hours(2);
        assert!(keys.validate(&keys.issue(Uuid::now_v7(), 1, old).unwrap()).is_err());
        let other = JwtKeys::new(b"another secret of at least 32 bytes!", 60).unwrap();
        assert!(
            keys.validate(&other.issue(Uuid::now_v7(), 1, Utc::now()).unwrap())
                .is_err()
        );
    }

    #[test]
    fn the_none_algorithm_is_refused() {
        let keys = JwtKeys::new(SECRET, 60).unwrap();
        let token = keys.issue(Uuid::now_v7(), 1, Utc::now()).unwrap();
        let payload = token.split('.').nth(1).unwrap();
        // {"alg":"none","typ":"JWT"}
        let forged = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert!(keys.validate(&forged).is_err());
    }
}
