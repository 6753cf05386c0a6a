//! Sales orders and their lines. An order is read with its lines (lists too: two queries per
//! page) and its lines are written in one statement; their counters (reserved, invoiced) change
//! set-based and conditionally, in one statement per request (`units::adjust`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::currency::Currency;
use domain::invoice_order::OrderedLine;
use domain::party::Address;
use domain::sales_order::{SalesOrder, SalesOrderFields, SalesOrderLine, SalesOrderStatus};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::sales_order::{ActiveModel, Column, Entity, Model};
use crate::entities::sales_order_line as line;
use crate::error::StoreError;
use crate::filter::Filter;
use crate::lines::{self, LineTable};
use crate::page::{Page, PageRequest, SortBy, SortKey};
use crate::search;
use crate::table::{self, Scope, Table};
use crate::units::{self, from_units, to_units};
use crate::visibility::Visibility;

const TABLE: &str = "sales_orders";
const LINES: &str = "sales_order_lines";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalesOrderSort {
    CreatedAt,
    UpdatedAt,
    Number,
}

#[derive(Debug, Clone, Default)]
pub struct SalesOrderFilter {
    pub party_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub offer_id: Option<Uuid>,
    pub status: Vec<SalesOrderStatus>,
    pub number: Option<String>,
    pub external_id: Option<String>,
    /// Ordered on or after this day…
    pub order_date_from: Option<NaiveDate>,
    /// …and on or before this one.
    pub order_date_to: Option<NaiveDate>,
    /// Text search: in the number, or the party as `q` finds it on the parties.
    pub q: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &impl ConnectionTrait, order: &SalesOrder) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(order)).await
}

/// Inserts orders and their lines: two statements for one order or a few hundred.
///
/// The rows are built before the first await: a future holding an iterator over `orders` is not
/// provably `Send` for every lifetime of its references, which a background job (billing) needs.
pub async fn insert_many(conn: &impl ConnectionTrait, orders: &[SalesOrder]) -> Result<(), StoreError> {
    let rows: Vec<_> = orders.iter().map(to_active_model).collect();
    let line_rows: Vec<_> = orders.iter().flat_map(line_rows).collect();
    table::insert::<SalesOrders, _>(conn, rows).await?;
    lines::insert(conn, line_rows).await
}

/// Replaces a draft's lines with `order`'s (two statements, whatever their number). Only a draft:
/// nothing of it can be reserved or invoiced yet, so no counter is lost.
pub async fn replace_lines(conn: &impl ConnectionTrait, order: &SalesOrder) -> Result<(), StoreError> {
    lines::replace(conn, order.id, line_rows(order)).await
}

/// Deletes an order and its lines (a draft: nothing is reserved or invoiced of it, and activities
/// related to it the caller unlinks first).
pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    lines::delete_document::<SalesOrders, line::Entity>(conn, id).await?;
    Ok(())
}

impl LineTable for line::Entity {
    const DOCUMENT: line::Column = line::Column::SalesOrderId;
    const POSITION: line::Column = line::Column::Position;

    fn document_of(line: &line::Model) -> Uuid {
        line.sales_order_id
    }
}

fn line_rows(order: &SalesOrder) -> impl Iterator<Item = line::ActiveModel> {
    (1..).zip(&order.fields.lines).map(|(position, l)| line::ActiveModel {
        id: Set(l.id),
        sales_order_id: Set(order.id),
        position: Set(position),
        offer_line_id: Set(l.offer_line_id),
        product_id: Set(l.product_id),
        description: Set(l.description.clone()),
        quantity_units: Set(to_units(l.quantity)),
        reserved_units: Set(to_units(l.reserved_quantity)),
        invoiced_units: Set(to_units(l.invoiced_quantity)),
        unit: Set(l.unit.clone()),
        unit_price: Set(DecimalText(l.unit_price)),
        discount_percent: Set(DecimalText(l.discount_percent)),
        tax_rate: Set(DecimalText(l.tax_rate)),
    })
}

/// Writes the order's header and status (never its lines, whose counters change on their own, nor
/// its number) if the stored version is still `expected_version`.
pub async fn update(
    conn: &impl ConnectionTrait,
    order: &SalesOrder,
    expected_version: i32,
) -> Result<bool, StoreError> {
    let mut model = to_active_model(order);
    model.number = NotSet;
    table::update::<SalesOrders, _>(conn, model, order.id, expected_version).await
}

/// The sales orders table, for the shared kit (`crate::table`).
pub struct SalesOrders;

impl Table for SalesOrders {
    type Entity = Entity;
    type Record = SalesOrder;
    table::versioned_columns!();
    const SCOPE: Scope<Column> = Scope::Owner(Column::OwnerId);
    const EXTERNAL_ID: Option<Column> = Some(Column::ExternalId);

    /// The orders of `rows`, in their order, each with its lines (one query for all of them).
    async fn load(conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<SalesOrder>, StoreError> {
        lines::attach_loaded::<line::Entity, _, _, _>(conn, rows, |m| m.id, to_line, to_order).await
    }
}

/// The party of the order for a record about to refer to it: share-locked until the transaction
/// ends (PostgreSQL), so it cannot go away meanwhile.
pub async fn party_for_share(
    conn: &impl ConnectionTrait,
    id: Uuid,
    visibility: Visibility,
) -> Result<Option<Uuid>, StoreError> {
    let row = table::row_for_share::<SalesOrders>(conn, id, visibility).await?;
    Ok(row.map(|m| m.party_id))
}

/// The order an offer was converted to, if any (whoever may see it).
pub async fn id_of_offer(conn: &impl ConnectionTrait, offer_id: Uuid) -> Result<Option<Uuid>, StoreError> {
    Ok(Entity::find()
        .filter(Column::OfferId.eq(offer_id))
        .one(conn)
        .await?
        .map(|m| m.id))
}

/// The orders these offers became, by offer id (an offer converts once).
pub async fn ids_of_offers(conn: &impl ConnectionTrait, offer_ids: &[Uuid]) -> Result<HashMap<Uuid, Uuid>, StoreError> {
    let rows: Vec<(Option<Uuid>, Uuid)> = Entity::find()
        .select_only()
        .column(Column::OfferId)
        .column(Column::Id)
        .filter(Column::OfferId.is_in(offer_ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(offer, order)| Some((offer?, order)))
        .collect())
}

/// The orders with these ids that the caller sees, by number, with their lines.
pub async fn find_many(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
    visibility: Visibility,
) -> Result<Vec<SalesOrder>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(SalesOrders::scope(visibility))
        .order_by_asc(Column::Number);
    table::all::<SalesOrders>(conn, select).await
}

/// The orders these lines belong to (for a document's flow).
pub async fn ids_of_lines(conn: &impl ConnectionTrait, line_ids: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
    if line_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<Uuid> = line::Entity::find()
        .filter(line::Column::Id.is_in(line_ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|l| l.sales_order_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The payment terms of these orders, one per order.
pub async fn payment_terms_of(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<i32>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(Entity::find()
        .select_only()
        .column(Column::PaymentTermsDays)
        .filter(Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<i32>()
        .all(conn)
        .await?)
}

/// The status of each of these orders, read under a share lock held until the transaction ends
/// (PostgreSQL), in id order: a reservation made meanwhile cannot miss a cancellation, and a
/// cancellation waits for it and then sees it.
pub async fn statuses_for_share(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, SalesOrderStatus>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(Column::Id)
        .lock_shared()
        .all(conn)
        .await?
        .into_iter()
        .map(|m| {
            let status = SalesOrderStatus::parse(&m.status).ok_or_else(|| StoreError::corrupt(TABLE, &m.status))?;
            Ok((m.id, status))
        })
        .collect()
}

/// The ids of the lines of the orders whose number contains `text` (case-insensitively), as a
/// subquery.
pub fn line_ids_numbered_like(text: &str) -> SelectStatement {
    Query::select()
        .column(line::Column::Id)
        .from(line::Entity)
        .and_where(
            line::Column::SalesOrderId.in_subquery(
                Query::select()
                    .column(Column::Id)
                    .from(Entity)
                    .and_where(search::number_contains(Column::Number, text))
                    .to_owned(),
            ),
        )
        .to_owned()
}

/// The ids of the lines of these orders, as a subquery: lists of line ids would need a bound
/// parameter per line, and a few orders of 1000 lines pass the databases' limits.
pub fn line_ids_of(order_ids: &[Uuid]) -> SelectStatement {
    Query::select()
        .column(line::Column::Id)
        .from(line::Entity)
        .and_where(line::Column::SalesOrderId.is_in(order_ids.iter().copied()))
        .to_owned()
}

/// The sales order lines whose ids the subquery `ids` selects, each with its order's party,
/// currency and status.
pub async fn ordered_lines_in(
    conn: &impl ConnectionTrait,
    ids: SelectStatement,
) -> Result<Vec<OrderedLine>, StoreError> {
    with_orders(conn, line::Entity::find().filter(line::Column::Id.in_subquery(ids))).await
}

/// Sales order lines by id, each with its order's party, currency and status.
pub async fn ordered_lines(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<OrderedLine>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    with_orders(
        conn,
        line::Entity::find().filter(line::Column::Id.is_in(ids.iter().copied())),
    )
    .await
}

/// Every line of one sales order, in order, each with its order's party, currency and status.
pub async fn ordered_lines_of(
    conn: &impl ConnectionTrait,
    sales_order_id: Uuid,
) -> Result<Vec<OrderedLine>, StoreError> {
    let lines = line::Entity::find()
        .filter(line::Column::SalesOrderId.eq(sales_order_id))
        .order_by_asc(line::Column::Position);
    with_orders(conn, lines).await
}

/// The lines `lines` selects, in its order, each with its order (one more query for all orders).
async fn with_orders(conn: &impl ConnectionTrait, lines: Select<line::Entity>) -> Result<Vec<OrderedLine>, StoreError> {
    let lines = lines.all(conn).await?;
    let mut order_ids: Vec<Uuid> = lines.iter().map(|l| l.sales_order_id).collect();
    order_ids.sort_unstable();
    order_ids.dedup();
    let orders: HashMap<Uuid, Model> = Entity::find()
        .filter(Column::Id.is_in(order_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    lines
        .into_iter()
        .map(|l| {
            let order = orders
                .get(&l.sales_order_id)
                .ok_or_else(|| StoreError::corrupt(LINES, format!("line {} has no order", l.id)))?;
            Ok(OrderedLine {
                sales_order_id: order.id,
                order_number: order.number.clone(),
                party_id: order.party_id,
                currency: Currency::parse(&order.currency).map_err(|_| StoreError::corrupt(TABLE, &order.currency))?,
                order_status: SalesOrderStatus::parse(&order.status)
                    .ok_or_else(|| StoreError::corrupt(TABLE, &order.status))?,
                line: to_line(l),
            })
        })
        .collect()
}

/// Puts `changes` (line → ten-thousandths) on invoice orders: each only if it fits what remains
/// (ordered − invoiced − reserved). `false` means one did not fit and nothing may be kept: the
/// caller rolls back. The database decides, row by row under its lock, so racing requests can
/// never reserve more than there is.
pub async fn reserve(conn: &impl ConnectionTrait, changes: &[(Uuid, i64)]) -> Result<bool, StoreError> {
    let reserved = units::adjust(
        conn,
        LINES,
        changes,
        "reserved_units = reserved_units + v.units",
        Some("sales_order_lines.quantity_units - sales_order_lines.invoiced_units - sales_order_lines.reserved_units >= v.units"),
    )
    .await?;
    Ok(reserved == changes.len() as u64)
}

/// Takes `changes` off the reservations (a cancelled invoice order).
pub async fn release(conn: &impl ConnectionTrait, changes: &[(Uuid, i64)]) -> Result<(), StoreError> {
    units::adjust(conn, LINES, changes, "reserved_units = reserved_units - v.units", None).await?;
    Ok(())
}

/// Moves `changes` from reserved to invoiced (an invoice made from an invoice order), or back
/// with negative units (its draft deleted).
pub async fn invoice(conn: &impl ConnectionTrait, changes: &[(Uuid, i64)]) -> Result<(), StoreError> {
    units::adjust(
        conn,
        LINES,
        changes,
        "reserved_units = reserved_units - v.units, invoiced_units = invoiced_units + v.units",
        None,
    )
    .await?;
    Ok(())
}

pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &SalesOrderFilter,
    visibility: Visibility,
    request: &PageRequest<SalesOrderSort>,
) -> Result<Page<SalesOrder>, StoreError> {
    let condition = Filter::new(SalesOrders::scope(visibility))
        .eq(Column::PartyId, filter.party_id)
        .eq(Column::OwnerId, filter.owner_id)
        .eq(Column::OfferId, filter.offer_id)
        .any_of(&filter.status, |status| Column::Status.eq(status.as_str()))
        .equals(Column::Number, filter.number.as_deref())
        .equals(Column::ExternalId, filter.external_id.as_deref())
        .document_text(Column::Number, Column::PartyId, filter.q.as_deref())
        .from(Column::OrderDate, filter.order_date_from)
        .to(Column::OrderDate, filter.order_date_to)
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, Model> = match request.sort {
        SalesOrderSort::CreatedAt => SortBy::new(Column::CreatedAt, |m| (SortKey::Time(m.created_at), m.id)),
        SalesOrderSort::UpdatedAt => SortBy::new(Column::UpdatedAt, |m| (SortKey::Time(m.updated_at), m.id)),
        SalesOrderSort::Number => SortBy::new(Column::Number, |m| (SortKey::Text(m.number.clone()), m.id)),
    };
    table::page::<SalesOrders, _>(conn, condition, sort, request).await
}

fn to_line(l: line::Model) -> SalesOrderLine {
    SalesOrderLine {
        id: l.id,
        offer_line_id: l.offer_line_id,
        product_id: l.product_id,
        description: l.description,
        quantity: from_units(l.quantity_units),
        unit: l.unit,
        unit_price: l.unit_price.0,
        discount_percent: l.discount_percent.0,
        tax_rate: l.tax_rate.0,
        reserved_quantity: from_units(l.reserved_units),
        invoiced_quantity: from_units(l.invoiced_units),
    }
}

fn address_json(address: Option<&Address>) -> Option<String> {
    address.map(|a| serde_json::to_string(a).expect("addresses serialize"))
}

fn to_active_model(o: &SalesOrder) -> ActiveModel {
    let f = &o.fields;
    ActiveModel {
        id: Set(o.id),
        number: Set(o.number.clone()),
        party_id: Set(f.party_id),
        offer_id: Set(f.offer_id),
        owner_id: Set(f.owner_id),
        currency: Set(f.currency.code().to_owned()),
        order_date: Set(f.order_date),
        payment_terms_days: Set(f.payment_terms_days),
        billing_address: Set(address_json(f.billing_address.as_ref())),
        shipping_address: Set(address_json(f.shipping_address.as_ref())),
        notes: Set(f.notes.clone()),
        status: Set(o.status.as_str().to_owned()),
        external_id: Set(o.external_id.clone()),
        version: Set(o.version),
        created_at: Set(o.created_at),
        updated_at: Set(o.updated_at),
    }
}

fn to_order(m: Model, lines: Vec<SalesOrderLine>) -> Result<SalesOrder, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    let address = |text: &Option<String>, what: &str| -> Result<Option<Address>, StoreError> {
        text.as_deref()
            .map(|t| serde_json::from_str(t).map_err(|_| corrupt(what)))
            .transpose()
    };
    Ok(SalesOrder {
        id: m.id,
        status: SalesOrderStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
        fields: SalesOrderFields {
            currency: Currency::parse(&m.currency).map_err(|_| corrupt("currency"))?,
            billing_address: address(&m.billing_address, "billing_address")?,
            shipping_address: address(&m.shipping_address, "shipping_address")?,
            party_id: m.party_id,
            offer_id: m.offer_id,
            owner_id: m.owner_id,
            order_date: m.order_date,
            payment_terms_days: m.payment_terms_days,
            notes: m.notes,
            lines,
        },
        number: m.number,
        external_id: m.external_id,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
