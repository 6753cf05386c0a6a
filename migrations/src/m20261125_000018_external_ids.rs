use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::string_len_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The documents an integrator syncs by its own ids, each with a unique index on them (as
/// parties and products have: 200 characters).
const TABLES: [(&str, &str); 3] = [
    ("offers", "ux_offers_external_id"),
    ("sales_orders", "ux_sales_orders_external_id"),
    ("invoices", "ux_invoices_external_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, index) in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(string_len_null("external_id", 200))
                        .to_owned(),
                )
                .await?;
            // Unique over the non-null values on both databases: rows without one never collide.
            manager
                .create_index(
                    Index::create()
                        .name(index)
                        .table(table)
                        .col("external_id")
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, index) in TABLES {
            manager
                .drop_index(Index::drop().name(index).table(table).to_owned())
                .await?;
            manager
                .alter_table(Table::alter().table(table).drop_column("external_id").to_owned())
                .await?;
        }
        Ok(())
    }
}
