//! What every table of versioned records shares, written once: finding a record by id in the
//! caller's scope (and locking it for a change), by external id, and writing its next version
//! only if the stored one is still the one read. A repository implements [`Table`] (its entity,
//! which rows a caller sees, how rows become records) and keeps only its own queries.

use std::future::Future;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Iterable, QueryFilter, QuerySelect, Select,
};
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{self, Page, PageRequest, SortBy};
use crate::visibility::{self, Visibility};

/// The row of a table's entity.
pub type Row<T> = <<T as Table>::Entity as EntityTrait>::Model;
type Column<T> = <<T as Table>::Entity as EntityTrait>::Column;

/// A table whose rows are versioned records (with `id`, `version` and `created_at` columns).
pub trait Table {
    type Entity: EntityTrait;
    type Record: domain::record::Record;
    const ID: Column<Self>;
    const VERSION: Column<Self>;
    const CREATED_AT: Column<Self>;
    /// The unique external id, on tables that have one.
    const EXTERNAL_ID: Option<Column<Self>> = None;
    /// Whose rows a caller sees.
    const SCOPE: Scope<Column<Self>> = Scope::Everyone;

    /// The rows a caller sees: every row, unless the table narrows it by owner or party.
    fn scope(visibility: Visibility) -> Condition {
        match Self::SCOPE {
            Scope::Everyone => Condition::all(),
            Scope::Owner(owner) => visibility::condition(owner, visibility),
            Scope::Party(party) => visibility::through_party(party, visibility),
        }
    }

    /// Rows to records, in their order (a document loads the lines of all rows in one query).
    fn load(
        conn: &impl ConnectionTrait,
        rows: Vec<Row<Self>>,
    ) -> impl Future<Output = Result<Vec<Self::Record>, StoreError>>;
}

/// Whose rows of a table a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<C> {
    /// Every row.
    Everyone,
    /// The rows this user id column names the caller or a teammate in (see `visibility::condition`).
    Owner(C),
    /// The rows of the parties the caller sees, by this party id column (see
    /// `visibility::through_party`): documents without an owner of their own.
    Party(C),
}

/// The columns every versioned table names alike (`Id`, `Version`, `CreatedAt` of the `Column` in
/// scope), for an `impl Table`: a macro, as constants of an entity's own column enum cannot be
/// written once generically.
macro_rules! versioned_columns {
    () => {
        const ID: Column = Column::Id;
        const VERSION: Column = Column::Version;
        const CREATED_AT: Column = Column::CreatedAt;
    };
}
pub(crate) use versioned_columns;

/// The record with this id, if the caller sees it.
pub async fn find<T: Table>(
    conn: &impl ConnectionTrait,
    id: Uuid,
    visibility: Visibility,
) -> Result<Option<T::Record>, StoreError> {
    one::<T>(conn, by_id::<T>(id, visibility)).await
}

/// [`find`] for a read-modify-write: on PostgreSQL the row stays locked until the transaction
/// ends, so a concurrent change waits and then sees this one. (SQLite has no row locks; its
/// single writer already serialises transactions.)
pub async fn find_for_update<T: Table>(
    conn: &impl ConnectionTrait,
    id: Uuid,
    visibility: Visibility,
) -> Result<Option<T::Record>, StoreError> {
    one::<T>(conn, by_id::<T>(id, visibility).lock_exclusive()).await
}

/// [`find`] for a record about to refer to this one: share-locked until the transaction ends
/// (PostgreSQL), so it cannot change or go away meanwhile.
pub async fn find_for_share<T: Table>(
    conn: &impl ConnectionTrait,
    id: Uuid,
    visibility: Visibility,
) -> Result<Option<T::Record>, StoreError> {
    one::<T>(conn, by_id::<T>(id, visibility).lock_shared()).await
}

/// The row of [`find_for_share`], for a caller that needs only a column of it.
pub async fn row_for_share<T: Table>(
    conn: &impl ConnectionTrait,
    id: Uuid,
    visibility: Visibility,
) -> Result<Option<Row<T>>, StoreError> {
    Ok(by_id::<T>(id, visibility).lock_shared().one(conn).await?)
}

/// The records of every row `select` finds, in its order.
pub async fn all<T: Table>(
    conn: &impl ConnectionTrait,
    select: Select<T::Entity>,
) -> Result<Vec<T::Record>, StoreError> {
    let rows = select.all(conn).await?;
    T::load(conn, rows).await
}

/// `select` locking the rows it reads for a background job: on PostgreSQL rows another
/// instance's job holds are skipped, not waited for (SQLite has one writer at a time anyway).
pub fn skip_locked<E: EntityTrait>(conn: &impl ConnectionTrait, select: Select<E>) -> Select<E> {
    if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        select.lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        )
    } else {
        select
    }
}

/// One page of the records `condition` lets through, in the order `sort`: the page of rows
/// first, then [`Table::load`] of exactly those rows (a document's lines: two queries a page).
pub async fn page<T: Table, S>(
    conn: &impl ConnectionTrait,
    condition: Condition,
    sort: SortBy<Column<T>, Row<T>>,
    request: &PageRequest<S>,
) -> Result<Page<T::Record>, StoreError> {
    let select = T::Entity::find().filter(condition);
    let rows = page::fetch_sorted(conn, select, sort, T::ID, request, Ok).await?;
    let items = T::load(conn, rows.items).await?;
    Ok(Page {
        items,
        next: rows.next,
        total: rows.total,
    })
}

/// The record with this external id, whoever sees it (external ids are unique across the table,
/// so the use case decides what an invisible one means); the row is locked, as an upsert
/// replaces it.
pub async fn find_by_external_id<T: Table>(
    conn: &impl ConnectionTrait,
    external_id: &str,
) -> Result<Option<T::Record>, StoreError> {
    let Some(column) = T::EXTERNAL_ID else {
        return Ok(None);
    };
    let select = T::Entity::find().filter(column.eq(external_id)).lock_exclusive();
    one::<T>(conn, select).await
}

/// The id of the record with this external id, if the caller sees it (a read: nothing locked).
pub async fn id_by_external_id<T: Table>(
    conn: &impl ConnectionTrait,
    external_id: &str,
    visibility: Visibility,
) -> Result<Option<Uuid>, StoreError> {
    let Some(column) = T::EXTERNAL_ID else {
        return Ok(None);
    };
    Ok(T::Entity::find()
        .select_only()
        .column(T::ID)
        .filter(column.eq(external_id))
        .filter(T::scope(visibility))
        .into_tuple::<Uuid>()
        .one(conn)
        .await?)
}

/// Inserts new records' rows (see [`insert_rows`]).
pub async fn insert<T: Table, A>(
    conn: &impl ConnectionTrait,
    models: impl IntoIterator<Item = A>,
) -> Result<(), StoreError>
where
    A: ActiveModelTrait<Entity = T::Entity>,
{
    insert_rows(conn, models).await
}

/// The bound parameters one statement may carry: SQLite takes 32 766, PostgreSQL 65 535.
const PARAMETERS_PER_STATEMENT: usize = 30_000;

/// Inserts `rows` of one table in as few statements as the databases allow: one for a record or a
/// document's lines, one per few thousand rows for a bulk load (the seed data). None when empty.
pub async fn insert_rows<A: ActiveModelTrait>(
    conn: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = A>,
) -> Result<(), StoreError> {
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
    let per_statement = (PARAMETERS_PER_STATEMENT / columns.max(1)).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
        A::Entity::insert_many(chunk).exec_without_returning(conn).await?;
    }
    Ok(())
}

/// Writes the row of the record `id` if its stored version is still `expected_version`; false
/// when another writer got there first. Its id and creation instant never change.
pub async fn update<T: Table, A>(
    conn: &impl ConnectionTrait,
    mut model: A,
    id: Uuid,
    expected_version: i32,
) -> Result<bool, StoreError>
where
    A: ActiveModelTrait<Entity = T::Entity>,
{
    model.not_set(T::ID);
    model.not_set(T::CREATED_AT);
    let result = T::Entity::update_many()
        .set(model)
        .filter(T::ID.eq(id))
        .filter(T::VERSION.eq(expected_version))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

fn by_id<T: Table>(id: Uuid, visibility: Visibility) -> Select<T::Entity> {
    T::Entity::find().filter(T::ID.eq(id)).filter(T::scope(visibility))
}

async fn one<T: Table>(
    conn: &impl ConnectionTrait,
    select: Select<T::Entity>,
) -> Result<Option<T::Record>, StoreError> {
    let row = select.one(conn).await?;
    Ok(T::load(conn, row.into_iter().collect()).await?.pop())
}
