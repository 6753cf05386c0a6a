//! Pipeline stage use cases. Every change is recorded in the history.

use chrono::{DateTime, Utc};
use domain::pipeline::{PipelineStage, StageInput, StageKind};
use domain::resource::ResourceType;
use persistence::page::{Page, PageRequest, SyncOrder};
use persistence::{DatabaseConnection, StoreError, opportunities, pipeline_stages};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::lookup;
use crate::transaction;
use crate::versioned::{self, Versioned};
use persistence::ConnectionTrait;
use persistence::pipeline_stages::PipelineStages;

use serde_json::{Value, json};

pub const RESOURCE: ResourceType = ResourceType::PipelineStage;

/// Creates a stage; without a position it goes after the last one.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    name: String,
    position: Option<i32>,
    default_probability: rust_decimal::Decimal,
    kind: Option<StageKind>,
) -> Result<PipelineStage, AppError> {
    let txn = persistence::db::begin(db).await?;
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
    versioned::record_creation::<PipelineStages>(&txn, caller, &stage).await?;
    transaction::commit(txn).await?;
    Ok(stage)
}

pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<PipelineStage, AppError> {
    lookup::any::<PipelineStages>(db, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    include_retired: bool,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<PipelineStage>, AppError> {
    Ok(pipeline_stages::list(db, include_retired, updated_since, request).await?)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut StageInput),
) -> Result<PipelineStage, AppError> {
    versioned::change::<PipelineStages, _>(
        db,
        caller,
        id,
        if_match,
        async |_, current| {
            let mut input = StageInput::from(current.fields.clone());
            change(&mut input);
            Ok(input.validate()?)
        },
        async |txn, current, fields, _| {
            if fields == current.fields {
                return Ok(None);
            }
            if fields.kind != current.fields.kind
                && !current
                    .fields
                    .may_become(&fields, opportunities::any_in_stage(txn, id).await?)
            {
                return Err(AppError::conflict(
                    ErrorCode::StageInUse,
                    "opportunities are in this stage: its kind cannot change (add a stage of the new kind instead)",
                    Some(id),
                ));
            }
            Ok(Some(PipelineStage {
                fields,
                ..current.clone()
            }))
        },
    )
    .await
}

/// Deletes a stage that nothing uses; one in use is a 409 (retire it instead).
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    versioned::delete::<PipelineStages>(
        db,
        caller,
        id,
        if_match,
        async |txn, _| match pipeline_stages::delete(txn, id).await {
            Ok(_) => Ok(()),
            Err(StoreError::ForeignKey(_)) => Err(AppError::conflict(
                ErrorCode::StageInUse,
                "opportunities are in this stage: retire it instead",
                Some(id),
            )),
            Err(other) => Err(other.into()),
        },
    )
    .await
}

impl Versioned for PipelineStages {
    const FORM: fn(&PipelineStage) -> Value = record;

    fn next_version(stage: PipelineStage, at: DateTime<Utc>) -> PipelineStage {
        PipelineStage {
            version: stage.version + 1,
            updated_at: at,
            ..stage
        }
    }

    async fn write(
        conn: &impl ConnectionTrait,
        stage: &PipelineStage,
        expected_version: i32,
    ) -> Result<bool, AppError> {
        Ok(pipeline_stages::update(conn, stage, expected_version).await?)
    }
}

async fn next_position(conn: &impl ConnectionTrait) -> Result<i32, AppError> {
    // The list is small; its last page holds the highest position.
    let request = PageRequest {
        sort: SyncOrder::Natural,
        direction: persistence::page::Direction::Desc,
        limit: 1,
        after: None,
        count: false,
    };
    let last = pipeline_stages::list(conn, true, None, &request).await?;
    Ok(last
        .items
        .first()
        .map_or(0, |stage| stage.fields.position.saturating_add(10)))
}

/// A pipeline stage as history and the change feed keep it.
pub fn record(stage: &PipelineStage) -> Value {
    let f = &stage.fields;
    json!({
        "id": stage.id,
        "name": f.name,
        "position": f.position,
        "default_probability": rust_decimal::Decimal::from(f.default_probability),
        "kind": f.kind.as_str(),
        "retired": f.retired,
        "version": stage.version,
        "created_at": stage.created_at,
        "updated_at": stage.updated_at,
    })
}
