//! The history entries and events of seeded records, collected per batch and written with it.

use chrono::{DateTime, Utc};
use domain::resource::ResourceType;
use persistence::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, StoreError};
use serde_json::Value;
use uuid::Uuid;

use crate::history::{self, Change, Recorded};

/// A change as the journal keeps it until the batch is written.
struct Kept {
    actor_id: Option<Uuid>,
    resource_type: ResourceType,
    resource_id: Uuid,
    change: Change,
    at: DateTime<Utc>,
    before: Option<Value>,
    after: Value,
}

/// The changes of one batch, in the order they happened to each record.
#[derive(Default)]
pub struct Journal {
    kept: Vec<Kept>,
}

impl Journal {
    /// `actor_id` created the record `id` as `form` at `at`.
    pub fn created(
        &mut self,
        actor_id: Option<Uuid>,
        resource_type: ResourceType,
        id: Uuid,
        at: DateTime<Utc>,
        form: Value,
    ) {
        self.kept.push(Kept {
            actor_id,
            resource_type,
            resource_id: id,
            change: Change::Created,
            at,
            before: None,
            after: form,
        });
    }

    /// `actor_id` changed the record `id` from `before` to `after` at `at`.
    pub fn changed(
        &mut self,
        actor_id: Option<Uuid>,
        resource_type: ResourceType,
        id: Uuid,
        change: Change,
        at: DateTime<Utc>,
        (before, after): (Value, Value),
    ) {
        self.kept.push(Kept {
            actor_id,
            resource_type,
            resource_id: id,
            change,
            at,
            before: Some(before),
            after,
        });
    }

    /// Writes a batch in one transaction: its rows (`insert`), then their history entries and
    /// events.
    pub async fn commit(
        self,
        db: &DatabaseConnection,
        insert: impl AsyncFnOnce(&DatabaseTransaction) -> Result<(), StoreError>,
    ) -> anyhow::Result<()> {
        let txn = persistence::db::begin(db).await?;
        insert(&txn).await?;
        self.write(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Writes the history entries and events, as a live change writes them; how many.
    async fn write(self, conn: &impl ConnectionTrait) -> anyhow::Result<u64> {
        let recorded: Vec<Recorded> = self
            .kept
            .iter()
            .map(|kept| Recorded {
                actor_id: kept.actor_id,
                resource_type: kept.resource_type,
                resource_id: kept.resource_id,
                change: kept.change,
                at: kept.at,
                before: kept.before.as_ref(),
                after: &kept.after,
            })
            .collect();
        history::record_all(conn, &recorded).await?;
        Ok(recorded.len() as u64)
    }
}
