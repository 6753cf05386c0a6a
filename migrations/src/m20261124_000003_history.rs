use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{pk_uuid, string_len, text, timestamp_with_time_zone, uuid, uuid_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("history_entries")
                    // Time-ordered (UUID v7): the id orders the entries of one record.
                    .col(pk_uuid("id"))
                    .col(string_len("resource_type", 50))
                    .col(uuid("resource_id"))
                    .col(string_len("action", 30))
                    .col(uuid_null("actor_id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    // JSON array of {field, from, to}.
                    .col(text("changes"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_history_entries_resource")
                    .table("history_entries")
                    .col("resource_type")
                    .col("resource_id")
                    .col("occurred_at")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("history_entries").to_owned())
            .await
    }
}
