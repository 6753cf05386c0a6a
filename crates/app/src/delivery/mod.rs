//! The webhook worker: a background task of the server that turns committed events into
//! deliveries (`fan_out`) and POSTs the due ones to their receivers (`send`). Requests never
//! wait for it; they only wake it when they queue a delivery themselves.

mod fan_out;
mod send;

use std::sync::Arc;
use std::time::Duration;

use persistence::DatabaseConnection;
use tokio::sync::Notify;

use crate::clock::Clock;

pub use fan_out::hold;
pub use send::{DELIVERY_ID, EVENT_ID, EVENT_TYPE, SIGNATURE};

/// How often the worker looks for new events and due retries when nobody wakes it.
const POLL: Duration = Duration::from_millis(500);
/// The same on PostgreSQL, where committed events wake it (`LISTEN`): only for due retries, and
/// for events committed while the listening connection was lost.
const POLL_WHILE_LISTENING: Duration = Duration::from_secs(5);
/// The least time between two rounds woken by commits: under a write load every commit notifies,
/// and a round per commit would cost the database as much as the writes themselves. Events
/// committed meanwhile wait at most this long, and are then taken in one round.
const WAKE_GAP: Duration = Duration::from_millis(20);
/// The pause after a failed round (the database is likely down): no log flood.
const AFTER_ERROR: Duration = Duration::from_secs(5);

/// What handlers need of the worker.
pub struct Webhooks {
    /// Whether receivers may be on private, loopback or link-local addresses.
    pub allow_private: bool,
    wake: Arc<Notify>,
}

impl Webhooks {
    /// Tells the worker that a delivery is due now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// How far the worker is behind: what a monitor alerts on.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lag {
    /// How long ago the oldest event not yet turned into deliveries occurred (0 when none waits).
    pub events_seconds: f64,
    /// Deliveries due now and not yet sent.
    pub deliveries_due: u64,
    /// How long the longest overdue delivery has been due (0 when none is).
    pub deliveries_seconds: f64,
}

/// How far the worker is behind now.
pub async fn lag(db: &DatabaseConnection) -> Result<Lag, persistence::StoreError> {
    let now = crate::clock::now();
    let seconds = |since: chrono::DateTime<chrono::Utc>| (now - since).to_std().map_or(0.0, |d| d.as_secs_f64());
    let events_seconds = fan_out::oldest_waiting(db).await?.map_or(0.0, seconds);
    let (deliveries_due, oldest_due) = persistence::webhook_deliveries::due(db, now).await?;
    Ok(Lag {
        events_seconds,
        deliveries_due,
        deliveries_seconds: oldest_due.map_or(0.0, seconds),
    })
}

/// Starts the worker.
pub fn start(db: DatabaseConnection, allow_private: bool, clock: Clock) -> anyhow::Result<Webhooks> {
    let wake = Arc::new(Notify::new());
    let sender = send::Sender::new(allow_private, wake.clone())?;
    let notified = wake.clone();
    let woken_by_commits = wake.clone();
    tokio::spawn(async move {
        let poll = if listen(&db, woken_by_commits).await {
            POLL_WHILE_LISTENING
        } else {
            POLL
        };
        loop {
            let busy = match clock.scope(round(&db, &sender)).await {
                Ok(busy) => busy,
                Err(error) => {
                    tracing::warn!(%error, "webhook worker round failed; trying again in a few seconds");
                    tokio::time::sleep(AFTER_ERROR).await;
                    false
                }
            };
            if !busy {
                tokio::select! {
                    () = notified.notified() => tokio::time::sleep(WAKE_GAP).await,
                    () = tokio::time::sleep(poll) => {}
                }
            }
        }
    });
    Ok(Webhooks { allow_private, wake })
}

/// Wakes the worker whenever events are committed, where the database tells (PostgreSQL):
/// whether it does.
async fn listen(db: &DatabaseConnection, wake: Arc<Notify>) -> bool {
    let mut listener = match persistence::events::listen(db).await {
        Ok(Some(listener)) => listener,
        Ok(None) => return false,
        Err(error) => {
            tracing::warn!(%error, "cannot listen for committed events; the webhook worker polls");
            return false;
        }
    };
    tokio::spawn(async move {
        loop {
            match listener.committed().await {
                Ok(()) => wake.notify_one(),
                Err(error) => {
                    // The listener connects again on the next call; the worker polls meanwhile.
                    tracing::warn!(%error, "lost the connection listening for committed events");
                    tokio::time::sleep(AFTER_ERROR).await;
                }
            }
        }
    });
    true
}

/// One round: queue the deliveries of new events, then start the due ones (each ending one
/// wakes the worker). Busy when the fan-out had a full batch, so the next round follows at once.
async fn round(db: &DatabaseConnection, sender: &send::Sender) -> Result<bool, persistence::StoreError> {
    let fanned = fan_out::run(db).await?;
    sender.send_due(db).await?;
    Ok(fanned)
}

/// The roles whose subscriptions are served: an owner deactivated or moved to a role without
/// webhooks receives nothing more.
fn owner_roles() -> Vec<&'static str> {
    use domain::access::{Permission, Role};
    Role::ALL
        .iter()
        .filter(|role| role.can(Permission::ManageWebhooks))
        .map(|role| role.as_str())
        .collect()
}
