use sea_orm::entity::prelude::*;

use crate::decimal_text::DecimalText;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub position: i32,
    pub sales_order_line_id: Option<Uuid>,
    pub credits_line_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub description: String,
    /// Ten-thousandths.
    pub quantity_units: i64,
    pub credited_units: i64,
    pub unit: String,
    pub unit_price: DecimalText,
    pub discount_percent: DecimalText,
    pub tax_rate: DecimalText,
}

impl ActiveModelBehavior for ActiveModel {}
