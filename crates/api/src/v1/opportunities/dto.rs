//! The opportunity resource as it travels over HTTP, and its conversions to and from the domain.

use chrono::{DateTime, NaiveDate, Utc};
use domain::opportunity::{self as model, Opportunity, OpportunityInput};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{double_option, mirror_enum};

/// Follows the kind of the opportunity's stage.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OpportunityStatus {
    Open,
    Won,
    Lost,
}

mirror_enum!(OpportunityStatus <-> model::OpportunityStatus { Open, Won, Lost });

/// A new opportunity.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct OpportunityBody {
    #[schema(min_length = 1, max_length = 200, example = "Fleet renewal 2027")]
    pub title: String,
    /// The customer or prospect.
    pub party_id: Uuid,
    /// A person belonging to the party.
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    /// The responsible sales user; defaults to the caller for sales users.
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    /// Defaults to the pipeline's first open stage.
    #[serde(default)]
    pub stage_id: Option<Uuid>,
    /// Expected revenue, a decimal string ≥ 0 with at most the currency's decimals; needs `currency`.
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "25000.00")]
    pub amount: Option<Decimal>,
    /// ISO 4217 code.
    #[serde(default)]
    #[schema(example = "EUR", pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// Percent, a decimal string of a whole number 0–100 (`"25"`; `"25.0"` is the same, `"12.5"`
    /// is refused as `too_many_decimals`); defaults to the stage's default probability (100 in a
    /// won stage, 0 in a lost one).
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "25")]
    pub probability: Option<Decimal>,
    #[serde(default)]
    pub expected_close_date: Option<NaiveDate>,
    /// Where the lead came from (a campaign, a fair, a referral…).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub source: Option<String>,
    /// Parties with the role competitor.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub competitor_ids: Vec<Uuid>,
    /// Required in a lost stage, refused in any other.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub lost_reason: Option<String>,
}

/// A change: fields present are set, `null` clears, absent fields are kept. A new `stage_id`
/// moves the opportunity: without `probability` it takes the new stage's default, and a lost
/// reason is kept only if given again.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct OpportunityPatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub party_id: Option<Uuid>,
    #[serde(default, deserialize_with = "double_option")]
    pub contact_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub owner_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub stage_id: Option<Uuid>,
    #[serde(default, deserialize_with = "crate::dto::decimal_patch")]
    #[schema(value_type = Option<String>, example = "25000.00")]
    pub amount: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: Option<Option<String>>,
    /// Percent, a decimal string of a whole number 0–100; `null` restores the stage's default.
    #[serde(default, deserialize_with = "crate::dto::decimal_patch")]
    #[schema(value_type = Option<String>, example = "25")]
    pub probability: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "double_option")]
    pub expected_close_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 100)]
    pub source: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_items = 20)]
    pub competitor_ids: Option<Option<Vec<Uuid>>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 1000)]
    pub lost_reason: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityResponse {
    pub id: Uuid,
    pub title: String,
    pub party_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub stage_id: Uuid,
    pub status: OpportunityStatus,
    #[schema(value_type = Option<String>, example = "25000.00")]
    pub amount: Option<Decimal>,
    pub currency: Option<String>,
    /// Percent, a whole number 0–100 as a decimal string.
    #[schema(value_type = String, example = "25")]
    pub probability: Decimal,
    /// `amount × probability / 100`, rounded to the currency's minor unit.
    #[schema(value_type = Option<String>, example = "12500.00")]
    pub weighted_amount: Option<Decimal>,
    pub expected_close_date: Option<NaiveDate>,
    pub source: Option<String>,
    pub competitor_ids: Vec<Uuid>,
    pub lost_reason: Option<String>,
    /// When it was won or lost; null while open.
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Opportunity> for OpportunityResponse {
    fn from(o: Opportunity) -> Self {
        let weighted_amount = o.weighted_amount();
        let f = o.fields;
        Self {
            id: o.id,
            title: f.title,
            party_id: f.party_id,
            contact_id: f.contact_id,
            owner_id: f.owner_id,
            stage_id: f.stage_id,
            status: o.status.into(),
            amount: f.amount,
            currency: f.currency.map(|c| c.code().to_owned()),
            probability: Decimal::from(f.probability),
            weighted_amount,
            expected_close_date: f.expected_close_date,
            source: f.source,
            competitor_ids: f.competitor_ids,
            lost_reason: f.lost_reason,
            closed_at: o.closed_at,
            version: o.version,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

impl From<OpportunityBody> for OpportunityInput {
    fn from(body: OpportunityBody) -> Self {
        Self {
            title: body.title,
            party_id: body.party_id,
            contact_id: body.contact_id,
            owner_id: body.owner_id,
            stage_id: body.stage_id,
            amount: body.amount,
            currency: body.currency,
            probability: body.probability,
            expected_close_date: body.expected_close_date,
            source: body.source,
            competitor_ids: body.competitor_ids,
            lost_reason: body.lost_reason,
        }
    }
}

impl OpportunityPatch {
    /// Applies the present fields to `input`, the current record in input form; the stage first,
    /// so that a probability or lost reason in the same change applies to the new stage.
    pub fn apply_to(self, input: &mut OpportunityInput) {
        fn set<T>(target: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *target = value;
            }
        }
        if let Some(stage_id) = self.stage_id {
            input.move_to_stage(stage_id);
        }
        set(&mut input.title, self.title);
        set(&mut input.party_id, self.party_id);
        set(&mut input.contact_id, self.contact_id);
        set(&mut input.owner_id, self.owner_id);
        set(&mut input.amount, self.amount);
        set(&mut input.currency, self.currency);
        set(&mut input.probability, self.probability);
        set(&mut input.expected_close_date, self.expected_close_date);
        set(&mut input.source, self.source);
        set(
            &mut input.competitor_ids,
            self.competitor_ids.map(Option::unwrap_or_default),
        );
        set(&mut input.lost_reason, self.lost_reason);
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OpportunityListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `created_at`, `updated_at` or `title`, `-` for descending (default `created_at`;
    /// `updated_at` when `updated_since` is given).
    #[param(value_type = Option<String>, pattern = "^-?(created_at|updated_at|title)$")]
    pub sort: Option<crate::query::Sort>,
    pub owner_id: Option<Uuid>,
    pub party_id: Option<Uuid>,
    pub stage_id: Option<Uuid>,
    #[serde(default)]
    pub status: Vec<OpportunityStatus>,
    /// Only opportunities expected to close on or after this day.
    pub close_from: Option<NaiveDate>,
    /// Only opportunities expected to close on or before this day.
    pub close_to: Option<NaiveDate>,
    /// Only opportunities won or lost on or after this day (UTC).
    pub closed_from: Option<NaiveDate>,
    /// Only opportunities won or lost on or before this day (UTC).
    pub closed_to: Option<NaiveDate>,
    /// Only opportunities owned by a member of this team.
    pub team_id: Option<Uuid>,
    /// Only opportunities in this currency (ISO 4217).
    #[param(example = "EUR")]
    pub currency: Option<String>,
    /// `true`: only opportunities with an amount; `false`: only those without one.
    pub has_amount: Option<bool>,
    /// Case-insensitive text search in the title.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only opportunities changed at or after this instant; without `sort`, oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
}

/// The filters of `GET /parties/{id}/opportunities`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PartyOpportunityQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `created_at`, `updated_at` or `title`, `-` for descending (default `-created_at`).
    #[param(value_type = Option<String>, pattern = "^-?(created_at|updated_at|title)$")]
    pub sort: Option<crate::query::Sort>,
    pub stage_id: Option<Uuid>,
    #[serde(default)]
    pub status: Vec<OpportunityStatus>,
}

crate::pagination::page_of!(
    /// A page of opportunities.
    OpportunityPage(OpportunityResponse)
);
