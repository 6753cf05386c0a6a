use sea_orm::entity::prelude::*;

use crate::decimal_text::DecimalText;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "opportunities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    pub party_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub stage_id: Uuid,
    pub status: String,
    pub amount: Option<DecimalText>,
    pub currency: Option<String>,
    pub probability: i32,
    pub expected_close_date: Option<Date>,
    pub source: Option<String>,
    /// JSON array of party ids.
    pub competitor_ids: String,
    pub lost_reason: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    /// Lower-cased title, for text search.
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
