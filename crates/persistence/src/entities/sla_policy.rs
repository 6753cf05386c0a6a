use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sla_policies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub priority: String,
    pub customer_group: Option<String>,
    /// `{priority}/{customer_group}`, unique: one policy per priority and group.
    pub match_key: String,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
    /// The business calendar as JSON, in its API form.
    pub calendar: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
