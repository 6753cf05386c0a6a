use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, ForeignKey, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{
    boolean, date_null, integer, pk_uuid, string_len, string_len_null, timestamp_with_time_zone, uuid,
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
                    .table("price_lists")
                    .col(pk_uuid("id"))
                    .col(string_len("name", 200))
                    .col(string_len("currency", 3))
                    .col(date_null("valid_from"))
                    .col(date_null("valid_to"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("price_list_entries")
                    .col(uuid("price_list_id"))
                    // The entry's place in the list as it was sent: the key, and the order it is shown in.
                    .col(integer("position"))
                    .col(uuid("product_id"))
                    // Decimals as text: exact on both databases.
                    .col(string_len("unit_price", 64))
                    .col(string_len("min_quantity", 64))
                    .primary_key(Index::create().col("price_list_id").col("position"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_price_list_entries_price_list_id")
                            .from("price_list_entries", "price_list_id")
                            .to("price_lists", "id")
                            .on_delete(sea_orm_migration::prelude::ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut reference("price_list_entries", "product_id", "products"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("discount_rules")
                    .col(pk_uuid("id"))
                    .col(string_len("name", 200))
                    .col(string_len("percent", 16))
                    .col(string_len_null("customer_group", 100))
                    .col(string_len_null("product_group", 100))
                    .col(string_len_null("min_quantity", 64))
                    .col(date_null("valid_from"))
                    .col(date_null("valid_to"))
                    .col(string_len_null("turnover_period", 10))
                    .col(string_len_null("turnover_threshold", 64))
                    .col(string_len_null("turnover_currency", 3))
                    .col(boolean("active"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, "price_lists", &[("ix_price_lists_name", &["name", "id"])]).await?;
        // Pricing a line reads the entries of one list for the line's products.
        create_indexes(
            manager,
            "price_list_entries",
            &[("ix_price_list_entries_product", &["price_list_id", "product_id"])],
        )
        .await?;
        create_indexes(
            manager,
            "discount_rules",
            &[("ix_discount_rules_name", &["name", "id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["discount_rules", "price_list_entries", "price_lists"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
