//! What the tables of lines share (the lines of offers, sales orders, invoices, invoice orders, the
//! entries of price lists): the lines of a whole page of documents are read in one query and
//! grouped by document, and a document's lines are written in one statement and replaced whole.

use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::error::StoreError;
use crate::table::Table;

/// A table of lines: each row belongs to one document and stands at a position in it.
pub trait LineTable: EntityTrait {
    /// The column that names the line's document.
    const DOCUMENT: Self::Column;
    /// The column of the line's place in its document, from 1.
    const POSITION: Self::Column;

    /// The id of the line's document.
    fn document_of(line: &Self::Model) -> Uuid;
}

/// The lines of these documents, by document and then position, in one query.
pub async fn load<L: LineTable>(
    conn: &impl ConnectionTrait,
    document_ids: Vec<Uuid>,
) -> Result<Vec<L::Model>, StoreError> {
    Ok(L::find()
        .filter(L::DOCUMENT.is_in(document_ids))
        .order_by_asc(L::DOCUMENT)
        .order_by_asc(L::POSITION)
        .all(conn)
        .await?)
}

/// `lines` (as [`load`] returns them) by document, each mapped by `to_line`, in their order.
pub fn group<L: LineTable, T>(
    lines: Vec<L::Model>,
    mut to_line: impl FnMut(L::Model) -> Result<T, StoreError>,
) -> Result<HashMap<Uuid, Vec<T>>, StoreError> {
    let mut grouped: HashMap<Uuid, Vec<T>> = HashMap::new();
    for line in lines {
        let document = L::document_of(&line);
        grouped.entry(document).or_default().push(to_line(line)?);
    }
    Ok(grouped)
}

/// The documents of `rows`, in their order, each made by `to_document` with its lines (none when
/// `lines` holds none for it).
pub fn attach<M, T, R>(
    rows: Vec<M>,
    mut lines: HashMap<Uuid, Vec<T>>,
    id_of: impl Fn(&M) -> Uuid,
    mut to_document: impl FnMut(M, Vec<T>) -> Result<R, StoreError>,
) -> Result<Vec<R>, StoreError> {
    rows.into_iter()
        .map(|row| {
            let own = lines.remove(&id_of(&row)).unwrap_or_default();
            to_document(row, own)
        })
        .collect()
}

/// The documents of `rows`, in their order, each with its lines: one query for the lines of all
/// of them ([`load`], [`group`], [`attach`]).
pub async fn attach_loaded<L: LineTable, M, T, R>(
    conn: &impl ConnectionTrait,
    rows: Vec<M>,
    id_of: impl Fn(&M) -> Uuid,
    mut to_line: impl FnMut(L::Model) -> T,
    to_document: impl FnMut(M, Vec<T>) -> Result<R, StoreError>,
) -> Result<Vec<R>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let lines = load::<L>(conn, rows.iter().map(&id_of).collect()).await?;
    let lines = group::<L, T>(lines, |line| Ok(to_line(line)))?;
    attach(rows, lines, id_of, to_document)
}

/// Writes `rows`, the lines of one or more documents (see [`crate::table::insert_rows`]).
pub async fn insert<A>(conn: &impl ConnectionTrait, rows: impl IntoIterator<Item = A>) -> Result<(), StoreError>
where
    A: ActiveModelTrait,
    A::Entity: LineTable,
{
    crate::table::insert_rows(conn, rows).await
}

/// Deletes every line of the document.
pub async fn delete<L: LineTable>(conn: &impl ConnectionTrait, document_id: Uuid) -> Result<(), StoreError> {
    L::delete_many().filter(L::DOCUMENT.eq(document_id)).exec(conn).await?;
    Ok(())
}

/// Replaces the document's lines with `rows` (two statements, whatever their number).
pub async fn replace<A>(
    conn: &impl ConnectionTrait,
    document_id: Uuid,
    rows: impl IntoIterator<Item = A>,
) -> Result<(), StoreError>
where
    A: ActiveModelTrait,
    A::Entity: LineTable,
{
    delete::<A::Entity>(conn, document_id).await?;
    insert(conn, rows).await
}

/// Deletes the document `id` of the table `T` and its lines; how many documents it deleted (0 or 1).
pub async fn delete_document<T: Table, L: LineTable>(conn: &impl ConnectionTrait, id: Uuid) -> Result<u64, StoreError> {
    delete::<L>(conn, id).await?;
    let deleted = T::Entity::delete_many().filter(T::ID.eq(id)).exec(conn).await?;
    Ok(deleted.rows_affected)
}
