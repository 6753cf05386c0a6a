use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub subject: String,
    pub description: Option<String>,
    pub party_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub priority: String,
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    pub duration_minutes: Option<i32>,
    pub due_at: Option<DateTimeUtc>,
    pub remind_at: Option<DateTimeUtc>,
    pub opportunity_id: Option<Uuid>,
    pub offer_id: Option<Uuid>,
    pub sales_order_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub status: String,
    pub outcome: Option<String>,
    pub completed_at: Option<DateTimeUtc>,
    /// Derived from the times, for agendas and contact histories.
    pub occurs_at: DateTimeUtc,
    pub occurs_until: DateTimeUtc,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
