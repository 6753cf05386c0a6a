//! The price lists and their entries. A list is written whole: its row and all its entries, the
//! entries in one statement.

use chrono::{DateTime, NaiveDate, Utc};
use domain::currency::Currency;
use domain::pricing::{PriceList, PriceListEntry, PriceListFields};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::price_list::{ActiveModel, Column, Entity, Model};
use crate::entities::price_list_entry as entry;
use crate::error::StoreError;
use crate::filter::Filter;
use crate::lines::{self, LineTable};
use crate::page::{self, Page, PageRequest, SortBy, SortKey, SyncOrder};
use crate::table::{self, Table};

const TABLE: &str = "price_lists";

/// A price list without its entries, as lists show it (a list may hold 10 000 entries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceListSummary {
    pub id: Uuid,
    pub name: String,
    pub currency: Currency,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert(conn: &impl ConnectionTrait, list: &PriceList) -> Result<(), StoreError> {
    table::insert::<PriceLists, _>(conn, [to_active_model(list)]).await?;
    insert_entries(conn, list).await
}

/// Writes `list` and replaces its entries if the stored version is still `expected_version`.
pub async fn update(conn: &impl ConnectionTrait, list: &PriceList, expected_version: i32) -> Result<bool, StoreError> {
    if !table::update::<PriceLists, _>(conn, to_active_model(list), list.id, expected_version).await? {
        return Ok(false);
    }
    lines::delete::<entry::Entity>(conn, list.id).await?;
    insert_entries(conn, list).await?;
    Ok(true)
}

/// Deletes the list and its entries.
pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, StoreError> {
    Ok(lines::delete_document::<PriceLists, entry::Entity>(conn, id).await? == 1)
}

/// The price lists table, for the shared kit (`crate::table`).
pub struct PriceLists;

impl Table for PriceLists {
    type Entity = Entity;
    type Record = PriceList;
    table::versioned_columns!();

    /// The lists with all their entries, read in one query.
    async fn load(conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<PriceList>, StoreError> {
        lines::attach_loaded::<entry::Entity, _, _, _>(conn, rows, |m| m.id, to_entry, to_price_list).await
    }
}

/// A list's entries are its lines.
impl LineTable for entry::Entity {
    const DOCUMENT: entry::Column = entry::Column::PriceListId;
    const POSITION: entry::Column = entry::Column::Position;

    fn document_of(entry: &entry::Model) -> Uuid {
        entry.price_list_id
    }
}

/// The list with only the entries of these products: what pricing a document needs.
pub async fn find_for_products(
    conn: &impl ConnectionTrait,
    id: Uuid,
    product_ids: &[Uuid],
) -> Result<Option<PriceList>, StoreError> {
    let Some(row) = Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    let entries = entry::Entity::find()
        .filter(entry::Column::PriceListId.eq(id))
        .filter(entry::Column::ProductId.is_in(product_ids.iter().copied()))
        .order_by_asc(entry::Column::Position)
        .all(conn)
        .await?;
    to_price_list(row, entries.into_iter().map(to_entry).collect()).map(Some)
}

/// Whether a list with this id exists.
pub async fn exists(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, StoreError> {
    Ok(Entity::find_by_id(id).one(conn).await?.is_some())
}

/// [`exists`] for a party about to point to the list: share-locked until the transaction ends
/// (PostgreSQL), so a concurrent delete waits and then sees the party (there is no foreign key).
pub async fn exists_for_share(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, StoreError> {
    Ok(Entity::find_by_id(id).lock_shared().one(conn).await?.is_some())
}

/// Price lists by name, or by last change for a sync, without their entries.
pub async fn list(
    conn: &impl ConnectionTrait,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<PriceListSummary>, StoreError> {
    let condition = Filter::all()
        .updated_since(Column::UpdatedAt, updated_since)
        .condition();
    let sort: SortBy<Column, PriceListSummary> = match request.sort {
        SyncOrder::Natural => SortBy::new(Column::Name, |s| (SortKey::Text(s.name.clone()), s.id)),
        SyncOrder::Updated => SortBy::new(Column::UpdatedAt, |s| (SortKey::Time(s.updated_at), s.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_summary).await
}

async fn insert_entries(conn: &impl ConnectionTrait, list: &PriceList) -> Result<(), StoreError> {
    if list.fields.entries.is_empty() {
        return Ok(());
    }
    let rows = (1..).zip(&list.fields.entries).map(|(position, e)| entry::ActiveModel {
        price_list_id: Set(list.id),
        position: Set(position),
        product_id: Set(e.product_id),
        unit_price: Set(DecimalText(e.unit_price)),
        min_quantity: Set(DecimalText(e.min_quantity)),
    });
    // One statement for all entries, in chunks that stay under SQLite's bound-parameter limit.
    let rows: Vec<_> = rows.collect();
    for chunk in rows.chunks(5_000) {
        entry::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

fn to_active_model(list: &PriceList) -> ActiveModel {
    let f = &list.fields;
    ActiveModel {
        id: Set(list.id),
        name: Set(f.name.clone()),
        currency: Set(f.currency.code().to_owned()),
        valid_from: Set(f.valid_from),
        valid_to: Set(f.valid_to),
        version: Set(list.version),
        created_at: Set(list.created_at),
        updated_at: Set(list.updated_at),
    }
}

fn to_summary(m: Model) -> Result<PriceListSummary, StoreError> {
    Ok(PriceListSummary {
        currency: Currency::parse(&m.currency).map_err(|_| StoreError::corrupt(TABLE, &m.currency))?,
        id: m.id,
        name: m.name,
        valid_from: m.valid_from,
        valid_to: m.valid_to,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_entry(e: entry::Model) -> PriceListEntry {
    PriceListEntry {
        product_id: e.product_id,
        unit_price: e.unit_price.0,
        min_quantity: e.min_quantity.0,
    }
}

fn to_price_list(m: Model, entries: Vec<PriceListEntry>) -> Result<PriceList, StoreError> {
    let summary = to_summary(m)?;
    Ok(PriceList {
        id: summary.id,
        fields: PriceListFields {
            name: summary.name,
            currency: summary.currency,
            valid_from: summary.valid_from,
            valid_to: summary.valid_to,
            entries,
        },
        version: summary.version,
        created_at: summary.created_at,
        updated_at: summary.updated_at,
    })
}
