use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, Table, async_trait};
use sea_orm_migration::schema::{
    date_null, integer, pk_uuid, string_len, string_len_null, text, text_null, timestamp_with_time_zone,
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
                    .table("opportunities")
                    .col(pk_uuid("id"))
                    .col(string_len("title", 200))
                    .col(uuid("party_id"))
                    .col(uuid_null("contact_id"))
                    .col(uuid_null("owner_id"))
                    // A stage in use cannot be deleted: this key refuses it.
                    .col(uuid("stage_id"))
                    // Follows the stage's kind; stored so that lists filter on an index.
                    .col(string_len("status", 10))
                    // Decimal as text: exact on both databases.
                    .col(string_len_null("amount", 64))
                    .col(string_len_null("currency", 3))
                    .col(integer("probability"))
                    .col(date_null("expected_close_date"))
                    .col(string_len_null("source", 100))
                    // JSON array of party ids, owned by the opportunity and never queried alone.
                    .col(text("competitor_ids"))
                    .col(text_null("lost_reason"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    // Lower-cased title, for `q`.
                    .col(text("search_text"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut reference("opportunities", "party_id", "parties"))
                    .foreign_key(&mut reference("opportunities", "contact_id", "parties"))
                    .foreign_key(&mut reference("opportunities", "owner_id", "users"))
                    .foreign_key(&mut reference("opportunities", "stage_id", "pipeline_stages"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "opportunities",
            &[
                ("ix_opportunities_created", &["created_at", "id"]),
                ("ix_opportunities_updated", &["updated_at", "id"]),
                ("ix_opportunities_title", &["title", "id"]),
                ("ix_opportunities_party", &["party_id", "created_at", "id"]),
                ("ix_opportunities_owner", &["owner_id", "created_at", "id"]),
                ("ix_opportunities_stage", &["stage_id", "created_at", "id"]),
                ("ix_opportunities_close", &["expected_close_date"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("opportunities").to_owned())
            .await
    }
}
