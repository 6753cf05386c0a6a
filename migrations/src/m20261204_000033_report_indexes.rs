use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, async_trait};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::create_indexes;

/// What reports over a window read, through an index instead of a scan of the table: the
/// payments dated after a day (receivables aging of a past day takes them off what was paid), the
/// activities completed in a window and the opportunities closed in one (sales performance, and
/// the lists' `completed_from`/`closed_from` filters its rows drill down to). And what the case
/// list scanned once the seed had 100,000 cases (`tests/api/query_plans.rs`): `sla_status=on_track`
/// (cases whose at-risk instant is still ahead, few of them) and `q` (a trigram index, PostgreSQL).
#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str, &[&str]); 4] = [
    ("payments", "ix_payments_date", &["date", "invoice_id"]),
    (
        "activities",
        "ix_activities_completed",
        &["completed_at", "assignee_id"],
    ),
    ("opportunities", "ix_opportunities_closed", &["closed_at"]),
    ("cases", "ix_cases_at_risk", &["sla_at_risk_at"]),
];

const CASES_TRIGRAM: &str = "ix_cases_search_trgm";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name, columns) in INDEXES {
            create_indexes(manager, table, &[(name, columns)]).await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            // pg_trgm was created by the list indexes' migration.
            let sql =
                format!("CREATE INDEX IF NOT EXISTS {CASES_TRIGRAM} ON cases USING gin (search_text gin_trgm_ops)");
            manager.get_connection().execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        let sql = format!("DROP INDEX IF EXISTS {CASES_TRIGRAM}");
        manager.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }
}
