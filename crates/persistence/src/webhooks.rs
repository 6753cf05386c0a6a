//! Webhook subscriptions.

use domain::webhook::{Webhook, WebhookFields};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
};
use url::Url;
use uuid::Uuid;

use crate::entities::user;
use crate::entities::webhook::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::page::{self, Page, PageRequest, SortKey};
use crate::table::{self, Table};

const TABLE: &str = "webhooks";

pub async fn insert(conn: &impl ConnectionTrait, webhook: &Webhook) -> Result<(), StoreError> {
    table::insert::<Webhooks, _>(conn, [to_active_model(webhook)]).await
}

/// Writes `webhook` (never its owner) if the stored version is still `expected_version`.
pub async fn update(conn: &impl ConnectionTrait, webhook: &Webhook, expected_version: i32) -> Result<bool, StoreError> {
    let mut model = to_active_model(webhook);
    model.owner_id = NotSet;
    table::update::<Webhooks, _>(conn, model, webhook.id, expected_version).await
}

pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// The webhooks table, for the shared kit (`crate::table`).
pub struct Webhooks;

impl Table for Webhooks {
    type Entity = Entity;
    type Record = Webhook;
    table::versioned_columns!();

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Webhook>, StoreError> {
        rows.into_iter().map(to_webhook).collect()
    }
}

/// The active subscriptions whose owner is an active user of one of `owner_roles` (a user
/// deactivated or moved to a role without webhooks receives nothing more), for the worker.
pub async fn active(conn: &impl ConnectionTrait, owner_roles: &[&str]) -> Result<Vec<Webhook>, StoreError> {
    let owners = Query::select()
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(Expr::col(user::Column::Active).eq(true))
        .and_where(Expr::col(user::Column::Role).is_in(owner_roles.iter().copied()))
        .to_owned();
    Entity::find()
        .filter(Column::Active.eq(true))
        .filter(Column::OwnerId.in_subquery(owners))
        .all(conn)
        .await?
        .into_iter()
        .map(to_webhook)
        .collect()
}

/// Oldest first; only `owner`'s when given.
pub async fn list(
    conn: &impl ConnectionTrait,
    owner: Option<Uuid>,
    request: &PageRequest<()>,
) -> Result<Page<Webhook>, StoreError> {
    let mut select = Entity::find();
    if let Some(owner) = owner {
        select = select.filter(Column::OwnerId.eq(owner));
    }
    page::fetch(
        conn,
        select,
        (Column::CreatedAt, Column::Id),
        request,
        to_webhook,
        |w| (SortKey::Time(w.created_at), w.id),
    )
    .await
}

fn to_active_model(w: &Webhook) -> ActiveModel {
    ActiveModel {
        id: Set(w.id),
        url: Set(w.fields.url.to_string()),
        event_types: Set(serde_json::to_string(&w.fields.event_types).expect("strings serialize")),
        skip_own: Set(w.fields.skip_own),
        active: Set(w.fields.active),
        owner_id: Set(w.owner_id),
        secret: Set(w.secret.clone()),
        version: Set(w.version),
        created_at: Set(w.created_at),
        updated_at: Set(w.updated_at),
    }
}

fn to_webhook(m: Model) -> Result<Webhook, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} of {}", m.id));
    let url = Url::parse(&m.url).map_err(|_| corrupt("url"))?;
    let event_types: Vec<String> = serde_json::from_str(&m.event_types).map_err(|_| corrupt("event_types"))?;
    Ok(Webhook {
        id: m.id,
        fields: WebhookFields {
            url,
            event_types,
            skip_own: m.skip_own,
            active: m.active,
        },
        owner_id: m.owner_id,
        secret: m.secret,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
