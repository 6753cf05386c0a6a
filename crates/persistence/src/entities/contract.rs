use sea_orm::entity::prelude::*;

use crate::decimal_text::DecimalText;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contracts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub number: String,
    pub party_id: Uuid,
    pub title: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub terms: Option<String>,
    pub payment_terms_days: Option<i32>,
    pub price_list_id: Option<Uuid>,
    pub discount_percent: Option<DecimalText>,
    pub auto_renew: bool,
    pub renewal_months: Option<i32>,
    pub notice_days: Option<i32>,
    pub external_id: Option<String>,
    pub status: String,
    pub activated_on: Option<Date>,
    pub termination_effective_date: Option<Date>,
    pub termination_reason: Option<String>,
    pub termination_given_on: Option<Date>,
    pub ended_on: Option<Date>,
    /// The day the server next renews, expires or terminates it (`Contract::next_step_on`).
    pub next_step_on: Option<Date>,
    /// Lower-cased number and title, for text search.
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
