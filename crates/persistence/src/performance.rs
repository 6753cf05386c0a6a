//! What `sales-performance` and sales targets read: the deals closed and activities completed
//! in a window by owner, and each target metric's actual figure for a set of owners. Narrow
//! selects; amounts are summed in Rust, as everywhere (they are stored as exact text).

use chrono::{DateTime, NaiveDate, Utc};
use domain::currency::Currency;
use domain::invoice::{InvoiceKind, InvoiceStatus};
use domain::opportunity::OpportunityStatus;
use domain::report::performance::ClosedDeal;
use futures::TryStreamExt;
use rust_decimal::Decimal;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, StreamTrait};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::{activity, invoice, opportunity, party, user};
use crate::error::StoreError;
use crate::table::Table;
use crate::visibility::Visibility;

/// A half-open span of instants, `[start, end)`: the days of a window in UTC.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The current members of `team_id`.
pub async fn members(conn: &impl ConnectionTrait, team_id: Uuid) -> Result<Vec<Uuid>, StoreError> {
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::TeamId.eq(team_id))
        .into_tuple()
        .all(conn)
        .await?)
}

/// Every opportunity the caller sees, owned by one of `owners` (by anyone without it), won or
/// lost within `span`, with its owner, handed to `each` one at a time.
pub async fn closed_deals<C: ConnectionTrait + StreamTrait>(
    conn: &C,
    visibility: Visibility,
    span: Span,
    owners: Option<&[Uuid]>,
    mut each: impl FnMut(Uuid, ClosedDeal),
) -> Result<(), StoreError> {
    use opportunity::Column as O;
    type Row = (
        Uuid,
        Option<Uuid>,
        String,
        Option<DecimalText>,
        Option<String>,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
    );
    let mut select = opportunity::Entity::find()
        .select_only()
        .columns([
            O::Id,
            O::OwnerId,
            O::Status,
            O::Amount,
            O::Currency,
            O::CreatedAt,
            O::ClosedAt,
        ])
        .filter(crate::opportunities::Opportunities::scope(visibility))
        .filter(O::Status.is_in([OpportunityStatus::Won.as_str(), OpportunityStatus::Lost.as_str()]))
        .filter(O::ClosedAt.gte(span.start))
        .filter(O::ClosedAt.lt(span.end))
        .filter(O::OwnerId.is_not_null());
    if let Some(owners) = owners {
        select = select.filter(O::OwnerId.is_in(owners.iter().copied()));
    }
    let mut rows = select.into_tuple::<Row>().stream(conn).await?;
    while let Some((id, owner, status, amount, currency, created_at, closed_at)) = rows.try_next().await? {
        let corrupt = |what: &str| StoreError::corrupt("opportunities", format!("{what} of opportunity {id}"));
        let (Some(owner), Some(closed_at)) = (owner, closed_at) else {
            return Err(corrupt("the owner or closing instant"));
        };
        each(
            owner,
            ClosedDeal {
                won: status == OpportunityStatus::Won.as_str(),
                amount: amount.map(|a| a.0),
                currency: currency
                    .map(|c| Currency::parse(&c))
                    .transpose()
                    .map_err(|_| corrupt("currency"))?,
                created_at,
                closed_at,
            },
        );
    }
    Ok(())
}

/// The activities the caller sees completed within `span`, counted per assignee (of `owners`
/// only, if given).
pub async fn completed_activities(
    conn: &impl ConnectionTrait,
    visibility: Visibility,
    span: Span,
    owners: Option<&[Uuid]>,
) -> Result<Vec<(Uuid, i64)>, StoreError> {
    use activity::Column as A;
    let mut select = activity::Entity::find()
        .select_only()
        .column(A::AssigneeId)
        .column_as(A::Id.count(), "completed")
        .filter(crate::activities::Activities::scope(visibility))
        .filter(A::Status.eq(domain::activity::ActivityStatus::Completed.as_str()))
        .filter(A::CompletedAt.gte(span.start))
        .filter(A::CompletedAt.lt(span.end))
        .filter(A::AssigneeId.is_not_null())
        .group_by(A::AssigneeId);
    if let Some(owners) = owners {
        select = select.filter(A::AssigneeId.is_in(owners.iter().copied()));
    }
    let counts: Vec<(Option<Uuid>, i64)> = select.into_tuple().all(conn).await?;
    Ok(counts
        .into_iter()
        .filter_map(|(assignee, count)| assignee.map(|a| (a, count)))
        .collect())
}

/// Issued invoices less credit notes in `currency` dated within `from..=to`, of the parties
/// `owners` own.
pub async fn invoiced_net<C: ConnectionTrait + StreamTrait>(
    conn: &C,
    owners: &[Uuid],
    (from, to): (NaiveDate, NaiveDate),
    currency: Currency,
) -> Result<Decimal, StoreError> {
    use invoice::Column as I;
    let mut rows = invoice::Entity::find()
        .select_only()
        .columns([I::Kind, I::NetTotal])
        .filter(I::PartyId.in_subquery(parties_of(owners)))
        .filter(I::Status.ne(InvoiceStatus::Draft.as_str()))
        .filter(I::Currency.eq(currency.code()))
        .filter(I::InvoiceDate.gte(from))
        .filter(I::InvoiceDate.lte(to))
        .into_tuple::<(String, DecimalText)>()
        .stream(conn)
        .await?;
    let mut net = Decimal::ZERO;
    while let Some((kind, amount)) = rows.try_next().await? {
        if kind == InvoiceKind::CreditNote.as_str() {
            net -= amount.0;
        } else {
            net += amount.0;
        }
    }
    Ok(net)
}

/// The amounts in `currency` of the opportunities `owners` own that were won within `span`.
pub async fn won_amount<C: ConnectionTrait + StreamTrait>(
    conn: &C,
    owners: &[Uuid],
    span: Span,
    currency: Currency,
) -> Result<Decimal, StoreError> {
    use opportunity::Column as O;
    let mut rows = opportunity::Entity::find()
        .select_only()
        .column(O::Amount)
        .filter(O::OwnerId.is_in(owners.iter().copied()))
        .filter(O::Status.eq(OpportunityStatus::Won.as_str()))
        .filter(O::Currency.eq(currency.code()))
        .filter(O::ClosedAt.gte(span.start))
        .filter(O::ClosedAt.lt(span.end))
        .into_tuple::<Option<DecimalText>>()
        .stream(conn)
        .await?;
    let mut won = Decimal::ZERO;
    while let Some(amount) = rows.try_next().await? {
        won += amount.map(|a| a.0).unwrap_or_default();
    }
    Ok(won)
}

/// How many parties `owners` own had their first issued invoice dated within `from..=to`.
pub async fn new_customers(
    conn: &impl ConnectionTrait,
    owners: &[Uuid],
    (from, to): (NaiveDate, NaiveDate),
) -> Result<u64, StoreError> {
    use invoice::Column as I;
    let firsts: Vec<(Uuid, Option<NaiveDate>)> = invoice::Entity::find()
        .select_only()
        .column(I::PartyId)
        .column_as(I::InvoiceDate.min(), "first_invoice_date")
        .filter(I::PartyId.in_subquery(parties_of(owners)))
        .filter(I::Kind.eq(InvoiceKind::Invoice.as_str()))
        .filter(I::Status.ne(InvoiceStatus::Draft.as_str()))
        .group_by(I::PartyId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(firsts
        .into_iter()
        .filter(|(_, first)| first.is_some_and(|day| from <= day && day <= to))
        .count() as u64)
}

/// How many activities assigned to `owners` were completed within `span`.
pub async fn completed_count(conn: &impl ConnectionTrait, owners: &[Uuid], span: Span) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(activity::Entity::find()
        .filter(activity::Column::AssigneeId.is_in(owners.iter().copied()))
        .filter(activity::Column::Status.eq(domain::activity::ActivityStatus::Completed.as_str()))
        .filter(activity::Column::CompletedAt.gte(span.start))
        .filter(activity::Column::CompletedAt.lt(span.end))
        .count(conn)
        .await?)
}

fn parties_of(owners: &[Uuid]) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(party::Column::Id)
        .from(party::Entity)
        .and_where(party::Column::OwnerId.is_in(owners.iter().copied()))
        .to_owned()
}
