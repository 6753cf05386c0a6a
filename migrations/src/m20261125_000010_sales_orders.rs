use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{
    big_integer, date, integer, pk_uuid, string_len, text, text_null, timestamp_with_time_zone, uuid, uuid_null,
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
                    .table("sales_orders")
                    .col(pk_uuid("id"))
                    .col(string_len("number", 20))
                    .col(uuid("party_id"))
                    .col(uuid_null("offer_id"))
                    .col(uuid_null("owner_id"))
                    .col(string_len("currency", 3))
                    .col(date("order_date"))
                    .col(integer("payment_terms_days"))
                    // JSON addresses, copied from the party when the order was made.
                    .col(text_null("billing_address"))
                    .col(text_null("shipping_address"))
                    .col(text_null("notes"))
                    .col(string_len("status", 20))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut reference("sales_orders", "party_id", "parties"))
                    .foreign_key(&mut reference("sales_orders", "offer_id", "offers"))
                    .foreign_key(&mut reference("sales_orders", "owner_id", "users"))
                    .to_owned(),
            )
            .await?;
        // An offer converts once: the database refuses a second order of it, also when two
        // conversions race (several orders without an offer are fine: NULLs are distinct).
        for (name, column) in [
            ("ux_sales_orders_offer", "offer_id"),
            ("ux_sales_orders_number", "number"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("sales_orders")
                        .col(column)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        create_indexes(
            manager,
            "sales_orders",
            &[
                ("ix_sales_orders_created", &["created_at", "id"]),
                ("ix_sales_orders_updated", &["updated_at", "id"]),
                ("ix_sales_orders_number", &["number", "id"]),
                ("ix_sales_orders_party", &["party_id", "created_at", "id"]),
                ("ix_sales_orders_owner", &["owner_id", "created_at", "id"]),
                ("ix_sales_orders_date", &["order_date"]),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("sales_order_lines")
                    .col(pk_uuid("id"))
                    .col(uuid("sales_order_id"))
                    .col(integer("position"))
                    .col(uuid_null("offer_line_id"))
                    .col(uuid_null("product_id"))
                    .col(text("description"))
                    // Quantities in ten-thousandths (4 decimals), as integers: invoice orders
                    // reserve with one conditional UPDATE that the database computes exactly.
                    .col(big_integer("quantity_units"))
                    .col(big_integer("reserved_units"))
                    .col(big_integer("invoiced_units"))
                    .col(string_len("unit", 20))
                    // Prices and percentages as exact decimal text.
                    .col(string_len("unit_price", 64))
                    .col(string_len("discount_percent", 16))
                    .col(string_len("tax_rate", 16))
                    .foreign_key(&mut reference("sales_order_lines", "sales_order_id", "sales_orders"))
                    .foreign_key(&mut reference("sales_order_lines", "offer_line_id", "offer_lines"))
                    .foreign_key(&mut reference("sales_order_lines", "product_id", "products"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_sales_order_lines_position")
                    .table("sales_order_lines")
                    .col("sales_order_id")
                    .col("position")
                    .unique()
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "sales_order_lines",
            &[("ix_sales_order_lines_offer_line", &["offer_line_id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["sales_order_lines", "sales_orders"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
