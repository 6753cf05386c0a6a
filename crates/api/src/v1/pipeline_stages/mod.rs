//! `/api/v1/pipeline-stages`: the steps of the sales pipeline (admins manage them).
//!
//! Pipeline stage endpoints: everyone who works with opportunities reads them; admins change them.

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use domain::access::Permission;
use domain::pipeline::StageKind;
use uuid::Uuid;

use self::dto::{StageBody, StageListQuery, StagePage, StagePatch, StageResponse};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, if_match};
use crate::pagination::{self, KeyKind};
use crate::query;
use crate::respond::etag;
use crate::state::AppState;
use app::pipeline_stages as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

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
    security(("bearer" = []))
)]
#[post("")]
pub async fn create_pipeline_stage(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<StageBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ManagePipeline)?;
    let StageBody {
        name,
        position,
        default_probability,
        kind,
    } = body.0;
    let kind = kind.map(StageKind::from);
    let found = service::create(&state.db, &caller, name, position, default_probability, kind).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/pipeline-stages/{}", found.id)))
        .insert_header(etag(found.version))
        .json(StageResponse::from(found)))
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
    security(("bearer" = []))
)]
#[get("")]
pub async fn list_pipeline_stages(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<StageListQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Permission::ReadPipeline)?;
    let updated_since = query::instant("updated_since", query.updated_since)?;
    let (request, sort) =
        pagination::natural_or_updated(SORT, KeyKind::Int, updated_since, query.limit, query.cursor.as_deref())?;
    let include_retired = query.include_retired.unwrap_or(false);
    let page = service::list(&state.db, include_retired, updated_since, &request).await?;
    Ok(HttpResponse::Ok().json(StagePage::new(page, sort, StageResponse::from)))
}

/// Read a stage (retired ones too).
#[utoipa::path(
    tag = "pipeline-stages",
    operation_id = "get_pipeline_stage",
    params(("id" = Uuid, Path, description = "Stage id")),
    responses(
        (status = 200, description = "The stage", body = StageResponse, headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}")]
pub async fn get_pipeline_stage(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require(Permission::ReadPipeline)?;
    let found = service::get(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(found.version))
        .json(StageResponse::from(found)))
}

/// Rename, reorder, re-weigh or retire a stage.
#[utoipa::path(
    tag = "pipeline-stages",
    operation_id = "update_pipeline_stage",
    params(("id" = Uuid, Path, description = "Stage id"), IfMatch),
    request_body = StagePatch,
    responses(
        (status = 200, description = "The changed stage", body = StageResponse, headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[patch("/{id}")]
pub async fn update_pipeline_stage(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<StagePatch>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ManagePipeline)?;
    let patch = body.0;
    let found = service::update(&state.db, &caller, id.into_inner(), if_match(&req)?, |input| {
        patch.apply_to(input);
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(found.version))
        .json(StageResponse::from(found)))
}

/// Delete a stage nothing uses; a stage in use is a 409 `stage_in_use` (retire it instead).
#[utoipa::path(
    tag = "pipeline-stages",
    operation_id = "delete_pipeline_stage",
    params(("id" = Uuid, Path, description = "Stage id"), IfMatch),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, response = crate::openapi::Conflict),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = []))
)]
#[delete("/{id}")]
pub async fn delete_pipeline_stage(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ManagePipeline)?;
    service::delete(&state.db, &caller, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

crate::v1::history::history_endpoint!(
    /// The history of a stage: who added, renamed, reordered, retired or deleted it, oldest first.
    /// A deleted stage's history stays readable.
    list_pipeline_stage_history,
    PipelineStage,
    tag = "pipeline-stages",
    id = "Stage id"
);
