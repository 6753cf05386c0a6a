//! Argon2id password hashes with the OWASP parameters (19 MiB, 2 iterations, 1 lane), which are
//! the crate's defaults. Hashing takes tens of milliseconds of CPU, so it runs off the async workers.

use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::AppError;

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
}

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::internal(anyhow::anyhow!("hashing failed: {e}")))
    })
    .await
    .map_err(AppError::internal)?
}

/// Verifies `password` against `stored`. With no stored hash (unknown user) a dummy hash is checked,
/// so the response time does not tell whether an email is registered.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    static DUMMY: LazyLock<String> = LazyLock::new(|| {
        hasher()
            .hash_password(b"no such user", &SaltString::generate(&mut OsRng))
            .expect("hashing a constant works")
            .to_string()
    });
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY.clone());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        hasher().verify_password(password.as_bytes(), &parsed).is_ok() && known
    })
    .await
    .map_err(AppError::internal)
}
