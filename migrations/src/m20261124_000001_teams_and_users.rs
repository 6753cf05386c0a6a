use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, ForeignKey, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{boolean, integer, pk_uuid, string_len, text, timestamp_with_time_zone, uuid_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("teams")
                    .col(pk_uuid("id"))
                    .col(string_len("name", 200))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_teams_name")
                    .table("teams")
                    .col("name")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_teams_created")
                    .table("teams")
                    .col("created_at")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(pk_uuid("id"))
                    // Stored lower-cased, so the unique index is case-insensitive.
                    .col(string_len("email", 254))
                    .col(string_len("name", 200))
                    .col(string_len("role", 20))
                    .col(uuid_null("team_id"))
                    .col(boolean("active"))
                    .col(text("password_hash"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_team")
                            .from("users", "team_id")
                            .to("teams", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols, unique) in [
            ("ux_users_email", &["email"][..], true),
            ("ix_users_team", &["team_id"][..], false),
            ("ix_users_created", &["created_at", "id"][..], false),
            ("ix_users_updated", &["updated_at", "id"][..], false),
        ] {
            let mut index = Index::create().name(name).table("users").to_owned();
            for col in cols {
                index.col(*col);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("users").to_owned()).await?;
        manager.drop_table(Table::drop().table("teams").to_owned()).await
    }
}
