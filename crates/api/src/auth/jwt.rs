//! Access tokens (RFC 8725): HS256 JWTs this server issues, and optionally tokens of an external
//! identity provider, validated against its public keys.
//!
//! Every token names its key (`kid`): this server signs with its current secret and still
//! accepts the previous ones, so a secret is rotated without logging anyone out; an external
//! token's `kid` picks its key from the provider's key set, whose every key states its algorithm
//! (`RS256`, `ES256`, `EdDSA`…), so a token cannot choose the algorithm (no `none`, no HS256 signed with
//! a public key). `exp`, `iss`, `aud` and `sub` are required, with 5 s of leeway for clock skew.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub use app::sessions::TokenSubject;

pub const ISSUER: &str = "crm-server";
pub const AUDIENCE: &str = "crm-api";
/// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
pub const MIN_SECRET_BYTES: usize = 32;
const LEEWAY_SECONDS: u64 = 5;
/// The algorithms an external provider's keys may use: asymmetric only.
const EXTERNAL_ALGORITHMS: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// The claims of a token this server issues.
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

/// The claims the server reads of an external provider's token: whose it is, by email.
#[derive(Debug, Deserialize)]
struct ExternalClaims {
    email: String,
    /// A provider that says it has not verified the address does not name a user.
    email_verified: Option<bool>,
}

/// Where tokens of an external identity provider are accepted from.
#[derive(Debug, Clone)]
pub struct ExternalProvider {
    /// Its public keys, as a JSON Web Key Set (each with `kid` and `alg`).
    pub keys: JwkSet,
    pub issuer: String,
    pub audience: String,
}

#[derive(Clone)]
pub struct JwtKeys {
    signing_kid: String,
    signing: EncodingKey,
    /// By key id: this server's current and previous secrets, and the provider's keys.
    accepted: HashMap<String, (DecodingKey, Validation, Origin)>,
    pub ttl_seconds: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    Local,
    External,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("CRM_JWT_SECRET and each of CRM_JWT_PREVIOUS_SECRETS must be at least {MIN_SECRET_BYTES} bytes")]
    WeakSecret,
    #[error("the external provider's key {0:?} has no `kid`, or no asymmetric `alg` (RS256, ES256, EdDSA…)")]
    UnusableKey(String),
    #[error("the external provider's key {kid}: {source}")]
    BadKey {
        kid: String,
        source: jsonwebtoken::errors::Error,
    },
    #[error("the key id {0} is used twice")]
    DuplicateKid(String),
}

impl JwtKeys {
    /// Signs with `secret`, accepts tokens signed with it or any of `previous`, and tokens of
    /// `external` if given.
    pub fn new(
        secret: &[u8],
        previous: &[&[u8]],
        external: Option<&ExternalProvider>,
        ttl_seconds: i64,
    ) -> Result<Self, KeyError> {
        let mut accepted = HashMap::new();
        for key in std::iter::once(secret).chain(previous.iter().copied()) {
            if key.len() < MIN_SECRET_BYTES {
                return Err(KeyError::WeakSecret);
            }
            let validation = validation(Algorithm::HS256, ISSUER, AUDIENCE, &["exp", "nbf", "iss", "aud", "sub"]);
            accepted.insert(
                local_kid(key),
                (DecodingKey::from_secret(key), validation, Origin::Local),
            );
        }
        if let Some(provider) = external {
            for jwk in &provider.keys.keys {
                let (kid, algorithm) = usable(jwk)?;
                let key = DecodingKey::from_jwk(jwk).map_err(|source| KeyError::BadKey {
                    kid: kid.clone(),
                    source,
                })?;
                let validation = validation(
                    algorithm,
                    &provider.issuer,
                    &provider.audience,
                    &["exp", "iss", "aud", "sub"],
                );
                if accepted
                    .insert(kid.clone(), (key, validation, Origin::External))
                    .is_some()
                {
                    return Err(KeyError::DuplicateKid(kid));
                }
            }
        }
        Ok(Self {
            signing_kid: local_kid(secret),
            signing: EncodingKey::from_secret(secret),
            accepted,
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
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.signing_kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.signing)
    }

    /// Who `token` names, if one of the accepted keys signed it and its claims hold.
    pub fn validate(&self, token: &str) -> Option<TokenSubject> {
        let kid = jsonwebtoken::decode_header(token).ok()?.kid?;
        let (key, validation, origin) = self.accepted.get(&kid)?;
        match origin {
            Origin::Local => {
                let claims = jsonwebtoken::decode::<Claims>(token, key, validation).ok()?.claims;
                Some(TokenSubject::User {
                    id: claims.sub,
                    version: claims.ver,
                })
            }
            Origin::External => {
                let claims = jsonwebtoken::decode::<ExternalClaims>(token, key, validation)
                    .ok()?
                    .claims;
                (claims.email_verified != Some(false)).then_some(TokenSubject::Email(claims.email))
            }
        }
    }
}

fn validation(algorithm: Algorithm, issuer: &str, audience: &str, required: &[&str]) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.algorithms = vec![algorithm];
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(required);
    validation.validate_exp = true;
    validation.validate_nbf = true;
    validation.leeway = LEEWAY_SECONDS;
    validation
}

/// The id of one of this server's secrets: a digest, so that it names the key without telling it.
pub fn local_kid(secret: &[u8]) -> String {
    let digest = Sha256::digest(secret);
    format!("hs256-{}", hex::encode(&digest[..8]))
}

/// The id and algorithm of an external key, if it states an asymmetric one.
fn usable(jwk: &Jwk) -> Result<(String, Algorithm), KeyError> {
    let described = || KeyError::UnusableKey(jwk.common.key_id.clone().unwrap_or_default());
    let kid = jwk.common.key_id.clone().ok_or_else(described)?;
    let algorithm = jwk
        .common
        .key_algorithm
        .and_then(|algorithm| Algorithm::try_from(algorithm).ok())
        .filter(|algorithm| EXTERNAL_ALGORITHMS.contains(algorithm))
        .ok_or_else(described)?;
    Ok((kid, algorithm))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const OLD_SECRET: &[u8] = b"the secret of last month, 32 bytes long";

    fn keys(secret: &[u8], previous: &[&[u8]]) -> JwtKeys {
        JwtKeys::new(secret, previous, None, 60).unwrap()
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert!(JwtKeys::new(b"too short", &[], None, 60).is_err());
        assert!(JwtKeys::new(SECRET, &[b"too short"], None, 60).is_err());
    }

    #[test]
    fn an_issued_token_validates_and_names_its_user() {
        let keys = keys(SECRET, &[]);
        let user = Uuid::now_v7();
        let token = keys.issue(user, 1, Utc::now()).unwrap();
        assert_eq!(keys.validate(&token), Some(TokenSubject::User { id: user, version: 1 }));
    }

    #[test]
    fn a_token_of_the_previous_secret_is_accepted_after_rotation_and_not_after_its_removal() {
        let user = Uuid::now_v7();
        let old = keys(OLD_SECRET, &[]).issue(user, 3, Utc::now()).unwrap();
        assert_eq!(
            keys(SECRET, &[OLD_SECRET]).validate(&old),
            Some(TokenSubject::User { id: user, version: 3 })
        );
        assert_eq!(keys(SECRET, &[]).validate(&old), None);
    }

    #[test]
    fn expired_and_foreign_tokens_are_refused() {
        let keys = keys(SECRET, &[]);
        let old = Utc::now() - chrono::Duration::hours(2);
        assert!(keys.validate(&keys.issue(Uuid::now_v7(), 1, old).unwrap()).is_none());
        let other = JwtKeys::new(b"another secret of at least 32 bytes!", &[], None, 60).unwrap();
        assert!(
            keys.validate(&other.issue(Uuid::now_v7(), 1, Utc::now()).unwrap())
                .is_none()
        );
    }

    #[test]
    fn the_none_algorithm_is_refused() {
        let keys = keys(SECRET, &[]);
        let token = keys.issue(Uuid::now_v7(), 1, Utc::now()).unwrap();
        let payload = token.split('.').nth(1).unwrap();
        // {"alg":"none","typ":"JWT"}
        let forged = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert!(keys.validate(&forged).is_none());
    }

    #[test]
    fn an_external_key_without_an_asymmetric_algorithm_is_refused() {
        let set = |alg: &str| ExternalProvider {
            keys: serde_json::from_value(serde_json::json!({"keys": [
                {"kty": "oct", "kid": "k", "alg": alg, "k": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}
            ]}))
            .unwrap(),
            issuer: "https://idp.example".to_owned(),
            audience: "crm".to_owned(),
        };
        assert!(matches!(
            JwtKeys::new(SECRET, &[], Some(&set("HS256")), 60),
            Err(KeyError::UnusableKey(_))
        ));
    }
}
