//! Document numbers: one counter per series and year, drawn inside the transaction that uses it.
//!
//! Drawing is one upsert that increments the counter and returns it. The row stays locked until
//! the transaction ends (PostgreSQL; SQLite's single connection serialises anyway), so concurrent
//! writers of one series get consecutive numbers, and a transaction that rolls back gives its
//! number back: nothing is burnt.

use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbBackend, ExprTrait, Statement};

use crate::entities::number_sequence::{Column, Entity};
use crate::error::StoreError;

/// Sets the counter of `series` in `year` to `last` unless it is already there or beyond (after a
/// bulk load that numbered its documents itself).
pub async fn raise_to(conn: &impl ConnectionTrait, series: &str, year: i32, last: i64) -> Result<(), StoreError> {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO number_sequences (series, year, last_value) VALUES ($1, $2, $3) \
             ON CONFLICT (series, year) DO UPDATE SET last_value = GREATEST(number_sequences.last_value, excluded.last_value)"
        }
        _ => {
            "INSERT INTO number_sequences (series, year, last_value) VALUES (?, ?, ?) \
             ON CONFLICT (series, year) DO UPDATE SET last_value = MAX(number_sequences.last_value, excluded.last_value)"
        }
    };
    let values = [series.into(), year.into(), last.into()];
    conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}

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
