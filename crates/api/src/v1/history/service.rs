//! Recording and reading history entries.

use domain::event::event_type;
use domain::history::{self, Action};
use persistence::events::{self, NewEvent};
use persistence::history::{self as store, Entry};
use persistence::page::{Page, PageRequest};
use persistence::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::Caller;
use crate::error::ApiError;

/// Records a change of one record, in the caller's transaction. `before` is the record's public
/// form before the change (none on creation), `after` the form after it. An update that changed
/// no field leaves no entry.
pub async fn record<T: Serialize>(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    resource_type: &'static str,
    resource_id: Uuid,
    action: Action,
    before: Option<&T>,
    after: &T,
) -> Result<(), ApiError> {
    record_by(conn, Some(caller.id), resource_type, resource_id, action, before, after).await
}

/// [`record`] of a change made by `actor_id`, or by the server itself when none (the first
/// admin, created at start-up).
pub async fn record_by<T: Serialize>(
    conn: &impl ConnectionTrait,
    actor_id: Option<Uuid>,
    resource_type: &'static str,
    resource_id: Uuid,
    action: Action,
    before: Option<&T>,
    after: &T,
) -> Result<(), ApiError> {
    let to_json = |value: &T| snapshot(value);
    let before = before.map(to_json).transpose()?;
    let after = to_json(after)?;
    let changes = history::diff(before.as_ref(), &after);
    if changes.is_empty() && action == Action::Updated {
        return Ok(());
    }
    let entry = Entry {
        id: Uuid::now_v7(),
        resource_type,
        resource_id,
        action,
        actor_id,
        occurred_at: crate::state::now(),
        changes,
    };
    store::record(conn, &entry).await?;
    // The change feed's event, in the same transaction: committed together or not at all.
    let status =
        |snapshot: Option<&serde_json::Value>| snapshot.and_then(|s| s.get("status")?.as_str().map(str::to_owned));
    let kind = event_type(
        resource_type,
        action,
        status(before.as_ref()).as_deref(),
        status(Some(&after)).as_deref(),
    );
    let data = if action == Action::Deleted {
        before.as_ref().unwrap_or(&after)
    } else {
        &after
    };
    let event = NewEvent {
        id: Uuid::now_v7(),
        kind: &kind,
        resource_type,
        resource_id,
        actor_id: entry.actor_id,
        occurred_at: entry.occurred_at,
        data,
    };
    Ok(events::append(conn, &event).await?)
}

/// Records the deletion of a record whose public form was `before`: its history outlives it.
pub async fn record_deletion<T: Serialize>(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    resource_type: &'static str,
    resource_id: Uuid,
    before: &T,
) -> Result<(), ApiError> {
    let before = snapshot(before)?;
    record(
        conn,
        caller,
        resource_type,
        resource_id,
        Action::Deleted,
        Some(&before),
        &serde_json::Value::Null,
    )
    .await
}

/// A record's public form as history keeps it. `allowed_actions` says what the acting caller may
/// do next, not what the record is: it is left out, so no entry shows a caller's buttons.
fn snapshot<T: Serialize>(value: &T) -> Result<serde_json::Value, ApiError> {
    let mut json = serde_json::to_value(value).map_err(ApiError::internal)?;
    if let Some(fields) = json.as_object_mut() {
        fields.remove("allowed_actions");
    }
    Ok(json)
}

/// The entries of a record that may have been deleted (`exists` says whether it still is): its
/// history stays readable; a record that never was is a 404.
pub async fn list_outliving(
    db: &DatabaseConnection,
    resource_type: &'static str,
    resource_id: Uuid,
    exists: bool,
    request: &PageRequest<()>,
) -> Result<Page<Entry>, ApiError> {
    let page = list(db, resource_type, resource_id, request).await?;
    if page.items.is_empty() && request.after.is_none() && !exists {
        return Err(ApiError::NotFound {
            resource: resource_type,
        });
    }
    Ok(page)
}

/// The entries of one record, oldest first. The caller has checked that the record is visible.
pub async fn list(
    db: &DatabaseConnection,
    resource_type: &'static str,
    resource_id: Uuid,
    request: &PageRequest<()>,
) -> Result<Page<Entry>, ApiError> {
    Ok(store::list(db, resource_type, resource_id, request).await?)
}
