//! Team use cases. Every change is recorded in the history and the change feed.

use chrono::{DateTime, Utc};
use domain::resource::ResourceType;
use domain::team::{self, Team};
use persistence::page::{Page, PageRequest, SyncOrder};
use persistence::{DatabaseConnection, StoreError, TransactionTrait, teams};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::history::{self, Change};
use crate::transaction;
use crate::versions::check_version;
use persistence::table;
use persistence::teams::Teams;
use persistence::visibility::Visibility;

use serde_json::{Value, json};

const RESOURCE: ResourceType = ResourceType::Team;

pub async fn create(db: &DatabaseConnection, caller: &Caller, name: &str) -> Result<Team, AppError> {
    let at = now();
    let team = Team {
        id: Uuid::now_v7(),
        name: team::validate_name(name)?,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let txn = db.begin().await?;
    teams::insert(&txn, &team).await.map_err(duplicate_name)?;
    let after = record(&team);
    history::record(&txn, caller, RESOURCE, team.id, Change::Created, None, &after).await?;
    transaction::commit(txn).await?;
    Ok(team)
}

pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<Team, AppError> {
    table::find::<Teams>(db, id, Visibility::All)
        .await?
        .ok_or(AppError::not_found(RESOURCE))
}

pub async fn list(
    db: &DatabaseConnection,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<Team>, AppError> {
    Ok(teams::list(db, updated_since, request).await?)
}

pub async fn rename(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    name: Option<&str>,
) -> Result<Team, AppError> {
    let txn = db.begin().await?;
    let current = table::find_for_update::<Teams>(&txn, id, Visibility::All)
        .await?
        .ok_or(AppError::not_found(RESOURCE))?;
    let name = name.map(team::validate_name).transpose()?;
    check_version(current.version, if_match)?;
    let Some(name) = name else {
        return Ok(current);
    };
    let team = Team {
        name,
        version: current.version + 1,
        updated_at: now(),
        ..current.clone()
    };
    if !teams::update(&txn, &team, current.version)
        .await
        .map_err(duplicate_name)?
    {
        return Err(AppError::concurrent_update());
    }
    let (before, after) = (record(&current), record(&team));
    history::record(&txn, caller, RESOURCE, team.id, Change::Updated, Some(&before), &after).await?;
    transaction::commit(txn).await?;
    Ok(team)
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
