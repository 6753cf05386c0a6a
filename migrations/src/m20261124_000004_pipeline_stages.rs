use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, Query, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{boolean, integer, pk_uuid, string_len, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The default pipeline of domain.md: name, default probability, kind.
const DEFAULT_STAGES: &[(&str, i32, &str)] = &[
    ("Qualification", 10, "open"),
    ("Needs analysis", 25, "open"),
    ("Proposal", 50, "open"),
    ("Negotiation", 75, "open"),
    ("Won", 100, "won"),
    ("Lost", 0, "lost"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("pipeline_stages")
                    .col(pk_uuid("id"))
                    .col(string_len("name", 100))
                    .col(integer("position"))
                    .col(integer("default_probability"))
                    .col(string_len("kind", 10))
                    .col(boolean("retired"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_pipeline_stages_position")
                    .table("pipeline_stages")
                    .col("position")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);
        let mut insert = Query::insert()
            .into_table("pipeline_stages")
            .columns([
                "id",
                "name",
                "position",
                "default_probability",
                "kind",
                "retired",
                "version",
                "created_at",
                "updated_at",
            ])
            .to_owned();
        for (position, (name, probability, kind)) in (0..).zip(DEFAULT_STAGES) {
            insert.values_panic([
                uuid::Uuid::now_v7().into(),
                (*name).into(),
                (position * 10).into(),
                (*probability).into(),
                (*kind).into(),
                false.into(),
                1.into(),
                now.into(),
                now.into(),
            ]);
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("pipeline_stages").to_owned())
            .await
    }
}
