//! Team use cases. Every change is recorded in the history and the change feed.

use chrono::{DateTime, Utc};
use domain::team::{self, Team};
use persistence::page::{Page, PageRequest, SyncOrder};
use persistence::{DatabaseConnection, StoreError, teams};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::lookup;
use crate::transaction;
use crate::versioned::{self, Versioned};
use persistence::ConnectionTrait;
use persistence::teams::Teams;

use serde_json::{Value, json};

pub async fn create(db: &DatabaseConnection, caller: &Caller, name: &str) -> Result<Team, AppError> {
    let at = now();
    let team = Team {
        id: Uuid::now_v7(),
        name: team::validate_name(name)?,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let txn = persistence::db::begin(db).await?;
    teams::insert(&txn, &team).await.map_err(duplicate_name)?;
    versioned::record_creation::<Teams>(&txn, caller, &team).await?;
    transaction::commit(txn).await?;
    Ok(team)
}

pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<Team, AppError> {
    lookup::any::<Teams>(db, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<Team>, AppError> {
    Ok(teams::list(db, updated_since, request).await?)
}

/// Renames the team; no name leaves it as it is.
pub async fn rename(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    name: Option<&str>,
) -> Result<Team, AppError> {
    versioned::change::<Teams, _>(
        db,
        caller,
        id,
        if_match,
        async |_, _| Ok(name.map(team::validate_name).transpose()?),
        async |_, current, name, _| {
            Ok(name.map(|name| Team {
                name,
                ..current.clone()
            }))
        },
    )
    .await
}

impl Versioned for Teams {
    const FORM: fn(&Team) -> Value = record;

    fn next_version(team: Team, at: DateTime<Utc>) -> Team {
        Team {
            version: team.version + 1,
            updated_at: at,
            ..team
        }
    }

    async fn write(conn: &impl ConnectionTrait, team: &Team, expected_version: i32) -> Result<bool, AppError> {
        teams::update(conn, team, expected_version)
            .await
            .map_err(duplicate_name)
    }
}

fn duplicate_name(error: StoreError) -> AppError {
    if error.is_duplicate_of("name") {
        AppError::conflict(ErrorCode::DuplicateName, "another team has this name", None)
    } else {
        error.into()
    }
}

/// A team as history and the change feed keep it.
pub fn record(team: &Team) -> Value {
    json!({
        "id": team.id,
        "name": team.name,
        "version": team.version,
        "created_at": team.created_at,
        "updated_at": team.updated_at,
    })
}
