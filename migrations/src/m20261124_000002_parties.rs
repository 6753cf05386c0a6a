use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, ForeignKey, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{
    integer, pk_uuid, string_len, string_len_null, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("parties")
                    .col(pk_uuid("id"))
                    .col(string_len("kind", 20))
                    .col(string_len("name", 200))
                    .col(uuid_null("organization_id"))
                    // Sets and value objects owned by the party, never queried on their own:
                    // JSON text, identical on both databases, one row per party.
                    .col(text("roles"))
                    .col(string_len_null("email", 254))
                    .col(string_len_null("phone", 50))
                    .col(string_len_null("website", 500))
                    .col(string_len_null("vat_id", 50))
                    .col(text("addresses"))
                    .col(text("bank_accounts"))
                    .col(integer("payment_terms_days"))
                    // Decimal as text: exact on both databases (SQLite would read a REAL).
                    .col(string_len_null("credit_limit", 64))
                    .col(string_len_null("currency", 3))
                    .col(uuid_null("price_list_id"))
                    .col(string_len_null("customer_group", 100))
                    .col(uuid_null("owner_id"))
                    .col(text("tags"))
                    .col(text_null("notes"))
                    .col(string_len_null("external_id", 200))
                    // Lower-cased name, email and external id, for `q`: lowered in Rust, so the
                    // search is case-insensitive for every script on both databases.
                    .col(text("search_text"))
                    .col(timestamp_with_time_zone_null("archived_at"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_parties_organization")
                            .from("parties", "organization_id")
                            .to("parties", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_parties_owner")
                            .from("parties", "owner_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // One index per documented sort, ending in `id` so keyset pages are index range scans.
        for (name, cols, unique) in [
            ("ux_parties_external_id", &["external_id"][..], true),
            ("ix_parties_name", &["name", "id"][..], false),
            ("ix_parties_created", &["created_at", "id"][..], false),
            ("ix_parties_updated", &["updated_at", "id"][..], false),
            ("ix_parties_owner", &["owner_id"][..], false),
            ("ix_parties_organization", &["organization_id"][..], false),
        ] {
            let mut index = Index::create().name(name).table("parties").to_owned();
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
        manager.drop_table(Table::drop().table("parties").to_owned()).await
    }
}
