//! Dropping rows past their retention in bounded batches: a backlog (a first start on a large
//! database, a shortened retention) becomes many short statements, each well inside the
//! connection's `statement_timeout`, instead of one delete that holds its locks for minutes and
//! is cancelled, which would stop the server from starting.

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::StoreError;

/// Rows per delete statement.
const BATCH: u64 = 5_000;

/// Deletes the rows of `E` that meet `condition`, [`BATCH`] rows at a time by their `key`
/// column (unique); how many in all.
pub async fn delete_in_batches<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    key: E::Column,
    condition: Condition,
) -> Result<u64, StoreError> {
    let mut deleted = 0;
    loop {
        let batch = Query::select()
            .column(key)
            .from(E::default())
            .cond_where(condition.clone())
            .limit(BATCH)
            .to_owned();
        let result = E::delete_many().filter(key.in_subquery(batch)).exec(conn).await?;
        deleted += result.rows_affected;
        if result.rows_affected < BATCH {
            return Ok(deleted);
        }
    }
}
