//! What every handler shares: the pool, the token keys and the webhook worker.

use persistence::DatabaseConnection;

use crate::auth::JwtKeys;
use crate::delivery::Webhooks;

pub struct AppState {
    pub db: DatabaseConnection,
    pub jwt: JwtKeys,
    pub webhooks: Webhooks,
}

/// The current time at the precision both databases store (microseconds), so a value returned
/// on create equals the value read back later.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Utc};
    Utc::now().trunc_subsecs(6)
}
