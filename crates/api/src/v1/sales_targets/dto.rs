//! Sales targets as they travel over HTTP.

use chrono::{DateTime, NaiveDate, Utc};
use domain::report::calendar::Calendar;
use domain::sales_target::{self as target, MeasuredTarget, SalesTargetInput, TargetSubject};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::double_option;

/// The length of a target's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetPeriod {
    Month,
    Quarter,
    Year,
}

impl From<TargetPeriod> for Calendar {
    fn from(period: TargetPeriod) -> Self {
        match period {
            TargetPeriod::Month => Calendar::Month,
            TargetPeriod::Quarter => Calendar::Quarter,
            TargetPeriod::Year => Calendar::Year,
        }
    }
}

impl From<Calendar> for TargetPeriod {
    fn from(calendar: Calendar) -> Self {
        match calendar {
            Calendar::Month => TargetPeriod::Month,
            Calendar::Quarter => TargetPeriod::Quarter,
            Calendar::Year => TargetPeriod::Year,
        }
    }
}

/// What a target measures: `invoiced_net` (issued invoices less credit notes of the parties
/// the subject owns, by invoice date) and `won_amount` (opportunities the subject owns won in
/// the period) are amounts in `currency`; `new_customers` (parties the subject owns whose first
/// invoice is dated in the period) and `completed_activities` (assigned to the subject) are counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetMetric {
    InvoicedNet,
    WonAmount,
    NewCustomers,
    CompletedActivities,
}

impl From<TargetMetric> for target::TargetMetric {
    fn from(metric: TargetMetric) -> Self {
        match metric {
            TargetMetric::InvoicedNet => target::TargetMetric::InvoicedNet,
            TargetMetric::WonAmount => target::TargetMetric::WonAmount,
            TargetMetric::NewCustomers => target::TargetMetric::NewCustomers,
            TargetMetric::CompletedActivities => target::TargetMetric::CompletedActivities,
        }
    }
}

impl From<target::TargetMetric> for TargetMetric {
    fn from(metric: target::TargetMetric) -> Self {
        match metric {
            target::TargetMetric::InvoicedNet => TargetMetric::InvoicedNet,
            target::TargetMetric::WonAmount => TargetMetric::WonAmount,
            target::TargetMetric::NewCustomers => TargetMetric::NewCustomers,
            target::TargetMetric::CompletedActivities => TargetMetric::CompletedActivities,
        }
    }
}

/// A new target: of a user or of a team (exactly one), for one period and metric.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SalesTargetBody {
    /// The user whose records count.
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// The team whose current members' records count.
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub period: TargetPeriod,
    /// The first day of the period (the 1st of a month, of a quarter's first month, of January).
    #[schema(example = "2026-04-01")]
    pub period_start: NaiveDate,
    pub metric: TargetMetric,
    /// An amount with at most the currency's decimals, or a whole count; a decimal string ≥ 0.
    #[serde(deserialize_with = "crate::dto::decimal")]
    #[schema(value_type = String, example = "150000.00")]
    pub target: Decimal,
    /// ISO 4217; required for amount metrics, refused for counts.
    #[serde(default)]
    #[schema(example = "EUR")]
    pub currency: Option<String>,
}

impl From<SalesTargetBody> for SalesTargetInput {
    fn from(b: SalesTargetBody) -> Self {
        Self {
            user_id: b.user_id,
            team_id: b.team_id,
            period: b.period.into(),
            period_start: b.period_start,
            metric: b.metric.into(),
            target: b.target,
            currency: b.currency,
        }
    }
}

/// A change: fields present are set, absent fields are kept. Whose target it is does not change.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SalesTargetPatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub period: Option<TargetPeriod>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub period_start: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub metric: Option<TargetMetric>,
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "160000.00")]
    pub target: Option<Decimal>,
    #[serde(default, deserialize_with = "double_option")]
    pub currency: Option<Option<String>>,
}

impl SalesTargetPatch {
    pub fn apply_to(self, input: &mut SalesTargetInput) {
        fn set<T>(target: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *target = value;
            }
        }
        set(&mut input.period, self.period.map(Into::into));
        set(&mut input.period_start, self.period_start);
        set(&mut input.metric, self.metric.map(Into::into));
        set(&mut input.target, self.target);
        set(&mut input.currency, self.currency);
    }
}

/// How far a target is reached, computed from the records when it is read.
#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementResponse {
    /// The metric's figure over the whole period so far: an amount in the target's currency or a count.
    #[schema(value_type = String, example = "120000.00")]
    pub actual: Decimal,
    /// `actual` as a percent of `target`, 2 decimals; null for a target of 0.
    #[schema(value_type = Option<String>, example = "80.00")]
    pub percent: Option<Decimal>,
}

impl AchievementResponse {
    pub fn new(achievement: target::Achievement, currency: Option<domain::currency::Currency>) -> Self {
        let mut actual = achievement.actual;
        if let Some(currency) = currency {
            actual.rescale(currency.exponent());
        }
        AchievementResponse {
            actual,
            percent: achievement.percent.map(|mut percent| {
                percent.rescale(2);
                percent
            }),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SalesTargetResponse {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub period: TargetPeriod,
    pub period_start: NaiveDate,
    /// The last day of the period.
    pub period_end: NaiveDate,
    pub metric: TargetMetric,
    #[schema(value_type = String, example = "150000.00")]
    pub target: Decimal,
    #[schema(example = "EUR")]
    pub currency: Option<String>,
    pub achievement: AchievementResponse,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<MeasuredTarget> for SalesTargetResponse {
    fn from(measured: MeasuredTarget) -> Self {
        let t = measured.target;
        let f = t.fields;
        let (user_id, team_id) = match f.subject {
            TargetSubject::User(user) => (Some(user), None),
            TargetSubject::Team(team) => (None, Some(team)),
        };
        Self {
            id: t.id,
            user_id,
            team_id,
            period: f.period.calendar.into(),
            period_start: f.period.start,
            period_end: f.period.window().to,
            metric: f.metric.into(),
            target: f.target,
            currency: f.currency.map(|c| c.code().to_owned()),
            achievement: AchievementResponse::new(measured.achievement, f.currency),
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SalesTargetListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    pub user_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub metric: Option<TargetMetric>,
    /// Only targets whose period starts on or after this day.
    pub period_from: Option<NaiveDate>,
    /// Only targets whose period starts on or before this day.
    pub period_to: Option<NaiveDate>,
    /// Only targets changed at or after this instant, oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of sales targets.
    SalesTargetPage(SalesTargetResponse)
);
