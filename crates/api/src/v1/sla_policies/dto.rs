//! SLA policies and business calendars as they travel over HTTP.

use chrono::{DateTime, Utc};
use domain::case::calendar::CalendarInput;
use domain::case::policy::{SlaPolicy, SlaPolicyInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::double_option;
use crate::v1::cases::dto::CasePriority;

/// When an SLA clock runs: working days and hours in a time zone, without holidays.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarBody {
    /// An IANA time zone.
    #[schema(example = "Europe/Berlin")]
    pub time_zone: String,
    /// ISO weekdays, Monday = 1 … Sunday = 7.
    #[schema(example = json!([1, 2, 3, 4, 5]))]
    pub working_days: Vec<u8>,
    /// `HH:MM`, local time.
    #[schema(example = "09:00")]
    pub start: String,
    /// `HH:MM` after `start` (`24:00` for midnight).
    #[schema(example = "17:00")]
    pub end: String,
    /// Local dates, `YYYY-MM-DD`, at most 366.
    #[serde(default)]
    #[schema(example = json!(["2026-12-25"]))]
    pub holidays: Vec<String>,
}

impl From<CalendarInput> for CalendarBody {
    fn from(c: CalendarInput) -> Self {
        Self {
            time_zone: c.time_zone,
            working_days: c.working_days,
            start: c.start,
            end: c.end,
            holidays: c.holidays,
        }
    }
}

impl From<CalendarBody> for CalendarInput {
    fn from(c: CalendarBody) -> Self {
        Self {
            time_zone: c.time_zone,
            working_days: c.working_days,
            start: c.start,
            end: c.end,
            holidays: c.holidays,
        }
    }
}

/// A new policy: for cases of `priority` (of parties in `customer_group`, or of every party).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicyBody {
    #[schema(min_length = 1, max_length = 200, example = "Urgent, business hours")]
    pub name: String,
    pub priority: CasePriority,
    /// Only for parties in this customer group; a policy for the group wins over one for every party.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub customer_group: Option<String>,
    /// Working minutes until the first public outbound message, 1–527040.
    #[schema(minimum = 1, maximum = 527_040)]
    pub first_response_minutes: i64,
    /// Working minutes until the case is resolved, 1–527040.
    #[schema(minimum = 1, maximum = 527_040)]
    pub resolution_minutes: i64,
    pub calendar: CalendarBody,
}

/// A change: fields present are set, absent fields are kept. Running cases keep the targets they
/// started with until their priority changes.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicyPatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub priority: Option<CasePriority>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 100)]
    pub customer_group: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 527_040)]
    pub first_response_minutes: Option<i64>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 527_040)]
    pub resolution_minutes: Option<i64>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub calendar: Option<CalendarBody>,
}

impl From<SlaPolicyBody> for SlaPolicyInput {
    fn from(b: SlaPolicyBody) -> Self {
        Self {
            name: b.name,
            priority: b.priority.into(),
            customer_group: b.customer_group,
            first_response_minutes: b.first_response_minutes,
            resolution_minutes: b.resolution_minutes,
            calendar: b.calendar.into(),
        }
    }
}

impl SlaPolicyPatch {
    pub fn apply_to(self, input: &mut SlaPolicyInput) {
        fn set<T>(target: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *target = value;
            }
        }
        set(&mut input.name, self.name);
        set(&mut input.priority, self.priority.map(Into::into));
        set(&mut input.customer_group, self.customer_group);
        set(&mut input.first_response_minutes, self.first_response_minutes);
        set(&mut input.resolution_minutes, self.resolution_minutes);
        set(&mut input.calendar, self.calendar.map(Into::into));
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlaPolicyResponse {
    pub id: Uuid,
    pub name: String,
    pub priority: CasePriority,
    pub customer_group: Option<String>,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
    pub calendar: CalendarBody,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SlaPolicy> for SlaPolicyResponse {
    fn from(p: SlaPolicy) -> Self {
        let calendar = p.fields.calendar.input().into();
        let f = p.fields;
        Self {
            id: p.id,
            name: f.name,
            priority: f.priority.into(),
            customer_group: f.customer_group,
            first_response_minutes: f.first_response_minutes,
            resolution_minutes: f.resolution_minutes,
            calendar,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SlaPolicyListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// Only policies changed at or after this instant, oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of SLA policies.
    SlaPolicyPage(SlaPolicyResponse)
);
