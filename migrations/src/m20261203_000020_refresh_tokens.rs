use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{integer, string_len, timestamp_with_time_zone, timestamp_with_time_zone_null, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Refresh tokens, kept only as their SHA-256: each is used once and replaced by the next
        // of its family; a used one presented again ends the family (it was stolen).
        manager
            .create_table(
                Table::create()
                    .table("refresh_tokens")
                    .col(uuid("id").primary_key())
                    .col(uuid("family_id"))
                    .col(uuid("user_id"))
                    .col(integer("user_version"))
                    .col(string_len("token_hash", 64).unique_key())
                    .col(timestamp_with_time_zone("issued_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("refresh_tokens_family")
                    .table("refresh_tokens")
                    .col("family_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("refresh_tokens").to_owned())
            .await
    }
}
