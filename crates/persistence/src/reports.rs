//! The rows reports are computed from: narrow selects (only the columns a report reads),
//! streamed into the report's own accumulator, within what the caller sees. Memory grows with
//! a report's groups, never with the records it reads.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::currency::Currency;
use domain::invoice::{InvoiceKind, InvoiceStatus};
use domain::report::Window;
use domain::report::turnover::TurnoverEntry;
use futures::TryStreamExt;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, StreamTrait};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::invoice::{Column, Entity};
use crate::error::StoreError;
use crate::invoices::{Invoices, TABLE};
use crate::table::Table;
use crate::visibility::Visibility;

/// Every issued invoice and credit note dated in `window` (of `party_id` if given) the caller
/// sees, handed to `each` one at a time.
pub async fn turnover_entries<C: ConnectionTrait + StreamTrait>(
    conn: &C,
    visibility: Visibility,
    window: Window,
    party_id: Option<Uuid>,
    mut each: impl FnMut(TurnoverEntry),
) -> Result<(), StoreError> {
    let mut select = Entity::find()
        .select_only()
        .columns([
            Column::PartyId,
            Column::Kind,
            Column::InvoiceDate,
            Column::Currency,
            Column::NetTotal,
        ])
        .filter(Invoices::scope(visibility))
        .filter(Column::Status.ne(InvoiceStatus::Draft.as_str()))
        .filter(Column::InvoiceDate.gte(window.from))
        .filter(Column::InvoiceDate.lte(window.to));
    if let Some(party_id) = party_id {
        select = select.filter(Column::PartyId.eq(party_id));
    }
    let mut rows = select
        .into_tuple::<(Uuid, String, Option<NaiveDate>, String, DecimalText)>()
        .stream(conn)
        .await?;
    while let Some((party_id, kind, date, currency, net)) = rows.try_next().await? {
        let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} of an invoice of party {party_id}"));
        each(TurnoverEntry {
            party_id,
            kind: InvoiceKind::parse(&kind).ok_or_else(|| corrupt("kind"))?,
            invoice_date: date.ok_or_else(|| corrupt("the date"))?,
            currency: Currency::parse(&currency).map_err(|_| corrupt("currency"))?,
            net: net.0,
        });
    }
    Ok(())
}

/// The names of the parties `ids` names, a few thousand ids per query (a report by party of a
/// year names tens of thousands).
pub async fn party_names(conn: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<HashMap<Uuid, String>, StoreError> {
    use crate::entities::party;
    let mut names = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(5_000) {
        let found: Vec<(Uuid, String)> = party::Entity::find()
            .select_only()
            .columns([party::Column::Id, party::Column::Name])
            .filter(party::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        names.extend(found);
    }
    Ok(names)
}

/// The names of the stages (with their pipeline position), users and teams: the labels of the
/// pipeline's groups, and each user's team.
#[derive(Debug, Default)]
pub struct Directory {
    /// Position, name and whether it is an open stage (not won or lost).
    pub stages: HashMap<Uuid, (i32, String, bool)>,
    pub users: HashMap<Uuid, (String, Option<Uuid>)>,
    pub teams: HashMap<Uuid, String>,
}

pub async fn directory(conn: &impl ConnectionTrait) -> Result<Directory, StoreError> {
    use crate::entities::{pipeline_stage, team, user};
    let stages: Vec<(Uuid, i32, String, String)> = pipeline_stage::Entity::find()
        .select_only()
        .columns([
            pipeline_stage::Column::Id,
            pipeline_stage::Column::Position,
            pipeline_stage::Column::Name,
            pipeline_stage::Column::Kind,
        ])
        .into_tuple()
        .all(conn)
        .await?;
    let users: Vec<(Uuid, String, Option<Uuid>)> = user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::Name, user::Column::TeamId])
        .into_tuple()
        .all(conn)
        .await?;
    let teams: Vec<(Uuid, String)> = team::Entity::find()
        .select_only()
        .columns([team::Column::Id, team::Column::Name])
        .into_tuple()
        .all(conn)
        .await?;
    Ok(Directory {
        stages: stages
            .into_iter()
            .map(|(id, position, name, kind)| (id, (position, name, kind == "open")))
            .collect(),
        users: users.into_iter().map(|(id, name, team)| (id, (name, team))).collect(),
        teams: teams.into_iter().collect(),
    })
}

/// An invoice that may have been open on the day receivables aging looks at, with what had been
/// credited and paid on it by the end of that day.
#[derive(Debug, Clone)]
pub struct OpenInvoice {
    pub party_id: Uuid,
    pub currency: Currency,
    /// Its due date (its date, for one without terms).
    pub due_date: NaiveDate,
    pub total: Decimal,
    /// Its issued credit notes dated by the day, their gross totals.
    pub credited: Decimal,
    /// Its payments dated by the day.
    pub paid: Decimal,
}

/// The issued invoices dated by `day` that the caller sees and that may have been open then: not
/// paid now, or settled by a payment or credit note dated after it (a paid invoice whose
/// settlements all came by `day` owed nothing then). Narrow reads, streamed: the unpaid invoices
/// and those settled later, in one, with their stored gross total and paid amount; the payments
/// dated after `day` (taken off what was paid, through their date index); the credit notes
/// dated by `day`.
pub async fn open_on<C: ConnectionTrait + StreamTrait>(
    conn: &C,
    visibility: Visibility,
    day: NaiveDate,
) -> Result<Vec<OpenInvoice>, StoreError> {
    use sea_orm::sea_query::Query;

    use crate::entities::payment;
    // Paid now, but not yet by the end of `day`: paid or credited after it.
    let paid_later = Query::select()
        .column(payment::Column::InvoiceId)
        .from(payment::Entity)
        .and_where(payment::Column::Date.gt(day))
        .to_owned();
    let credited_later = Query::select()
        .column(Column::CreditsInvoiceId)
        .from(Entity)
        .and_where(Column::Kind.eq(InvoiceKind::CreditNote.as_str()))
        .and_where(Column::InvoiceDate.gt(day))
        .and_where(Column::Status.ne(InvoiceStatus::Draft.as_str()))
        .to_owned();
    // One read (the caller's parties are looked up once, not per kind of invoice).
    let maybe_open = Condition::any()
        .add(Column::Status.is_in([InvoiceStatus::Issued.as_str(), InvoiceStatus::PartiallyPaid.as_str()]))
        .add(
            Condition::all()
                .add(Column::Status.eq(InvoiceStatus::Paid.as_str()))
                .add(
                    Condition::any()
                        .add(Column::Id.in_subquery(paid_later))
                        .add(Column::Id.in_subquery(credited_later)),
                ),
        );
    let mut open = read_invoices(conn, visibility, day, maybe_open).await?;

    let mut later: HashMap<Uuid, Decimal> = HashMap::new();
    let mut payments = payment::Entity::find()
        .select_only()
        .columns([payment::Column::InvoiceId, payment::Column::Amount])
        .filter(payment::Column::Date.gt(day))
        .into_tuple::<(Uuid, DecimalText)>()
        .stream(conn)
        .await?;
    while let Some((id, amount)) = payments.try_next().await? {
        *later.entry(id).or_default() += amount.0;
    }
    drop(payments);
    for (id, amount) in later {
        if let Some(invoice) = open.get_mut(&id) {
            invoice.paid -= amount;
        }
    }

    let mut notes = Entity::find()
        .select_only()
        .columns([Column::Id, Column::CreditsInvoiceId, Column::Total])
        .filter(Column::Kind.eq(InvoiceKind::CreditNote.as_str()))
        .filter(Column::InvoiceDate.lte(day))
        .filter(Column::Status.ne(InvoiceStatus::Draft.as_str()))
        .into_tuple::<(Uuid, Option<Uuid>, Option<DecimalText>)>()
        .stream(conn)
        .await?;
    while let Some((id, credits, total)) = notes.try_next().await? {
        if let Some(invoice) = credits.and_then(|credits| open.get_mut(&credits)) {
            let total = total.ok_or_else(|| StoreError::corrupt(TABLE, format!("the total of credit note {id}")))?;
            invoice.credited += total.0;
        }
    }
    Ok(open.into_values().collect())
}

/// The issued invoices (not credit notes) dated by `day` that the caller sees and `which` selects,
/// by id, with their paid amount as it stands now.
async fn read_invoices<C: ConnectionTrait + StreamTrait>(
    conn: &C,
    visibility: Visibility,
    day: NaiveDate,
    which: Condition,
) -> Result<HashMap<Uuid, OpenInvoice>, StoreError> {
    type Row = (
        Uuid,
        Uuid,
        String,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<DecimalText>,
        DecimalText,
    );
    let mut rows = Entity::find()
        .select_only()
        .columns([
            Column::Id,
            Column::PartyId,
            Column::Currency,
            Column::DueDate,
            Column::InvoiceDate,
        ])
        .columns([Column::Total, Column::PaidAmount])
        .filter(which)
        .filter(Invoices::scope(visibility))
        .filter(Column::Kind.eq(InvoiceKind::Invoice.as_str()))
        .filter(Column::InvoiceDate.lte(day))
        .into_tuple::<Row>()
        .stream(conn)
        .await?;
    let mut open = HashMap::new();
    while let Some((id, party_id, currency, due_date, invoice_date, total, paid)) = rows.try_next().await? {
        let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} of invoice {id}"));
        let invoice = OpenInvoice {
            party_id,
            currency: Currency::parse(&currency).map_err(|_| corrupt("the currency"))?,
            due_date: due_date.or(invoice_date).ok_or_else(|| corrupt("the date"))?,
            total: total.ok_or_else(|| corrupt("the total"))?.0,
            credited: Decimal::ZERO,
            paid: paid.0,
        };
        open.insert(id, invoice);
    }
    Ok(open)
}
