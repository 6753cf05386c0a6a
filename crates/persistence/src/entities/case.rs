use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub number: String,
    pub subject: String,
    pub description: Option<String>,
    pub party_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub sales_order_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub priority: String,
    pub channel: String,
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub assigned_at: Option<DateTimeUtc>,
    pub external_id: Option<String>,
    pub status: String,
    pub first_response_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub reopen_until: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub sla_policy_id: Option<Uuid>,
    /// The SLA clock as JSON (`crate::cases::sla_json`).
    pub sla: Option<String>,
    pub first_response_due_at: Option<DateTimeUtc>,
    pub resolution_due_at: Option<DateTimeUtc>,
    pub sla_at_risk_at: Option<DateTimeUtc>,
    pub sla_breach_at: Option<DateTimeUtc>,
    pub sla_breached: bool,
    pub sla_next_alert_at: Option<DateTimeUtc>,
    /// Lower-cased number and subject, for text search.
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
