//! `/api/v1/opportunities`: sales prospects moving through the pipeline.
//!
//! Opportunity endpoints: extract, check the permission, call the service, respond.

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use domain::access::Permission;
use persistence::opportunities::{OpportunityFilter, OpportunitySort};
use uuid::Uuid;

use self::dto::{
    OpportunityBody, OpportunityListQuery, OpportunityPage, OpportunityPatch, OpportunityResponse,
    PartyOpportunityQuery,
};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, if_match};
use crate::pagination::{self};
use crate::query;
use crate::respond::etag;
use crate::state::AppState;
use app::opportunities as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/opportunities")
            .service(create_opportunity)
            .service(list_opportunities)
            .service(get_opportunity)
            .service(update_opportunity)
            .service(list_opportunity_history),
    );
}

const SORTS: &[(&str, OpportunitySort)] = &[
    ("created_at", OpportunitySort::CreatedAt),
    ("updated_at", OpportunitySort::UpdatedAt),
    ("title", OpportunitySort::Title),
];

/// Create an opportunity; it starts in the stage named or the pipeline's first open stage.
#[utoipa::path(
    tag = "opportunities",
    operation_id = "create_opportunity",
    request_body = OpportunityBody,
    responses(
        (status = 201, description = "Created", body = OpportunityResponse,
            headers(("Location" = String, description = "URL of the new opportunity"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = []))
)]
#[post("")]
pub async fn create_opportunity(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<OpportunityBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOpportunities)?;
    let created = service::create(&state.db, &caller, body.0.into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/opportunities/{}", created.id)))
        .insert_header(etag(created.version))
        .json(OpportunityResponse::from(created)))
}

/// List opportunities: the pipeline, filtered by owner, party, stage, status and close date.
#[utoipa::path(
    tag = "opportunities",
    operation_id = "list_opportunities",
    params(OpportunityListQuery),
    responses(
        (status = 200, description = "A page of opportunities", body = OpportunityPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = []))
)]
#[get("")]
pub async fn list_opportunities(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<OpportunityListQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadOpportunities)?;
    let query = query.into_inner();
    let default_sort = if query.updated_since.is_some() {
        "updated_at"
    } else {
        "created_at"
    };
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        default_sort,
        SORTS,
        query.limit,
        query.cursor.as_deref(),
    )?;
    let filter = OpportunityFilter {
        owner_id: query.owner_id,
        party_id: query.party_id,
        stage_id: query.stage_id,
        status: query.status.map(Into::into),
        close_from: query::date("close_from", query.close_from)?,
        close_to: query::date("close_to", query.close_to)?,
        q: query::search(query.q)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    };
    let page = service::list(&state.db, &caller, &filter, &request).await?;
    Ok(HttpResponse::Ok().json(OpportunityPage::new(page, &sort, OpportunityResponse::from)))
}

/// The opportunities of a party, newest first.
#[utoipa::path(
    tag = "opportunities",
    operation_id = "list_party_opportunities",
    params(("id" = Uuid, Path, description = "Party id"), PartyOpportunityQuery),
    responses(
        (status = 200, description = "A page of opportunities", body = OpportunityPage),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}/opportunities")]
pub async fn list_party_opportunities(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    query: web::Query<PartyOpportunityQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadOpportunities)?;
    let query = query.into_inner();
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        "-created_at",
        SORTS,
        query.limit,
        query.cursor.as_deref(),
    )?;
    let filter = OpportunityFilter {
        stage_id: query.stage_id,
        status: query.status.map(Into::into),
        ..OpportunityFilter::default()
    };
    let page = service::list_of_party(&state.db, &caller, id.into_inner(), filter, &request).await?;
    Ok(HttpResponse::Ok().json(OpportunityPage::new(page, &sort, OpportunityResponse::from)))
}

/// Read an opportunity.
#[utoipa::path(
    tag = "opportunities",
    operation_id = "get_opportunity",
    params(("id" = Uuid, Path, description = "Opportunity id")),
    responses(
        (status = 200, description = "The opportunity", body = OpportunityResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}")]
pub async fn get_opportunity(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadOpportunities)?;
    let found = service::get(&state.db, &caller, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(found.version))
        .json(OpportunityResponse::from(found)))
}

/// Change an opportunity, or move it through the pipeline (`{"stage_id", "lost_reason"}`): its
/// status follows the stage's kind; a lost stage needs `lost_reason`.
#[utoipa::path(
    tag = "opportunities",
    operation_id = "update_opportunity",
    params(("id" = Uuid, Path, description = "Opportunity id"), IfMatch),
    request_body = OpportunityPatch,
    responses(
        (status = 200, description = "The changed opportunity", body = OpportunityResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[patch("/{id}")]
pub async fn update_opportunity(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<OpportunityPatch>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOpportunities)?;
    let patch = body.0;
    let changed = service::update(&state.db, &caller, id.into_inner(), if_match(&req)?, |input| {
        patch.apply_to(input);
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(changed.version))
        .json(OpportunityResponse::from(changed)))
}

crate::v1::history::history_endpoint!(
    /// The history of an opportunity: every change, stage changes included (from, to, by, at).
    list_opportunity_history,
    Opportunity,
    tag = "opportunities",
    id = "Opportunity id"
);
