//! `/api/v1/teams`: groups of users (admins only).
//!
//! Team endpoints (admins only).

pub mod dto;

use actix_web::{HttpResponse, get, patch, post, web};
use domain::access::Permission;

use self::dto::{TeamBody, TeamListQuery, TeamPage, TeamPatch, TeamResponse};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::pagination::{self, KeyKind};
use crate::query;
use crate::state::AppState;
use crate::v1::kit::{self};
use app::teams as service;
use domain::team::Team;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

kit::shown_alike!(Team => TeamResponse);

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

kit::create_endpoint!(
    /// Create a team.
    create_team: Team => TeamResponse, tag = "teams", body = TeamBody,
    |db, caller, body| service::create(db, &caller, &body.name)
);

/// List teams, oldest first; with `updated_since`, oldest change first.
#[utoipa::path(
    tag = "teams",
    operation_id = "list_teams",
    params(TeamListQuery),
    responses(
        (status = 200, description = "A page of teams", body = TeamPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ManageTeams)))
)]
#[get("")]
pub async fn list_teams(
    state: web::Data<AppState>,
    _caller: Authorized,
    query: crate::query::Query<TeamListQuery>,
) -> Result<HttpResponse, ApiError> {
    let updated_since = query::instant("updated_since", query.updated_since)?;
    let (request, sort) = pagination::natural_or_updated(
        pagination::CREATED_AT,
        KeyKind::Time,
        updated_since,
        query.limit,
        query.cursor.as_deref(),
        &query.include,
    )?;
    let page = service::list(&state.db, updated_since, &request).await?;
    Ok(HttpResponse::Ok().json(TeamPage::new(page, sort, TeamResponse::from)))
}

kit::get_endpoint!(
    /// Read a team.
    get_team: Team => TeamResponse, tag = "teams", id = "Team id",
    |db, caller, id| service::get(db, id)
);

kit::update_endpoint!(
    /// Rename a team.
    update_team: Team => TeamResponse, tag = "teams", id = "Team id", body = TeamPatch,
    |db, caller, id, if_match, patch| service::rename(db, &caller, id, if_match, patch.name.as_deref())
);

crate::v1::history::history_endpoint!(
    /// The history of a team: who created or renamed it, and when, oldest first.
    list_team_history,
    Team,
    tag = "teams",
    id = "Team id"
);
