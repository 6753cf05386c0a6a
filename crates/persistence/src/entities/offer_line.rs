use sea_orm::entity::prelude::*;

use crate::decimal_text::DecimalText;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub offer_id: Uuid,
    pub position: i32,
    pub product_id: Option<Uuid>,
    pub description: String,
    pub quantity: DecimalText,
    pub unit: String,
    pub unit_price: DecimalText,
    pub discount_percent: DecimalText,
    pub tax_rate: DecimalText,
    pub optional: bool,
    pub selected: bool,
}

impl ActiveModelBehavior for ActiveModel {}
