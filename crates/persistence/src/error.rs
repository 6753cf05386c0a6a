//! Storage errors, classified once: a unique or foreign-key violation is a conflict the API can
//! explain; anything else is an internal failure whose cause only the log sees.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique index refused the write (a duplicate email, external id, name…).
    #[error("unique constraint violated: {0}")]
    Duplicate(String),
    /// A referenced row does not exist (or is still referenced on delete).
    #[error("foreign key constraint violated: {0}")]
    ForeignKey(String),
    /// A stored value that does not map back to the domain: a bug or a hand-edited row.
    #[error("corrupt row in {table}: {detail}")]
    Corrupt { table: &'static str, detail: String },
    /// PostgreSQL gave up on the transaction to resolve a deadlock or a serialization conflict:
    /// nothing was kept, and the same request may simply be sent again.
    #[error("transaction aborted by the database, retryable: {0}")]
    Retryable(DbErr),
    /// The database cannot be reached or takes no work for now (connection lost or refused, pool
    /// exhausted, server shutting down): the transaction did not commit, and later it may.
    #[error("database unavailable: {0}")]
    Unavailable(DbErr),
    #[error(transparent)]
    Db(DbErr),
}

/// PostgreSQL's `deadlock_detected`, `serialization_failure`, `query_canceled` (a statement past
/// `statement_timeout`) and `lock_not_available` (past `lock_timeout`).
/// SQLite's `SQLITE_BUSY` and `SQLITE_LOCKED` with their extended codes (another connection held
/// the database past the busy timeout): only with a second server on one file.
const RETRYABLE_SQLSTATES: [&str; 10] = ["40P01", "40001", "57014", "55P03", "5", "261", "517", "773", "6", "262"];
/// PostgreSQL refusing work for now: `admin_shutdown`, `crash_shutdown`, `cannot_connect_now`,
/// `too_many_connections`, `object_not_in_prerequisite_state` (a database that takes no
/// connections); class 08 (connection exceptions) is matched by its prefix.
const UNAVAILABLE_SQLSTATES: [&str; 5] = ["57P01", "57P02", "57P03", "53300", "55000"];

/// Whether `error` says the database is out of reach rather than that the statement was wrong.
fn is_unavailable(error: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => match e.as_ref() {
            Sqlx::Io(_) | Sqlx::Tls(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => true,
            _ => sqlstate(error)
                .is_some_and(|code| code.starts_with("08") || UNAVAILABLE_SQLSTATES.contains(&code.as_str())),
        },
        _ => false,
    }
}

fn sqlstate(error: &DbErr) -> Option<String> {
    match error {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            Some(e.as_database_error()?.code()?.into_owned())
        }
        _ => None,
    }
}

impl From<DbErr> for StoreError {
    fn from(error: DbErr) -> Self {
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => StoreError::Duplicate(detail),
            Some(SqlErr::ForeignKeyConstraintViolation(detail)) => StoreError::ForeignKey(detail),
            _ if sqlstate(&error).is_some_and(|code| RETRYABLE_SQLSTATES.contains(&code.as_str())) => {
                StoreError::Retryable(error)
            }
            _ if is_unavailable(&error) => {
                crate::db::connection_lost();
                StoreError::Unavailable(error)
            }
            _ => StoreError::Db(error),
        }
    }
}

impl StoreError {
    pub fn corrupt(table: &'static str, detail: impl ToString) -> Self {
        StoreError::Corrupt {
            table,
            detail: detail.to_string(),
        }
    }

    /// Whether the violated unique index covers `column`. SQLite names the column
    /// (`parties.external_id`), PostgreSQL the index, and our index names contain the column.
    pub fn is_duplicate_of(&self, column: &str) -> bool {
        matches!(self, StoreError::Duplicate(detail) if detail.contains(column))
    }
}
