use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, async_trait};

use crate::create_indexes;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Issuing reads the latest date of its series: the last entry of this index.
        create_indexes(
            manager,
            "invoices",
            &[("ix_invoices_kind_date", &["kind", "invoice_date"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("ix_invoices_kind_date").table("invoices").to_owned())
            .await
    }
}
