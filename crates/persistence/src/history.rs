//! The history of every business record, written in the transaction that changes the record.

use chrono::{DateTime, Utc};
use domain::history::{Action, FieldChange};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryTrait, Statement,
};
use uuid::Uuid;

use crate::entities::history_entry::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::events::{self, NewEvent};
use crate::page::{self, Page, PageRequest, SortKey};

/// One change of one record.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Uuid,
    pub resource_type: &'static str,
    pub resource_id: Uuid,
    pub action: Action,
    pub actor_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    pub changes: Vec<FieldChange>,
}

/// Changes per statement of [`record_with_events`]: an entry and an event take 14 values.
const CHANGES_PER_STATEMENT: usize = 2_000;

/// Records `entries` and appends their `events` (one each, in the same order), in the caller's
/// transaction. On PostgreSQL both go in one statement, so a change costs one round trip for its
/// history and feed together; SQLite, in process, takes two.
pub async fn record_with_events(
    conn: &impl ConnectionTrait,
    entries: &[Entry],
    events: &[NewEvent<'_>],
) -> Result<(), StoreError> {
    let backend = conn.get_database_backend();
    if backend != DbBackend::Postgres {
        crate::table::insert_rows(conn, entries.iter().map(row)).await?;
        return events::append_all(conn, events).await;
    }
    for (entries, events) in entries
        .chunks(CHANGES_PER_STATEMENT)
        .zip(events.chunks(CHANGES_PER_STATEMENT))
    {
        let history = Entity::insert_many(entries.iter().map(row)).build(backend);
        let mut values = history.values.map(|v| v.0).unwrap_or_default();
        let (append, event_values) = events::insert(backend, events, values.len());
        values.extend(event_values);
        let sql = format!("WITH history AS ({}) {append}", history.sql);
        conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

fn row(entry: &Entry) -> ActiveModel {
    ActiveModel {
        id: Set(entry.id),
        resource_type: Set(entry.resource_type.to_owned()),
        resource_id: Set(entry.resource_id),
        action: Set(entry.action.as_str().to_owned()),
        actor_id: Set(entry.actor_id),
        occurred_at: Set(entry.occurred_at),
        changes: Set(serde_json::to_string(&entry.changes).expect("field changes serialize")),
    }
}

/// The entries of one record, oldest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    resource_type: &'static str,
    resource_id: Uuid,
    request: &PageRequest<()>,
) -> Result<Page<Entry>, StoreError> {
    let select = Entity::find()
        .filter(Column::ResourceType.eq(resource_type))
        .filter(Column::ResourceId.eq(resource_id));
    // Ids are UUID v7, so ordering by (occurred_at, id) follows the order of writes.
    page::fetch(
        conn,
        select,
        (Column::OccurredAt, Column::Id),
        request,
        |m| to_entry(m, resource_type),
        |entry| (SortKey::Time(entry.occurred_at), entry.id),
    )
    .await
}

fn to_entry(m: Model, resource_type: &'static str) -> Result<Entry, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt("history_entries", format!("{what} of {}", m.id));
    Ok(Entry {
        id: m.id,
        resource_type,
        resource_id: m.resource_id,
        action: Action::parse(&m.action).ok_or_else(|| corrupt("action"))?,
        actor_id: m.actor_id,
        occurred_at: m.occurred_at,
        changes: serde_json::from_str(&m.changes).map_err(|_| corrupt("changes"))?,
    })
}
