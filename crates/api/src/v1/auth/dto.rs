//! The bodies of `/api/v1/auth`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[validate(length(max = 254, message = "must be at most 254 characters"))]
    #[schema(max_length = 254, example = "admin@example.com")]
    pub email: String,
    /// Longer passwords are refused before hashing: Argon2 over megabytes is a denial of service.
    #[validate(length(max = 1024, message = "must be at most 1024 characters"))]
    #[schema(max_length = 1024, format = Password)]
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Renews the access token once (`POST /auth/refresh`); keep it secret, like a password.
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    pub refresh_expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// A refresh token from `POST /auth/token` or `POST /auth/refresh`.
    #[validate(length(min = 1, max = 256, message = "must be 1 to 256 characters"))]
    #[schema(min_length = 1, max_length = 256)]
    pub refresh_token: String,
}
