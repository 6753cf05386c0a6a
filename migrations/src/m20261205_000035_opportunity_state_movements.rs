use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, Table, async_trait};
use sea_orm_migration::schema::small_integer_null;

/// How an opportunity moved into each of its states (new, advanced, slipped, won, lost; one bit
/// each), stored with the state, so that `pipeline-changes` sums each opportunity's movements in
/// SQL and reads one narrow row per opportunity instead of every state of the window. Worked out
/// in Rust (`domain::report::changes::movements`) with the stage order of the moment the state is
/// written; rows written before have none until the server fills them in at start-up
/// (`persistence::opportunity_states::fill_in_movements`).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("opportunity_states")
                    .add_column(small_integer_null("movements"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("opportunity_states")
                    .drop_column("movements")
                    .to_owned(),
            )
            .await
    }
}
