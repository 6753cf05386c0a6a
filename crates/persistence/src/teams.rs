//! The teams table.

use chrono::{DateTime, Utc};
use domain::team::Team;
use sea_orm::{
    ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use crate::entities::team::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::page::{self, Page, PageRequest, SortKey, SyncOrder};

pub async fn insert(conn: &impl ConnectionTrait, team: &Team) -> Result<(), StoreError> {
    Entity::insert(to_active_model(team))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub async fn update(conn: &impl ConnectionTrait, team: &Team, expected_version: i32) -> Result<bool, StoreError> {
    let mut model = to_active_model(team);
    model.id = NotSet;
    model.created_at = NotSet;
    let result = Entity::update_many()
        .set(model)
        .filter(Column::Id.eq(team.id))
        .filter(Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Team>, StoreError> {
    Ok(Entity::find_by_id(id).one(conn).await?.map(to_team))
}

/// [`find`] that locks the row until the transaction ends (PostgreSQL; a no-op on SQLite).
pub async fn find_for_update(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Team>, StoreError> {
    Ok(Entity::find_by_id(id).lock_exclusive().one(conn).await?.map(to_team))
}

/// Teams oldest first, or by last change for a sync.
pub async fn list(
    conn: &impl ConnectionTrait,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<Team>, StoreError> {
    let mut select = Entity::find();
    if let Some(since) = updated_since {
        select = select.filter(Column::UpdatedAt.gte(since));
    }
    let sort = request.sort;
    let key = match sort {
        SyncOrder::Natural => Column::CreatedAt,
        SyncOrder::Updated => Column::UpdatedAt,
    };
    page::fetch(
        conn,
        select,
        (key, Column::Id),
        request,
        |m| Ok(to_team(m)),
        |team| match sort {
            SyncOrder::Natural => (SortKey::Time(team.created_at), team.id),
            SyncOrder::Updated => (SortKey::Time(team.updated_at), team.id),
        },
    )
    .await
}

fn to_active_model(team: &Team) -> ActiveModel {
    ActiveModel {
        id: Set(team.id),
        name: Set(team.name.clone()),
        version: Set(team.version),
        created_at: Set(team.created_at),
        updated_at: Set(team.updated_at),
    }
}

fn to_team(m: Model) -> Team {
    Team {
        id: m.id,
        name: m.name,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}
