//! Reading a column by position, for the narrow reads of a few hundred thousand rows.

use sea_orm::sqlx::{Decode, Postgres, Row, Type};
use sea_orm::{DbErr, QueryResult, TryGetable};

/// The value of a column that may be NULL. On PostgreSQL it is read from the driver's row:
/// sea-orm formats an error message for every NULL cell it reads as an `Option`, which is most
/// of the time of a NULL cell in a read of a few hundred thousand rows.
pub(crate) fn nullable<T>(row: &QueryResult, index: usize) -> Result<Option<T>, DbErr>
where
    T: TryGetable + for<'r> Decode<'r, Postgres> + Type<Postgres>,
{
    match row.try_as_pg_row() {
        Some(pg) => pg
            .try_get::<Option<T>, _>(index)
            .map_err(|error| DbErr::Type(format!("column {index}: {error}"))),
        None => row.try_get_by_index(index),
    }
}
