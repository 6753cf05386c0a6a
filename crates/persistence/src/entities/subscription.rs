use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub number: String,
    pub party_id: Uuid,
    pub contract_id: Option<Uuid>,
    pub currency: String,
    /// The lines as JSON (`crate::subscriptions::json`).
    pub lines: String,
    pub interval: String,
    pub interval_count: i32,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub billing: String,
    pub external_id: Option<String>,
    pub status: String,
    pub activated_on: Option<Date>,
    pub cancelled_on: Option<Date>,
    /// The pauses as JSON (`crate::subscriptions::json`).
    pub pauses: String,
    pub billed_before: i32,
    pub auto_billed_before: i32,
    pub next_billing_on: Option<Date>,
    pub next_step_on: Option<Date>,
    /// Lower-cased number, for text search.
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
