use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, Table, async_trait};
use sea_orm_migration::schema::{
    big_integer, big_pk_auto, string_len, text, timestamp_with_time_zone, uuid, uuid_null,
};

use crate::create_indexes;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The change feed: one row per committed change, written in the change's transaction.
        manager
            .create_table(
                Table::create()
                    .table("events")
                    .col(big_pk_auto("seq"))
                    // PostgreSQL: the writing transaction's id, so the feed can order events by
                    // transaction and hold back those of transactions still running. SQLite: 0
                    // (its writers are serial, so `seq` alone is commit order).
                    .col(big_integer("tx"))
                    .col(uuid("id").unique_key())
                    .col(string_len("type", 80))
                    .col(string_len("resource_type", 50))
                    .col(uuid("resource_id"))
                    .col(uuid_null("actor_id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    // The record's public form after the change (before it, for a deletion).
                    .col(text("data"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "events",
            &[
                ("ix_events_order", &["tx", "seq"]),
                ("ix_events_occurred", &["occurred_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("events").to_owned()).await
    }
}
