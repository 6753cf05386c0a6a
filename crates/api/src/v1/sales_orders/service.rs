//! Sales order use cases: each mutating one is a single transaction with its history entry.

use chrono::Datelike;
use domain::access::{self, Permission};
use domain::currency::Currency;
use domain::document::LineInput;
use domain::history::Action;
use domain::sales_order::{
    self, ActionError, SalesOrder, SalesOrderAction, SalesOrderChange, SalesOrderInput, SalesOrderStatus,
};
use persistence::page::{Page, PageRequest};
use persistence::sales_orders::{self, SalesOrderFilter, SalesOrderSort};
use persistence::{ConnectionTrait, DatabaseConnection, StoreError, TransactionTrait, numbers, offers};
use uuid::Uuid;

use super::dto::SalesOrderResponse;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::check_version;
use crate::state::now;
use crate::v1::history::service as history;
use crate::v1::offers::service::today;
use crate::v1::pricing::service as pricing;
use crate::v1::references::References;

pub const RESOURCE: &str = "sales_order";
const SERIES: &str = "SO";

/// Whether the caller may perform transitions: what `allowed_actions` offers.
pub fn may_act(caller: &Caller) -> bool {
    caller.role.can(Permission::WriteOrders)
}

/// Converts an accepted offer: its counted lines, linked to their offer lines. An offer converts
/// once; a second conversion is a 409 naming the order, also when both arrive at once (the offer
/// row is locked, and a unique index on the order's `offer_id` is the backstop).
pub async fn convert(db: &DatabaseConnection, caller: &Caller, offer_id: Uuid) -> Result<SalesOrder, ApiError> {
    match convert_once(db, caller, offer_id).await {
        Err(ApiError::Conflict { code: "duplicate", .. }) => Err(already_converted(db, offer_id).await),
        other => other,
    }
}

async fn convert_once(db: &DatabaseConnection, caller: &Caller, offer_id: Uuid) -> Result<SalesOrder, ApiError> {
    let txn = db.begin().await?;
    let offer = offers::find_for_update(&txn, offer_id, caller.visibility())
        .await?
        .ok_or_else(|| ApiError::invalid("offer_id", "not_found", "no offer with this id"))?;
    if let Some(existing) = sales_orders::id_of_offer(&txn, offer_id).await? {
        return Err(converted(existing));
    }
    let party = party_of(&txn, caller, offer.fields.party_id).await?;
    let fields = sales_order::from_accepted_offer(&offer, &party, today(), Uuid::now_v7).map_err(|not| {
        ApiError::conflict(
            "offer_not_accepted",
            format!(
                "only an accepted offer becomes an order; this one is {}",
                not.0.as_str()
            ),
            Some(offer.id),
        )
    })?;
    let order = insert_new(&txn, caller, fields).await?;
    txn.commit().await?;
    Ok(order)
}

/// A direct order, its lines completed and priced like an offer's.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    mut input: SalesOrderInput,
) -> Result<SalesOrder, ApiError> {
    if input.owner_id.is_none() {
        input.owner_id = access::default_owner(caller.role, caller.member());
    }
    let txn = db.begin().await?;
    let party = party_of(&txn, caller, input.party_id).await?;
    let lines: Vec<&LineInput> = input.lines.iter().collect();
    let currency = input
        .currency
        .as_deref()
        .and_then(|code| Currency::parse(code).ok())
        .or(party.fields.currency);
    let defaults = pricing::line_defaults(&txn, &party, &lines, currency, today()).await?;
    let fields = input.validate(&party, &defaults, today(), Uuid::now_v7)?;
    let mut references = References::new(&txn, caller);
    if fields.owner_id.is_some() {
        references.responsible_user("owner_id", fields.owner_id).await?;
    }
    references.finish()?;
    let order = insert_new(&txn, caller, fields).await?;
    txn.commit().await?;
    Ok(order)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<SalesOrder, ApiError> {
    sales_orders::find(db, id, caller.visibility())
        .await?
        .ok_or(ApiError::NotFound { resource: RESOURCE })
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &SalesOrderFilter,
    request: &PageRequest<SalesOrderSort>,
) -> Result<Page<SalesOrder>, ApiError> {
    Ok(sales_orders::list(db, filter, caller.visibility(), request).await?)
}

pub async fn history(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    request: &PageRequest<()>,
) -> Result<Page<persistence::history::Entry>, ApiError> {
    get(db, caller, id).await?;
    history::list(db, RESOURCE, id, request).await
}

/// Changes a draft's header; anything but a draft is a 409 `document_immutable`.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: SalesOrderChange,
) -> Result<SalesOrder, ApiError> {
    let txn = db.begin().await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    current.check_editable().map_err(|status| {
        ApiError::conflict(
            "document_immutable",
            format!("only drafts are editable; this order is {}", status.as_str()),
            None,
        )
    })?;
    let fields = change.apply(&current.fields)?;
    if fields.owner_id != current.fields.owner_id {
        let mut references = References::new(&txn, caller);
        references.responsible_user("owner_id", fields.owner_id).await?;
        references.finish()?;
    }
    if fields == current.fields {
        return Ok(current);
    }
    let changed = SalesOrder {
        fields,
        ..current.clone()
    };
    let written = write(&txn, caller, &current, changed).await?;
    txn.commit().await?;
    Ok(written)
}

/// `confirm`, `complete` or `cancel`; cancelling an order that is (partly) invoiced or on an
/// invoice order is a 409 `invoicing_started`.
pub async fn act(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    action: SalesOrderAction,
) -> Result<SalesOrder, ApiError> {
    let txn = db.begin().await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    let status = current.act(action).map_err(|error| match error {
        ActionError::State(error) => ApiError::invalid_transition(RESOURCE, error),
        ActionError::InvoicingStarted => ApiError::conflict(
            "invoicing_started",
            "part of the order is invoiced or on an invoice order: it can no longer be cancelled",
            None,
        ),
    })?;
    let changed = SalesOrder {
        status,
        ..current.clone()
    };
    let written = write(&txn, caller, &current, changed).await?;
    txn.commit().await?;
    Ok(written)
}

async fn find_for_update(conn: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<SalesOrder, ApiError> {
    sales_orders::find_for_update(conn, id, caller.visibility())
        .await?
        .ok_or(ApiError::NotFound { resource: RESOURCE })
}

async fn insert_new(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    fields: sales_order::SalesOrderFields,
) -> Result<SalesOrder, ApiError> {
    let at = now();
    let sequence = numbers::next(conn, SERIES, at.year()).await?;
    let order = SalesOrder {
        id: Uuid::now_v7(),
        number: sales_order::number(at.year(), sequence),
        status: SalesOrderStatus::Draft,
        fields,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    sales_orders::insert(conn, &order).await.map_err(|error| match error {
        // Two conversions of one offer raced past the check: the unique index refused this one.
        StoreError::Duplicate(_) => ApiError::conflict("duplicate", "the offer is converted already", None),
        other => other.into(),
    })?;
    let after = SalesOrderResponse::new(order.clone(), false);
    history::record(conn, caller, RESOURCE, order.id, Action::Created, None, &after).await?;
    Ok(order)
}

/// Writes `changed` as the next version of `current` and records the change.
async fn write(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: &SalesOrder,
    changed: SalesOrder,
) -> Result<SalesOrder, ApiError> {
    let changed = SalesOrder {
        version: current.version + 1,
        updated_at: now(),
        ..changed
    };
    if !sales_orders::update(conn, &changed, current.version).await? {
        return Err(ApiError::concurrent_update());
    }
    let before = SalesOrderResponse::new(current.clone(), false);
    let after = SalesOrderResponse::new(changed.clone(), false);
    history::record(
        conn,
        caller,
        RESOURCE,
        changed.id,
        Action::Updated,
        Some(&before),
        &after,
    )
    .await?;
    Ok(changed)
}

/// The party an order is made for: one the caller sees, not archived.
async fn party_of(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    party_id: Uuid,
) -> Result<domain::party::Party, ApiError> {
    let mut references = References::new(conn, caller);
    match references.party("party_id", party_id).await? {
        Some(party) => Ok(party),
        None => Err(references.finish().expect_err("a missing party is an error")),
    }
}

fn converted(existing: Uuid) -> ApiError {
    ApiError::conflict(
        "already_converted",
        "the offer is converted to an order already",
        Some(existing),
    )
}

/// The 409 for a conversion that lost a race: the winner's order, read after the loser's
/// transaction rolled back.
async fn already_converted(db: &DatabaseConnection, offer_id: Uuid) -> ApiError {
    match sales_orders::id_of_offer(db, offer_id).await {
        Ok(Some(existing)) => converted(existing),
        Ok(None) => ApiError::conflict("already_converted", "the offer is converted to an order already", None),
        Err(error) => error.into(),
    }
}
