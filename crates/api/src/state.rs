//! What every handler shares: the pool, the token keys, the webhook worker and the clock.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use persistence::DatabaseConnection;

use crate::auth::JwtKeys;
use crate::auth::throttle::LoginThrottle;
use app::clock::Clock;
use app::delivery::Webhooks;
use app::files::FileStore;
use app::instance::Instance;

pub struct AppState {
    pub db: DatabaseConnection,
    pub jwt: JwtKeys,
    /// How long a refresh token lasts.
    pub refresh_token_ttl: chrono::TimeDelta,
    pub webhooks: Webhooks,
    pub clock: Clock,
    pub logins: LoginThrottle,
    /// This server among those on the database (whose claims of keys die with it).
    pub instance: Instance,
    /// How long a resolved case may be reopened (`CRM_CASE_REOPEN_DAYS`).
    pub case_reopen_days: i64,
    /// Where attachments' content is kept.
    pub files: std::sync::Arc<dyn FileStore>,
    /// The largest file an upload may carry, bytes.
    pub max_upload_bytes: u64,
}

/// Runs the request with every `now()` of its use cases reading the server's clock.
pub async fn with_clock(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let clock = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.clock.clone())
        .unwrap_or_default();
    clock.scope(async move { next.call(req).await }).await
}
