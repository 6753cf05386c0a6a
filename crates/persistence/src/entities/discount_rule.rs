use sea_orm::entity::prelude::*;

use crate::decimal_text::DecimalText;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "discount_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub percent: DecimalText,
    pub customer_group: Option<String>,
    pub product_group: Option<String>,
    pub min_quantity: Option<DecimalText>,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub turnover_period: Option<String>,
    pub turnover_threshold: Option<DecimalText>,
    pub turnover_currency: Option<String>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
