//! What every signed-in caller may know of users: who they are themselves (`GET /me`, with
//! what their role may do), and the users' names and teams, to fill owner and assignee pickers
//! (`GET /users/lookup`). Emails, roles and history stay the admins' (`/users`).

use actix_web::{HttpResponse, get, web};
use domain::access::Permission;
use persistence::users::UserFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::dto::UserResponse;
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::pagination::{self, KeyKind};
use crate::state::AppState;
use app::users as service;
use domain::user::User;

/// The caller: their user, and the permissions their role gives them (the `x-permission` names
/// of the operations they may call).
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    #[serde(flatten)]
    pub user: UserResponse,
    #[schema(schema_with = permissions_schema, example = json!(["read_parties", "write_parties"]))]
    pub permissions: Vec<Permission>,
}

/// The schema of `MeResponse.permissions`: a list of the permissions' names, each one of all.
fn permissions_schema() -> utoipa::openapi::Array {
    use utoipa::openapi::{ArrayBuilder, ObjectBuilder, Type};
    let names = Permission::ALL
        .iter()
        .filter_map(|permission| serde_json::to_value(permission).ok())
        .filter_map(|name| name.as_str().map(str::to_owned));
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(Type::String).enum_values(Some(names)))
        .build()
}

/// Who the caller is: their user, role and team, and what they may do.
#[utoipa::path(
    tag = "users",
    operation_id = "get_me",
    responses(
        (status = 200, description = "The caller", body = MeResponse),
        crate::openapi::ListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadDirectory)))
)]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, caller: Authorized) -> Result<HttpResponse, ApiError> {
    let user = service::get(&state.db, caller.id).await?;
    let permissions = Permission::ALL
        .iter()
        .copied()
        .filter(|permission| user.role.can(*permission))
        .collect();
    Ok(HttpResponse::Ok().json(MeResponse {
        user: user.into(),
        permissions,
    }))
}

/// A user as anyone may see them: enough to name and pick them.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserSummary {
    pub id: Uuid,
    pub name: String,
    pub team_id: Option<Uuid>,
    pub active: bool,
}

impl From<User> for UserSummary {
    fn from(user: User) -> Self {
        UserSummary {
            id: user.id,
            name: user.name,
            team_id: user.team_id,
            active: user.active,
        }
    }
}

crate::pagination::page_of!(
    /// A page of users as anyone may see them.
    UserSummaryPage(UserSummary)
);

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserLookupQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    pub team_id: Option<Uuid>,
    /// `true` for the users who can still be assigned.
    pub active: Option<bool>,
}

/// Look users up, oldest first: their names and teams, for every role.
#[utoipa::path(
    tag = "users",
    operation_id = "lookup_users",
    params(UserLookupQuery),
    responses(
        (status = 200, description = "A page of users", body = UserSummaryPage),
        crate::openapi::ListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadDirectory)))
)]
#[get("/lookup")]
pub async fn lookup_users(
    state: web::Data<AppState>,
    _caller: Authorized,
    query: crate::query::Query<UserLookupQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let (request, sort) = pagination::natural_or_updated(
        pagination::CREATED_AT,
        KeyKind::Time,
        None,
        query.limit,
        query.cursor.as_deref(),
        &query.include,
    )?;
    let filter = UserFilter {
        role: Vec::new(),
        team_id: query.team_id,
        active: query.active,
        updated_since: None,
    };
    let page = service::list(&state.db, &filter, &request).await?;
    Ok(HttpResponse::Ok().json(UserSummaryPage::new(page, sort, UserSummary::from)))
}
