//! The offers and their lines. An offer is read with its lines (lists too: two queries per page,
//! a third when the page has accepted offers, for the orders they became), and its lines are
//! written in one statement.

use chrono::{DateTime, NaiveDate, Utc};
use domain::currency::Currency;
use domain::offer::{Offer, OfferFields, OfferLine, OfferStatus};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::offer::{ActiveModel, Column, Entity, Model};
use crate::entities::offer_line as line;
use crate::error::StoreError;
use crate::filter::Filter;
use crate::lines::{self, LineTable};
use crate::page::{Page, PageRequest, SortBy, SortKey};
use crate::table::{self, Scope, Table};
use crate::visibility::Visibility;

const TABLE: &str = "offers";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferSort {
    CreatedAt,
    UpdatedAt,
    Number,
}

#[derive(Debug, Clone)]
pub struct OfferFilter {
    pub party_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub opportunity_id: Option<Uuid>,
    /// As of `today`: `expired` and `sent` split the stored `sent` by `valid_until`.
    pub status: Vec<OfferStatus>,
    pub today: NaiveDate,
    pub number: Option<String>,
    pub external_id: Option<String>,
    /// Text search: in the number, or the party as `q` finds it on the parties.
    pub q: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &impl ConnectionTrait, offer: &Offer) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(offer)).await
}

/// Inserts offers and their lines: two statements for one offer or a few hundred.
pub async fn insert_many(conn: &impl ConnectionTrait, offers: &[Offer]) -> Result<(), StoreError> {
    table::insert::<Offers, _>(conn, offers.iter().map(to_active_model)).await?;
    lines::insert(conn, offers.iter().flat_map(line_rows)).await
}

/// Writes `offer` if the stored version is still `expected_version`; its lines too when
/// `lines_changed` (a transition that leaves them alone does not rewrite them).
pub async fn update(
    conn: &impl ConnectionTrait,
    offer: &Offer,
    expected_version: i32,
    lines_changed: bool,
) -> Result<bool, StoreError> {
    if !table::update::<Offers, _>(conn, to_active_model(offer), offer.id, expected_version).await? {
        return Ok(false);
    }
    if lines_changed {
        lines::replace(conn, offer.id, line_rows(offer)).await?;
    }
    Ok(true)
}

/// The offers table, for the shared kit (`crate::table`).
pub struct Offers;

impl Table for Offers {
    type Entity = Entity;
    type Record = Offer;
    table::versioned_columns!();
    const SCOPE: Scope<Column> = Scope::Owner(Column::OwnerId);
    const EXTERNAL_ID: Option<Column> = Some(Column::ExternalId);

    /// The offers of `rows`, in their order, each with its lines (one query for all of them) and,
    /// when accepted, the order it became (one more).
    async fn load(conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Offer>, StoreError> {
        let mut offers = lines::attach_loaded::<line::Entity, _, _, _>(conn, rows, |m| m.id, to_line, to_offer).await?;
        let accepted: Vec<Uuid> = offers
            .iter()
            .filter(|o| o.status == OfferStatus::Accepted)
            .map(|o| o.id)
            .collect();
        if !accepted.is_empty() {
            let orders = crate::sales_orders::ids_of_offers(conn, &accepted).await?;
            for offer in &mut offers {
                offer.sales_order_id = orders.get(&offer.id).copied();
            }
        }
        Ok(offers)
    }
}

impl LineTable for line::Entity {
    const DOCUMENT: line::Column = line::Column::OfferId;
    const POSITION: line::Column = line::Column::Position;

    fn document_of(line: &line::Model) -> Uuid {
        line.offer_id
    }
}

/// Deletes an offer and its lines (a draft: nothing refers to it but activities, which the caller
/// unlinks first).
pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    lines::delete_document::<Offers, line::Entity>(conn, id).await?;
    Ok(())
}

/// The offers with these ids that the caller sees, by number and revision, with their lines.
pub async fn find_many(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
    visibility: Visibility,
) -> Result<Vec<Offer>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Offers::scope(visibility))
        .order_by_asc(Column::Number)
        .order_by_asc(Column::Revision);
    table::all::<Offers>(conn, select).await
}

/// An offer for `opportunity_id` made to another party than `party_id`, if any: the opportunity
/// cannot move to that party without leaving it behind.
pub async fn one_of_opportunity_elsewhere(
    conn: &impl ConnectionTrait,
    opportunity_id: Uuid,
    party_id: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    let row = Entity::find()
        .filter(Column::OpportunityId.eq(opportunity_id))
        .filter(Column::PartyId.ne(party_id))
        .one(conn)
        .await?;
    Ok(row.map(|m| m.id))
}

/// The record by id (see `crate::table::find`), for a record about to refer to the offer: share-locked until the transaction ends
/// (PostgreSQL), so its party cannot change meanwhile.
pub async fn find_for_share(
    conn: &impl ConnectionTrait,
    id: Uuid,
    visibility: Visibility,
) -> Result<Option<Offer>, StoreError> {
    table::find_for_share::<Offers>(conn, id, visibility).await
}

pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &OfferFilter,
    visibility: Visibility,
    request: &PageRequest<OfferSort>,
) -> Result<Page<Offer>, StoreError> {
    let condition = Filter::new(Offers::scope(visibility))
        .eq(Column::PartyId, filter.party_id)
        .eq(Column::OwnerId, filter.owner_id)
        .eq(Column::OpportunityId, filter.opportunity_id)
        .any_of(&filter.status, |status| status_on(status, filter.today))
        .equals(Column::Number, filter.number.as_deref())
        .equals(Column::ExternalId, filter.external_id.as_deref())
        .document_text(Column::Number, Column::PartyId, filter.q.as_deref())
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, Model> = match request.sort {
        OfferSort::CreatedAt => SortBy::new(Column::CreatedAt, |m| (SortKey::Time(m.created_at), m.id)),
        OfferSort::UpdatedAt => SortBy::new(Column::UpdatedAt, |m| (SortKey::Time(m.updated_at), m.id)),
        OfferSort::Number => SortBy::new(Column::Number, |m| (SortKey::Text(m.number.clone()), m.id)),
    };
    table::page::<Offers, _>(conn, condition, sort, request).await
}

/// The stored condition of a status as of `today` (`expired` is a sent offer past `valid_until`).
fn status_on(status: OfferStatus, today: NaiveDate) -> Condition {
    let sent = Column::Status.eq(OfferStatus::Sent.as_str());
    match status {
        OfferStatus::Expired => Condition::all().add(sent).add(Column::ValidUntil.lt(today)),
        OfferStatus::Sent => Condition::all().add(sent).add(
            Condition::any()
                .add(Column::ValidUntil.is_null())
                .add(Column::ValidUntil.gte(today)),
        ),
        other => Condition::all().add(Column::Status.eq(other.as_str())),
    }
}

fn line_rows(offer: &Offer) -> impl Iterator<Item = line::ActiveModel> {
    (1..).zip(&offer.fields.lines).map(|(position, l)| line::ActiveModel {
        id: Set(l.id),
        offer_id: Set(offer.id),
        position: Set(position),
        product_id: Set(l.product_id),
        description: Set(l.description.clone()),
        quantity: Set(DecimalText(l.quantity)),
        unit: Set(l.unit.clone()),
        unit_price: Set(DecimalText(l.unit_price)),
        discount_percent: Set(DecimalText(l.discount_percent)),
        tax_rate: Set(DecimalText(l.tax_rate)),
        optional: Set(l.optional),
        selected: Set(l.selected),
    })
}

fn to_line(l: line::Model) -> OfferLine {
    OfferLine {
        id: l.id,
        product_id: l.product_id,
        description: l.description,
        quantity: l.quantity.0,
        unit: l.unit,
        unit_price: l.unit_price.0,
        discount_percent: l.discount_percent.0,
        tax_rate: l.tax_rate.0,
        optional: l.optional,
        selected: l.selected,
    }
}

fn to_active_model(o: &Offer) -> ActiveModel {
    let f = &o.fields;
    ActiveModel {
        id: Set(o.id),
        number: Set(o.number.clone()),
        revision: Set(o.revision),
        revises_id: Set(o.revises_id),
        party_id: Set(f.party_id),
        contact_id: Set(f.contact_id),
        opportunity_id: Set(f.opportunity_id),
        owner_id: Set(f.owner_id),
        currency: Set(f.currency.code().to_owned()),
        valid_until: Set(f.valid_until),
        notes: Set(f.notes.clone()),
        status: Set(o.status.as_str().to_owned()),
        sent_at: Set(o.sent_at),
        closed_at: Set(o.closed_at),
        external_id: Set(o.external_id.clone()),
        version: Set(o.version),
        created_at: Set(o.created_at),
        updated_at: Set(o.updated_at),
    }
}

fn to_offer(m: Model, lines: Vec<OfferLine>) -> Result<Offer, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    Ok(Offer {
        id: m.id,
        status: OfferStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
        fields: OfferFields {
            currency: Currency::parse(&m.currency).map_err(|_| corrupt("currency"))?,
            party_id: m.party_id,
            contact_id: m.contact_id,
            opportunity_id: m.opportunity_id,
            owner_id: m.owner_id,
            valid_until: m.valid_until,
            notes: m.notes,
            lines,
        },
        number: m.number,
        revision: m.revision,
        revises_id: m.revises_id,
        sent_at: m.sent_at,
        closed_at: m.closed_at,
        external_id: m.external_id,
        sales_order_id: None,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
