//! Pipeline stage use cases. Every change is recorded in the history.

use chrono::{DateTime, Utc};
use domain::history::Action;
use domain::pipeline::{PipelineStage, StageInput, StageKind};
use persistence::page::{Page, PageRequest, SyncOrder};
use persistence::{DatabaseConnection, StoreError, TransactionTrait, opportunities, pipeline_stages};
use uuid::Uuid;

use super::dto::StageResponse;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::check_version;
use crate::state::now;
use crate::v1::history::service as history;

pub const RESOURCE: &str = "pipeline_stage";

/// Creates a stage; without a position it goes after the last one.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    name: String,
    position: Option<i32>,
    default_probability: i32,
    kind: Option<StageKind>,
) -> Result<PipelineStage, ApiError> {
    let txn = db.begin().await?;
    let position = match position {
        Some(position) => position,
        None => next_position(&txn).await?,
    };
    let input = StageInput {
        name,
        position,
        default_probability,
        kind: kind.unwrap_or(StageKind::Open),
        retired: false,
    };
    let at = now();
    let stage = PipelineStage {
        id: Uuid::now_v7(),
        fields: input.validate()?,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    pipeline_stages::insert(&txn, &stage).await?;
    let after = StageResponse::from(stage.clone());
    history::record(&txn, caller, RESOURCE, stage.id, Action::Created, None, &after).await?;
    txn.commit().await?;
    Ok(stage)
}

pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<PipelineStage, ApiError> {
    pipeline_stages::find(db, id)
        .await?
        .ok_or(ApiError::NotFound { resource: RESOURCE })
}

/// The history of a stage, also of a deleted one (which then ends with its deletion): an admin
/// wants to see who removed a stage from the pipeline.
pub async fn history(
    db: &DatabaseConnection,
    id: Uuid,
    request: &PageRequest<()>,
) -> Result<Page<persistence::history::Entry>, ApiError> {
    let exists = pipeline_stages::find(db, id).await?.is_some();
    history::list_outliving(db, RESOURCE, id, exists, request).await
}

pub async fn list(
    db: &DatabaseConnection,
    include_retired: bool,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<PipelineStage>, ApiError> {
    Ok(pipeline_stages::list(db, include_retired, updated_since, request).await?)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut StageInput),
) -> Result<PipelineStage, ApiError> {
    let txn = db.begin().await?;
    let current = pipeline_stages::find_for_update(&txn, id)
        .await?
        .ok_or(ApiError::NotFound { resource: RESOURCE })?;
    let mut input = StageInput::from(current.fields.clone());
    change(&mut input);
    let fields = input.validate()?;
    check_version(current.version, if_match)?;
    if fields == current.fields {
        return Ok(current);
    }
    if fields.kind != current.fields.kind
        && !current
            .fields
            .may_become(&fields, opportunities::any_in_stage(&txn, id).await?)
    {
        return Err(ApiError::conflict(
            "stage_in_use",
            "opportunities are in this stage: its kind cannot change (add a stage of the new kind instead)",
            Some(id),
        ));
    }
    let stage = PipelineStage {
        fields,
        version: current.version + 1,
        updated_at: now(),
        ..current.clone()
    };
    if !pipeline_stages::update(&txn, &stage, current.version).await? {
        return Err(ApiError::concurrent_update());
    }
    let (before, after) = (StageResponse::from(current), StageResponse::from(stage.clone()));
    history::record(&txn, caller, RESOURCE, stage.id, Action::Updated, Some(&before), &after).await?;
    txn.commit().await?;
    Ok(stage)
}

/// Deletes a stage that nothing uses; one in use is a 409 (retire it instead).
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), ApiError> {
    let txn = db.begin().await?;
    let current = pipeline_stages::find_for_update(&txn, id)
        .await?
        .ok_or(ApiError::NotFound { resource: RESOURCE })?;
    check_version(current.version, if_match)?;
    match pipeline_stages::delete(&txn, id).await {
        Ok(_) => {}
        Err(StoreError::ForeignKey(_)) => {
            return Err(ApiError::conflict(
                "stage_in_use",
                "opportunities are in this stage: retire it instead",
                Some(id),
            ));
        }
        Err(other) => return Err(other.into()),
    }
    history::record_deletion(&txn, caller, RESOURCE, id, &StageResponse::from(current)).await?;
    txn.commit().await?;
    Ok(())
}

async fn next_position(conn: &impl persistence::ConnectionTrait) -> Result<i32, ApiError> {
    // The list is small; its last page holds the highest position.
    let request = PageRequest {
        sort: SyncOrder::Natural,
        direction: persistence::page::Direction::Desc,
        limit: 1,
        after: None,
    };
    let last = pipeline_stages::list(conn, true, None, &request).await?;
    Ok(last
        .items
        .first()
        .map_or(0, |stage| stage.fields.position.saturating_add(10)))
}
