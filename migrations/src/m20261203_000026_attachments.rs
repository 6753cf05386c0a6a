use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, Table, async_trait};
use sea_orm_migration::schema::{big_integer, integer, pk_uuid, string_len, timestamp_with_time_zone, uuid};

use crate::{create_indexes, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("attachments")
                    .col(pk_uuid("id"))
                    // The record it is attached to, of any resource that takes attachments: no
                    // foreign key can name them all, so the use cases check it exists.
                    .col(string_len("resource_type", 40))
                    .col(uuid("resource_id"))
                    .col(string_len("filename", 1024))
                    .col(string_len("content_type", 255))
                    .col(big_integer("size"))
                    // Lowercase hex: the content's name in the file store.
                    .col(string_len("sha256", 64))
                    .col(uuid("created_by"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut reference("attachments", "created_by", "users"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "attachments",
            &[
                // A record's attachments, by creation (its list).
                (
                    "ix_attachments_record",
                    &["resource_type", "resource_id", "created_at", "id"],
                ),
                // Whether stored content is still used (housekeeping).
                ("ix_attachments_sha256", &["sha256"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("attachments").to_owned()).await
    }
}
