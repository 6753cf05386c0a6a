//! What every handler shares: the pool, the token keys and the webhook worker.

use persistence::DatabaseConnection;

use crate::auth::JwtKeys;
use app::delivery::Webhooks;

pub struct AppState {
    pub db: DatabaseConnection,
    pub jwt: JwtKeys,
    pub webhooks: Webhooks,
}
