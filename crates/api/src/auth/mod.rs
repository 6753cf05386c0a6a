//! Authentication (who is calling) and authorisation (may they do this).

pub mod caller;
pub mod jwt;
pub mod password;

pub use caller::{AuthUser, Caller};
pub use jwt::JwtKeys;
