use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
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
                    .table("invoice_orders")
                    .col(pk_uuid("id"))
                    .col(uuid("party_id"))
                    .col(string_len("currency", 3))
                    .col(string_len("status", 20))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut reference("invoice_orders", "party_id", "parties"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "invoice_orders",
            &[
                ("ix_invoice_orders_created", &["created_at", "id"]),
                ("ix_invoice_orders_updated", &["updated_at", "id"]),
                ("ix_invoice_orders_party", &["party_id", "created_at", "id"]),
                ("ix_invoice_orders_status", &["status"]),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("invoice_order_lines")
                    .col(pk_uuid("id"))
                    .col(uuid("invoice_order_id"))
                    .col(integer("position"))
                    .col(uuid("sales_order_line_id"))
                    // Ten-thousandths, like the sales order line's counters it moves.
                    .col(big_integer("quantity_units"))
                    .foreign_key(&mut reference(
                        "invoice_order_lines",
                        "invoice_order_id",
                        "invoice_orders",
                    ))
                    .foreign_key(&mut reference(
                        "invoice_order_lines",
                        "sales_order_line_id",
                        "sales_order_lines",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_invoice_order_lines_position")
                    .table("invoice_order_lines")
                    .col("invoice_order_id")
                    .col("position")
                    .unique()
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "invoice_order_lines",
            &[("ix_invoice_order_lines_sales_line", &["sales_order_line_id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["invoice_order_lines", "invoice_orders"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
