//! The subscription resource as it travels over HTTP: the subscription, its preview, and billing
//! runs, with their conversions.

use chrono::{DateTime, NaiveDate, Utc};
use domain::document::LineInput;
use domain::subscription::period::{self as schedule_model, Period};
use domain::subscription::{self as model, Biller, Outcome, Subscription, SubscriptionInput};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{LineBody, TaxShareResponse, actions_enum, allowed_actions, double_option, mirror_enum};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    Draft,
    Active,
    Paused,
    Cancelled,
    Ended,
}

/// What may be done with a subscription now: a transition (`POST /subscriptions/{id}/{action}`),
/// `update` one not cancelled or ended (`PATCH /subscriptions/{id}`), `delete` a draft.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionAction {
    Activate,
    Pause,
    Resume,
    Cancel,
    Update,
    Delete,
}

/// The length of a period, times `interval_count`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Month,
    Quarter,
    HalfYear,
    Year,
}

/// `in_advance`: a period is billed on its first day; `in_arrears`: on its last.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    InAdvance,
    InArrears,
}

/// `period_end`: the period under way is the last billed; `now`: today is the last day billed.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancelAt {
    PeriodEnd,
    Now,
}

/// What became of a period: an order, or nothing as it started while paused.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodOutcome {
    Billed,
    Skipped,
}

mirror_enum!(SubscriptionStatus <-> model::SubscriptionStatus { Draft, Active, Paused, Cancelled, Ended });
actions_enum!(SubscriptionAction <- model::SubscriptionAction { Activate, Pause, Resume, Cancel });
mirror_enum!(Interval <-> schedule_model::Interval { Month, Quarter, HalfYear, Year });
mirror_enum!(Billing <-> schedule_model::Billing { InAdvance, InArrears });
mirror_enum!(CancelAt <-> model::CancelAt { PeriodEnd, Now });

impl From<Outcome> for PeriodOutcome {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Bill => PeriodOutcome::Billed,
            Outcome::Skip => PeriodOutcome::Skipped,
        }
    }
}

/// A new subscription, created as a `draft`: it bills once activated.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionBody {
    pub party_id: Uuid,
    /// A concluded contract of the party it belongs to.
    #[serde(default)]
    pub contract_id: Option<Uuid>,
    /// Default: the party's. The party's price list (or its contract's) must be in it.
    #[serde(default)]
    #[schema(pattern = "^[A-Z]{3}$", example = "EUR")]
    pub currency: Option<String>,
    /// 1–100 lines, as an order's; one without `unit_price` is priced by resolution at the start
    /// of each period billed.
    pub lines: Vec<LineBody>,
    pub interval: Interval,
    /// 1–12 intervals per period (default 1).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 12)]
    pub interval_count: Option<u32>,
    /// The first day of the first period (default today). Periods start on its day of the month,
    /// or the month's last day when shorter.
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    /// The last day billed (a period it cuts short is billed whole); none: until cancelled.
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// Default `in_advance`.
    #[serde(default)]
    pub billing: Option<Billing>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

/// A change: fields present are set, `null` clears, absent fields are kept. New lines and a new
/// end date apply from the next unbilled period; once activated, the party, currency and
/// schedule (start, interval, billing) are fixed.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionPatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub party_id: Option<Uuid>,
    #[serde(default, deserialize_with = "double_option")]
    pub contract_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub lines: Option<Vec<LineBody>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub interval: Option<Interval>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 12)]
    pub interval_count: Option<u32>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub start_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    pub end_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub billing: Option<Billing>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 200)]
    pub external_id: Option<Option<String>>,
}

/// When a cancellation takes effect.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    pub at: CancelAt,
}

/// A line as the subscription states it; what it leaves out comes from the product and pricing
/// at each period's start.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionLineResponse {
    pub position: i32,
    pub product_id: Option<Uuid>,
    pub description: Option<String>,
    #[schema(value_type = String, example = "2")]
    pub quantity: Decimal,
    pub unit: Option<String>,
    /// Null: priced by resolution at each period's start.
    #[schema(value_type = Option<String>, example = "49.00")]
    pub unit_price: Option<Decimal>,
    #[schema(value_type = Option<String>, example = "10")]
    pub discount_percent: Option<Decimal>,
    #[schema(value_type = Option<String>, example = "19")]
    pub tax_rate: Option<Decimal>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionResponse {
    pub id: Uuid,
    /// `SU-2026-000001`.
    pub number: String,
    pub party_id: Uuid,
    pub contract_id: Option<Uuid>,
    pub currency: String,
    pub lines: Vec<SubscriptionLineResponse>,
    pub interval: Interval,
    pub interval_count: u32,
    pub start_date: NaiveDate,
    /// Set by a cancellation too: the last day billed.
    pub end_date: Option<NaiveDate>,
    pub billing: Billing,
    pub external_id: Option<String>,
    pub status: SubscriptionStatus,
    pub activated_on: Option<NaiveDate>,
    pub cancelled_on: Option<NaiveDate>,
    /// The day the next period not billed yet falls due (a run as of that day bills it).
    pub next_billing_on: Option<NaiveDate>,
    /// What the caller may do with it now.
    pub allowed_actions: Vec<SubscriptionAction>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SubscriptionResponse {
    pub fn new(subscription: Subscription, may_act: bool) -> Self {
        let allowed_actions = allowed_actions(
            may_act,
            subscription.allowed_actions(),
            [
                (SubscriptionAction::Update, may_act && subscription.is_editable()),
                (SubscriptionAction::Delete, may_act && subscription.is_deletable()),
            ],
        );
        let next_billing_on = subscription.next_due_on(Biller::Run);
        let f = subscription.fields;
        let schedule = f.schedule;
        Self {
            id: subscription.id,
            number: subscription.number,
            party_id: f.party_id,
            contract_id: f.contract_id,
            currency: f.currency.code().to_owned(),
            lines: (1..).zip(f.lines).map(|(n, l)| line_response(n, l)).collect(),
            interval: schedule.interval.into(),
            interval_count: schedule.interval_count,
            start_date: schedule.start,
            end_date: schedule.end,
            billing: schedule.billing.into(),
            external_id: f.external_id,
            status: subscription.state.status.into(),
            activated_on: subscription.state.activated_on,
            cancelled_on: subscription.state.cancelled_on,
            next_billing_on,
            allowed_actions,
            version: subscription.version,
            created_at: subscription.created_at,
            updated_at: subscription.updated_at,
        }
    }
}

fn line_response(position: i32, l: LineInput) -> SubscriptionLineResponse {
    SubscriptionLineResponse {
        position: l.position.unwrap_or(position),
        product_id: l.product_id,
        description: l.description,
        quantity: l.quantity.normalize(),
        unit: l.unit,
        unit_price: l.unit_price,
        discount_percent: l.discount_percent.map(|p| p.normalize()),
        tax_rate: l.tax_rate.map(|p| p.normalize()),
    }
}

impl From<SubscriptionBody> for SubscriptionInput {
    fn from(body: SubscriptionBody) -> Self {
        Self {
            party_id: body.party_id,
            contract_id: body.contract_id,
            currency: body.currency,
            lines: body.lines.into_iter().map(Into::into).collect(),
            interval: body.interval.into(),
            interval_count: body.interval_count,
            start_date: body.start_date,
            end_date: body.end_date,
            billing: body.billing.map(Into::into),
            external_id: body.external_id,
        }
    }
}

impl SubscriptionPatch {
    /// Applies the present fields to `input`, the current record in input form.
    pub fn apply_to(self, input: &mut SubscriptionInput) {
        fn set<T>(target: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *target = value;
            }
        }
        set(&mut input.party_id, self.party_id);
        set(&mut input.contract_id, self.contract_id);
        set(&mut input.currency, self.currency.map(Some));
        set(
            &mut input.lines,
            self.lines.map(|lines| lines.into_iter().map(Into::into).collect()),
        );
        set(&mut input.interval, self.interval.map(Into::into));
        set(&mut input.interval_count, self.interval_count.map(Some));
        set(&mut input.start_date, self.start_date.map(Some));
        set(&mut input.end_date, self.end_date);
        set(&mut input.billing, self.billing.map(|b| Some(b.into())));
        set(&mut input.external_id, self.external_id);
    }
}

/// The filters of `GET /subscriptions`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SubscriptionListQuery {
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
    pub status: Vec<SubscriptionStatus>,
    pub party_id: Option<Uuid>,
    pub contract_id: Option<Uuid>,
    /// The subscription with this id in the integrator's system.
    pub external_id: Option<String>,
    /// In the number, case-insensitively.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only subscriptions changed at or after this instant; without `sort`, oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of subscriptions.
    SubscriptionPage(SubscriptionResponse)
);

/// `GET /subscriptions/{id}/preview`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// How many periods, 1–24 (default 3).
    #[param(minimum = 1, maximum = 24)]
    pub periods: Option<u32>,
}

/// A line of a period as it would be billed.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewLine {
    pub product_id: Option<Uuid>,
    pub description: String,
    #[schema(value_type = String, example = "2")]
    pub quantity: Decimal,
    pub unit: String,
    #[schema(value_type = String, example = "49.00")]
    pub unit_price: Decimal,
    #[schema(value_type = String, example = "10")]
    pub discount_percent: Decimal,
    #[schema(value_type = String, example = "19")]
    pub tax_rate: Decimal,
    #[schema(value_type = String, example = "88.20")]
    pub net: Decimal,
}

/// A period ahead, priced as a run would bill it on its start (prices and contracts as known
/// today).
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewPeriod {
    /// 0 for the subscription's first period.
    pub index: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The day it is billed (its first day in advance, its last in arrears).
    pub due_on: NaiveDate,
    /// Cut short by the end date (still billed whole).
    pub truncated: bool,
    /// `skipped` for a period starting in a pause.
    pub outcome: PeriodOutcome,
    pub lines: Vec<PreviewLine>,
    #[schema(value_type = String, example = "88.20")]
    pub net_total: Decimal,
    #[schema(value_type = String, example = "16.76")]
    pub tax_total: Decimal,
    #[schema(value_type = String, example = "104.96")]
    pub total: Decimal,
    pub tax_breakdown: Vec<TaxShareResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewResponse {
    pub subscription_id: Uuid,
    pub currency: String,
    pub periods: Vec<PreviewPeriod>,
}

impl From<app::subscriptions::PreviewPeriod> for PreviewPeriod {
    fn from(p: app::subscriptions::PreviewPeriod) -> Self {
        let currency = p.order.currency;
        let Period {
            index,
            start,
            end,
            truncated,
            due_on,
        } = p.period;
        Self {
            index,
            start,
            end,
            due_on,
            truncated,
            outcome: p.outcome.into(),
            lines: p
                .order
                .lines
                .iter()
                .map(|l| PreviewLine {
                    product_id: l.product_id,
                    description: l.description.clone(),
                    quantity: l.quantity.normalize(),
                    unit: l.unit.clone(),
                    unit_price: domain::money::shown_price(l.unit_price, currency),
                    discount_percent: l.discount_percent.normalize(),
                    tax_rate: l.tax_rate.normalize(),
                    net: l.amounts().net(currency),
                })
                .collect(),
            net_total: p.totals.net_total,
            tax_total: p.totals.tax_total,
            total: p.totals.total,
            tax_breakdown: p.totals.tax_breakdown.into_iter().map(Into::into).collect(),
        }
    }
}
