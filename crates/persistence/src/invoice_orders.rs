//! Invoice orders and their lines. A line names a sales order line and a quantity; it is read with
//! the sales order line's content, which the invoice made of it will carry.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::currency::Currency;
use domain::invoice_order::{InvoiceOrder, InvoiceOrderLine, InvoiceOrderStatus};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entities::invoice_order::{ActiveModel, Column, Entity, Model};
use crate::entities::invoice_order_line as line;
use crate::error::StoreError;
use crate::filter::Filter;
use crate::lines::{self, LineTable};
use crate::page::{Page, PageRequest, SortBy, SortKey};
use crate::sales_orders;
use crate::search;
use crate::table::{self, Scope, Table};
use crate::units::{from_units, to_units};
use crate::visibility::Visibility;

const TABLE: &str = "invoice_orders";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceOrderSort {
    CreatedAt,
    UpdatedAt,
}

#[derive(Debug, Clone, Default)]
pub struct InvoiceOrderFilter {
    pub party_id: Option<Uuid>,
    pub status: Vec<InvoiceOrderStatus>,
    /// Invoice orders with a line of this sales order.
    pub sales_order_id: Option<Uuid>,
    /// Text search: invoice orders have no number of their own; the numbers of the sales orders
    /// they invoice, or the party as `q` finds it on the parties.
    pub q: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &impl ConnectionTrait, order: &InvoiceOrder) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(order)).await
}

/// Inserts invoice orders and their lines: two statements for one order or a few hundred.
pub async fn insert_many(conn: &impl ConnectionTrait, orders: &[InvoiceOrder]) -> Result<(), StoreError> {
    table::insert::<InvoiceOrders, _>(conn, orders.iter().map(to_active_model)).await?;
    let rows = orders.iter().flat_map(|order| {
        (1..).zip(&order.lines).map(|(position, l)| line::ActiveModel {
            id: Set(l.id),
            invoice_order_id: Set(order.id),
            position: Set(position),
            sales_order_line_id: Set(l.ordered.id),
            quantity_units: Set(to_units(l.quantity)),
        })
    });
    lines::insert(conn, rows).await
}

impl LineTable for line::Entity {
    const DOCUMENT: line::Column = line::Column::InvoiceOrderId;
    const POSITION: line::Column = line::Column::Position;

    fn document_of(line: &line::Model) -> Uuid {
        line.invoice_order_id
    }
}

/// Writes the status if the stored version is still `expected_version` (lines never change).
pub async fn update(
    conn: &impl ConnectionTrait,
    order: &InvoiceOrder,
    expected_version: i32,
) -> Result<bool, StoreError> {
    let result = Entity::update_many()
        .set(ActiveModel {
            status: Set(order.status.as_str().to_owned()),
            version: Set(order.version),
            updated_at: Set(order.updated_at),
            ..Default::default()
        })
        .filter(Column::Id.eq(order.id))
        .filter(Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The invoice orders table, for the shared kit (`crate::table`).
pub struct InvoiceOrders;

impl Table for InvoiceOrders {
    type Entity = Entity;
    type Record = InvoiceOrder;
    table::versioned_columns!();
    /// Invoice orders have no owner: a caller sees those of the parties they see.
    const SCOPE: Scope<Column> = Scope::Party(Column::PartyId);

    async fn load(conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<InvoiceOrder>, StoreError> {
        with_lines(conn, rows).await
    }
}

/// The invoice orders with a line of one of these sales orders that the caller sees (for a
/// document's flow).
pub async fn of_sales_orders(
    conn: &impl ConnectionTrait,
    order_ids: &[Uuid],
    visibility: Visibility,
) -> Result<Vec<InvoiceOrder>, StoreError> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = Entity::find()
        .filter(Column::Id.in_subquery(with_lines_of(order_ids)))
        .filter(InvoiceOrders::scope(visibility))
        .order_by_asc(Column::CreatedAt);
    table::all::<InvoiceOrders>(conn, select).await
}

/// The ids of the invoice orders with a line of one of these sales orders, as a subquery.
fn with_lines_of(order_ids: &[Uuid]) -> SelectStatement {
    Query::select()
        .column(line::Column::InvoiceOrderId)
        .from(line::Entity)
        .and_where(line::Column::SalesOrderLineId.in_subquery(sales_orders::line_ids_of(order_ids)))
        .to_owned()
}

pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &InvoiceOrderFilter,
    visibility: Visibility,
    request: &PageRequest<InvoiceOrderSort>,
) -> Result<Page<InvoiceOrder>, StoreError> {
    let q = |q: &str| {
        let of_orders_numbered = Query::select()
            .column(line::Column::InvoiceOrderId)
            .from(line::Entity)
            .and_where(line::Column::SalesOrderLineId.in_subquery(sales_orders::line_ids_numbered_like(q)))
            .to_owned();
        Condition::any()
            .add(Column::Id.in_subquery(of_orders_numbered))
            .add(Column::PartyId.in_subquery(search::parties_matching(q)))
    };
    let condition = Filter::new(InvoiceOrders::scope(visibility))
        .eq(Column::PartyId, filter.party_id)
        .any_of(&filter.status, |status| Column::Status.eq(status.as_str()))
        .when(filter.sales_order_id, |id| Column::Id.in_subquery(with_lines_of(&[id])))
        .when(filter.q.as_deref(), q)
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, Model> = match request.sort {
        InvoiceOrderSort::CreatedAt => SortBy::new(Column::CreatedAt, |m| (SortKey::Time(m.created_at), m.id)),
        InvoiceOrderSort::UpdatedAt => SortBy::new(Column::UpdatedAt, |m| (SortKey::Time(m.updated_at), m.id)),
    };
    table::page::<InvoiceOrders, _>(conn, condition, sort, request).await
}

/// The invoice orders of `rows`, each with its lines and their sales order lines (two queries).
async fn with_lines(conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<InvoiceOrder>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let lines = lines::load::<line::Entity>(conn, ids.clone()).await?;
    let ordered_ids = Query::select()
        .column(line::Column::SalesOrderLineId)
        .from(line::Entity)
        .and_where(line::Column::InvoiceOrderId.is_in(ids))
        .to_owned();
    let ordered: HashMap<Uuid, _> = sales_orders::ordered_lines_in(conn, ordered_ids)
        .await?
        .into_iter()
        .map(|o| (o.line.id, o))
        .collect();
    let lines = lines::group::<line::Entity, _>(lines, |l| {
        let o = ordered
            .get(&l.sales_order_line_id)
            .ok_or_else(|| StoreError::corrupt("invoice_order_lines", format!("line {} lost its order line", l.id)))?;
        Ok(InvoiceOrderLine {
            id: l.id,
            sales_order_id: o.sales_order_id,
            ordered: o.line.clone(),
            quantity: from_units(l.quantity_units),
        })
    })?;
    lines::attach(rows, lines, |m| m.id, to_order)
}

fn to_active_model(o: &InvoiceOrder) -> ActiveModel {
    ActiveModel {
        id: Set(o.id),
        party_id: Set(o.party_id),
        currency: Set(o.currency.code().to_owned()),
        status: Set(o.status.as_str().to_owned()),
        version: Set(o.version),
        created_at: Set(o.created_at),
        updated_at: Set(o.updated_at),
    }
}

fn to_order(m: Model, lines: Vec<InvoiceOrderLine>) -> Result<InvoiceOrder, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    Ok(InvoiceOrder {
        id: m.id,
        party_id: m.party_id,
        currency: Currency::parse(&m.currency).map_err(|_| corrupt("currency"))?,
        status: InvoiceOrderStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
        lines,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
