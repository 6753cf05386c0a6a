use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{
    boolean, integer, pk_uuid, string_len, string_len_null, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

use crate::create_indexes;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("products")
                    .col(pk_uuid("id"))
                    .col(string_len("sku", 64))
                    .col(string_len("name", 200))
                    .col(text_null("description"))
                    .col(string_len("kind", 10))
                    .col(string_len("unit", 20))
                    // Decimals as text: exact on both databases.
                    .col(string_len("list_price", 64))
                    .col(string_len("currency", 3))
                    .col(string_len("tax_rate", 16))
                    .col(string_len_null("product_group", 100))
                    .col(boolean("active"))
                    .col(string_len_null("external_id", 200))
                    // Lower-cased SKU, name and external id, for `q`.
                    .col(text("search_text"))
                    .col(timestamp_with_time_zone_null("archived_at"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        // SKUs and external ids are unique across all products, archived ones included: a line
        // that names a SKU names one product forever.
        for (name, column) in [("ux_products_sku", "sku"), ("ux_products_external_id", "external_id")] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("products")
                        .col(column)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        create_indexes(
            manager,
            "products",
            &[
                ("ix_products_name", &["name", "id"]),
                ("ix_products_sku_id", &["sku", "id"]),
                ("ix_products_created", &["created_at", "id"]),
                ("ix_products_updated", &["updated_at", "id"]),
                ("ix_products_group", &["product_group"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("products").to_owned()).await
    }
}
