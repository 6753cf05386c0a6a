use sea_orm::entity::prelude::*;

use crate::decimal_text::DecimalText;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub number: Option<String>,
    pub status: String,
    pub party_id: Uuid,
    pub currency: String,
    pub invoice_order_id: Option<Uuid>,
    pub credits_invoice_id: Option<Uuid>,
    pub payment_terms_days: i32,
    pub invoice_date: Option<Date>,
    pub due_date: Option<Date>,
    pub party_name: Option<String>,
    /// JSON address.
    pub party_address: Option<String>,
    pub party_vat_id: Option<String>,
    pub notes: Option<String>,
    pub net_total: DecimalText,
    /// The gross total (net and tax), written with every write; none only on a row written before
    /// the column existed, until start-up fills it in.
    pub total: Option<DecimalText>,
    pub paid_amount: DecimalText,
    pub credited_amount: DecimalText,
    pub external_id: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
