//! The users table. The password hash never leaves this module but for the login check.

use chrono::{DateTime, Utc};
use domain::access::Role;
use domain::email::Email;
use domain::user::User;
use sea_orm::{
    ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use crate::entities::user::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::page::{self, Page, PageRequest, SortBy, SortKey, SyncOrder};
use crate::table::{self, Table};

const TABLE: &str = "users";

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub role: Vec<Role>,
    pub team_id: Option<Uuid>,
    pub active: Option<bool>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &impl ConnectionTrait, user: &User, password_hash: &str) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(user), password_hash).await
}

/// Inserts users who share one password hash (the seed data's).
pub async fn insert_many(conn: &impl ConnectionTrait, users: &[User], password_hash: &str) -> Result<(), StoreError> {
    let rows = users.iter().map(|user| {
        let mut model = to_active_model(user);
        model.password_hash = Set(password_hash.to_owned());
        model
    });
    crate::table::insert_rows(conn, rows).await
}

/// Writes `user` if the stored version is still `expected_version`; a new hash replaces the old one.
pub async fn update(
    conn: &impl ConnectionTrait,
    user: &User,
    expected_version: i32,
    new_password_hash: Option<&str>,
) -> Result<bool, StoreError> {
    let mut model = to_active_model(user);
    if let Some(hash) = new_password_hash {
        model.password_hash = Set(hash.to_owned());
    }
    table::update::<Users, _>(conn, model, user.id, expected_version).await
}

/// The users table, for the shared kit (`crate::table`).
pub struct Users;

impl Table for Users {
    type Entity = Entity;
    type Record = User;
    table::versioned_columns!();

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<User>, StoreError> {
        rows.into_iter().map(to_user).collect()
    }
}

/// The user and password hash for a login (emails are stored lower-cased).
pub async fn find_for_login(conn: &impl ConnectionTrait, email: &str) -> Result<Option<(User, String)>, StoreError> {
    // No user's email has a NUL byte, and PostgreSQL refuses one in a text parameter.
    if email.contains('\0') {
        return Ok(None);
    }
    let Some(model) = Entity::find()
        .filter(Column::Email.eq(email.to_lowercase()))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let hash = model.password_hash.clone();
    Ok(Some((to_user(model)?, hash)))
}

pub async fn count(conn: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(Entity::find().count(conn).await?)
}

pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &UserFilter,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<User>, StoreError> {
    let condition = Filter::all()
        .any_of(&filter.role, |role| Column::Role.eq(role.as_str()))
        .eq(Column::TeamId, filter.team_id)
        .eq(Column::Active, filter.active)
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, User> = match request.sort {
        SyncOrder::Natural => SortBy::new(Column::CreatedAt, |user| (SortKey::Time(user.created_at), user.id)),
        SyncOrder::Updated => SortBy::new(Column::UpdatedAt, |user| (SortKey::Time(user.updated_at), user.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_user).await
}

fn to_active_model(user: &User) -> ActiveModel {
    ActiveModel {
        id: Set(user.id),
        email: Set(user.email.as_str().to_lowercase()),
        name: Set(user.name.clone()),
        role: Set(user.role.as_str().to_owned()),
        team_id: Set(user.team_id),
        active: Set(user.active),
        password_hash: NotSet,
        version: Set(user.version),
        created_at: Set(user.created_at),
        updated_at: Set(user.updated_at),
    }
}

fn to_user(m: Model) -> Result<User, StoreError> {
    Ok(User {
        id: m.id,
        email: Email::parse(&m.email).map_err(|_| StoreError::corrupt(TABLE, format!("email of {}", m.id)))?,
        role: Role::parse(&m.role).ok_or_else(|| StoreError::corrupt(TABLE, format!("role of {}", m.id)))?,
        name: m.name,
        team_id: m.team_id,
        active: m.active,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
