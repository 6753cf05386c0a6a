use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscription_periods")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub period_index: i32,
    pub period_start: Date,
    pub period_end: Date,
    pub due_on: Date,
    /// `billed` or `skipped`.
    pub outcome: String,
    pub sales_order_id: Option<Uuid>,
    pub run_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
