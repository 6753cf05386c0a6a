use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, async_trait};

use crate::create_indexes;

/// The parties a sales user sees (owned by them or a teammate: a fifth of them on the seed data)
/// read from the index alone: invoices, invoice orders and every report of a sales user go
/// through them. `owner_id` alone made PostgreSQL read the table (95 ms on 300,000 parties
/// against 16 ms from this index, `persistence::visibility`).
#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD: &str = "ix_parties_owner";
const NEW: &str = "ix_parties_owner_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(manager, "parties", &[(NEW, &["owner_id", "id"])]).await?;
        manager
            .drop_index(Index::drop().name(OLD).table("parties").to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(manager, "parties", &[(OLD, &["owner_id"])]).await?;
        manager
            .drop_index(Index::drop().name(NEW).table("parties").to_owned())
            .await
    }
}
