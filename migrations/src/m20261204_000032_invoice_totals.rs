use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, Table, async_trait};
use sea_orm_migration::schema::text_null;

/// The gross total of an invoice or credit note, stored with every write like its net total, so
/// that receivables aging reads one narrow row per open invoice instead of every line of it. Rows
/// written before have none until the server fills them in at start-up
/// (`persistence::invoices::fill_in_totals`): the total is computed from the lines in Rust.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("invoices")
                    .add_column(text_null("total"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("invoices").drop_column("total").to_owned())
            .await
    }
}
