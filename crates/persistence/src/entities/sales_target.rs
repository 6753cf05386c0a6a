use sea_orm::entity::prelude::*;

use crate::decimal_text::DecimalText;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sales_targets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Exactly one of `user_id` and `team_id` is set.
    pub user_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    /// `month`, `quarter` or `year`.
    pub period: String,
    pub period_start: Date,
    pub metric: String,
    pub target: DecimalText,
    pub currency: Option<String>,
    /// `{subject}/{period}/{metric}/{currency}`, unique: one target per measure.
    pub match_key: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
