//! The contract resource as it travels over HTTP, and its conversions to and from the domain.

use chrono::{DateTime, NaiveDate, Utc};
use domain::contract::{self as model, Contract, ContractInput};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{actions_enum, allowed_actions, double_option, mirror_enum};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    Draft,
    Active,
    Terminated,
    Expired,
}

/// What may be done with a contract now: a transition (`POST /contracts/{id}/{action}`), `update`
/// a draft or running one (`PATCH /contracts/{id}`, an amendment), `delete` a draft.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractAction {
    Activate,
    Terminate,
    Update,
    Delete,
}

mirror_enum!(ContractStatus <-> model::ContractStatus { Draft, Active, Terminated, Expired });
actions_enum!(ContractAction <- model::ContractAction { Activate, Terminate });

/// A new contract, created as a `draft`; its conditions apply once it is activated.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ContractBody {
    pub party_id: Uuid,
    #[schema(min_length = 1, max_length = 200, example = "Framework agreement 2026")]
    pub title: String,
    /// The first day its conditions apply (default today).
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    /// Its last day; none: open-ended. Required with `auto_renew`.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// The agreed terms, as text.
    #[serde(default)]
    #[schema(max_length = 50000)]
    pub terms: Option<String>,
    /// The payment terms of the party's new orders and invoices while it applies (default: the party's).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 365)]
    pub payment_terms_days: Option<i32>,
    /// Prices before the party's own price list while it applies.
    #[serde(default)]
    pub price_list_id: Option<Uuid>,
    /// One more candidate in pricing resolution (discounts never stack): greater than 0, at most 100.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "7.5")]
    pub discount_percent: Option<Decimal>,
    /// Reaching `valid_to` extends it by `renewal_months`, unless terminated `notice_days` before.
    #[serde(default)]
    pub auto_renew: bool,
    /// 1–120 (default 12).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 120)]
    pub renewal_months: Option<u32>,
    /// 0–365 (default 0).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 365)]
    pub notice_days: Option<u32>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

/// A change of a draft or active contract (an amendment): fields present are set, `null` clears,
/// absent fields are kept.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ContractPatch {
    /// Only while a draft.
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub party_id: Option<Uuid>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    pub valid_to: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 50000)]
    pub terms: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(minimum = 0, maximum = 365)]
    pub payment_terms_days: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    pub price_list_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub discount_percent: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub auto_renew: Option<bool>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 120)]
    pub renewal_months: Option<u32>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, minimum = 0, maximum = 365)]
    pub notice_days: Option<u32>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 200)]
    pub external_id: Option<Option<String>>,
}

/// Notice of termination: from `effective_date` on (today or later) the contract no longer
/// applies. Dated today it is `terminated` at once; dated ahead it stays `active` until then.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TerminateBody {
    pub effective_date: NaiveDate,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContractResponse {
    pub id: Uuid,
    /// `CT-2026-000001`.
    pub number: String,
    pub party_id: Uuid,
    pub title: String,
    pub valid_from: NaiveDate,
    /// Moves on with each renewal.
    pub valid_to: Option<NaiveDate>,
    pub terms: Option<String>,
    pub payment_terms_days: Option<i32>,
    pub price_list_id: Option<Uuid>,
    #[schema(value_type = Option<String>, example = "7.5")]
    pub discount_percent: Option<Decimal>,
    pub auto_renew: bool,
    pub renewal_months: Option<u32>,
    pub notice_days: Option<u32>,
    /// The last day a termination stops the next renewal (`valid_to` − `notice_days`).
    pub notice_date: Option<NaiveDate>,
    pub external_id: Option<String>,
    pub status: ContractStatus,
    pub activated_on: Option<NaiveDate>,
    /// A termination given: the first day the contract no longer applies.
    pub termination_effective_date: Option<NaiveDate>,
    pub termination_reason: Option<String>,
    /// Once `terminated` or `expired`: the first day it no longer applied.
    pub ended_on: Option<NaiveDate>,
    /// What the caller may do with it now.
    pub allowed_actions: Vec<ContractAction>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ContractResponse {
    pub fn new(contract: Contract, may_act: bool) -> Self {
        let allowed_actions = allowed_actions(
            may_act,
            contract.allowed_actions(),
            [
                (ContractAction::Update, may_act && contract.is_editable()),
                (ContractAction::Delete, may_act && contract.is_deletable()),
            ],
        );
        let notice_date = contract.notice_date();
        let f = contract.fields;
        let termination = contract.state.termination;
        Self {
            id: contract.id,
            number: contract.number,
            party_id: f.party_id,
            title: f.title,
            valid_from: f.valid_from,
            valid_to: f.valid_to,
            terms: f.terms,
            payment_terms_days: f.payment_terms_days,
            price_list_id: f.price_list_id,
            discount_percent: f.discount_percent.map(|p| p.normalize()),
            auto_renew: f.renewal.is_some(),
            renewal_months: f.renewal.map(|r| r.months),
            notice_days: f.renewal.map(|r| r.notice_days),
            notice_date,
            external_id: f.external_id,
            status: contract.state.status.into(),
            activated_on: contract.state.activated_on,
            termination_effective_date: termination.as_ref().map(|t| t.effective_date),
            termination_reason: termination.and_then(|t| t.reason),
            ended_on: contract.state.ended_on,
            allowed_actions,
            version: contract.version,
            created_at: contract.created_at,
            updated_at: contract.updated_at,
        }
    }
}

/// A contract as a party's answer lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractSummary {
    pub id: Uuid,
    pub number: String,
    pub title: String,
    pub valid_to: Option<NaiveDate>,
}

impl From<&Contract> for ContractSummary {
    fn from(c: &Contract) -> Self {
        Self {
            id: c.id,
            number: c.number.clone(),
            title: c.fields.title.clone(),
            valid_to: c.fields.valid_to,
        }
    }
}

impl From<ContractBody> for ContractInput {
    fn from(body: ContractBody) -> Self {
        Self {
            party_id: body.party_id,
            title: body.title,
            valid_from: body.valid_from,
            valid_to: body.valid_to,
            terms: body.terms,
            payment_terms_days: body.payment_terms_days,
            price_list_id: body.price_list_id,
            discount_percent: body.discount_percent,
            auto_renew: body.auto_renew,
            renewal_months: body.renewal_months,
            notice_days: body.notice_days,
            external_id: body.external_id,
        }
    }
}

impl ContractPatch {
    /// Applies the present fields to `input`, the current record in input form.
    pub fn apply_to(self, input: &mut ContractInput) {
        fn set<T>(target: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *target = value;
            }
        }
        set(&mut input.party_id, self.party_id);
        set(&mut input.title, self.title);
        set(&mut input.valid_from, self.valid_from.map(Some));
        set(&mut input.valid_to, self.valid_to);
        set(&mut input.terms, self.terms);
        set(&mut input.payment_terms_days, self.payment_terms_days);
        set(&mut input.price_list_id, self.price_list_id);
        set(&mut input.discount_percent, self.discount_percent);
        set(&mut input.auto_renew, self.auto_renew);
        set(&mut input.renewal_months, self.renewal_months.map(Some));
        set(&mut input.notice_days, self.notice_days.map(Some));
        set(&mut input.external_id, self.external_id);
    }
}

/// The filters of `GET /contracts`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContractListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `created_at`, `updated_at` or `number`, `-` for descending (default `-created_at`;
    /// `updated_at` when `updated_since` is given).
    #[param(value_type = Option<String>, pattern = "^-?(created_at|updated_at|number)$")]
    pub sort: Option<crate::query::Sort>,
    #[serde(default)]
    pub status: Vec<ContractStatus>,
    pub party_id: Option<Uuid>,
    pub price_list_id: Option<Uuid>,
    /// The contract with this id in the integrator's system.
    pub external_id: Option<String>,
    /// In the number or the title, case-insensitively.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only contracts changed at or after this instant; without `sort`, oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of contracts.
    ContractPage(ContractResponse)
);
