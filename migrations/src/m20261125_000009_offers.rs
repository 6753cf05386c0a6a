use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{
    big_integer, boolean, date_null, integer, pk_uuid, string_len, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null, uuid, uuid_null,
};

use crate::{create_indexes, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Document numbers: the last number drawn per series and year, one row each. Drawing a
        // number updates the row, which serialises writers of one series.
        manager
            .create_table(
                Table::create()
                    .table("number_sequences")
                    .col(string_len("series", 10))
                    .col(integer("year"))
                    .col(big_integer("last_value"))
                    .primary_key(Index::create().col("series").col("year"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("offers")
                    .col(pk_uuid("id"))
                    .col(string_len("number", 20))
                    .col(integer("revision"))
                    .col(uuid_null("revises_id"))
                    .col(uuid("party_id"))
                    .col(uuid_null("contact_id"))
                    .col(uuid_null("opportunity_id"))
                    .col(uuid_null("owner_id"))
                    .col(string_len("currency", 3))
                    .col(date_null("valid_until"))
                    .col(text_null("notes"))
                    // As stored: `expired` is computed from `valid_until`.
                    .col(string_len("status", 20))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut reference("offers", "revises_id", "offers"))
                    .foreign_key(&mut reference("offers", "party_id", "parties"))
                    .foreign_key(&mut reference("offers", "contact_id", "parties"))
                    .foreign_key(&mut reference("offers", "opportunity_id", "opportunities"))
                    .foreign_key(&mut reference("offers", "owner_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_offers_number_revision")
                    .table("offers")
                    .col("number")
                    .col("revision")
                    .unique()
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "offers",
            &[
                ("ix_offers_created", &["created_at", "id"]),
                ("ix_offers_updated", &["updated_at", "id"]),
                ("ix_offers_number", &["number", "id"]),
                ("ix_offers_party", &["party_id", "created_at", "id"]),
                ("ix_offers_owner", &["owner_id", "created_at", "id"]),
                ("ix_offers_opportunity", &["opportunity_id"]),
                ("ix_offers_status", &["status", "valid_until"]),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("offer_lines")
                    .col(pk_uuid("id"))
                    .col(uuid("offer_id"))
                    .col(integer("position"))
                    .col(uuid_null("product_id"))
                    .col(text("description"))
                    // Decimals as text: exact on both databases.
                    .col(string_len("quantity", 64))
                    .col(string_len("unit", 20))
                    .col(string_len("unit_price", 64))
                    .col(string_len("discount_percent", 16))
                    .col(string_len("tax_rate", 16))
                    .col(boolean("optional"))
                    .col(boolean("selected"))
                    .foreign_key(&mut reference("offer_lines", "offer_id", "offers"))
                    .foreign_key(&mut reference("offer_lines", "product_id", "products"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_offer_lines_position")
                    .table("offer_lines")
                    .col("offer_id")
                    .col("position")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // An activity may now relate to an offer. No foreign key: SQLite cannot add one to an
        // existing table; the service checks the reference, and offers are never deleted.
        manager
            .alter_table(
                Table::alter()
                    .table("activities")
                    .add_column(uuid_null("offer_id"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "activities",
            &[("ix_activities_offer", &["offer_id", "occurs_at", "id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("ix_activities_offer").table("activities").to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table("activities").drop_column("offer_id").to_owned())
            .await?;
        for table in ["offer_lines", "offers", "number_sequences"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
