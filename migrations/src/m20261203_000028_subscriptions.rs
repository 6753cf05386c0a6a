use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{
    date, date_null, integer, pk_uuid, string_len, string_len_null, text, timestamp_with_time_zone, uuid, uuid_null,
};

use crate::{create_indexes, reference};

/// Subscriptions, their billing periods (one row per period billed or skipped: a unique key per
/// subscription and start makes "billed once" the database's promise), and the billing runs.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("subscriptions")
                    .col(pk_uuid("id"))
                    .col(string_len("number", 20))
                    .col(uuid("party_id"))
                    .col(uuid_null("contract_id"))
                    .col(string_len("currency", 3))
                    // Read and written only with their subscription.
                    .col(text("lines"))
                    .col(string_len("interval", 10))
                    .col(integer("interval_count"))
                    .col(date("start_date"))
                    .col(date_null("end_date"))
                    .col(string_len("billing", 12))
                    .col(string_len_null("external_id", 200))
                    .col(string_len("status", 12))
                    .col(date_null("activated_on"))
                    .col(date_null("cancelled_on"))
                    .col(text("pauses"))
                    .col(integer("billed_before"))
                    .col(integer("auto_billed_before"))
                    // Derived when written: the day a run next finds a period due, and the day the
                    // daily job next has something to do (bill, or end it).
                    .col(date_null("next_billing_on"))
                    .col(date_null("next_step_on"))
                    .col(text("search_text"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut reference("subscriptions", "party_id", "parties"))
                    .foreign_key(&mut reference("subscriptions", "contract_id", "contracts"))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ux_subscriptions_number", "number"),
            ("ux_subscriptions_external_id", "external_id"),
        ] {
            let index = Index::create()
                .name(name)
                .table("subscriptions")
                .col(column)
                .unique()
                .to_owned();
            manager.create_index(index).await?;
        }
        create_indexes(
            manager,
            "subscriptions",
            &[
                ("ix_subscriptions_created", &["created_at", "id"]),
                ("ix_subscriptions_updated", &["updated_at", "id"]),
                ("ix_subscriptions_number_id", &["number", "id"]),
                ("ix_subscriptions_party", &["party_id", "created_at", "id"]),
                ("ix_subscriptions_status", &["status", "created_at", "id"]),
                ("ix_subscriptions_contract", &["contract_id", "created_at", "id"]),
                ("ix_subscriptions_next_billing", &["next_billing_on", "id"]),
                ("ix_subscriptions_next_step", &["next_step_on", "id"]),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("subscription_periods")
                    .col(pk_uuid("id"))
                    .col(uuid("subscription_id"))
                    .col(integer("period_index"))
                    .col(date("period_start"))
                    .col(date("period_end"))
                    .col(date("due_on"))
                    .col(string_len("outcome", 10))
                    .col(uuid_null("sales_order_id"))
                    // The run that billed it (no key: a run's row is written when it ends).
                    .col(uuid_null("run_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut reference(
                        "subscription_periods",
                        "subscription_id",
                        "subscriptions",
                    ))
                    .foreign_key(&mut reference("subscription_periods", "sales_order_id", "sales_orders"))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "ux_subscription_periods_start",
                &["subscription_id", "period_start"][..],
            ),
            ("ux_subscription_periods_order", &["sales_order_id"][..]),
        ] {
            let mut index = Index::create()
                .name(name)
                .table("subscription_periods")
                .unique()
                .to_owned();
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index).await?;
        }
        create_indexes(
            manager,
            "subscription_periods",
            &[("ix_subscription_periods_run", &["run_id", "period_start"])],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("subscription_runs")
                    .col(pk_uuid("id"))
                    .col(date("as_of"))
                    .col(string_len("trigger", 10))
                    .col(uuid_null("requested_by"))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone("finished_at"))
                    .col(integer("billed"))
                    .col(integer("skipped"))
                    .col(integer("failed"))
                    // `[{subscription_id, code, detail}]`: what could not be billed, and why.
                    .col(text("failures"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "subscription_runs",
            &[("ix_subscription_runs_started", &["started_at", "id"])],
        )
        .await
    }
}
