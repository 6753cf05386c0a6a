use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "history_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub resource_type: String,
    pub resource_id: Uuid,
    pub action: String,
    pub actor_id: Option<Uuid>,
    pub occurred_at: DateTimeUtc,
    /// JSON array of `{field, from, to}`.
    pub changes: String,
}

impl ActiveModelBehavior for ActiveModel {}
