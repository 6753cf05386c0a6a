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
    #[error(transparent)]
    Db(DbErr),
}

/// PostgreSQL's `deadlock_detected` and `serialization_failure`.
const RETRYABLE_SQLSTATES: [&str; 2] = ["40P01", "40001"];

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
