//! Sales order use cases: each mutating one is a single transaction with its history entry.

use chrono::Datelike;
use domain::access::{self, Permission};
use domain::currency::Currency;
use domain::document::LineInput;
use domain::resource::ResourceType;
use domain::sales_order::{
    self, ActionError, SalesOrder, SalesOrderAction, SalesOrderChange, SalesOrderInput, SalesOrderStatus,
};
use persistence::activities::RelatedDocument;
use persistence::page::{Page, PageRequest};
use persistence::sales_orders::{self, SalesOrderFilter, SalesOrderSort};
use persistence::{ConnectionTrait, DatabaseConnection, StoreError, numbers};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::clock::today;
use crate::contracts;
use crate::error::{AppError, ErrorCode};
use crate::history::{self, Change};
use crate::lookup;
use crate::pricing;
use crate::references::References;
use crate::transaction;
use crate::upsert::{self, Upserted};
use crate::versioned::{self, Versioned};
use crate::versions::check_version;
use chrono::{DateTime, Utc};
use domain::money::shown_price;
use persistence::offers::Offers;
use persistence::parties::Parties;
use persistence::sales_orders::SalesOrders;
use persistence::table;

use crate::records::{self, address};
use serde_json::{Value, json};

pub const RESOURCE: ResourceType = ResourceType::SalesOrder;
/// How messages name it.
const SERIES: &str = "SO";

/// Whether the caller may perform transitions: what `allowed_actions` offers.
pub fn may_act(caller: &Caller) -> bool {
    caller.role.can(Permission::WriteOrders)
}

/// Converts an accepted offer: its counted lines, linked to their offer lines. An offer converts
/// once; a second conversion is a 409 naming the order, also when both arrive at once (the offer
/// row is locked, and a unique index on the order's `offer_id` is the backstop).
pub async fn convert(
    db: &DatabaseConnection,
    caller: &Caller,
    offer_id: Uuid,
    external_id: Option<String>,
) -> Result<SalesOrder, AppError> {
    let external_id = upsert::checked_external_id(external_id.as_deref())?;
    match convert_once(db, caller, offer_id, external_id).await {
        Err(AppError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        }) => Err(already_converted(db, offer_id).await),
        other => other,
    }
}

async fn convert_once(
    db: &DatabaseConnection,
    caller: &Caller,
    offer_id: Uuid,
    external_id: Option<String>,
) -> Result<SalesOrder, AppError> {
    let txn = persistence::db::begin(db).await?;
    upsert::check_external_id_free::<SalesOrders>(&txn, caller, external_id.as_deref()).await?;
    let offer = table::find_for_update::<Offers>(&txn, offer_id, caller.visibility())
        .await?
        .ok_or_else(|| AppError::invalid("offer_id", "not_found", "no offer with this id"))?;
    // Loaded with the offer, under its lock: the order it already became, if any.
    if let Some(existing) = offer.sales_order_id {
        return Err(converted(existing));
    }
    let party = party_of(&txn, caller, offer.fields.party_id).await?;
    let party = contracts::terms_of(&txn, party, today()).await?;
    let fields = sales_order::from_accepted_offer(&offer, &party, today(), Uuid::now_v7).map_err(|not| {
        AppError::conflict(
            ErrorCode::OfferNotAccepted,
            format!(
                "only an accepted offer becomes an order; this one is {}",
                not.0.as_str()
            ),
            Some(offer.id),
        )
    })?;
    let order = insert_new(&txn, caller, fields, external_id).await?;
    transaction::commit(txn).await?;
    Ok(order)
}

/// A direct order, its lines completed and priced like an offer's.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SalesOrderInput,
    external_id: Option<String>,
) -> Result<SalesOrder, AppError> {
    let external_id = upsert::checked_external_id(external_id.as_deref())?;
    let txn = persistence::db::begin(db).await?;
    upsert::check_external_id_free::<SalesOrders>(&txn, caller, external_id.as_deref()).await?;
    let order = create_direct(&txn, caller, input, external_id).await?;
    transaction::commit(txn).await?;
    Ok(order)
}

async fn create_direct(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    mut input: SalesOrderInput,
    external_id: Option<String>,
) -> Result<SalesOrder, AppError> {
    if input.owner_id.is_none() {
        input.owner_id = access::default_owner(caller.role, caller.member());
    }
    let party = party_of(conn, caller, input.party_id).await?;
    let party = contracts::terms_of(conn, party, today()).await?;
    let lines: Vec<&LineInput> = input.lines.iter().collect();
    let currency = input
        .currency
        .as_deref()
        .and_then(|code| Currency::parse(code).ok())
        .or(party.fields.currency);
    let defaults = pricing::line_defaults(conn, &party, &lines, currency, today()).await?;
    let fields = input.validate(&party, &defaults, today(), Uuid::now_v7)?;
    let mut references = References::new(conn, caller);
    if fields.owner_id.is_some() {
        references.responsible_user("owner_id", fields.owner_id).await?;
    }
    references.finish()?;
    insert_new(conn, caller, fields, external_id).await
}

/// `PUT /sales-orders/by-external-id/{external_id}`: creates a direct order as `POST` does, or
/// replaces the whole draft that has this external id: header and lines (priced again). The
/// party and currency of an order stay; an order past its draft is a 409 `document_immutable`.
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    external_id: &str,
    input: SalesOrderInput,
    mut body_external_id: Option<String>,
    if_match: Option<i32>,
) -> Result<Upserted<SalesOrder>, AppError> {
    let external_id = upsert::claim_external_id(external_id, &mut body_external_id, domain::document::EXTERNAL_ID_MAX)?;
    upsert::by_external_id::<SalesOrders>(
        db,
        caller,
        &external_id,
        if_match,
        async |txn| create_direct(txn, caller, input.clone(), Some(external_id.clone())).await,
        async |txn, current| {
            check_draft(&current, if_match)?;
            let change = replacement(txn, &current, input.clone()).await?;
            change_draft(txn, caller, current, change).await
        },
    )
    .await
}

/// The change that makes the draft `current` what `input` describes. Omitted fields get their
/// defaults as on create (the party's payment terms), but for the owner, who stays, and the order
/// date, whose default is the day the order was made. Party and currency cannot change (422 `unchangeable`).
async fn replacement(
    conn: &impl ConnectionTrait,
    current: &SalesOrder,
    input: SalesOrderInput,
) -> Result<SalesOrderChange, AppError> {
    let f = &current.fields;
    let party = contracts::terms_of(conn, document_party(conn, f.party_id).await?, today()).await?;
    let currency = input
        .currency
        .as_deref()
        .or(party.fields.currency.as_ref().map(Currency::code));
    domain::document::keeps_party_and_currency(
        (f.party_id, f.currency),
        (input.party_id, currency),
        ("order", "cancel it"),
    )?;
    Ok(SalesOrderChange {
        // An omitted owner stays: owners are the CRM's business, which an ERP resending the
        // order knows nothing of (clearing it would hide the order from its sales rep).
        owner_id: Some(input.owner_id.or(f.owner_id)),
        order_date: Some(input.order_date.unwrap_or(f.order_date)),
        payment_terms_days: Some(input.payment_terms_days.unwrap_or(party.fields.payment_terms_days)),
        notes: Some(input.notes),
        lines: Some(input.lines),
    })
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<SalesOrder, AppError> {
    lookup::get::<SalesOrders>(db, caller, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &SalesOrderFilter,
    request: &PageRequest<SalesOrderSort>,
) -> Result<Page<SalesOrder>, AppError> {
    Ok(sales_orders::list(db, filter, caller.visibility(), request).await?)
}

/// Deletes a draft (after `If-Match`); anything else is a 409 `document_immutable`. Nothing of a
/// draft is on an invoice order or invoiced, so only activities refer to it: they stay, unlinked.
/// An order converted from an offer frees that offer, which converts again. Its history outlives
/// it, and the feed tells of it (`sales_order.deleted`).
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    current.check_editable().map_err(|status| {
        AppError::conflict(
            ErrorCode::DocumentImmutable,
            format!("only drafts can be deleted; this order is {}", status.as_str()),
            None,
        )
    })?;
    crate::activities::unlink(&txn, caller, RelatedDocument::SalesOrder(id)).await?;
    sales_orders::delete(&txn, id).await?;
    history::record_deletion(&txn, caller, RESOURCE, id, &record(&current)).await?;
    transaction::commit(txn).await?;
    Ok(())
}

/// Changes a draft's header; anything but a draft is a 409 `document_immutable`.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: SalesOrderChange,
) -> Result<SalesOrder, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_draft(&current, if_match)?;
    let written = change_draft(&txn, caller, current, change).await?;
    transaction::commit(txn).await?;
    Ok(written)
}

/// `If-Match`, then the status: only drafts change (409 `document_immutable`).
fn check_draft(current: &SalesOrder, if_match: Option<i32>) -> Result<(), AppError> {
    check_version(current.version, if_match)?;
    current.check_editable().map_err(|status| {
        AppError::conflict(
            ErrorCode::DocumentImmutable,
            format!("only drafts are editable; this order is {}", status.as_str()),
            None,
        )
    })
}

/// Applies `change` to the checked draft `current` (locked) and writes it. New lines are priced
/// like a new order's, and keep the old ids when they come out the same, so that sending a draft
/// again changes nothing.
async fn change_draft(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: SalesOrder,
    change: SalesOrderChange,
) -> Result<SalesOrder, AppError> {
    let defaults = match &change.lines {
        Some(lines) if current.fields.offer_id.is_none() => {
            let party = document_party(conn, current.fields.party_id).await?;
            let lines: Vec<&LineInput> = lines.iter().collect();
            pricing::line_defaults(conn, &party, &lines, Some(current.fields.currency), today()).await?
        }
        _ => Vec::new(),
    };
    let mut fields = change.apply(&current.fields, &defaults, Uuid::now_v7)?;
    upsert::keep_line_ids(&mut fields.lines, &current.fields.lines, |line| &mut line.id);
    if fields.owner_id != current.fields.owner_id {
        let mut references = References::new(conn, caller);
        references.responsible_user("owner_id", fields.owner_id).await?;
        references.finish()?;
    }
    if fields == current.fields {
        return Ok(current);
    }
    let lines_changed = fields.lines != current.fields.lines;
    let changed = SalesOrder {
        fields,
        ..current.clone()
    };
    let written = versioned::write_next::<SalesOrders>(conn, caller, &current, changed, now()).await?;
    if lines_changed {
        sales_orders::replace_lines(conn, &written).await?;
    }
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
) -> Result<SalesOrder, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    let status = current.act(action).map_err(|error| match error {
        ActionError::State(error) => AppError::invalid_transition(RESOURCE, error),
        ActionError::InvoicingStarted => AppError::conflict(
            ErrorCode::InvoicingStarted,
            "part of the order is invoiced or on an invoice order: it can no longer be cancelled",
            None,
        ),
    })?;
    let changed = SalesOrder {
        status,
        ..current.clone()
    };
    let written = versioned::write_next::<SalesOrders>(&txn, caller, &current, changed, now()).await?;
    transaction::commit(txn).await?;
    Ok(written)
}

async fn find_for_update(conn: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<SalesOrder, AppError> {
    lookup::for_update::<SalesOrders>(conn, caller, id).await
}

async fn insert_new(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    fields: sales_order::SalesOrderFields,
    external_id: Option<String>,
) -> Result<SalesOrder, AppError> {
    let at = now();
    let sequence = numbers::next(conn, SERIES, at.year()).await?;
    let order = SalesOrder {
        id: Uuid::now_v7(),
        number: sales_order::number(at.year(), sequence),
        status: SalesOrderStatus::Draft,
        fields,
        external_id,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    sales_orders::insert(conn, &order).await.map_err(|error| match error {
        // Two first upserts of one external id raced past the check.
        error if error.is_duplicate_of("external_id") => {
            upsert::duplicate_external_id(RESOURCE, order.external_id.as_deref().unwrap_or_default(), None)
        }
        // Two conversions of one offer raced past the check: the unique index refused this one.
        StoreError::Duplicate(_) => AppError::conflict(ErrorCode::Duplicate, "the offer is converted already", None),
        other => other.into(),
    })?;
    versioned::record_creation::<SalesOrders>(conn, caller, &order).await?;
    Ok(order)
}

/// A confirmed order with `fields`, made by `actor` (none: the server), with the history entries
/// and events of both steps (`sales_order.created`, `sales_order.confirmed`): a subscription's
/// period billed, which goes straight to invoicing.
pub(crate) async fn insert_confirmed(
    conn: &impl ConnectionTrait,
    actor: Option<Uuid>,
    fields: sales_order::SalesOrderFields,
) -> Result<SalesOrder, AppError> {
    let at = now();
    let sequence = numbers::next(conn, SERIES, at.year()).await?;
    let draft = SalesOrder {
        id: Uuid::now_v7(),
        number: sales_order::number(at.year(), sequence),
        status: SalesOrderStatus::Draft,
        fields,
        external_id: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let confirmed = SalesOrder {
        status: draft
            .act(SalesOrderAction::Confirm)
            .map_err(|_| AppError::internal(anyhow::anyhow!("a draft confirms")))?,
        version: 2,
        ..draft.clone()
    };
    sales_orders::insert(conn, &confirmed).await?;
    let (created, now_confirmed) = (record(&draft), record(&confirmed));
    history::record_by(conn, actor, RESOURCE, draft.id, Change::Created, None, &created).await?;
    let change = Change::of_status(draft.status, confirmed.status);
    history::record_by(conn, actor, RESOURCE, draft.id, change, Some(&created), &now_confirmed).await?;
    Ok(confirmed)
}

impl Versioned for SalesOrders {
    const FORM: fn(&SalesOrder) -> Value = record;

    fn next_version(order: SalesOrder, at: DateTime<Utc>) -> SalesOrder {
        SalesOrder {
            version: order.version + 1,
            updated_at: at,
            ..order
        }
    }

    fn change(before: &SalesOrder, after: &SalesOrder) -> Change {
        Change::of_status(before.status, after.status)
    }

    async fn write(conn: &impl ConnectionTrait, order: &SalesOrder, expected_version: i32) -> Result<bool, AppError> {
        Ok(sales_orders::update(conn, order, expected_version).await?)
    }
}

/// The party of an existing order, archived or not: the order keeps it.
async fn document_party(conn: &impl ConnectionTrait, party_id: Uuid) -> Result<domain::party::Party, AppError> {
    table::find::<Parties>(conn, party_id, persistence::visibility::Visibility::All)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("the party {party_id} of an order is gone")))
}

/// The party an order is made for: one the caller sees, not archived.
async fn party_of(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    party_id: Uuid,
) -> Result<domain::party::Party, AppError> {
    let mut references = References::new(conn, caller);
    match references.party("party_id", party_id).await? {
        Some(party) => Ok(party),
        None => Err(references.finish().expect_err("a missing party is an error")),
    }
}

fn converted(existing: Uuid) -> AppError {
    AppError::conflict(
        ErrorCode::AlreadyConverted,
        "the offer is converted to an order already",
        Some(existing),
    )
}

/// The 409 for a conversion that lost a race: the winner's order, read after the loser's
/// transaction rolled back.
async fn already_converted(db: &DatabaseConnection, offer_id: Uuid) -> AppError {
    match sales_orders::id_of_offer(db, offer_id).await {
        Ok(Some(existing)) => converted(existing),
        Ok(None) => AppError::conflict(
            ErrorCode::AlreadyConverted,
            "the offer is converted to an order already",
            None,
        ),
        Err(error) => error.into(),
    }
}

/// A sales order with its lines and their invoicing, as history and the change feed keep it.
pub fn record(order: &SalesOrder) -> Value {
    let f = &order.fields;
    let currency = f.currency;
    let lines = records::positioned(&f.lines, |position, line| {
        json!({
            "id": line.id,
            "position": position,
            "offer_line_id": line.offer_line_id,
            "product_id": line.product_id,
            "description": line.description,
            "quantity": line.quantity.normalize(),
            "unit": line.unit,
            "unit_price": shown_price(line.unit_price, currency),
            "discount_percent": line.discount_percent.normalize(),
            "tax_rate": line.tax_rate.normalize(),
            "line_net": line.amounts().net(currency),
            "reserved_quantity": line.reserved_quantity,
            "invoiced_quantity": line.invoiced_quantity,
            "remaining_quantity": line.remaining(),
            "invoicing_status": line.invoicing_status().as_str(),
        })
    });
    let header = json!({
        "id": order.id,
        "number": order.number,
        "party_id": f.party_id,
        "offer_id": f.offer_id,
        "owner_id": f.owner_id,
        "currency": currency.code(),
        "order_date": f.order_date,
        "payment_terms_days": f.payment_terms_days,
        "billing_address": f.billing_address.as_ref().map(address),
        "shipping_address": f.shipping_address.as_ref().map(address),
        "notes": f.notes,
        "status": order.status.as_str(),
        "invoicing_status": order.invoicing_status().as_str(),
        "external_id": order.external_id,
        "version": order.version,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    });
    records::document(header, order.totals(), lines)
}
