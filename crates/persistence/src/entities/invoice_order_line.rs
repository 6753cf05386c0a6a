use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_order_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub invoice_order_id: Uuid,
    pub position: i32,
    pub sales_order_line_id: Uuid,
    /// Ten-thousandths.
    pub quantity_units: i64,
}

impl ActiveModelBehavior for ActiveModel {}
