//! From the change feed to the delivery queue. The worker reads the feed like any consumer, from
//! a position kept in the database (`feed_positions`, reader `webhooks`), and queues one delivery
//! per event and subscription that wants it, in the transaction that moves the position: each
//! event is queued once, also across restarts and several server instances.

use domain::webhook::Webhook;
use persistence::events::{self, Event, Position};
use persistence::webhook_deliveries::{self, NewDelivery};
use persistence::{ConnectionTrait, DatabaseConnection, StoreError, webhooks};
use uuid::Uuid;

use crate::clock::now;

const READER: &str = "webhooks";
/// Events read per round.
const BATCH: u64 = 500;

/// Locks the worker's position for the caller's transaction (created on first use) and returns
/// it with the active subscriptions. With none, the position moves to the end of the feed: no one
/// wants what lies before. A subscription is created under this lock, so it and the worker's
/// rounds are serial: it takes exactly the events committed after it, and a round that saw no
/// subscription cannot skip an event the new one wants.
pub async fn hold(conn: &impl ConnectionTrait) -> Result<(Position, Vec<Webhook>), StoreError> {
    let position = events::position_for_update(conn, READER).await?;
    let hooks = webhooks::active(conn, &super::owner_roles()).await?;
    match position {
        Some(position) if !hooks.is_empty() => Ok((position, hooks)),
        _ => {
            let end = events::end(conn).await?;
            if position != Some(end) {
                events::set_position(conn, READER, end).await?;
            }
            Ok((end, hooks))
        }
    }
}

/// Queues the deliveries of the next batch of events; true when the batch was full.
pub async fn run(db: &DatabaseConnection) -> Result<bool, StoreError> {
    if !anyone_subscribed(db).await? {
        // Nothing to queue and nothing to write: a round without subscriptions is one read, not
        // a transaction that moves the position (the first subscription moves it itself, in
        // `hold`), however often commits wake the worker.
        return Ok(false);
    }
    let txn = persistence::db::begin(db).await?;
    let (position, hooks) = hold(&txn).await?;
    let found = if hooks.is_empty() {
        Vec::new()
    } else {
        events::after(&txn, position, BATCH).await?
    };
    let Some(last) = found.last().map(|event| event.position) else {
        txn.commit().await?;
        return Ok(false);
    };
    let full = found.len() as u64 == BATCH;
    let mut queued = Vec::new();
    for event in found {
        let wanting: Vec<Uuid> = hooks
            .iter()
            .filter(|hook| hook.wants(&event.kind, event.actor_id))
            .map(|hook| hook.id)
            .collect();
        if wanting.is_empty() {
            continue;
        }
        let (event_id, event_type, payload) = (event.id, event.kind.clone(), payload(event));
        queued.extend(wanting.into_iter().map(|webhook_id| NewDelivery {
            id: Uuid::now_v7(),
            webhook_id,
            event_id: Some(event_id),
            event_type: event_type.clone(),
            payload: payload.clone(),
        }));
    }
    let at = now();
    // Bounded statements: SQLite limits the variables of one.
    while !queued.is_empty() {
        let rest = queued.split_off(queued.len().min(500));
        webhook_deliveries::insert_many(&txn, queued, at).await?;
        queued = rest;
    }
    events::set_position(&txn, READER, last).await?;
    txn.commit().await?;
    Ok(full)
}

/// The body of a delivery: the event exactly as the feed shows it.
fn payload(event: Event) -> String {
    crate::events::wire_form(&event).to_string()
}

/// When the oldest event the worker has not yet read occurred; none when it is at the end.
pub async fn oldest_waiting(db: &DatabaseConnection) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
    // Without subscriptions the position stays where it is: nothing waits for anyone.
    if !anyone_subscribed(db).await? {
        return Ok(None);
    }
    let Some(position) = events::position(db, READER).await? else {
        return Ok(None);
    };
    Ok(events::after(db, position, 1)
        .await?
        .first()
        .map(|event| event.occurred_at))
}

async fn anyone_subscribed(db: &DatabaseConnection) -> Result<bool, StoreError> {
    Ok(!webhooks::active(db, &super::owner_roles()).await?.is_empty())
}
