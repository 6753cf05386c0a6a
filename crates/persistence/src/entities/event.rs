use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    /// PostgreSQL: the writing transaction's id; SQLite: 0.
    pub tx: i64,
    pub id: Uuid,
    #[sea_orm(column_name = "type")]
    pub kind: String,
    pub resource_type: String,
    pub resource_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub occurred_at: DateTimeUtc,
    /// The record's public form, JSON.
    pub data: String,
}

impl ActiveModelBehavior for ActiveModel {}
