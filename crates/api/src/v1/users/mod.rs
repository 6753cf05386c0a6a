//! `/api/v1/users`: the people and machine accounts that call the API (admins only).
//!
//! User endpoints (admins only).

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use domain::access::Permission;
use domain::user::UserInput;
use persistence::users::UserFilter;
use uuid::Uuid;

use self::dto::{UserBody, UserListQuery, UserPage, UserPatch, UserResponse};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, if_match};
use crate::pagination::{self, KeyKind};
use crate::query;
use crate::respond::etag;
use crate::state::AppState;
use app::users::{self as service, NewUser};
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/users")
            .service(create_user)
            .service(list_users)
            .service(get_user)
            .service(list_user_history)
            .service(update_user),
    );
}

/// Create a user.
#[utoipa::path(
    tag = "users",
    operation_id = "create_user",
    request_body = UserBody,
    responses(
        (status = 201, description = "Created", body = UserResponse,
            headers(("Location" = String, description = "URL of the new user"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = []))
)]
#[post("")]
pub async fn create_user(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<UserBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ManageUsers)?;
    let body = body.0;
    let new = NewUser {
        input: UserInput {
            email: body.email,
            name: body.name,
            role: body.role.into(),
            team_id: body.team_id,
            active: body.active.unwrap_or(true),
        },
        password: body.password,
    };
    let created = service::create(&state.db, Some(caller.id), new).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", created.id)))
        .insert_header(etag(created.version))
        .json(UserResponse::from(created)))
}

/// List users, oldest first; with `updated_since`, oldest change first.
#[utoipa::path(
    tag = "users",
    operation_id = "list_users",
    params(UserListQuery),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = []))
)]
#[get("")]
pub async fn list_users(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Permission::ManageUsers)?;
    let query = query.into_inner();
    let updated_since = query::instant("updated_since", query.updated_since)?;
    let (request, sort) = pagination::natural_or_updated(
        pagination::CREATED_AT,
        KeyKind::Time,
        updated_since,
        query.limit,
        query.cursor.as_deref(),
    )?;
    let filter = UserFilter {
        role: query.role.map(Into::into),
        team_id: query.team_id,
        active: query.active,
        updated_since,
    };
    let page = service::list(&state.db, &filter, &request).await?;
    Ok(HttpResponse::Ok().json(UserPage::new(page, sort, UserResponse::from)))
}

/// Read a user.
#[utoipa::path(
    tag = "users",
    operation_id = "get_user",
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = UserResponse, headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require(Permission::ManageUsers)?;
    let found = service::get(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(found.version))
        .json(UserResponse::from(found)))
}

/// Change a user: profile, role, team, active flag or password.
#[utoipa::path(
    tag = "users",
    operation_id = "update_user",
    params(
        ("id" = Uuid, Path, description = "User id"),
        IfMatch,
    ),
    request_body = UserPatch,
    responses(
        (status = 200, description = "The changed user", body = UserResponse, headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[patch("/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ManageUsers)?;
    let patch = body.0;
    let change = |input: &mut UserInput| {
        if let Some(email) = patch.email {
            input.email = email;
        }
        if let Some(name) = patch.name {
            input.name = name;
        }
        if let Some(role) = patch.role {
            input.role = role.into();
        }
        if let Some(team_id) = patch.team_id {
            input.team_id = team_id;
        }
        if let Some(active) = patch.active {
            input.active = active;
        }
    };
    let updated = service::update(
        &state.db,
        &caller,
        id.into_inner(),
        if_match(&req)?,
        change,
        patch.password,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(updated.version))
        .json(UserResponse::from(updated)))
}

crate::v1::history::history_endpoint!(
    /// The history of a user: who created, renamed, moved, promoted or deactivated it, and when, oldest first.
    list_user_history,
    User,
    tag = "users",
    id = "User id"
);
