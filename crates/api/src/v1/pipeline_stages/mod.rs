//! `/api/v1/pipeline-stages`: the steps of the sales pipeline (admins manage them).
//!
//! Pipeline stage endpoints: everyone who works with opportunities reads them; admins change them.

pub mod dto;

use actix_web::{HttpResponse, delete, get, patch, post, web};
use domain::access::Permission;
use domain::pipeline::StageKind;

use self::dto::{StageBody, StageListQuery, StagePage, StagePatch, StageResponse};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::extract::Body;
use crate::pagination::{self, KeyKind};
use crate::query;
use crate::state::AppState;
use crate::v1::kit::{self};
use app::pipeline_stages as service;
use domain::pipeline::PipelineStage;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

kit::shown_alike!(PipelineStage => StageResponse);

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/pipeline-stages")
            .service(create_pipeline_stage)
            .service(list_pipeline_stages)
            .service(get_pipeline_stage)
            .service(list_pipeline_stage_history)
            .service(update_pipeline_stage)
            .service(delete_pipeline_stage),
    );
}

const SORT: &str = "position";

/// Add a stage.
#[utoipa::path(
    tag = "pipeline-stages",
    operation_id = "create_pipeline_stage",
    request_body = StageBody,
    responses(
        (status = 201, description = "Created", body = StageResponse,
            headers(("Location" = String, description = "URL of the new stage"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ManagePipeline)))
)]
#[post("")]
pub async fn create_pipeline_stage(
    state: web::Data<AppState>,
    caller: Authorized,
    body: Body<StageBody>,
) -> Result<HttpResponse, ApiError> {
    let StageBody {
        name,
        position,
        default_probability,
        kind,
    } = body.0;
    let kind = kind.map(StageKind::from);
    let found = service::create(&state.db, &caller, name, position, default_probability, kind).await?;
    Ok(kit::created(&caller, found))
}

/// List the stages in pipeline order; with `updated_since`, oldest change first.
#[utoipa::path(
    tag = "pipeline-stages",
    operation_id = "list_pipeline_stages",
    params(StageListQuery),
    responses(
        (status = 200, description = "A page of stages", body = StagePage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadPipeline)))
)]
#[get("")]
pub async fn list_pipeline_stages(
    state: web::Data<AppState>,
    _caller: Authorized,
    query: crate::query::Query<StageListQuery>,
) -> Result<HttpResponse, ApiError> {
    let updated_since = query::instant("updated_since", query.updated_since)?;
    let (request, sort) = pagination::natural_or_updated(
        SORT,
        KeyKind::Int,
        updated_since,
        query.limit,
        query.cursor.as_deref(),
        &query.include,
    )?;
    let include_retired = query.include_retired.unwrap_or(false);
    let page = service::list(&state.db, include_retired, updated_since, &request).await?;
    Ok(HttpResponse::Ok().json(StagePage::new(page, sort, StageResponse::from)))
}

kit::get_endpoint!(
    /// Read a stage (retired ones too).
    get_pipeline_stage: PipelineStage => StageResponse, tag = "pipeline-stages", id = "Stage id",
    |db, caller, id| service::get(db, id)
);

kit::update_endpoint!(
    /// Rename, reorder, re-weigh or retire a stage.
    update_pipeline_stage: PipelineStage => StageResponse, tag = "pipeline-stages", id = "Stage id", body = StagePatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, |input| patch.apply_to(input))
);

kit::remove_endpoint!(
    /// Delete a stage nothing uses; a stage in use is a 409 `stage_in_use` (retire it instead).
    delete_pipeline_stage: PipelineStage, tag = "pipeline-stages", id = "Stage id", done = "Deleted",
    also = ((status = 409, response = crate::openapi::Conflict)),
    |db, caller, id, if_match| service::delete(db, &caller, id, if_match)
);

crate::v1::history::history_endpoint!(
    /// The history of a stage: who added, renamed, reordered, retired or deleted it, oldest first.
    /// A deleted stage's history stays readable.
    list_pipeline_stage_history,
    PipelineStage,
    tag = "pipeline-stages",
    id = "Stage id"
);
