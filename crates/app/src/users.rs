//! User use cases. Also used at start-up to create the first admin. Every change is recorded in
//! the history and the change feed (never the password: it is no field of the public form).

use domain::access::Role;
use domain::resource::ResourceType;
use domain::user::{self, User, UserInput};
use domain::validation::ValidationErrors;
use persistence::page::{Page, PageRequest, SyncOrder};
use persistence::users::{self, UserFilter};
use persistence::{ConnectionTrait, DatabaseConnection, StoreError};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::history::{self, Change};
use crate::lookup;
use crate::password;
use crate::transaction;
use crate::versioned::{self, Versioned};
use chrono::{DateTime, Utc};
use persistence::table;
use persistence::teams::Teams;
use persistence::users::Users;
use persistence::visibility::Visibility;

use serde_json::{Value, json};

const RESOURCE: ResourceType = ResourceType::User;

pub struct NewUser {
    pub input: UserInput,
    pub password: String,
}

/// Creates a user; `actor_id` is the admin who does, none for the server itself.
pub async fn create(db: &DatabaseConnection, actor_id: Option<Uuid>, new: NewUser) -> Result<User, AppError> {
    let mut errors = ValidationErrors::new();
    let team_id = new.input.team_id;
    let fields = match new.input.validate() {
        Ok(fields) => Some(fields),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    user::check_password(&new.password, &mut errors);
    if let Some(team_id) = team_id {
        check_team(db, team_id, &mut errors).await?;
    }
    let fields = match fields {
        Some(fields) if errors.is_empty() => fields,
        _ => return Err(errors.into()),
    };
    let hash = password::hash(new.password).await?;
    let at = now();
    let user = User {
        id: Uuid::now_v7(),
        email: fields.email,
        name: fields.name,
        role: fields.role,
        team_id: fields.team_id,
        active: fields.active,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let txn = persistence::db::begin(db).await?;
    users::insert(&txn, &user, &hash).await.map_err(duplicate_email)?;
    let after = record(&user);
    history::record_by(&txn, actor_id, RESOURCE, user.id, Change::Created, None, &after).await?;
    transaction::commit(txn).await?;
    Ok(user)
}

pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<User, AppError> {
    lookup::any::<Users>(db, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    filter: &UserFilter,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<User>, AppError> {
    Ok(users::list(db, filter, request).await?)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut UserInput),
    new_password: Option<String>,
) -> Result<User, AppError> {
    let new_password = new_password.as_deref();
    let changed = versioned::change_by::<Users, _>(
        db,
        caller,
        id,
        if_match,
        async |txn, current| {
            let mut input = UserInput::from(current);
            change(&mut input);
            let mut errors = ValidationErrors::new();
            let fields = match input.validate() {
                Ok(fields) => Some(fields),
                Err(e) => {
                    errors.extend(e);
                    None
                }
            };
            if let Some(password) = new_password {
                user::check_password(password, &mut errors);
            }
            if let Some(team_id) = fields
                .as_ref()
                .and_then(|f| f.team_id)
                .filter(|t| Some(*t) != current.team_id)
            {
                check_team(txn, team_id, &mut errors).await?;
            }
            match fields {
                Some(fields) if errors.is_empty() => Ok(fields),
                _ => Err(errors.into()),
            }
        },
        async |_, current, fields, _| {
            // Only an admin can change users, so an admin who cannot demote themselves cannot leave
            // the system without an active admin.
            let demoted =
                current.role == Role::Admin && current.active && (fields.role != Role::Admin || !fields.active);
            if demoted && current.id == caller.id {
                return Err(AppError::conflict(
                    ErrorCode::SelfLockout,
                    "admins cannot demote or deactivate themselves: ask another admin",
                    Some(current.id),
                ));
            }
            Ok(Some(User {
                email: fields.email,
                name: fields.name,
                role: fields.role,
                team_id: fields.team_id,
                active: fields.active,
                ..current.clone()
            }))
        },
        async |txn, user, expected_version| {
            let hash = match new_password {
                Some(password) => Some(password::hash(password.to_owned()).await?),
                None => None,
            };
            users::update(txn, user, expected_version, hash.as_deref())
                .await
                .map_err(duplicate_email)
        },
    )
    .await;
    // Its tokens end here at once (on other servers within `sessions::BELIEVED_FOR`).
    crate::sessions::forget(id);
    changed
}

impl Versioned for Users {
    const FORM: fn(&User) -> Value = record;

    fn next_version(user: User, at: DateTime<Utc>) -> User {
        User {
            version: user.version + 1,
            updated_at: at,
            ..user
        }
    }

    async fn write(conn: &impl ConnectionTrait, user: &User, expected_version: i32) -> Result<bool, AppError> {
        users::update(conn, user, expected_version, None)
            .await
            .map_err(duplicate_email)
    }
}

async fn check_team(conn: &impl ConnectionTrait, team_id: Uuid, errors: &mut ValidationErrors) -> Result<(), AppError> {
    if table::find::<Teams>(conn, team_id, Visibility::All).await?.is_none() {
        errors.add("team_id", "not_found", "no team with this id");
    }
    Ok(())
}

fn duplicate_email(error: StoreError) -> AppError {
    if error.is_duplicate_of("email") {
        AppError::conflict(ErrorCode::DuplicateEmail, "another user has this email", None)
    } else {
        error.into()
    }
}

/// Creates the first admin from `CRM_ADMIN_EMAIL`/`CRM_ADMIN_PASSWORD` when there are no users yet.
pub async fn bootstrap_admin(db: &DatabaseConnection, email: &str, password: &str) -> Result<Option<User>, AppError> {
    if users::count(db).await? > 0 {
        return Ok(None);
    }
    let new = NewUser {
        input: UserInput {
            email: email.to_owned(),
            name: "Administrator".to_owned(),
            role: Role::Admin,
            team_id: None,
            active: true,
        },
        password: password.to_owned(),
    };
    create(db, None, new).await.map(Some)
}

/// The active user with this email and password; a wrong email and a wrong password are the
/// same `invalid_credentials`, in the same time (an unknown email checks a dummy hash).
pub async fn authenticate(db: &DatabaseConnection, email: &str, password: String) -> Result<User, AppError> {
    let (user, hash) = match users::find_for_login(db, email).await? {
        Some((user, hash)) if user.active => (Some(user), Some(hash)),
        _ => (None, None),
    };
    let valid = password::verify(password, hash).await?;
    user.filter(|_| valid)
        .ok_or_else(|| AppError::unauthorized(ErrorCode::InvalidCredentials, "the email or password is wrong"))
}

/// A user as history and the change feed keep it.
pub fn record(user: &User) -> Value {
    json!({
        "id": user.id,
        "email": user.email.as_str(),
        "name": user.name,
        "role": user.role.as_str(),
        "team_id": user.team_id,
        "active": user.active,
        "version": user.version,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
    })
}
