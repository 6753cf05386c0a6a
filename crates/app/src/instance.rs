//! This server instance, among those on the same database: it says it is running every
//! [`HEARTBEAT`], so that what a stopped one claimed and never finished (an `Idempotency-Key`)
//! is taken over at once instead of after a minute. Liveness is real time, never the server's
//! clock (a test's clock may stand still while the heartbeats go on).

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use persistence::DatabaseConnection;
use persistence::idempotency::Claimant;
use uuid::Uuid;

/// How often the instance says it is running.
const HEARTBEAT: Duration = Duration::from_secs(2);
/// An instance not seen for this long has stopped (five heartbeats missed).
const GONE_AFTER: TimeDelta = TimeDelta::seconds(10);

#[derive(Debug, Clone, Copy)]
pub struct Instance {
    pub id: Uuid,
}

impl Instance {
    /// Who claims a key from this instance now.
    pub fn claimant(self) -> Claimant {
        Claimant {
            instance_id: self.id,
            live_since: Utc::now() - GONE_AFTER,
        }
    }
}

/// Registers a new instance, then keeps saying it runs, in the background.
pub async fn start(db: DatabaseConnection) -> anyhow::Result<Instance> {
    let instance = Instance { id: Uuid::now_v7() };
    persistence::instances::seen(&db, instance.id, Utc::now()).await?;
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(HEARTBEAT);
        loop {
            interval.tick().await;
            if let Err(error) = persistence::instances::seen(&db, instance.id, Utc::now()).await {
                tracing::warn!(%error, "could not record that this instance runs");
            }
        }
    });
    Ok(instance)
}
