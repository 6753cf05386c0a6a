use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, async_trait};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The large texts every change writes: a 500-line document's form in its event and history
/// entry, the stored response of an idempotent request, a delivery's body. PostgreSQL compresses
/// them when they pass 2 kB, with pglz unless told otherwise; lz4 takes about half the CPU time
/// for the same size, and the database's CPU is what a 500-line document waits on.
const COLUMNS: [(&str, &str); 4] = [
    ("events", "data"),
    ("history_entries", "changes"),
    ("idempotency_keys", "response_body"),
    ("webhook_deliveries", "payload"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_compression(manager, "lz4").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_compression(manager, "pglz").await
    }
}

/// Values written from now on are compressed with `method` (those stored keep theirs). Only on
/// PostgreSQL built with lz4 (SQLite does not compress).
async fn set_compression(manager: &SchemaManager<'_>, method: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let db = manager.get_connection();
    let has_lz4 = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT 1 AS present FROM pg_settings \
             WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)",
        ))
        .await?
        .is_some();
    if !has_lz4 {
        return Ok(());
    }
    for (table, column) in COLUMNS {
        db.execute_unprepared(&format!(
            "ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}"
        ))
        .await?;
    }
    Ok(())
}
