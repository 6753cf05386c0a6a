//! The running server instances, each seen every few seconds ([`seen`]). An instance not seen for
//! a while has stopped: what it claimed and never finished (an `Idempotency-Key`) is free.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::entities::server_instance::{ActiveModel, Column, Entity};
use crate::error::StoreError;

/// Records that instance `id` is running at `now`.
pub async fn seen(conn: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
    let row = ActiveModel {
        id: Set(id),
        started_at: Set(now),
        seen_at: Set(now),
    };
    Entity::insert(row)
        .on_conflict(OnConflict::column(Column::Id).update_column(Column::SeenAt).to_owned())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Whether instance `id` was seen since `since`.
pub async fn is_live(conn: &impl ConnectionTrait, id: Uuid, since: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(Entity::find_by_id(id)
        .filter(Column::SeenAt.gt(since))
        .one(conn)
        .await?
        .is_some())
}

/// Forgets the instances not seen since `cutoff`.
pub async fn forget_before(conn: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(Entity::delete_many()
        .filter(Column::SeenAt.lt(cutoff))
        .exec(conn)
        .await?
        .rows_affected)
}
