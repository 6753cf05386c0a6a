//! The rows reports are computed from: narrow selects (only the columns a report reads),
//! streamed into the report's own accumulator, within what the caller sees. Memory grows with
//! a report's groups, never with the records it reads.

use chrono::NaiveDate;
use domain::currency::Currency;
use domain::invoice::{InvoiceKind, InvoiceStatus};
use domain::report::Window;
use domain::report::turnover::TurnoverEntry;
use futures::TryStreamExt;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, StreamTrait};
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

/// The names of the parties `ids` names, a few hundred ids per query.
pub async fn party_names(
    conn: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>, StoreError> {
    use crate::entities::party;
    let mut names = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
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
