use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, async_trait};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Filters whose rare values scanned a whole table on the standard profile
/// (`tests/api/query_plans.rs`): each with the list's default order behind it, so a page is read
/// in order from the index.
const ORDERED: [(&str, &str, &str); 3] = [
    ("ix_activities_kind", "activities", "kind, occurs_at, id"),
    ("ix_activities_status", "activities", "status, occurs_at, id"),
    ("ix_sales_orders_status", "sales_orders", "status, created_at, id"),
];

/// Substring searches (`q`, and `role` in a party's role list) on PostgreSQL: trigram indexes,
/// which serve `LIKE '%…%'`. SQLite has none; its databases are small enough to scan.
const TRIGRAM: [(&str, &str, &str); 6] = [
    ("ix_parties_search_trgm", "parties", "search_text"),
    ("ix_parties_roles_trgm", "parties", "roles"),
    ("ix_opportunities_search_trgm", "opportunities", "search_text"),
    ("ix_offers_number_trgm", "offers", "number"),
    ("ix_sales_orders_number_trgm", "sales_orders", "number"),
    ("ix_invoices_number_trgm", "invoices", "number"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table, columns) in ORDERED {
            db.execute_unprepared(&format!("CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})"))
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            // pg_trgm is a trusted extension: the database's owner may create it.
            db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
            for (name, table, column) in TRIGRAM {
                db.execute_unprepared(&format!(
                    "CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let trigram = if manager.get_database_backend() == DbBackend::Postgres {
            &TRIGRAM[..]
        } else {
            &[]
        };
        for (name, _, _) in ORDERED.iter().chain(trigram) {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}")).await?;
        }
        Ok(())
    }
}
