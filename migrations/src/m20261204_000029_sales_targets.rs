use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, Table, async_trait};
use sea_orm_migration::schema::{
    date, integer, pk_uuid, string_len, string_len_null, text, timestamp_with_time_zone, uuid_null,
};

use crate::{create_indexes, reference};

/// Sales targets of users and teams.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("sales_targets")
                    .col(pk_uuid("id"))
                    .col(uuid_null("user_id"))
                    .col(uuid_null("team_id"))
                    .col(string_len("period", 10))
                    .col(date("period_start"))
                    .col(string_len("metric", 30))
                    // Decimal as text, like every amount: exact on both databases.
                    .col(text("target"))
                    .col(string_len_null("currency", 3))
                    // `{subject}/{period}/{metric}/{currency}`: one target per measure, so an
                    // achievement is never asked of two goals.
                    .col(string_len("match_key", 120).unique_key())
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut reference("sales_targets", "user_id", "users"))
                    .foreign_key(&mut reference("sales_targets", "team_id", "teams"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "sales_targets",
            &[
                ("ix_sales_targets_created", &["created_at", "id"]),
                ("ix_sales_targets_updated", &["updated_at", "id"]),
                ("ix_sales_targets_user", &["user_id", "period_start"]),
                ("ix_sales_targets_team", &["team_id", "period_start"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("sales_targets").to_owned())
            .await
    }
}
