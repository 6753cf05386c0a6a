use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscription_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub as_of: Date,
    /// `request` or `schedule`.
    pub trigger: String,
    pub requested_by: Option<Uuid>,
    pub started_at: DateTimeUtc,
    pub finished_at: DateTimeUtc,
    pub billed: i32,
    pub skipped: i32,
    pub failed: i32,
    /// `[{subscription_id, code, detail}]` as JSON.
    pub failures: String,
}

impl ActiveModelBehavior for ActiveModel {}
