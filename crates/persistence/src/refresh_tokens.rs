//! Refresh tokens, by the SHA-256 of their text (the text itself is never stored). A token is
//! used once ([`use_once`]); its family is every token that descends from one login.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

pub use crate::entities::refresh_token::Model as RefreshToken;
use crate::entities::refresh_token::{ActiveModel, Column, Entity};
use crate::error::StoreError;

pub async fn insert(conn: &impl ConnectionTrait, token: RefreshToken) -> Result<(), StoreError> {
    let row = ActiveModel {
        id: Set(token.id),
        family_id: Set(token.family_id),
        user_id: Set(token.user_id),
        user_version: Set(token.user_version),
        token_hash: Set(token.token_hash),
        issued_at: Set(token.issued_at),
        expires_at: Set(token.expires_at),
        used_at: Set(token.used_at),
        revoked_at: Set(token.revoked_at),
    };
    Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

pub async fn find_by_hash(conn: &impl ConnectionTrait, hash: &str) -> Result<Option<RefreshToken>, StoreError> {
    Ok(Entity::find().filter(Column::TokenHash.eq(hash)).one(conn).await?)
}

/// Marks token `id` used at `now`, if it was neither used nor revoked: whether this call did
/// (of two requests with the same token, exactly one does).
pub async fn use_once(conn: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let result = Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::UsedAt.is_null())
        .filter(Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Revokes every token of `family_id` not yet revoked; how many.
pub async fn revoke_family(
    conn: &impl ConnectionTrait,
    family_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let result = Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::FamilyId.eq(family_id))
        .filter(Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Forgets the tokens that expired before `cutoff`.
pub async fn delete_expired_before(conn: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(Entity::delete_many()
        .filter(Column::ExpiresAt.lt(cutoff))
        .exec(conn)
        .await?
        .rows_affected)
}
