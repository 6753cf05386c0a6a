use sea_orm::entity::prelude::*;

use crate::decimal_text::DecimalText;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "parties")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub organization_id: Option<Uuid>,
    /// JSON array of role names.
    pub roles: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub vat_id: Option<String>,
    /// JSON array of addresses.
    pub addresses: String,
    /// JSON array of bank accounts.
    pub bank_accounts: String,
    pub payment_terms_days: i32,
    pub credit_limit: Option<DecimalText>,
    pub currency: Option<String>,
    pub price_list_id: Option<Uuid>,
    pub customer_group: Option<String>,
    pub owner_id: Option<Uuid>,
    /// JSON array of tags.
    pub tags: String,
    pub notes: Option<String>,
    pub external_id: Option<String>,
    /// Lower-cased name, email and external id, for text search.
    pub search_text: String,
    pub archived_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
