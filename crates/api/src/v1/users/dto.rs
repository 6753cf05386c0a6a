use app::users::NewUser;
use chrono::{DateTime, Utc};
use domain::access;
use domain::user::{User, UserInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::double_option;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Sales,
    Accountant,
    Integrator,
    Support,
    Viewer,
}

impl From<Role> for access::Role {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => access::Role::Admin,
            Role::Manager => access::Role::Manager,
            Role::Sales => access::Role::Sales,
            Role::Accountant => access::Role::Accountant,
            Role::Integrator => access::Role::Integrator,
            Role::Support => access::Role::Support,
            Role::Viewer => access::Role::Viewer,
        }
    }
}

impl From<access::Role> for Role {
    fn from(role: access::Role) -> Self {
        match role {
            access::Role::Admin => Role::Admin,
            access::Role::Manager => Role::Manager,
            access::Role::Sales => Role::Sales,
            access::Role::Accountant => Role::Accountant,
            access::Role::Integrator => Role::Integrator,
            access::Role::Support => Role::Support,
            access::Role::Viewer => Role::Viewer,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UserBody {
    #[schema(max_length = 254, format = Email, example = "jane@example.com")]
    pub email: String,
    #[schema(min_length = 1, max_length = 200, example = "Jane Doe")]
    pub name: String,
    /// 12–128 characters.
    #[schema(min_length = 12, max_length = 128, format = Password)]
    pub password: String,
    pub role: Role,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    /// Defaults to true; inactive users cannot get or use tokens.
    #[serde(default)]
    pub active: Option<bool>,
}

impl From<UserBody> for NewUser {
    fn from(body: UserBody) -> Self {
        NewUser {
            input: UserInput {
                email: body.email,
                name: body.name,
                role: body.role.into(),
                team_id: body.team_id,
                active: body.active.unwrap_or(true),
            },
            password: body.password,
        }
    }
}

/// A change: fields present are set, absent fields are kept; `team_id: null` removes the team.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, max_length = 254)]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 12, max_length = 128, format = Password)]
    pub password: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "double_option")]
    pub team_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

impl UserPatch {
    /// The password apart: it is hashed by the use case, never part of the record's fields.
    pub fn split(self) -> (impl FnOnce(&mut UserInput), Option<String>) {
        let UserPatch {
            email,
            name,
            password,
            role,
            team_id,
            active,
        } = self;
        let change = move |input: &mut UserInput| {
            if let Some(email) = email {
                input.email = email;
            }
            if let Some(name) = name {
                input.name = name;
            }
            if let Some(role) = role {
                input.role = role.into();
            }
            if let Some(team_id) = team_id {
                input.team_id = team_id;
            }
            if let Some(active) = active {
                input.active = active;
            }
        };
        (change, password)
    }
}

/// A user; the password never appears in a response.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub team_id: Option<Uuid>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserResponse {
    fn from(user: User) -> Self {
        Self {
            id: user.id,
            email: user.email.as_str().to_owned(),
            name: user.name,
            role: user.role.into(),
            team_id: user.team_id,
            active: user.active,
            version: user.version,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    #[serde(default)]
    pub role: Vec<Role>,
    pub team_id: Option<Uuid>,
    pub active: Option<bool>,
    /// Only users changed at or after this instant, oldest change first (the incremental sync).
    pub updated_since: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of users.
    UserPage(UserResponse)
);
