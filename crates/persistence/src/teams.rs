//! The teams table.

use chrono::{DateTime, Utc};
use domain::team::Team;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::team::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::page::{self, Page, PageRequest, SortBy, SortKey, SyncOrder};
use crate::table::{self, Table};

pub async fn insert(conn: &impl ConnectionTrait, team: &Team) -> Result<(), StoreError> {
    table::insert::<Teams, _>(conn, [to_active_model(team)]).await
}

/// Writes `team` if the stored version is still `expected_version`.
pub async fn update(conn: &impl ConnectionTrait, team: &Team, expected_version: i32) -> Result<bool, StoreError> {
    table::update::<Teams, _>(conn, to_active_model(team), team.id, expected_version).await
}

/// The teams table, for the shared kit (`crate::table`).
pub struct Teams;

impl Table for Teams {
    type Entity = Entity;
    type Record = Team;
    table::versioned_columns!();

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Team>, StoreError> {
        Ok(rows.into_iter().map(to_team).collect())
    }
}

/// Teams oldest first, or by last change for a sync.
pub async fn list(
    conn: &impl ConnectionTrait,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<Team>, StoreError> {
    let condition = Filter::all()
        .updated_since(Column::UpdatedAt, updated_since)
        .condition();
    let sort: SortBy<Column, Team> = match request.sort {
        SyncOrder::Natural => SortBy::new(Column::CreatedAt, |team| (SortKey::Time(team.created_at), team.id)),
        SyncOrder::Updated => SortBy::new(Column::UpdatedAt, |team| (SortKey::Time(team.updated_at), team.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, |m| Ok(to_team(m))).await
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

/// Locks the team's row until the transaction ends (PostgreSQL; SQLite's single writer
/// serialises anyway): what makes concurrent assignments within a team see each other. False when
/// there is no such team.
pub async fn lock(conn: &impl ConnectionTrait, id: uuid::Uuid) -> Result<bool, StoreError> {
    Ok(
        table::find_for_update::<Teams>(conn, id, crate::visibility::Visibility::All)
            .await?
            .is_some(),
    )
}
