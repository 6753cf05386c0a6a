//! `/api/v1/users`: the people and machine accounts that call the API (admins only), and what
//! every caller may know of them ([`directory`]: `/me`, `/users/lookup`).

pub mod directory;
pub mod dto;

use actix_web::{HttpResponse, get, patch, post, web};
use domain::access::Permission;
use persistence::users::UserFilter;

use self::dto::{UserBody, UserListQuery, UserPage, UserPatch, UserResponse};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::pagination::{self, KeyKind};
use crate::query;
use crate::state::AppState;
use crate::v1::kit::{self};
use app::users::{self as service};
use domain::user::User;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

kit::shown_alike!(User => UserResponse);

pub fn configure(config: &mut ServiceConfig) {
    config.service(directory::get_me);
    config.service(
        scope("/users")
            .service(create_user)
            .service(list_users)
            // Before `/{id}`, which would take `lookup` for an id.
            .service(directory::lookup_users)
            .service(get_user)
            .service(list_user_history)
            .service(update_user),
    );
}

kit::create_endpoint!(
    /// Create a user.
    create_user: User => UserResponse, tag = "users", body = UserBody,
    |db, caller, body| service::create(db, Some(caller.id), body.into())
);

/// List users, oldest first; with `updated_since`, oldest change first.
#[utoipa::path(
    tag = "users",
    operation_id = "list_users",
    params(UserListQuery),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ManageUsers)))
)]
#[get("")]
pub async fn list_users(
    state: web::Data<AppState>,
    _caller: Authorized,
    query: crate::query::Query<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let updated_since = query::instant("updated_since", query.updated_since)?;
    let (request, sort) = pagination::natural_or_updated(
        pagination::CREATED_AT,
        KeyKind::Time,
        updated_since,
        query.limit,
        query.cursor.as_deref(),
        &query.include,
    )?;
    let filter = UserFilter {
        role: query.role.into_iter().map(Into::into).collect(),
        team_id: query.team_id,
        active: query.active,
        updated_since,
    };
    let page = service::list(&state.db, &filter, &request).await?;
    Ok(HttpResponse::Ok().json(UserPage::new(page, sort, UserResponse::from)))
}

kit::get_endpoint!(
    /// Read a user.
    get_user: User => UserResponse, tag = "users", id = "User id",
    |db, caller, id| service::get(db, id)
);

kit::update_endpoint!(
    /// Change a user: profile, role, team, active flag or password.
    update_user: User => UserResponse, tag = "users", id = "User id", body = UserPatch,
    |db, caller, id, if_match, patch| {
        let (change, password) = patch.split();
        service::update(db, &caller, id, if_match, change, password)
    }
);

crate::v1::history::history_endpoint!(
    /// The history of a user: who created, renamed, moved, promoted or deactivated it, and when, oldest first.
    list_user_history,
    User,
    tag = "users",
    id = "User id"
);
