use sea_orm::entity::prelude::*;

use crate::decimal_text::DecimalText;

/// One state of an opportunity as the pipeline reads it, valid from `valid_from` until
/// `valid_to` (none: the current one).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "opportunity_states")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub opportunity_id: Uuid,
    pub valid_from: DateTimeUtc,
    pub valid_to: Option<DateTimeUtc>,
    pub stage_id: Uuid,
    pub owner_id: Option<Uuid>,
    pub status: String,
    pub amount: Option<DecimalText>,
    pub currency: Option<String>,
    pub probability: i32,
    pub expected_close_date: Option<Date>,
    /// The stage of the state this one followed; none: the opportunity was created.
    pub previous_stage_id: Option<Uuid>,
    pub previous_status: Option<String>,
    pub previous_expected_close_date: Option<Date>,
    /// How the opportunity moved into this state (`domain::report::changes::Movements`, as
    /// bits); none on a row written before the column, until start-up fills it in.
    pub movements: Option<i16>,
}

impl ActiveModelBehavior for ActiveModel {}
