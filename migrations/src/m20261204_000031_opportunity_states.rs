use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, Table, async_trait};
use sea_orm_migration::schema::{
    date_null, integer, pk_uuid, string_len, string_len_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
    uuid, uuid_null,
};

use crate::{create_indexes, reference};

/// The pipeline's rollup: each opportunity's successive states as the pipeline reads them (stage,
/// owner, status, amount, probability, close date), each valid from one instant until the next,
/// with what it followed. Written in the transaction of every change of an opportunity, so the
/// pipeline of a past day and the pipeline's changes over a window read a few narrow rows instead
/// of replaying the JSON history. Existing opportunities are filled in from their history when
/// the server starts (`persistence::opportunity_states::catch_up`).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("opportunity_states")
                    .col(pk_uuid("id"))
                    .col(uuid("opportunity_id"))
                    .col(timestamp_with_time_zone("valid_from"))
                    // None: the opportunity's current state.
                    .col(timestamp_with_time_zone_null("valid_to"))
                    .col(uuid("stage_id"))
                    .col(uuid_null("owner_id"))
                    .col(string_len("status", 10))
                    .col(string_len_null("amount", 64))
                    .col(string_len_null("currency", 3))
                    .col(integer("probability"))
                    .col(date_null("expected_close_date"))
                    // The state this one followed; no stage: the opportunity was created.
                    .col(uuid_null("previous_stage_id"))
                    .col(string_len_null("previous_status", 10))
                    .col(date_null("previous_expected_close_date"))
                    .foreign_key(&mut reference("opportunity_states", "opportunity_id", "opportunities"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "opportunity_states",
            &[
                // An opportunity's current state (valid_to IS NULL), to close it on a change.
                ("ix_opportunity_states_of", &["opportunity_id", "valid_to"]),
                // The states that began in a window, and those in force at an instant.
                ("ix_opportunity_states_from", &["valid_from"]),
                ("ix_opportunity_states_to", &["valid_to"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("opportunity_states").to_owned())
            .await
    }
}
