//! Webhook use cases. Admins see every subscription; an integrator sees its own, and others'
//! are "not found".

use domain::access::Role;
use domain::resource::ResourceType;
use domain::webhook::{self, Webhook, WebhookInput};
use persistence::page::{Page, PageRequest};
use persistence::webhook_deliveries::{self, Delivery, NewDelivery, State};
use persistence::{DatabaseConnection, webhooks};
use rand::RngCore;
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::transaction;
use crate::versions::check_version;
use persistence::table;
use persistence::visibility::Visibility;
use persistence::webhooks::Webhooks;

const RESOURCE: ResourceType = ResourceType::Webhook;
const DELIVERY: &str = "webhook delivery";
const SECRET_LENGTH: std::ops::RangeInclusive<usize> = 24..=100;

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: WebhookInput,
    secret: Option<String>,
    allow_private: bool,
) -> Result<Webhook, AppError> {
    let secret = secret.map_or_else(|| Ok(new_secret()), check_secret)?;
    let fields = input.validate(allow_private)?;
    let at = now();
    let hook = Webhook {
        id: Uuid::now_v7(),
        fields,
        owner_id: caller.id,
        secret,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    // Under the worker's lock: the subscription takes every event not yet handed out.
    let txn = persistence::db::begin(db).await?;
    crate::delivery::hold(&txn).await?;
    webhooks::insert(&txn, &hook).await?;
    transaction::commit(txn).await?;
    Ok(hook)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<Webhook, AppError> {
    table::find::<Webhooks>(db, id, Visibility::All)
        .await?
        .filter(|hook| sees(caller, hook))
        .ok_or(AppError::not_found(RESOURCE))
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    request: &PageRequest<()>,
) -> Result<Page<Webhook>, AppError> {
    let owner = (caller.role != Role::Admin).then_some(caller.id);
    Ok(webhooks::list(db, owner, request).await?)
}

/// Returns the changed subscription and whether its secret changed (the response shows it then).
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    patch: impl FnOnce(WebhookInput) -> (WebhookInput, Option<String>),
    allow_private: bool,
) -> Result<(Webhook, bool), AppError> {
    let txn = persistence::db::begin(db).await?;
    // Under the worker's lock, like a new subscription: a round that saw this one inactive, or
    // taking fewer types, must not skip past events it now wants.
    crate::delivery::hold(&txn).await?;
    let current = table::find_for_update::<Webhooks>(&txn, id, Visibility::All)
        .await?
        .filter(|hook| sees(caller, hook))
        .ok_or(AppError::not_found(RESOURCE))?;
    let (input, secret) = patch(WebhookInput::from(current.fields.clone()));
    let secret = secret.map(check_secret).transpose()?;
    let fields = input.validate(allow_private)?;
    check_version(current.version, if_match)?;
    let rotated = secret.as_ref().is_some_and(|s| *s != current.secret);
    if fields == current.fields && !rotated {
        return Ok((current, false));
    }
    let hook = Webhook {
        fields,
        secret: secret.unwrap_or_else(|| current.secret.clone()),
        version: current.version + 1,
        updated_at: now(),
        ..current.clone()
    };
    if !webhooks::update(&txn, &hook, current.version).await? {
        return Err(AppError::concurrent_update());
    }
    transaction::commit(txn).await?;
    Ok((hook, rotated))
}

/// Deletes the subscription with its delivery log; pending deliveries are not made.
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = table::find_for_update::<Webhooks>(&txn, id, Visibility::All)
        .await?
        .filter(|hook| sees(caller, hook))
        .ok_or(AppError::not_found(RESOURCE))?;
    check_version(current.version, if_match)?;
    webhooks::delete(&txn, id).await?;
    transaction::commit(txn).await?;
    Ok(())
}

pub async fn deliveries(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    state: Option<State>,
    request: &PageRequest<()>,
) -> Result<Page<Delivery>, AppError> {
    get(db, caller, id).await?;
    Ok(webhook_deliveries::list(db, id, state, request).await?)
}

pub async fn delivery(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    delivery_id: Uuid,
) -> Result<Delivery, AppError> {
    get(db, caller, id).await?;
    webhook_deliveries::find(db, id, delivery_id)
        .await?
        .ok_or(AppError::not_found_named(DELIVERY))
}

/// Sends a delivery's body again, as a new delivery made now (the log keeps both). The event id
/// stays, so a receiver that deduplicates by it sees a repeat.
pub async fn redeliver(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    delivery_id: Uuid,
) -> Result<Delivery, AppError> {
    let original = delivery(db, caller, id, delivery_id).await?;
    check_active(&get(db, caller, id).await?)?;
    enqueue(
        db,
        NewDelivery {
            id: Uuid::now_v7(),
            webhook_id: id,
            event_id: original.event_id,
            event_type: original.event_type,
            payload: original.payload,
        },
    )
    .await
}

/// Sends a `webhook.test` delivery now, whatever types the subscription takes.
pub async fn test(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<Delivery, AppError> {
    let hook = get(db, caller, id).await?;
    check_active(&hook)?;
    let at = now();
    let event_id = Uuid::now_v7();
    let payload = serde_json::json!({
        "id": event_id,
        "type": webhook::TEST_EVENT,
        "resource_type": "webhook",
        "resource_id": hook.id,
        "actor_id": caller.id,
        "occurred_at": at,
        "data": {"webhook_id": hook.id, "url": hook.fields.url.as_str()},
    });
    enqueue(
        db,
        NewDelivery {
            id: Uuid::now_v7(),
            webhook_id: id,
            event_id: None,
            event_type: webhook::TEST_EVENT.to_owned(),
            payload: payload.to_string(),
        },
    )
    .await
}

async fn enqueue(db: &DatabaseConnection, new: NewDelivery) -> Result<Delivery, AppError> {
    let (id, webhook_id) = (new.id, new.webhook_id);
    webhook_deliveries::insert_many(db, vec![new], now()).await?;
    webhook_deliveries::find(db, webhook_id, id)
        .await?
        .ok_or(AppError::not_found_named(DELIVERY))
}

/// An inactive subscription gets no deliveries, so none is queued for it.
fn check_active(hook: &Webhook) -> Result<(), AppError> {
    if hook.fields.active {
        Ok(())
    } else {
        Err(AppError::conflict(
            ErrorCode::WebhookInactive,
            "the subscription is inactive: activate it first",
            None,
        ))
    }
}

fn sees(caller: &Caller, hook: &Webhook) -> bool {
    caller.role == Role::Admin || hook.owner_id == caller.id
}

/// 32 random bytes, hex.
fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("whsec_{}", hex::encode(bytes))
}

fn check_secret(secret: String) -> Result<String, AppError> {
    if SECRET_LENGTH.contains(&secret.len()) && secret.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        Ok(secret)
    } else {
        Err(AppError::invalid(
            "secret",
            "invalid",
            format!(
                "{} to {} printable ASCII characters",
                SECRET_LENGTH.start(),
                SECRET_LENGTH.end()
            ),
        ))
    }
}
