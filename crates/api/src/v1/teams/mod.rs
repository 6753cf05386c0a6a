//! `/api/v1/teams`: groups of users (admins only).
//!
//! Team endpoints (admins only).

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use domain::access::Permission;
use uuid::Uuid;

use self::dto::{TeamBody, TeamListQuery, TeamPage, TeamPatch, TeamResponse};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, if_match};
use crate::pagination::{self, KeyKind};
use crate::query;
use crate::respond::etag;
use crate::state::AppState;
use app::teams as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/teams")
            .service(create_team)
            .service(list_teams)
            .service(get_team)
            .service(list_team_history)
            .service(update_team),
    );
}

/// Create a team.
#[utoipa::path(
    tag = "teams",
    operation_id = "create_team",
    request_body = TeamBody,
    responses(
        (status = 201, description = "Created", body = TeamResponse,
            headers(("Location" = String, description = "URL of the new team"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = []))
)]
#[post("")]
pub async fn create_team(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<TeamBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ManageTeams)?;
    let team = service::create(&state.db, &caller, &body.0.name).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/teams/{}", team.id)))
        .insert_header(etag(team.version))
        .json(TeamResponse::from(team)))
}

/// List teams, oldest first; with `updated_since`, oldest change first.
#[utoipa::path(
    tag = "teams",
    operation_id = "list_teams",
    params(TeamListQuery),
    responses(
        (status = 200, description = "A page of teams", body = TeamPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = []))
)]
#[get("")]
pub async fn list_teams(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<TeamListQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Permission::ManageTeams)?;
    let updated_since = query::instant("updated_since", query.updated_since)?;
    let (request, sort) = pagination::natural_or_updated(
        pagination::CREATED_AT,
        KeyKind::Time,
        updated_since,
        query.limit,
        query.cursor.as_deref(),
    )?;
    let page = service::list(&state.db, updated_since, &request).await?;
    Ok(HttpResponse::Ok().json(TeamPage::new(page, sort, TeamResponse::from)))
}

/// Read a team.
#[utoipa::path(
    tag = "teams",
    operation_id = "get_team",
    params(("id" = Uuid, Path, description = "Team id")),
    responses(
        (status = 200, description = "The team", body = TeamResponse, headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}")]
pub async fn get_team(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require(Permission::ManageTeams)?;
    let team = service::get(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(team.version))
        .json(TeamResponse::from(team)))
}

/// Rename a team.
#[utoipa::path(
    tag = "teams",
    operation_id = "update_team",
    params(
        ("id" = Uuid, Path, description = "Team id"),
        IfMatch,
    ),
    request_body = TeamPatch,
    responses(
        (status = 200, description = "The changed team", body = TeamResponse, headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[patch("/{id}")]
pub async fn update_team(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<TeamPatch>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ManageTeams)?;
    let team = service::rename(
        &state.db,
        &caller,
        id.into_inner(),
        if_match(&req)?,
        body.0.name.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(team.version))
        .json(TeamResponse::from(team)))
}

crate::v1::history::history_endpoint!(
    /// The history of a team: who created or renamed it, and when, oldest first.
    list_team_history,
    Team,
    tag = "teams",
    id = "Team id"
);
