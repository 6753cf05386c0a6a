use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table, async_trait,
};
use sea_orm_migration::schema::{
    big_integer, boolean, integer, pk_uuid, string_len, string_len_null, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null, uuid, uuid_null,
};

use crate::{create_indexes, reference};

/// Support cases with their messages, and the SLA policies that set their clocks.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("sla_policies")
                    .col(pk_uuid("id"))
                    .col(string_len("name", 200))
                    .col(string_len("priority", 10))
                    .col(string_len_null("customer_group", 100))
                    // `{priority}/{customer_group}`: one policy per priority and group (and one for
                    // every group), so which one applies is never a tie.
                    .col(string_len("match_key", 120).unique_key())
                    .col(big_integer("first_response_minutes"))
                    .col(big_integer("resolution_minutes"))
                    .col(text("calendar"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "sla_policies",
            &[
                ("ix_sla_policies_created", &["created_at", "id"]),
                ("ix_sla_policies_updated", &["updated_at", "id"]),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("cases")
                    .col(pk_uuid("id"))
                    .col(string_len("number", 20))
                    .col(string_len("subject", 200))
                    .col(text_null("description"))
                    .col(uuid("party_id"))
                    .col(uuid_null("contact_id"))
                    .col(uuid_null("product_id"))
                    .col(uuid_null("sales_order_id"))
                    .col(uuid_null("invoice_id"))
                    .col(string_len("priority", 10))
                    .col(string_len("channel", 10))
                    .col(uuid_null("team_id"))
                    .col(uuid_null("assignee_id"))
                    .col(timestamp_with_time_zone_null("assigned_at"))
                    .col(string_len_null("external_id", 200))
                    .col(string_len("status", 12))
                    .col(timestamp_with_time_zone_null("first_response_at"))
                    .col(timestamp_with_time_zone_null("resolved_at"))
                    .col(timestamp_with_time_zone_null("reopen_until"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    // The SLA clock (policy, calendar, targets, segments, alerts raised) is kept
                    // whole with its case: it is read and written only with it.
                    .col(uuid_null("sla_policy_id"))
                    .col(text_null("sla"))
                    // Derived from the clock when the case is written, for filters and the job.
                    .col(timestamp_with_time_zone_null("first_response_due_at"))
                    .col(timestamp_with_time_zone_null("resolution_due_at"))
                    .col(timestamp_with_time_zone_null("sla_at_risk_at"))
                    .col(timestamp_with_time_zone_null("sla_breach_at"))
                    .col(boolean("sla_breached"))
                    .col(timestamp_with_time_zone_null("sla_next_alert_at"))
                    .col(text("search_text"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut reference("cases", "party_id", "parties"))
                    .foreign_key(&mut reference("cases", "contact_id", "parties"))
                    .foreign_key(&mut reference("cases", "product_id", "products"))
                    .foreign_key(&mut reference("cases", "sales_order_id", "sales_orders"))
                    .foreign_key(&mut reference("cases", "invoice_id", "invoices"))
                    .foreign_key(&mut reference("cases", "team_id", "teams"))
                    .foreign_key(&mut reference("cases", "assignee_id", "users"))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [("ux_cases_number", "number"), ("ux_cases_external_id", "external_id")] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("cases")
                        .col(column)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        create_indexes(
            manager,
            "cases",
            &[
                ("ix_cases_created", &["created_at", "id"]),
                ("ix_cases_updated", &["updated_at", "id"]),
                ("ix_cases_number_id", &["number", "id"]),
                ("ix_cases_party", &["party_id", "created_at", "id"]),
                ("ix_cases_status", &["status", "created_at", "id"]),
                ("ix_cases_team", &["team_id", "created_at", "id"]),
                ("ix_cases_assignee", &["assignee_id", "status"]),
                ("ix_cases_next_alert", &["sla_next_alert_at"]),
                ("ix_cases_reopen_until", &["status", "reopen_until"]),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("case_messages")
                    .col(pk_uuid("id"))
                    .col(uuid("case_id"))
                    .col(text("body"))
                    .col(string_len("visibility", 10))
                    .col(string_len("direction", 10))
                    .col(uuid_null("author_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut reference("case_messages", "case_id", "cases"))
                    .foreign_key(&mut reference("case_messages", "author_id", "users"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "case_messages",
            &[("ix_case_messages_case", &["case_id", "created_at", "id"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["case_messages", "cases", "sla_policies"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
