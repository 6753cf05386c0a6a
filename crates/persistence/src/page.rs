//! Keyset pagination: a page is "the next `limit` rows after this (key, id)", so page 10 000 costs
//! what page 1 costs, and every list sort has an index on (key, id) to scan.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select, Value,
};
use uuid::Uuid;

use crate::error::StoreError;

/// The sort key of the last row of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Text(String),
    Time(DateTime<Utc>),
    Int(i64),
}

impl From<SortKey> for Value {
    fn from(key: SortKey) -> Self {
        match key {
            SortKey::Text(text) => text.into(),
            SortKey::Time(time) => time.into(),
            SortKey::Int(number) => number.into(),
        }
    }
}

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: SortKey,
    pub id: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

/// The sort of a list that has one natural order (name, position, creation), which an incremental
/// sync (`updated_since`) replaces by (`updated_at`, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncOrder {
    Natural,
    Updated,
}

#[derive(Debug, Clone)]
pub struct PageRequest<S> {
    pub sort: S,
    pub direction: Direction,
    pub limit: u64,
    pub after: Option<Cursor>,
    /// Whether the page also counts every row the filters select (`include=total`): one more
    /// query, as costly as the filters are selective.
    pub count: bool,
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Present when more rows may follow.
    pub next: Option<Cursor>,
    /// Every row the filters select, on all pages, when the request asked for it.
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// A page without rows: the filters select none.
    pub fn empty<S>(request: &PageRequest<S>) -> Self {
        Page {
            items: Vec::new(),
            next: None,
            total: request.count.then_some(0),
        }
    }

    /// The same page with each item turned into another (the cursor and total stay).
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        Page {
            items,
            next: self.next,
            total: self.total,
        }
    }
}

/// One order of a list: the column it sorts by, and where an item stands in it (the cursor a page
/// ends at). Both in one place, so that a sort cannot order by one column and page by another.
pub struct SortBy<C, T> {
    pub column: C,
    pub cursor: fn(&T) -> (SortKey, Uuid),
}

impl<C, T> SortBy<C, T> {
    pub fn new(column: C, cursor: fn(&T) -> (SortKey, Uuid)) -> Self {
        Self { column, cursor }
    }
}

/// [`fetch`] in the order `sort` (and then by the `id` column).
pub async fn fetch_sorted<E, C, S, T>(
    conn: &impl ConnectionTrait,
    select: Select<E>,
    sort: SortBy<C, T>,
    id: C,
    request: &PageRequest<S>,
    map: impl Fn(E::Model) -> Result<T, StoreError>,
) -> Result<Page<T>, StoreError>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    fetch(conn, select, (sort.column, id), request, map, sort.cursor).await
}

/// One page of `select`: ordered by (`key`, `id`), starting after the request's cursor, rows mapped
/// to domain values by `map`, and the cursor of the last one (`key_of`) when more rows follow.
pub async fn fetch<E, C, S, T>(
    conn: &impl ConnectionTrait,
    select: Select<E>,
    (key, id): (C, C),
    request: &PageRequest<S>,
    map: impl Fn(E::Model) -> Result<T, StoreError>,
    key_of: impl Fn(&T) -> (SortKey, Uuid),
) -> Result<Page<T>, StoreError>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let total = if request.count {
        Some(count(conn, select.clone()).await?)
    } else {
        None
    };
    let rows = keyset(
        select,
        key,
        id,
        request.direction,
        request.after.as_ref(),
        request.limit,
    )
    .all(conn)
    .await?;
    let items = rows.into_iter().map(map).collect::<Result<Vec<_>, _>>()?;
    Ok(Page {
        total,
        ..finish(items, request.limit, key_of)
    })
}

/// How many rows `select` selects.
async fn count<E: EntityTrait>(conn: &impl ConnectionTrait, select: Select<E>) -> Result<u64, StoreError> {
    let count: Option<i64> = select
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "total")
        .into_tuple()
        .one(conn)
        .await?;
    Ok(count.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}

/// Orders `select` by (key, id) in `direction`, starts after `after`, and fetches one row more than
/// `limit` so the caller knows whether another page follows.
fn keyset<E, C>(select: Select<E>, key: C, id: C, direction: Direction, after: Option<&Cursor>, limit: u64) -> Select<E>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let order = match direction {
        Direction::Asc => Order::Asc,
        Direction::Desc => Order::Desc,
    };
    let mut select = select.order_by(key, order.clone()).order_by(id, order);
    if let Some(cursor) = after {
        // A row-value comparison, `(key, id) > (k, i)`: PostgreSQL turns it into an index range
        // condition (an OR of the two halves is only a filter, whose cost grows with the page
        // number), and SQLite evaluates it the same way.
        let columns = Expr::tuple([Expr::col(key.as_column_ref()), Expr::col(id.as_column_ref())]);
        let values = Expr::tuple([Expr::val(Value::from(cursor.key.clone())), Expr::val(cursor.id)]);
        select = select.filter(match direction {
            Direction::Asc => columns.gt(values),
            Direction::Desc => columns.lt(values),
        });
    }
    select.limit(limit + 1)
}

/// Cuts the extra row off and makes the cursor of the page's last row.
fn finish<T>(mut rows: Vec<T>, limit: u64, key_of: impl Fn(&T) -> (SortKey, Uuid)) -> Page<T> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more {
        rows.last().map(|row| {
            let (key, id) = key_of(row);
            Cursor { key, id }
        })
    } else {
        None
    };
    Page {
        items: rows,
        next,
        total: None,
    }
}
