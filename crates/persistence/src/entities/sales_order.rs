use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sales_orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub number: String,
    pub party_id: Uuid,
    pub offer_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub currency: String,
    pub order_date: Date,
    pub payment_terms_days: i32,
    /// JSON address.
    pub billing_address: Option<String>,
    /// JSON address.
    pub shipping_address: Option<String>,
    pub notes: Option<String>,
    pub status: String,
    pub external_id: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
