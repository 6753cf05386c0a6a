use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{integer_null, string_len, text_null, timestamp_with_time_zone, uuid};

use crate::create_indexes;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per caller and `Idempotency-Key`: claimed when the first request starts, then
        // holding its response for 24 hours.
        manager
            .create_table(
                Table::create()
                    .table("idempotency_keys")
                    .col(uuid("caller_id"))
                    .col(string_len("key", 255))
                    // SHA-256 of method, path and body, base64url.
                    .col(string_len("request_hash", 64))
                    .col(string_len("state", 12))
                    .col(integer_null("response_status"))
                    // JSON array of [name, value] pairs.
                    .col(text_null("response_headers"))
                    .col(text_null("response_body"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("caller_id").col("key"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "idempotency_keys",
            &[("ix_idempotency_keys_created", &["created_at"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("idempotency_keys").to_owned())
            .await
    }
}
