//! Document numbers: one counter per series and year, drawn inside the transaction that uses it.
//!
//! Drawing is one upsert that increments the counter and returns it. The row stays locked until
//! the transaction ends (PostgreSQL; SQLite's single connection serialises anyway), so concurrent
//! writers of one series get consecutive numbers, and a transaction that rolls back gives its
//! number back: nothing is burnt.

use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ConnectionTrait, ExprTrait};

use crate::entities::number_sequence::{Column, Entity};
use crate::error::StoreError;

/// The next number of `series` in `year`: 1 for the first.
pub async fn next(conn: &impl ConnectionTrait, series: &str, year: i32) -> Result<i64, StoreError> {
    let draw = Query::insert()
        .into_table(Entity)
        .columns([Column::Series, Column::Year, Column::LastValue])
        .values_panic([series.into(), year.into(), 1i64.into()])
        .on_conflict(
            OnConflict::columns([Column::Series, Column::Year])
                .value(Column::LastValue, Expr::col((Entity, Column::LastValue)).add(1))
                .to_owned(),
        )
        .returning_col(Column::LastValue)
        .to_owned();
    let row = conn
        .query_one(&draw)
        .await?
        .ok_or_else(|| StoreError::corrupt("number_sequences", "the upsert returned no row"))?;
    Ok(row.try_get::<i64>("", "last_value")?)
}
