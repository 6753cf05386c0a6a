use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{
    big_integer, date, date_null, integer, pk_uuid, string_len, string_len_null, text, text_null,
    timestamp_with_time_zone, uuid, uuid_null,
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
                    .table("invoices")
                    .col(pk_uuid("id"))
                    .col(string_len("kind", 20))
                    // Drawn when issued: drafts have none.
                    .col(string_len_null("number", 20))
                    .col(string_len("status", 20))
                    .col(uuid("party_id"))
                    .col(string_len("currency", 3))
                    .col(uuid_null("invoice_order_id"))
                    .col(uuid_null("credits_invoice_id"))
                    .col(integer("payment_terms_days"))
                    .col(date_null("invoice_date"))
                    .col(date_null("due_date"))
                    // The party as it was when issued.
                    .col(string_len_null("party_name", 200))
                    .col(text_null("party_address"))
                    .col(string_len_null("party_vat_id", 50))
                    .col(text_null("notes"))
                    // Exact decimal text. The net total is kept for turnover; payments and issued
                    // credit notes add to their sums under the invoice's row lock.
                    .col(string_len("net_total", 64))
                    .col(string_len("paid_amount", 64))
                    .col(string_len("credited_amount", 64))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut reference("invoices", "party_id", "parties"))
                    .foreign_key(&mut reference("invoices", "invoice_order_id", "invoice_orders"))
                    .foreign_key(&mut reference("invoices", "credits_invoice_id", "invoices"))
                    .to_owned(),
            )
            .await?;
        // The backstop of gap-free numbering: a number is never given twice.
        manager
            .create_index(
                Index::create()
                    .name("ux_invoices_number")
                    .table("invoices")
                    .col("number")
                    .unique()
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "invoices",
            &[
                ("ix_invoices_created", &["created_at", "id"]),
                ("ix_invoices_updated", &["updated_at", "id"]),
                ("ix_invoices_number_id", &["number", "id"]),
                ("ix_invoices_party", &["party_id", "created_at", "id"]),
                ("ix_invoices_status_due", &["status", "due_date"]),
                ("ix_invoices_date", &["party_id", "kind", "invoice_date"]),
                ("ix_invoices_order", &["invoice_order_id"]),
                ("ix_invoices_credits", &["credits_invoice_id"]),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("invoice_lines")
                    .col(pk_uuid("id"))
                    .col(uuid("invoice_id"))
                    .col(integer("position"))
                    .col(uuid_null("sales_order_line_id"))
                    .col(uuid_null("credits_line_id"))
                    .col(uuid_null("product_id"))
                    .col(text("description"))
                    // Ten-thousandths: credit notes credit with a conditional set-based update.
                    .col(big_integer("quantity_units"))
                    .col(big_integer("credited_units"))
                    .col(string_len("unit", 20))
                    .col(string_len("unit_price", 64))
                    .col(string_len("discount_percent", 16))
                    .col(string_len("tax_rate", 16))
                    .foreign_key(&mut reference("invoice_lines", "invoice_id", "invoices"))
                    .foreign_key(&mut reference(
                        "invoice_lines",
                        "sales_order_line_id",
                        "sales_order_lines",
                    ))
                    .foreign_key(&mut reference("invoice_lines", "credits_line_id", "invoice_lines"))
                    .foreign_key(&mut reference("invoice_lines", "product_id", "products"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_invoice_lines_position")
                    .table("invoice_lines")
                    .col("invoice_id")
                    .col("position")
                    .unique()
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "invoice_lines",
            &[
                ("ix_invoice_lines_sales_line", &["sales_order_line_id"]),
                ("ix_invoice_lines_credits", &["credits_line_id"]),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("payments")
                    .col(pk_uuid("id"))
                    .col(uuid("invoice_id"))
                    .col(string_len("amount", 64))
                    .col(date("date"))
                    .col(string_len("method", 20))
                    .col(string_len_null("reference", 200))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut reference("payments", "invoice_id", "invoices"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "payments",
            &[("ix_payments_invoice", &["invoice_id", "created_at"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["payments", "invoice_lines", "invoices"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
