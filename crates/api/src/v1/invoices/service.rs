//! Invoice use cases, the legal end of the chain. Each is one transaction with its history entry.
//!
//! Concurrency: an invoice's row is locked for every change (issue, payment, credit), so those
//! happen one after the other; the number is drawn from a counter row in the issuing transaction,
//! so concurrent issues get consecutive numbers and a failure gives its number back; credit notes
//! credit invoice lines with one conditional, set-based update.

use std::collections::HashMap;

use domain::access::Permission;
use domain::currency::Currency;
use domain::document::LineInput;
use domain::history::Action;
use domain::invoice::{
    self, ActionError, CreditedLine, Invoice, InvoiceChange, InvoiceFields, InvoiceInput, InvoiceKind, InvoiceStatus,
    Payment, PaymentMethod,
};
use domain::party::Party;
use persistence::invoices::{self, InvoiceFilter, InvoiceSort};
use persistence::page::{Page, PageRequest};
use persistence::units::to_units;
use persistence::visibility::Visibility;
use persistence::{ConnectionTrait, DatabaseConnection, TransactionTrait, numbers, parties, sales_orders};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::dto::InvoiceResponse;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::check_version;
use crate::state::now;
use crate::v1::activities::service as activities;
use crate::v1::history::service as history;
use crate::v1::invoice_orders::service as invoice_orders;
use crate::v1::offers::service::today;
use crate::v1::pricing::service as pricing;
use crate::v1::references::References;

pub const RESOURCE: &str = "invoice";
/// A credit note that keeps losing races for the same lines is told to retry after this many.
const ATTEMPTS: usize = 3;

pub fn may_act(caller: &Caller) -> bool {
    caller.role.can(Permission::WriteInvoices)
}

/// The draft of an open invoice order, which becomes `invoiced` in the same transaction.
pub async fn from_invoice_order(
    db: &DatabaseConnection,
    caller: &Caller,
    invoice_order_id: Uuid,
) -> Result<Invoice, ApiError> {
    let txn = db.begin().await?;
    let order = invoice_orders::find_for_update(&txn, caller, invoice_order_id)
        .await
        .map_err(|error| match error {
            ApiError::NotFound { .. } => {
                ApiError::invalid("invoice_order_id", "not_found", "no invoice order with this id")
            }
            other => other,
        })?;
    let party = party_of(&txn, order.party_id).await?;
    let mut order_ids: Vec<Uuid> = order.lines.iter().map(|l| l.sales_order_id).collect();
    order_ids.sort_unstable();
    order_ids.dedup();
    let terms = sales_orders::payment_terms_of(&txn, &order_ids).await?;
    let fields = invoice::from_invoice_order(&order, &terms, &party, Uuid::now_v7);
    invoice_orders::invoice(&txn, caller, &order).await?;
    let created = insert_draft(&txn, caller, InvoiceKind::Invoice, fields).await?;
    txn.commit().await?;
    Ok(created)
}

/// A direct invoice, its lines completed and priced like an order's.
pub async fn create(db: &DatabaseConnection, caller: &Caller, input: InvoiceInput) -> Result<Invoice, ApiError> {
    let txn = db.begin().await?;
    let mut references = References::new(&txn, caller);
    let Some(party) = references.party("party_id", input.party_id).await? else {
        return Err(references.finish().expect_err("a missing party is an error"));
    };
    let lines: Vec<&LineInput> = input.lines.iter().collect();
    let currency = input
        .currency
        .as_deref()
        .and_then(|code| Currency::parse(code).ok())
        .or(party.fields.currency);
    let defaults = pricing::line_defaults(&txn, &party, &lines, currency, today()).await?;
    let fields = input.validate(&party, &defaults, Uuid::now_v7)?;
    let created = insert_draft(&txn, caller, InvoiceKind::Invoice, fields).await?;
    txn.commit().await?;
    Ok(created)
}

/// A draft credit note of an issued invoice: the lines named, or everything left to credit.
pub async fn credit_note(
    db: &DatabaseConnection,
    caller: &Caller,
    credits_invoice_id: Uuid,
    lines: Option<Vec<CreditedLine>>,
) -> Result<Invoice, ApiError> {
    for _ in 0..ATTEMPTS {
        if let Some(note) = credit_note_once(db, caller, credits_invoice_id, lines.as_deref()).await? {
            return Ok(note);
        }
    }
    Err(ApiError::Busy)
}

async fn credit_note_once(
    db: &DatabaseConnection,
    caller: &Caller,
    credits_invoice_id: Uuid,
    lines: Option<&[CreditedLine]>,
) -> Result<Option<Invoice>, ApiError> {
    let txn = db.begin().await?;
    let credited = invoices::find(&txn, credits_invoice_id, caller.visibility())
        .await?
        .ok_or_else(|| ApiError::invalid("credits_invoice_id", "not_found", "no invoice with this id"))?;
    let fields = invoice::credit_note_of(&credited, lines, Uuid::now_v7).map_err(action_error)?;
    let changes: Vec<(Uuid, i64)> = fields
        .lines
        .iter()
        .filter_map(|l| Some((l.credits_line_id?, to_units(l.quantity))))
        .collect();
    if !invoices::credit(&txn, &changes).await? {
        // A concurrent credit note took what the snapshot saw: read again.
        return Ok(None);
    }
    let note = insert_draft(&txn, caller, InvoiceKind::CreditNote, fields).await?;
    txn.commit().await?;
    Ok(Some(note))
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<(Invoice, Vec<Payment>), ApiError> {
    let found = invoices::find(db, id, caller.visibility())
        .await?
        .ok_or(ApiError::NotFound { resource: RESOURCE })?;
    let payments = invoices::payments_of(db, &[id]).await?.remove(&id).unwrap_or_default();
    Ok((found, payments))
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &InvoiceFilter,
    request: &PageRequest<InvoiceSort>,
) -> Result<(Page<Invoice>, HashMap<Uuid, Vec<Payment>>), ApiError> {
    let page = invoices::list(db, filter, caller.visibility(), request).await?;
    let ids: Vec<Uuid> = page.items.iter().map(|i| i.id).collect();
    let payments = invoices::payments_of(db, &ids).await?;
    Ok((page, payments))
}

pub async fn history(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    request: &PageRequest<()>,
) -> Result<Page<persistence::history::Entry>, ApiError> {
    if invoices::find(db, id, Visibility::All).await?.is_some() {
        get(db, caller, id).await?;
        return history::list(db, RESOURCE, id, request).await;
    }
    // A deleted draft: no party is left to decide who saw it, so only callers who see every
    // party read its history.
    if caller.visibility() != Visibility::All {
        return Err(ApiError::NotFound { resource: RESOURCE });
    }
    history::list_outliving(db, RESOURCE, id, false, request).await
}

/// Changes a draft's header; an issued document is a 409 `document_immutable`.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: InvoiceChange,
) -> Result<Invoice, ApiError> {
    let txn = db.begin().await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    current.check_editable().map_err(immutable)?;
    let defaults = match &change.lines {
        Some(lines) => {
            let party = party_of(&txn, current.fields.party_id).await?;
            let lines: Vec<&LineInput> = lines.iter().collect();
            pricing::line_defaults(&txn, &party, &lines, Some(current.fields.currency), today()).await?
        }
        None => Vec::new(),
    };
    let lines_replaced = change.lines.is_some();
    let fields = change.apply(&current.fields, &defaults, Uuid::now_v7)?;
    if fields == current.fields {
        return Ok(current);
    }
    let changed = Invoice {
        fields,
        ..current.clone()
    };
    let written = write(&txn, caller, &current, changed, None).await?;
    if lines_replaced {
        invoices::replace_lines(&txn, &written).await?;
    }
    txn.commit().await?;
    Ok(written)
}

/// Deletes a draft: its invoice order is open again, or what its credit note credited is free.
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), ApiError> {
    let txn = db.begin().await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    current.check_editable().map_err(immutable)?;
    if let Some(order_id) = current.fields.invoice_order_id {
        let order = invoice_orders::find_for_update(&txn, caller, order_id).await?;
        invoice_orders::reopen(&txn, caller, &order).await?;
    }
    let credited: Vec<(Uuid, i64)> = current
        .fields
        .lines
        .iter()
        .filter_map(|l| Some((l.credits_line_id?, to_units(l.quantity))))
        .collect();
    invoices::uncredit(&txn, &credited).await?;
    activities::unlink_invoice(&txn, caller, id).await?;
    invoices::delete(&txn, id).await?;
    let before = InvoiceResponse::new(current, Vec::new(), today(), false);
    history::record_deletion(&txn, caller, RESOURCE, id, &before).await?;
    txn.commit().await?;
    Ok(())
}

/// Issues a draft: the next number of its series and year (gap-free: drawn in this transaction,
/// given back if it fails), the party frozen, the due date fixed. An issued credit note reduces
/// the balance of the invoice it credits.
pub async fn issue(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
) -> Result<Invoice, ApiError> {
    let txn = db.begin().await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    current.check_issue().map_err(action_error)?;
    let party = party_of(&txn, current.fields.party_id).await?;
    let day = today();
    let year = current.number_year(day);
    let sequence = numbers::next(&txn, current.kind.series(), year).await?;
    // Read while the series' counter row is locked: no other issue of this series and year
    // can slip in between.
    let last_issued = invoices::last_issued_date(&txn, current.kind).await?;
    let issued = current
        .issue(invoice::number(current.kind, year, sequence), &party, day, last_issued)
        .map_err(action_error)?;
    let written = write(&txn, caller, &current, issued, None).await?;
    if let Some(credited_id) = written.fields.credits_invoice_id {
        let credited = find_for_update(&txn, caller, credited_id).await?;
        let reduced = credited.credit(written.totals().total);
        write(&txn, caller, &credited, reduced, None).await?;
    }
    txn.commit().await?;
    Ok(written)
}

/// Records a payment: never more than the balance due.
pub async fn pay(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    amount: Decimal,
    date: Option<chrono::NaiveDate>,
    method: PaymentMethod,
    reference: Option<String>,
) -> Result<Invoice, ApiError> {
    let reference = domain::text::optional(reference.as_deref(), invoice::REFERENCE_MAX)
        .map_err(|e| ApiError::invalid("reference", domain::validation::CodedError::code(&e), e.to_string()))?;
    let txn = db.begin().await?;
    let current = find_for_update(&txn, caller, id).await?;
    let date = date.unwrap_or_else(today);
    let status = current.pay(amount, date).map_err(action_error)?;
    let at = now();
    let payment = Payment {
        id: Uuid::now_v7(),
        invoice_id: id,
        amount,
        date,
        method,
        reference,
        created_at: at,
    };
    invoices::insert_payment(&txn, &payment).await?;
    let paid = Invoice {
        status,
        paid_amount: current.paid_amount + amount,
        ..current.clone()
    };
    let written = write(&txn, caller, &current, paid, Some(payment.id)).await?;
    txn.commit().await?;
    Ok(written)
}

async fn find_for_update(conn: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<Invoice, ApiError> {
    invoices::find_for_update(conn, id, caller.visibility())
        .await?
        .ok_or(ApiError::NotFound { resource: RESOURCE })
}

/// The party of a document, archived or not: a document already made keeps it.
async fn party_of(conn: &impl ConnectionTrait, party_id: Uuid) -> Result<Party, ApiError> {
    parties::find(conn, party_id, Visibility::All)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the party {party_id} of a document is gone")))
}

async fn insert_draft(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    kind: InvoiceKind,
    fields: InvoiceFields,
) -> Result<Invoice, ApiError> {
    let at = now();
    let draft = Invoice {
        id: Uuid::now_v7(),
        kind,
        number: None,
        status: InvoiceStatus::Draft,
        fields,
        due_date: None,
        frozen: None,
        paid_amount: Decimal::ZERO,
        credited_amount: Decimal::ZERO,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    invoices::insert(conn, &draft).await?;
    let after = InvoiceResponse::new(draft.clone(), Vec::new(), today(), false);
    history::record(conn, caller, RESOURCE, draft.id, Action::Created, None, &after).await?;
    Ok(draft)
}

/// Writes `changed` as the next version of `current` and records the change.
/// Writes the change with its history entry and event, whose snapshots carry the payments
/// (`paid`: the one this change added, missing before it).
async fn write(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: &Invoice,
    changed: Invoice,
    paid: Option<Uuid>,
) -> Result<Invoice, ApiError> {
    let changed = Invoice {
        version: current.version + 1,
        updated_at: now(),
        ..changed
    };
    if !invoices::update(conn, &changed, current.version).await? {
        return Err(ApiError::concurrent_update());
    }
    let day = today();
    let payments = invoices::payments_of(conn, &[changed.id])
        .await?
        .remove(&changed.id)
        .unwrap_or_default();
    let earlier = payments.iter().filter(|p| Some(p.id) != paid).cloned().collect();
    let before = InvoiceResponse::new(current.clone(), earlier, day, false);
    let after = InvoiceResponse::new(changed.clone(), payments, day, false);
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

fn immutable(status: InvoiceStatus) -> ApiError {
    ApiError::conflict(
        "document_immutable",
        format!(
            "an issued document does not change (this one is {}): correct it with a credit note",
            status.as_str()
        ),
        None,
    )
}

fn action_error(error: ActionError) -> ApiError {
    match error {
        ActionError::State(error) => ApiError::invalid_transition(RESOURCE, error),
        ActionError::NotIssued(status) => ApiError::conflict(
            "not_issued",
            format!("only an issued invoice is credited; this one is {}", status.as_str()),
            None,
        ),
        ActionError::Invalid(errors) => errors.into(),
    }
}
