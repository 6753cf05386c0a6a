//! Work the server does on its own, off the request path: dropping events and finished webhook
//! deliveries past their retention, idempotency keys past their 24 hours, expired refresh tokens,
//! stored files no attachment uses (after a grace period: `crate::attachments::sweep_orphans`);
//! and, on PostgreSQL, the planner's statistics of tables that changed a lot (every 10 s).

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use persistence::{DatabaseConnection, events, idempotency, webhook_deliveries};

use crate::clock::Clock;
use crate::files::FileStore;

const EVERY: Duration = Duration::from_hours(1);
/// How often the planner's statistics are checked (a cheap read of PostgreSQL's counters).
const STATISTICS_EVERY: Duration = Duration::from_secs(10);

/// Cleans once now, then every hour in the background. A failure is logged and tried again at
/// the next hour, at start-up too: nothing the server serves depends on it, and a backlog can
/// outlast the statement timeout (a restart soon after dropping millions of events, before
/// PostgreSQL's autovacuum has cleared them, reads past every dead row), which must not stop a
/// server from starting.
pub async fn start(db: DatabaseConnection, event_retention_days: u32, clock: Clock, files: Arc<dyn FileStore>) {
    let retention = TimeDelta::days(i64::from(event_retention_days));
    if let Err(error) = clock.scope(clean(&db, retention, files.as_ref())).await {
        tracing::warn!(
            error = format!("{error:#}"),
            "housekeeping failed at start-up; trying again in an hour"
        );
    }
    let statistics = db.clone();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(STATISTICS_EVERY);
        loop {
            interval.tick().await;
            match persistence::db::analyze_stale(&statistics).await {
                Ok(tables) if !tables.is_empty() => tracing::info!(?tables, "gathered the planner's statistics"),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "could not gather the planner's statistics"),
            }
        }
    });
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(EVERY);
        interval.tick().await;
        loop {
            interval.tick().await;
            if let Err(error) = clock.scope(clean(&db, retention, files.as_ref())).await {
                tracing::warn!(%error, "housekeeping failed; trying again in an hour");
            }
        }
    });
}

async fn clean(db: &DatabaseConnection, retention: TimeDelta, files: &dyn FileStore) -> anyhow::Result<()> {
    let now = crate::clock::now();
    let dropped = events::delete_before(db, now - retention).await?;
    if dropped > 0 {
        tracing::info!(dropped, "dropped events past their retention");
    }
    // The delivery log is kept as long as the events it delivered.
    webhook_deliveries::delete_finished_before(db, now - retention).await?;
    idempotency::delete_before(db, now - idempotency::RETENTION).await?;
    // Real time: an instance's heartbeats are (see `crate::instance`).
    persistence::instances::forget_before(db, chrono::Utc::now() - TimeDelta::days(1)).await?;
    persistence::refresh_tokens::delete_expired_before(db, now).await?;
    let removed = crate::attachments::sweep_orphans(db, files).await?;
    if removed > 0 {
        tracing::info!(removed, "removed stored files no attachment uses");
    }
    Ok(())
}
