use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{
    boolean, date, date_null, integer, integer_null, pk_uuid, string_len, string_len_null, text, text_null,
    timestamp_with_time_zone, uuid, uuid_null,
};

use crate::{create_indexes, reference};

/// Contracts: a client's agreed conditions, their term, renewal and termination.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("contracts")
                    .col(pk_uuid("id"))
                    .col(string_len("number", 20))
                    .col(uuid("party_id"))
                    .col(string_len("title", 200))
                    .col(date("valid_from"))
                    .col(date_null("valid_to"))
                    .col(text_null("terms"))
                    .col(integer_null("payment_terms_days"))
                    .col(uuid_null("price_list_id"))
                    .col(string_len_null("discount_percent", 16))
                    .col(boolean("auto_renew"))
                    .col(integer_null("renewal_months"))
                    .col(integer_null("notice_days"))
                    .col(string_len_null("external_id", 200))
                    .col(string_len("status", 12))
                    .col(date_null("activated_on"))
                    .col(date_null("termination_effective_date"))
                    .col(text_null("termination_reason"))
                    .col(date_null("termination_given_on"))
                    .col(date_null("ended_on"))
                    // Derived from the record when it is written: the day the server next renews,
                    // expires or terminates it, so the job reads only the contracts due.
                    .col(date_null("next_step_on"))
                    .col(text("search_text"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut reference("contracts", "party_id", "parties"))
                    .foreign_key(&mut reference("contracts", "price_list_id", "price_lists"))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ux_contracts_number", "number"),
            ("ux_contracts_external_id", "external_id"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("contracts")
                        .col(column)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        create_indexes(
            manager,
            "contracts",
            &[
                ("ix_contracts_created", &["created_at", "id"]),
                ("ix_contracts_updated", &["updated_at", "id"]),
                ("ix_contracts_number_id", &["number", "id"]),
                ("ix_contracts_valid_from", &["valid_from", "id"]),
                ("ix_contracts_party", &["party_id", "created_at", "id"]),
                ("ix_contracts_status", &["status", "created_at", "id"]),
                ("ix_contracts_price_list", &["price_list_id"]),
                ("ix_contracts_next_step", &["next_step_on"]),
            ],
        )
        .await
    }
}
