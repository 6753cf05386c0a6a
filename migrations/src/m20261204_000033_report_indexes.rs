use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, async_trait};

use crate::create_indexes;

/// What reports over a window read, through an index instead of a scan of the table: the
/// payments dated after a day (receivables aging of a past day takes them off what was paid), the
/// activities completed in a window and the opportunities closed in one (sales performance, and
/// the lists' `completed_from`/`closed_from` filters its rows drill down to).
#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str, &[&str]); 3] = [
    ("payments", "ix_payments_date", &["date", "invoice_id"]),
    (
        "activities",
        "ix_activities_completed",
        &["completed_at", "assignee_id"],
    ),
    ("opportunities", "ix_opportunities_closed", &["closed_at"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name, columns) in INDEXES {
            create_indexes(manager, table, &[(name, columns)]).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
