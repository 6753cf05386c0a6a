use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, Table, async_trait};
use sea_orm_migration::schema::{
    integer, integer_null, pk_uuid, string_len, string_len_null, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null, uuid_null,
};

use crate::{create_indexes, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("activities")
                    .col(pk_uuid("id"))
                    .col(string_len("kind", 20))
                    .col(string_len("subject", 200))
                    .col(text_null("description"))
                    .col(uuid_null("party_id"))
                    .col(uuid_null("contact_id"))
                    .col(uuid_null("assignee_id"))
                    .col(string_len("priority", 10))
                    .col(timestamp_with_time_zone_null("starts_at"))
                    .col(timestamp_with_time_zone_null("ends_at"))
                    .col(integer_null("duration_minutes"))
                    .col(timestamp_with_time_zone_null("due_at"))
                    .col(timestamp_with_time_zone_null("remind_at"))
                    // The related document; offers, orders and invoices add theirs with their tables.
                    .col(uuid_null("opportunity_id"))
                    .col(string_len("status", 20))
                    .col(string_len_null("outcome", 20))
                    .col(timestamp_with_time_zone_null("completed_at"))
                    // Derived (start, else due, else logged; end, else that): agendas and contact
                    // histories are index ranges over these.
                    .col(timestamp_with_time_zone("occurs_at"))
                    .col(timestamp_with_time_zone("occurs_until"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut reference("activities", "party_id", "parties"))
                    .foreign_key(&mut reference("activities", "contact_id", "parties"))
                    .foreign_key(&mut reference("activities", "assignee_id", "users"))
                    .foreign_key(&mut reference("activities", "opportunity_id", "opportunities"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            "activities",
            &[
                ("ix_activities_occurs", &["occurs_at", "id"]),
                ("ix_activities_created", &["created_at", "id"]),
                ("ix_activities_updated", &["updated_at", "id"]),
                ("ix_activities_assignee", &["assignee_id", "occurs_at", "id"]),
                ("ix_activities_party", &["party_id", "occurs_at", "id"]),
                ("ix_activities_contact", &["contact_id", "occurs_at", "id"]),
                ("ix_activities_opportunity", &["opportunity_id", "occurs_at", "id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("activities").to_owned()).await
    }
}
