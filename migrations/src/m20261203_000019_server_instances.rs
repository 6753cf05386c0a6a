use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, Table, async_trait};
use sea_orm_migration::schema::{timestamp_with_time_zone, uuid, uuid_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The running servers, each seen every few seconds: a claim of an `Idempotency-Key` whose
        // server is no longer seen died with it, and is free at once.
        manager
            .create_table(
                Table::create()
                    .table("server_instances")
                    .col(uuid("id").primary_key())
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone("seen_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("idempotency_keys")
                    .add_column(uuid_null("instance_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("idempotency_keys")
                    .drop_column("instance_id")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("server_instances").to_owned())
            .await
    }
}
