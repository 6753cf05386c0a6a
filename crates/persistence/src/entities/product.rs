use sea_orm::entity::prelude::*;

use crate::decimal_text::DecimalText;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: String,
    pub unit: String,
    pub list_price: DecimalText,
    pub currency: String,
    pub tax_rate: DecimalText,
    pub product_group: Option<String>,
    pub active: bool,
    pub external_id: Option<String>,
    /// Lower-cased SKU, name and external id, for text search.
    pub search_text: String,
    pub archived_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
