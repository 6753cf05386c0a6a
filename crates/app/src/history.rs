//! Recording and reading history entries. Every change is recorded here, in the change's own
//! transaction, together with its event of the change feed: committed together or not at all.

pub use domain::event::Change;
use domain::history;
use domain::resource::ResourceType;
use persistence::events::{self, NewEvent};
use persistence::history::{self as store, Entry};
use persistence::page::{Page, PageRequest};
use persistence::{ConnectionTrait, DatabaseConnection};
use serde_json::Value;
use uuid::Uuid;

use crate::caller::Caller;
use crate::error::AppError;

/// Records a change of one record, in the caller's transaction. `before` is the record's form
/// (see [`crate::records`]) before the change (none on creation), `after` the form after it. An
/// update that changed no field leaves no entry and no event.
pub async fn record(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    resource_type: ResourceType,
    resource_id: Uuid,
    change: Change,
    before: Option<&Value>,
    after: &Value,
) -> Result<(), AppError> {
    record_by(conn, Some(caller.id), resource_type, resource_id, change, before, after).await
}

/// [`record`] of a change made by `actor_id`, or by the server itself when none (the first
/// admin, created at start-up).
pub async fn record_by(
    conn: &impl ConnectionTrait,
    actor_id: Option<Uuid>,
    resource_type: ResourceType,
    resource_id: Uuid,
    change: Change,
    before: Option<&Value>,
    after: &Value,
) -> Result<(), AppError> {
    let action = change.action();
    let changes = history::diff(before, after);
    if changes.is_empty() && action == history::Action::Updated {
        return Ok(());
    }
    let entry = Entry {
        id: Uuid::now_v7(),
        resource_type: resource_type.as_str(),
        resource_id,
        action,
        actor_id,
        occurred_at: crate::clock::now(),
        changes,
    };
    store::record(conn, &entry).await?;
    let kind = change.event_type(resource_type);
    let data = if action == history::Action::Deleted {
        before.unwrap_or(after)
    } else {
        after
    };
    let event = NewEvent {
        id: Uuid::now_v7(),
        kind: &kind,
        resource_type: resource_type.as_str(),
        resource_id,
        actor_id: entry.actor_id,
        occurred_at: entry.occurred_at,
        data,
    };
    Ok(events::append(conn, &event).await?)
}

/// Records the deletion of a record whose form was `before`: its history outlives it.
pub async fn record_deletion(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    resource_type: ResourceType,
    resource_id: Uuid,
    before: &Value,
) -> Result<(), AppError> {
    record(
        conn,
        caller,
        resource_type,
        resource_id,
        Change::Deleted,
        Some(before),
        &Value::Null,
    )
    .await
}

/// The entries of a record that may have been deleted (`exists` says whether it still is): its
/// history stays readable; a record that never was is a 404.
pub async fn list_outliving(
    db: &DatabaseConnection,
    resource_type: ResourceType,
    resource_id: Uuid,
    exists: bool,
    request: &PageRequest<()>,
) -> Result<Page<Entry>, AppError> {
    let page = list(db, resource_type, resource_id, request).await?;
    if page.items.is_empty() && request.after.is_none() && !exists {
        return Err(AppError::not_found(resource_type));
    }
    Ok(page)
}

/// The entries of one record, oldest first. The caller has checked that the record is visible.
pub async fn list(
    db: &DatabaseConnection,
    resource_type: ResourceType,
    resource_id: Uuid,
    request: &PageRequest<()>,
) -> Result<Page<Entry>, AppError> {
    Ok(store::list(db, resource_type.as_str(), resource_id, request).await?)
}
