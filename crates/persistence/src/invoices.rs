//! Invoices, credit notes, their lines and payments. A document is read with its lines (lists
//! too: two queries per page) and its lines are written in one statement; credit notes credit
//! invoice lines with one conditional, set-based update (`units::adjust`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::currency::Currency;
use domain::invoice::{
    FrozenParty, Invoice, InvoiceFields, InvoiceKind, InvoiceLine, InvoiceStatus, Payment, PaymentMethod,
};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::invoice::{ActiveModel, Column, Entity, Model};
use crate::entities::{invoice_line as line, payment};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::lines::{self, LineTable};
use crate::page::{Page, PageRequest, SortBy, SortKey};
use crate::sales_orders;
use crate::table::{self, Scope, Table};
use crate::units::{self, from_units, to_units};
use crate::visibility::Visibility;

pub(crate) const TABLE: &str = "invoices";
const LINES: &str = "invoice_lines";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceSort {
    CreatedAt,
    UpdatedAt,
}

#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub party_id: Option<Uuid>,
    pub kind: Vec<InvoiceKind>,
    pub status: Vec<InvoiceStatus>,
    pub number: Option<String>,
    pub invoice_date_from: Option<NaiveDate>,
    pub invoice_date_to: Option<NaiveDate>,
    /// Issued or partially paid, due before this day.
    pub overdue_on: Option<NaiveDate>,
    /// Issued (any status but draft), or drafts only.
    pub issued: Option<bool>,
    /// Invoices with a balance due (issued or partially paid), or all but those.
    pub unpaid: Option<bool>,
    pub currency: Option<Currency>,
    pub credits_invoice_id: Option<Uuid>,
    pub invoice_order_id: Option<Uuid>,
    pub external_id: Option<String>,
    /// Text search: in the number (drafts have none), or the party as `q` finds it on the parties.
    pub q: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &impl ConnectionTrait, invoice: &Invoice) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(invoice)).await
}

/// Inserts invoices and their lines: two statements for one invoice or a few hundred.
pub async fn insert_many(conn: &impl ConnectionTrait, invoices: &[Invoice]) -> Result<(), StoreError> {
    table::insert::<Invoices, _>(conn, invoices.iter().map(to_active_model)).await?;
    lines::insert(conn, invoices.iter().flat_map(line_rows)).await
}

/// Replaces a draft's lines with `invoice`'s (two statements, whatever their number).
pub async fn replace_lines(conn: &impl ConnectionTrait, invoice: &Invoice) -> Result<(), StoreError> {
    lines::replace(conn, invoice.id, line_rows(invoice)).await
}

impl LineTable for line::Entity {
    const DOCUMENT: line::Column = line::Column::InvoiceId;
    const POSITION: line::Column = line::Column::Position;

    fn document_of(line: &line::Model) -> Uuid {
        line.invoice_id
    }
}

fn line_rows(invoice: &Invoice) -> impl Iterator<Item = line::ActiveModel> {
    (1..).zip(&invoice.fields.lines).map(|(position, l)| line::ActiveModel {
        id: Set(l.id),
        invoice_id: Set(invoice.id),
        position: Set(position),
        sales_order_line_id: Set(l.sales_order_line_id),
        credits_line_id: Set(l.credits_line_id),
        product_id: Set(l.product_id),
        description: Set(l.description.clone()),
        quantity_units: Set(to_units(l.quantity)),
        credited_units: Set(to_units(l.credited_quantity)),
        unit: Set(l.unit.clone()),
        unit_price: Set(DecimalText(l.unit_price)),
        discount_percent: Set(DecimalText(l.discount_percent)),
        tax_rate: Set(DecimalText(l.tax_rate)),
    })
}

/// Writes the document's header, status and sums (never its lines, nor its kind) if the stored
/// version is still `expected_version`.
pub async fn update(conn: &impl ConnectionTrait, invoice: &Invoice, expected_version: i32) -> Result<bool, StoreError> {
    let mut model = to_active_model(invoice);
    model.kind = NotSet;
    table::update::<Invoices, _>(conn, model, invoice.id, expected_version).await
}

/// Deletes a draft and its lines.
pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    lines::delete_document::<Invoices, line::Entity>(conn, id).await?;
    Ok(())
}

/// The invoices table, for the shared kit (`crate::table`).
pub struct Invoices;

impl Table for Invoices {
    type Entity = Entity;
    type Record = Invoice;
    table::versioned_columns!();
    const SCOPE: Scope<Column> = Scope::Party(Column::PartyId);
    const EXTERNAL_ID: Option<Column> = Some(Column::ExternalId);

    /// The documents of `rows`, in their order, each with its lines (one query for all of them).
    async fn load(conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Invoice>, StoreError> {
        lines::attach_loaded::<line::Entity, _, _, _>(conn, rows, |m| m.id, to_line, to_invoice).await
    }
}

/// The party of the invoice for a record about to refer to it: share-locked until the transaction
/// ends (PostgreSQL), so it cannot go away meanwhile.
pub async fn party_for_share(
    conn: &impl ConnectionTrait,
    id: Uuid,
    visibility: Visibility,
) -> Result<Option<Uuid>, StoreError> {
    let row = table::row_for_share::<Invoices>(conn, id, visibility).await?;
    Ok(row.map(|m| m.party_id))
}

/// Credits `changes` (invoice line → ten-thousandths), each only where it fits what is left to
/// credit. `false`: one did not fit and the caller rolls back.
pub async fn credit(conn: &impl ConnectionTrait, changes: &[(Uuid, i64)]) -> Result<bool, StoreError> {
    let credited = units::adjust(
        conn,
        LINES,
        changes,
        "credited_units = credited_units + v.units",
        Some("invoice_lines.quantity_units - invoice_lines.credited_units >= v.units"),
    )
    .await?;
    Ok(credited == changes.len() as u64)
}

/// Takes `changes` off what is credited (a draft credit note deleted).
pub async fn uncredit(conn: &impl ConnectionTrait, changes: &[(Uuid, i64)]) -> Result<(), StoreError> {
    units::adjust(conn, LINES, changes, "credited_units = credited_units - v.units", None).await?;
    Ok(())
}

pub async fn insert_payment(conn: &impl ConnectionTrait, payment: &Payment) -> Result<(), StoreError> {
    insert_payments(conn, std::slice::from_ref(payment)).await
}

pub async fn insert_payments(conn: &impl ConnectionTrait, payments: &[Payment]) -> Result<(), StoreError> {
    let rows = payments.iter().map(|payment| payment::ActiveModel {
        id: Set(payment.id),
        invoice_id: Set(payment.invoice_id),
        amount: Set(DecimalText(payment.amount)),
        date: Set(payment.date),
        method: Set(payment.method.as_str().to_owned()),
        reference: Set(payment.reference.clone()),
        created_at: Set(payment.created_at),
    });
    table::insert_rows(conn, rows).await
}

/// The payments of these invoices, each invoice's oldest first (one query for a page of them).
pub async fn payments_of(
    conn: &impl ConnectionTrait,
    invoice_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Payment>>, StoreError> {
    let mut payments: HashMap<Uuid, Vec<Payment>> = HashMap::new();
    if invoice_ids.is_empty() {
        return Ok(payments);
    }
    for p in payment::Entity::find()
        .filter(payment::Column::InvoiceId.is_in(invoice_ids.iter().copied()))
        .order_by_asc(payment::Column::CreatedAt)
        .order_by_asc(payment::Column::Id)
        .all(conn)
        .await?
    {
        payments.entry(p.invoice_id).or_default().push(Payment {
            method: PaymentMethod::parse(&p.method).ok_or_else(|| StoreError::corrupt("payments", &p.method))?,
            id: p.id,
            invoice_id: p.invoice_id,
            amount: p.amount.0,
            date: p.date,
            reference: p.reference,
            created_at: p.created_at,
        });
    }
    Ok(payments)
}

/// The documents with a line of one of these sales orders that the caller sees, credit notes
/// included (for a document's flow).
pub async fn of_sales_orders(
    conn: &impl ConnectionTrait,
    order_ids: &[Uuid],
    visibility: Visibility,
) -> Result<Vec<Invoice>, StoreError> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = Query::select()
        .column(line::Column::InvoiceId)
        .from(line::Entity)
        .and_where(line::Column::SalesOrderLineId.in_subquery(sales_orders::line_ids_of(order_ids)))
        .to_owned();
    let select = Entity::find()
        .filter(Column::Id.in_subquery(ids))
        .filter(Invoices::scope(visibility))
        .order_by_asc(Column::CreatedAt);
    table::all::<Invoices>(conn, select).await
}

/// The latest date of an issued document of this kind (its number series).
pub async fn last_issued_date(conn: &impl ConnectionTrait, kind: InvoiceKind) -> Result<Option<NaiveDate>, StoreError> {
    let latest: Option<Option<NaiveDate>> = Entity::find()
        .select_only()
        .column_as(Column::InvoiceDate.max(), "latest")
        .filter(Column::Kind.eq(kind.as_str()))
        .filter(Column::Number.is_not_null())
        .into_tuple()
        .one(conn)
        .await?;
    Ok(latest.flatten())
}

/// The credit notes of these invoices that the caller sees.
pub async fn credit_notes_of(
    conn: &impl ConnectionTrait,
    invoice_ids: &[Uuid],
    visibility: Visibility,
) -> Result<Vec<Invoice>, StoreError> {
    if invoice_ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = Entity::find()
        .filter(Column::CreditsInvoiceId.is_in(invoice_ids.iter().copied()))
        .filter(Invoices::scope(visibility))
        .order_by_asc(Column::CreatedAt);
    table::all::<Invoices>(conn, select).await
}

/// The net totals of the party's issued documents in `currency` dated `first..=last`, by kind:
/// what turnover is made of.
pub async fn issued_net_totals(
    conn: &impl ConnectionTrait,
    party_id: Uuid,
    first: NaiveDate,
    last: NaiveDate,
    currency: Currency,
) -> Result<Vec<(InvoiceKind, Decimal)>, StoreError> {
    Entity::find()
        .filter(Column::PartyId.eq(party_id))
        .filter(Column::Currency.eq(currency.code()))
        .filter(Column::Status.ne(InvoiceStatus::Draft.as_str()))
        .filter(Column::InvoiceDate.gte(first))
        .filter(Column::InvoiceDate.lte(last))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| {
            let kind = InvoiceKind::parse(&m.kind).ok_or_else(|| StoreError::corrupt(TABLE, &m.kind))?;
            Ok((kind, m.net_total.0))
        })
        .collect()
}

pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &InvoiceFilter,
    visibility: Visibility,
    request: &PageRequest<InvoiceSort>,
) -> Result<Page<Invoice>, StoreError> {
    let overdue = |today| {
        Condition::all()
            .add(Column::Kind.eq(InvoiceKind::Invoice.as_str()))
            .add(Column::Status.is_in([InvoiceStatus::Issued.as_str(), InvoiceStatus::PartiallyPaid.as_str()]))
            .add(Column::DueDate.lt(today))
    };
    let condition = Filter::new(Invoices::scope(visibility))
        .eq(Column::PartyId, filter.party_id)
        .any_of(&filter.kind, |kind| Column::Kind.eq(kind.as_str()))
        .any_of(&filter.status, |status| Column::Status.eq(status.as_str()))
        .equals(Column::Number, filter.number.as_deref())
        .from(Column::InvoiceDate, filter.invoice_date_from)
        .to(Column::InvoiceDate, filter.invoice_date_to)
        .when(filter.overdue_on, overdue)
        .when(filter.issued, |issued| {
            let draft = InvoiceStatus::Draft.as_str();
            if issued {
                Column::Status.ne(draft)
            } else {
                Column::Status.eq(draft)
            }
        })
        .when(filter.unpaid, |unpaid| {
            let owing = Condition::all()
                .add(Column::Kind.eq(InvoiceKind::Invoice.as_str()))
                .add(Column::Status.is_in([InvoiceStatus::Issued.as_str(), InvoiceStatus::PartiallyPaid.as_str()]));
            if unpaid { owing } else { owing.not() }
        })
        .when(filter.currency, |currency| Column::Currency.eq(currency.code()))
        .eq(Column::CreditsInvoiceId, filter.credits_invoice_id)
        .eq(Column::InvoiceOrderId, filter.invoice_order_id)
        .equals(Column::ExternalId, filter.external_id.as_deref())
        .document_text(Column::Number, Column::PartyId, filter.q.as_deref())
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, Model> = match request.sort {
        InvoiceSort::CreatedAt => SortBy::new(Column::CreatedAt, |m| (SortKey::Time(m.created_at), m.id)),
        InvoiceSort::UpdatedAt => SortBy::new(Column::UpdatedAt, |m| (SortKey::Time(m.updated_at), m.id)),
    };
    table::page::<Invoices, _>(conn, condition, sort, request).await
}

fn to_line(l: line::Model) -> InvoiceLine {
    InvoiceLine {
        id: l.id,
        sales_order_line_id: l.sales_order_line_id,
        credits_line_id: l.credits_line_id,
        product_id: l.product_id,
        description: l.description,
        quantity: from_units(l.quantity_units),
        unit: l.unit,
        unit_price: l.unit_price.0,
        discount_percent: l.discount_percent.0,
        tax_rate: l.tax_rate.0,
        credited_quantity: from_units(l.credited_units),
    }
}

/// Writes the gross total of every invoice and credit note without one (rows written before the
/// column existed), computed from its lines; a few hundred per statement round. Run at start-up:
/// idempotent, and two servers doing it at once write the same figures.
pub async fn fill_in_totals(conn: &impl ConnectionTrait) -> Result<u64, StoreError> {
    let mut filled = 0;
    loop {
        let missing = Entity::find().filter(Column::Total.is_null()).limit(500);
        let invoices = table::all::<Invoices>(conn, missing).await?;
        if invoices.is_empty() {
            return Ok(filled);
        }
        for invoice in &invoices {
            Entity::update_many()
                .col_expr(Column::Total, Expr::value(DecimalText(invoice.totals().total)))
                .filter(Column::Id.eq(invoice.id))
                .filter(Column::Total.is_null())
                .exec(conn)
                .await?;
        }
        filled += invoices.len() as u64;
    }
}

fn to_active_model(i: &Invoice) -> ActiveModel {
    let f = &i.fields;
    let frozen = i.frozen.as_ref();
    let totals = i.totals();
    ActiveModel {
        id: Set(i.id),
        kind: Set(i.kind.as_str().to_owned()),
        number: Set(i.number.clone()),
        status: Set(i.status.as_str().to_owned()),
        party_id: Set(f.party_id),
        currency: Set(f.currency.code().to_owned()),
        invoice_order_id: Set(f.invoice_order_id),
        credits_invoice_id: Set(f.credits_invoice_id),
        payment_terms_days: Set(f.payment_terms_days),
        invoice_date: Set(f.invoice_date),
        due_date: Set(i.due_date),
        party_name: Set(frozen.map(|p| p.name.clone())),
        party_address: Set(frozen
            .and_then(|p| p.address.as_ref())
            .map(|a| serde_json::to_string(a).expect("addresses serialize"))),
        party_vat_id: Set(frozen.and_then(|p| p.vat_id.clone())),
        notes: Set(f.notes.clone()),
        net_total: Set(DecimalText(totals.net_total)),
        total: Set(Some(DecimalText(totals.total))),
        paid_amount: Set(DecimalText(i.paid_amount)),
        credited_amount: Set(DecimalText(i.credited_amount)),
        external_id: Set(i.external_id.clone()),
        version: Set(i.version),
        created_at: Set(i.created_at),
        updated_at: Set(i.updated_at),
    }
}

fn to_invoice(m: Model, lines: Vec<InvoiceLine>) -> Result<Invoice, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    let frozen = match m.party_name {
        None => None,
        Some(name) => Some(FrozenParty {
            name,
            address: m
                .party_address
                .as_deref()
                .map(|a| serde_json::from_str(a).map_err(|_| corrupt("party_address")))
                .transpose()?,
            vat_id: m.party_vat_id,
        }),
    };
    Ok(Invoice {
        id: m.id,
        kind: InvoiceKind::parse(&m.kind).ok_or_else(|| corrupt("kind"))?,
        number: m.number,
        status: InvoiceStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
        fields: InvoiceFields {
            party_id: m.party_id,
            currency: Currency::parse(&m.currency).map_err(|_| corrupt("currency"))?,
            invoice_order_id: m.invoice_order_id,
            credits_invoice_id: m.credits_invoice_id,
            payment_terms_days: m.payment_terms_days,
            invoice_date: m.invoice_date,
            notes: m.notes,
            lines,
        },
        due_date: m.due_date,
        frozen,
        paid_amount: m.paid_amount.0,
        credited_amount: m.credited_amount.0,
        external_id: m.external_id,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
