//! The `pipeline_stages` table.

use chrono::{DateTime, Utc};
use domain::pipeline::{PipelineStage, StageFields, StageKind};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entities::pipeline_stage::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::page::{self, Page, PageRequest, SortBy, SortKey, SyncOrder};
use crate::table::{self, Table};
use crate::visibility::Visibility;

pub async fn insert(conn: &impl ConnectionTrait, stage: &PipelineStage) -> Result<(), StoreError> {
    table::insert::<PipelineStages, _>(conn, [to_active_model(stage)]).await
}

/// Writes `stage` if the stored version is still `expected_version`.
pub async fn update(
    conn: &impl ConnectionTrait,
    stage: &PipelineStage,
    expected_version: i32,
) -> Result<bool, StoreError> {
    table::update::<PipelineStages, _>(conn, to_active_model(stage), stage.id, expected_version).await
}

/// Deletes a stage. A stage that records still use is refused by the database (a foreign key),
/// which surfaces as [`StoreError::ForeignKey`].
pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, StoreError> {
    Ok(Entity::delete_by_id(id).exec(conn).await?.rows_affected == 1)
}

/// The pipeline stages table, for the shared kit (`crate::table`).
pub struct PipelineStages;

impl Table for PipelineStages {
    type Entity = Entity;
    type Record = PipelineStage;
    table::versioned_columns!();

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<PipelineStage>, StoreError> {
        rows.into_iter().map(to_stage).collect()
    }
}

/// The record by id (see `crate::table::find`), for a record that is about to enter the stage: on PostgreSQL the row is share-locked
/// until the transaction ends, so an admin cannot change its kind or retire it in between.
pub async fn find_for_share(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<PipelineStage>, StoreError> {
    table::find_for_share::<PipelineStages>(conn, id, Visibility::All).await
}

/// The first open stage of the pipeline that is not retired: where a new opportunity starts.
/// Share-locked like [`find_for_share`].
pub async fn first_open(conn: &impl ConnectionTrait) -> Result<Option<PipelineStage>, StoreError> {
    first_of_kind(conn, StageKind::Open).await
}

/// The first stage of `kind` in pipeline order that is not retired, share-locked like
/// [`find_for_share`]: where an opportunity starts (open) or goes when its offer is accepted (won).
pub async fn first_of_kind(conn: &impl ConnectionTrait, kind: StageKind) -> Result<Option<PipelineStage>, StoreError> {
    Entity::find()
        .filter(Column::Retired.eq(false))
        .filter(Column::Kind.eq(kind.as_str()))
        .order_by_asc(Column::Position)
        .order_by_asc(Column::Id)
        .lock_shared()
        .one(conn)
        .await?
        .map(to_stage)
        .transpose()
}

/// Stages in pipeline order, or by last change for a sync; retired ones only when asked for.
/// Every stage, retired ones too, by position.
pub async fn all(conn: &impl ConnectionTrait) -> Result<Vec<PipelineStage>, StoreError> {
    table::all::<PipelineStages>(conn, Entity::find().order_by_asc(Column::Position)).await
}

pub async fn list(
    conn: &impl ConnectionTrait,
    include_retired: bool,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<PipelineStage>, StoreError> {
    let condition = Filter::all()
        .unless(include_retired, Column::Retired.eq(false))
        .updated_since(Column::UpdatedAt, updated_since)
        .condition();
    let sort: SortBy<Column, PipelineStage> = match request.sort {
        SyncOrder::Natural => SortBy::new(Column::Position, |stage| {
            (SortKey::Int(i64::from(stage.fields.position)), stage.id)
        }),
        SyncOrder::Updated => SortBy::new(Column::UpdatedAt, |stage| (SortKey::Time(stage.updated_at), stage.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_stage).await
}

fn to_active_model(stage: &PipelineStage) -> ActiveModel {
    let f = &stage.fields;
    ActiveModel {
        id: Set(stage.id),
        name: Set(f.name.clone()),
        position: Set(f.position),
        default_probability: Set(f.default_probability),
        kind: Set(f.kind.as_str().to_owned()),
        retired: Set(f.retired),
        version: Set(stage.version),
        created_at: Set(stage.created_at),
        updated_at: Set(stage.updated_at),
    }
}

fn to_stage(m: Model) -> Result<PipelineStage, StoreError> {
    let kind = StageKind::parse(&m.kind).ok_or_else(|| StoreError::corrupt("pipeline_stages", &m.kind))?;
    Ok(PipelineStage {
        id: m.id,
        fields: StageFields {
            name: m.name,
            position: m.position,
            default_probability: m.default_probability,
            kind,
            retired: m.retired,
        },
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
