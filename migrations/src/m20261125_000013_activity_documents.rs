use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::uuid_null;

use crate::create_indexes;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [(&str, &str); 2] = [
    ("sales_order_id", "ix_activities_sales_order"),
    ("invoice_id", "ix_activities_invoice"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // An activity may now relate to a sales order or an invoice. No foreign keys: SQLite
        // cannot add one to an existing table; the service checks the reference, orders are never
        // deleted, and deleting a draft invoice unlinks its activities.
        for (column, index) in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table("activities")
                        .add_column(uuid_null(column))
                        .to_owned(),
                )
                .await?;
            create_indexes(manager, "activities", &[(index, &[column, "occurs_at", "id"])]).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (column, index) in COLUMNS {
            manager
                .drop_index(Index::drop().name(index).table("activities").to_owned())
                .await?;
            manager
                .alter_table(Table::alter().table("activities").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
