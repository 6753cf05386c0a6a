use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, async_trait};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A NOTIFY takes a database-wide lock at commit, so every notifying transaction commits
        // one after the other: under a write load that cost the creates about a tenth of their
        // throughput. Nobody listens for a reason while no subscription is active, so the
        // trigger notifies only then (the first subscription moves the webhook worker's position
        // to the end of the feed itself).
        replace(
            manager,
            "BEGIN IF EXISTS (SELECT 1 FROM webhooks WHERE active) THEN PERFORM pg_notify('crm_events', ''); END IF; \
             RETURN NULL; END",
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace(manager, "BEGIN PERFORM pg_notify('crm_events', ''); RETURN NULL; END").await
    }
}

async fn replace(manager: &SchemaManager<'_>, body: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    manager
        .get_connection()
        .execute_unprepared(&format!(
            "CREATE OR REPLACE FUNCTION crm_events_notify() RETURNS trigger AS $$ {body} $$ LANGUAGE plpgsql"
        ))
        .await?;
    Ok(())
}
