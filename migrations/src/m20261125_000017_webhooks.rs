use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, ForeignKeyAction, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{
    big_integer, boolean, integer, integer_null, pk_uuid, string_len, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null, uuid, uuid_null,
};

use crate::{create_indexes, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("webhooks")
                    .col(pk_uuid("id"))
                    .col(text("url"))
                    // JSON array of patterns.
                    .col(text("event_types"))
                    .col(boolean("skip_own"))
                    .col(boolean("active"))
                    .col(uuid("owner_id"))
                    .col(string_len("secret", 100))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut reference("webhooks", "owner_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_deliveries")
                    .col(pk_uuid("id"))
                    .col(uuid("webhook_id"))
                    .col(uuid_null("event_id"))
                    .col(string_len("event_type", 80))
                    // The body sent, exactly: the signature covers it.
                    .col(text("payload"))
                    // pending | succeeded | failed (given up)
                    .col(string_len("state", 12))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("first_attempt_at"))
                    .col(timestamp_with_time_zone_null("next_attempt_at"))
                    .col(integer_null("last_status"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone_null("delivered_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        reference("webhook_deliveries", "webhook_id", "webhooks").on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "webhook_deliveries",
            &[
                ("ix_webhook_deliveries_due", &["state", "next_attempt_at"]),
                ("ix_webhook_deliveries_webhook", &["webhook_id", "created_at", "id"]),
            ],
        )
        .await?;
        // Where a reader of the change feed inside the server stands (the webhook fan-out).
        manager
            .create_table(
                Table::create()
                    .table("feed_positions")
                    .col(string_len("name", 50).primary_key())
                    .col(big_integer("tx"))
                    .col(big_integer("seq"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["feed_positions", "webhook_deliveries", "webhooks"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
