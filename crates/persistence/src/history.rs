//! The history of every business record, written in the transaction that changes the record.

use chrono::{DateTime, Utc};
use domain::history::{Action, FieldChange};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::entities::history_entry::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
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

pub async fn record(conn: &impl ConnectionTrait, entry: &Entry) -> Result<(), StoreError> {
    record_all(conn, std::slice::from_ref(entry)).await
}

pub async fn record_all(conn: &impl ConnectionTrait, entries: &[Entry]) -> Result<(), StoreError> {
    let rows = entries.iter().map(|entry| ActiveModel {
        id: Set(entry.id),
        resource_type: Set(entry.resource_type.to_owned()),
        resource_id: Set(entry.resource_id),
        action: Set(entry.action.as_str().to_owned()),
        actor_id: Set(entry.actor_id),
        occurred_at: Set(entry.occurred_at),
        changes: Set(serde_json::to_string(&entry.changes).expect("field changes serialize")),
    });
    crate::table::insert_rows(conn, rows).await
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
