//! Invoice use cases, the legal end of the chain. Each is one transaction with its history entry.
//!
//! Concurrency: an invoice's row is locked for every change (issue, payment, credit), so those
//! happen one after the other; the number is drawn from a counter row in the issuing transaction,
//! so concurrent issues get consecutive numbers and a failure gives its number back; credit notes
//! credit invoice lines with one conditional, set-based update.

use domain::resource::ResourceType;
use std::collections::HashMap;

use domain::access::Permission;
use domain::currency::Currency;
use domain::document::LineInput;
use domain::invoice::{
    self, ActionError, CreditedLine, Invoice, InvoiceChange, InvoiceFields, InvoiceInput, InvoiceKind, InvoiceStatus,
    Payment, PaymentMethod,
};
use domain::party::Party;
use persistence::activities::RelatedDocument;
use persistence::invoices::{self, InvoiceFilter, InvoiceSort};
use persistence::page::{Page, PageRequest};
use persistence::units::to_units;
use persistence::visibility::Visibility;
use persistence::{ConnectionTrait, DatabaseConnection, numbers, sales_orders};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::activities;
use crate::caller::Caller;
use crate::clock::now;
use crate::clock::today;
use crate::contracts;
use crate::error::{AppError, ErrorCode};
use crate::history::{self, Change};
use crate::invoice_orders;
use crate::lookup;
use crate::pricing;
use crate::references::References;
use crate::transaction;
use crate::upsert::{self, Upserted};
use crate::versions::check_version;
use chrono::NaiveDate;
use persistence::invoices::Invoices;
use persistence::parties::Parties;
use persistence::table;

use crate::records::{self, address};
use domain::money::shown_price;
use serde_json::{Value, json};

pub const RESOURCE: ResourceType = ResourceType::Invoice;
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
    external_id: Option<String>,
) -> Result<Invoice, AppError> {
    let external_id = upsert::checked_external_id(external_id.as_deref())?;
    let txn = persistence::db::begin(db).await?;
    upsert::check_external_id_free::<Invoices>(&txn, caller, external_id.as_deref()).await?;
    let order = invoice_orders::find_for_update(&txn, caller, invoice_order_id)
        .await
        .map_err(|error| match error {
            AppError::NotFound { .. } => {
                AppError::invalid("invoice_order_id", "not_found", "no invoice order with this id")
            }
            other => other,
        })?;
    let party = contracts::terms_of(&txn, party_of(&txn, order.party_id).await?, today()).await?;
    let mut order_ids: Vec<Uuid> = order.lines.iter().map(|l| l.sales_order_id).collect();
    order_ids.sort_unstable();
    order_ids.dedup();
    let terms = sales_orders::payment_terms_of(&txn, &order_ids).await?;
    let fields = invoice::from_invoice_order(&order, &terms, &party, Uuid::now_v7);
    invoice_orders::invoice(&txn, caller, &order).await?;
    let created = insert_draft(&txn, caller, InvoiceKind::Invoice, fields, external_id).await?;
    transaction::commit(txn).await?;
    Ok(created)
}

/// A direct invoice, its lines completed and priced like an order's.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: InvoiceInput,
    external_id: Option<String>,
) -> Result<Invoice, AppError> {
    let external_id = upsert::checked_external_id(external_id.as_deref())?;
    let txn = persistence::db::begin(db).await?;
    upsert::check_external_id_free::<Invoices>(&txn, caller, external_id.as_deref()).await?;
    let created = create_direct(&txn, caller, input, external_id).await?;
    transaction::commit(txn).await?;
    Ok(created)
}

async fn create_direct(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    input: InvoiceInput,
    external_id: Option<String>,
) -> Result<Invoice, AppError> {
    let mut references = References::new(conn, caller);
    let Some(party) = references.party("party_id", input.party_id).await? else {
        return Err(references.finish().expect_err("a missing party is an error"));
    };
    let party = contracts::terms_of(conn, party, today()).await?;
    let lines: Vec<&LineInput> = input.lines.iter().collect();
    let currency = input
        .currency
        .as_deref()
        .and_then(|code| Currency::parse(code).ok())
        .or(party.fields.currency);
    let defaults = pricing::line_defaults(conn, &party, &lines, currency, today()).await?;
    let fields = input.validate(&party, &defaults, Uuid::now_v7)?;
    insert_draft(conn, caller, InvoiceKind::Invoice, fields, external_id).await
}

/// `PUT /invoices/by-external-id/{external_id}`: creates a direct draft as `POST` does, or
/// replaces the whole draft that has this external id: header and lines (priced again). Party and
/// currency stay; an issued document is a 409 `document_immutable`, and the lines of a draft made
/// from an invoice order or of a credit note follow their source (422 `lines_follow_source`).
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    external_id: &str,
    input: InvoiceInput,
    mut body_external_id: Option<String>,
    if_match: Option<i32>,
) -> Result<Upserted<Invoice>, AppError> {
    let external_id = upsert::claim_external_id(external_id, &mut body_external_id, domain::document::EXTERNAL_ID_MAX)?;
    upsert::by_external_id::<Invoices>(
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

/// The change that makes the draft `current` what `input` describes; omitted fields get their
/// defaults as on create (the party's payment terms, no invoice date, no notes). Party and
/// currency cannot change (422 `unchangeable`).
async fn replacement(
    conn: &impl ConnectionTrait,
    current: &Invoice,
    input: InvoiceInput,
) -> Result<InvoiceChange, AppError> {
    let f = &current.fields;
    let party = contracts::terms_of(conn, party_of(conn, f.party_id).await?, today()).await?;
    let currency = input
        .currency
        .as_deref()
        .or(party.fields.currency.as_ref().map(Currency::code));
    domain::document::keeps_party_and_currency(
        (f.party_id, f.currency),
        (input.party_id, currency),
        ("draft", "delete it"),
    )?;
    Ok(InvoiceChange {
        payment_terms_days: Some(input.payment_terms_days.unwrap_or(party.fields.payment_terms_days)),
        invoice_date: Some(input.invoice_date),
        notes: Some(input.notes),
        lines: Some(input.lines),
    })
}

/// A draft credit note of an issued invoice: the lines named, or everything left to credit.
pub async fn credit_note(
    db: &DatabaseConnection,
    caller: &Caller,
    credits_invoice_id: Uuid,
    lines: Option<Vec<CreditedLine>>,
    external_id: Option<String>,
) -> Result<Invoice, AppError> {
    let external_id = upsert::checked_external_id(external_id.as_deref())?;
    for _ in 0..ATTEMPTS {
        if let Some(note) =
            credit_note_once(db, caller, credits_invoice_id, lines.as_deref(), external_id.as_deref()).await?
        {
            return Ok(note);
        }
    }
    Err(AppError::Busy)
}

async fn credit_note_once(
    db: &DatabaseConnection,
    caller: &Caller,
    credits_invoice_id: Uuid,
    lines: Option<&[CreditedLine]>,
    external_id: Option<&str>,
) -> Result<Option<Invoice>, AppError> {
    let txn = persistence::db::begin(db).await?;
    upsert::check_external_id_free::<Invoices>(&txn, caller, external_id).await?;
    let credited = table::find::<Invoices>(&txn, credits_invoice_id, caller.visibility())
        .await?
        .ok_or_else(|| AppError::invalid("credits_invoice_id", "not_found", "no invoice with this id"))?;
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
    let note = insert_draft(
        &txn,
        caller,
        InvoiceKind::CreditNote,
        fields,
        external_id.map(str::to_owned),
    )
    .await?;
    transaction::commit(txn).await?;
    Ok(Some(note))
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<(Invoice, Vec<Payment>), AppError> {
    let found = lookup::get::<Invoices>(db, caller, id).await?;
    let payments = invoices::payments_of(db, &[id]).await?.remove(&id).unwrap_or_default();
    Ok((found, payments))
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &InvoiceFilter,
    request: &PageRequest<InvoiceSort>,
) -> Result<(Page<Invoice>, HashMap<Uuid, Vec<Payment>>), AppError> {
    let page = invoices::list(db, filter, caller.visibility(), request).await?;
    let ids: Vec<Uuid> = page.items.iter().map(|i| i.id).collect();
    let payments = invoices::payments_of(db, &ids).await?;
    Ok((page, payments))
}

/// Changes a draft's header; an issued document is a 409 `document_immutable`.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: InvoiceChange,
) -> Result<Invoice, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_draft(&current, if_match)?;
    let written = change_draft(&txn, caller, current, change).await?;
    transaction::commit(txn).await?;
    Ok(written)
}

/// `If-Match`, then the status: an issued document is a 409 `document_immutable`.
fn check_draft(current: &Invoice, if_match: Option<i32>) -> Result<(), AppError> {
    check_version(current.version, if_match)?;
    current.check_editable().map_err(immutable)
}

/// Applies `change` to the checked draft `current` (locked) and writes it. New lines are priced
/// like a new invoice's, and keep the old ids when they come out the same, so that sending a
/// draft again changes nothing.
async fn change_draft(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: Invoice,
    change: InvoiceChange,
) -> Result<Invoice, AppError> {
    let defaults = match &change.lines {
        Some(lines) => {
            let party = party_of(conn, current.fields.party_id).await?;
            let lines: Vec<&LineInput> = lines.iter().collect();
            pricing::line_defaults(conn, &party, &lines, Some(current.fields.currency), today()).await?
        }
        None => Vec::new(),
    };
    let mut fields = change.apply(&current.fields, &defaults, Uuid::now_v7)?;
    upsert::keep_line_ids(&mut fields.lines, &current.fields.lines, |line| &mut line.id);
    if fields == current.fields {
        return Ok(current);
    }
    let lines_changed = fields.lines != current.fields.lines;
    let changed = Invoice {
        fields,
        ..current.clone()
    };
    let written = write(conn, caller, &current, changed, None).await?;
    if lines_changed {
        invoices::replace_lines(conn, &written).await?;
    }
    Ok(written)
}

/// Deletes a draft: its invoice order is open again, or what its credit note credited is free.
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    let txn = persistence::db::begin(db).await?;
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
    activities::unlink(&txn, caller, RelatedDocument::Invoice(id)).await?;
    invoices::delete(&txn, id).await?;
    history::record_deletion(&txn, caller, RESOURCE, id, &record(&current, &[], today())).await?;
    transaction::commit(txn).await?;
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
) -> Result<Invoice, AppError> {
    let txn = persistence::db::begin(db).await?;
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
    transaction::commit(txn).await?;
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
) -> Result<(Invoice, Vec<Payment>), AppError> {
    let reference = domain::text::optional(reference.as_deref(), invoice::REFERENCE_MAX)
        .map_err(|e| AppError::invalid("reference", domain::validation::CodedError::code(&e), e.to_string()))?;
    let txn = persistence::db::begin(db).await?;
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
    let payments = invoices::payments_of(&txn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    transaction::commit(txn).await?;
    Ok((written, payments))
}

async fn find_for_update(conn: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<Invoice, AppError> {
    lookup::for_update::<Invoices>(conn, caller, id).await
}

/// The party of a document, archived or not: a document already made keeps it.
async fn party_of(conn: &impl ConnectionTrait, party_id: Uuid) -> Result<Party, AppError> {
    table::find::<Parties>(conn, party_id, Visibility::All)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("the party {party_id} of a document is gone")))
}

async fn insert_draft(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    kind: InvoiceKind,
    fields: InvoiceFields,
    external_id: Option<String>,
) -> Result<Invoice, AppError> {
    let draft = Invoice::draft(Uuid::now_v7(), kind, fields, external_id, now());
    // Two first upserts of one external id may race past the check.
    invoices::insert(conn, &draft)
        .await
        .map_err(|error| upsert::lost_external_id_race(error, RESOURCE, draft.external_id.as_deref()))?;
    let after = record(&draft, &[], today());
    history::record(conn, caller, RESOURCE, draft.id, Change::Created, None, &after).await?;
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
) -> Result<Invoice, AppError> {
    let changed = Invoice {
        version: current.version + 1,
        updated_at: now(),
        ..changed
    };
    if !invoices::update(conn, &changed, current.version).await? {
        return Err(AppError::concurrent_update());
    }
    let day = today();
    let payments = invoices::payments_of(conn, &[changed.id])
        .await?
        .remove(&changed.id)
        .unwrap_or_default();
    let earlier: Vec<_> = payments.iter().filter(|p| Some(p.id) != paid).cloned().collect();
    let before = record(current, &earlier, day);
    let after = record(&changed, &payments, day);
    let change = Change::of_status(current.status, changed.status);
    history::record(conn, caller, RESOURCE, changed.id, change, Some(&before), &after).await?;
    Ok(changed)
}

fn immutable(status: InvoiceStatus) -> AppError {
    AppError::conflict(
        ErrorCode::DocumentImmutable,
        format!(
            "an issued document does not change (this one is {}): correct it with a credit note",
            status.as_str()
        ),
        None,
    )
}

fn action_error(error: ActionError) -> AppError {
    match error {
        ActionError::State(error) => AppError::invalid_transition(RESOURCE, error),
        ActionError::NotIssued(status) => AppError::conflict(
            ErrorCode::NotIssued,
            format!("only an issued invoice is credited; this one is {}", status.as_str()),
            None,
        ),
        ActionError::Invalid(errors) => errors.into(),
    }
}

/// An invoice or credit note with its `payments`, as of `today` (for `overdue`), as history and the feed keep it.
pub fn record(invoice: &Invoice, payments: &[Payment], today: NaiveDate) -> Value {
    let f = &invoice.fields;
    let currency = f.currency;
    let frozen = invoice.frozen.as_ref();
    let lines = records::positioned(&f.lines, |position, line| {
        json!({
            "id": line.id,
            "position": position,
            "sales_order_line_id": line.sales_order_line_id,
            "credits_line_id": line.credits_line_id,
            "product_id": line.product_id,
            "description": line.description,
            "quantity": line.quantity,
            "unit": line.unit,
            "unit_price": shown_price(line.unit_price, currency),
            "discount_percent": line.discount_percent.normalize(),
            "tax_rate": line.tax_rate.normalize(),
            "line_net": line.amounts().net(currency),
            "credited_quantity": line.credited_quantity,
        })
    });
    let payments: Vec<Value> = payments
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "amount": minor(p.amount, currency),
                "date": p.date,
                "method": p.method.as_str(),
                "reference": p.reference,
                "created_at": p.created_at,
            })
        })
        .collect();
    let header = json!({
        "id": invoice.id,
        "kind": invoice.kind.as_str(),
        "number": invoice.number,
        "status": invoice.status.as_str(),
        "party_id": f.party_id,
        "currency": currency.code(),
        "invoice_order_id": f.invoice_order_id,
        "credits_invoice_id": f.credits_invoice_id,
        "invoice_date": f.invoice_date,
        "due_date": invoice.due_date,
        "payment_terms_days": f.payment_terms_days,
        "party_name": frozen.map(|p| &p.name),
        "party_address": frozen.and_then(|p| p.address.as_ref()).map(address),
        "party_vat_id": frozen.and_then(|p| p.vat_id.as_ref()),
        "notes": f.notes,
        "paid_amount": minor(invoice.paid_amount, currency),
        "credited_amount": minor(invoice.credited_amount, currency),
        "balance_due": invoice.balance_due(),
        "overdue": invoice.is_overdue(today),
        "external_id": invoice.external_id,
        "version": invoice.version,
        "created_at": invoice.created_at,
        "updated_at": invoice.updated_at,
    });
    let mut form = records::document(header, invoice.totals(), lines);
    // By move, as the lines: `json!` would copy each of their values once more.
    form["payments"] = Value::Array(payments);
    form
}

/// `amount` with exactly the currency's decimals, as the v1 invoice response's `minor` closure shows it.
fn minor(mut amount: Decimal, currency: Currency) -> Decimal {
    amount.rescale(currency.exponent());
    amount
}
