//! The activity resource as it travels over HTTP, and its conversions to and from the domain.

use chrono::{DateTime, NaiveDate, Utc};
use domain::activity::{self as model, Activity, ActivityInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{actions_enum, allowed_actions, double_option, mirror_enum, whole_i32, whole_i32_patch};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Call,
    Meeting,
    Email,
    Task,
    Appointment,
    Visit,
    Note,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityStatus {
    Planned,
    InProgress,
    Completed,
    Cancelled,
}

/// What may be done with an activity now: a transition (`POST /activities/{id}/{action}`), or
/// `update` it (`PATCH /activities/{id}`, in any status).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityAction {
    Start,
    Complete,
    Cancel,
    Reopen,
    Update,
}

/// How a completed task ended: the commitment was met, or the client refused.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Confirmed,
    Rejected,
}

mirror_enum!(ActivityKind <-> model::ActivityKind { Call, Meeting, Email, Task, Appointment, Visit, Note });
mirror_enum!(Priority <-> model::Priority { Low, Normal, High });
mirror_enum!(ActivityStatus <-> model::ActivityStatus { Planned, InProgress, Completed, Cancelled });
actions_enum!(ActivityAction <- model::ActivityAction { Start, Complete, Cancel, Reopen });
mirror_enum!(Outcome <-> model::Outcome { Confirmed, Rejected });

/// A new activity. It starts `planned`; its status changes by transitions only.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ActivityBody {
    pub kind: ActivityKind,
    #[schema(min_length = 1, max_length = 200, example = "Call about the renewal")]
    pub subject: String,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// The party the activity concerns.
    #[serde(default)]
    pub party_id: Option<Uuid>,
    /// A person belonging to the party (needs `party_id`).
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    /// The user who does it; defaults to the caller for sales users.
    #[serde(default)]
    pub assignee_id: Option<Uuid>,
    /// Defaults to `normal`.
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    /// Not before `starts_at` (which it needs), at most 31 days after it.
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    /// Minutes actually spent; when absent, the minutes from `starts_at` to `ends_at`.
    #[serde(default, deserialize_with = "whole_i32")]
    #[schema(minimum = 0, maximum = 44640)]
    pub duration_minutes: Option<i32>,
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub remind_at: Option<DateTime<Utc>>,
    /// The related document, of the activity's party: an opportunity, an offer, a sales order or
    /// an invoice; at most one of them.
    #[serde(default)]
    pub opportunity_id: Option<Uuid>,
    #[serde(default)]
    pub offer_id: Option<Uuid>,
    #[serde(default)]
    pub sales_order_id: Option<Uuid>,
    /// An invoice or a credit note. Deleting a draft unlinks it.
    #[serde(default)]
    pub invoice_id: Option<Uuid>,
}

/// A change: fields present are set, `null` clears, absent fields are kept.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ActivityPatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub kind: Option<ActivityKind>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 10000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub party_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub contact_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub assignee_id: Option<Option<Uuid>>,
    /// `null` restores the default (`normal`).
    #[serde(default, deserialize_with = "double_option")]
    pub priority: Option<Option<Priority>>,
    #[serde(default, deserialize_with = "double_option")]
    pub starts_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "double_option")]
    pub ends_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "whole_i32_patch")]
    #[schema(minimum = 0, maximum = 44640)]
    pub duration_minutes: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    pub due_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "double_option")]
    pub remind_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "double_option")]
    pub opportunity_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub offer_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub sales_order_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub invoice_id: Option<Option<Uuid>>,
}

/// What `complete` may say; a task must say how it ended.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CompleteBody {
    /// Required for tasks, refused for other kinds.
    #[serde(default)]
    pub outcome: Option<Outcome>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityResponse {
    pub id: Uuid,
    pub kind: ActivityKind,
    pub subject: String,
    pub description: Option<String>,
    pub party_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub priority: Priority,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// As given, else the minutes from `starts_at` to `ends_at`.
    pub duration_minutes: Option<i32>,
    pub due_at: Option<DateTime<Utc>>,
    pub remind_at: Option<DateTime<Utc>>,
    pub opportunity_id: Option<Uuid>,
    pub offer_id: Option<Uuid>,
    pub sales_order_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub status: ActivityStatus,
    /// How a completed task ended.
    pub outcome: Option<Outcome>,
    pub completed_at: Option<DateTime<Utc>>,
    /// When it takes place: `starts_at`, else `due_at`, else when it was logged. Agendas and
    /// contact histories are ordered by it.
    pub occurs_at: DateTime<Utc>,
    /// The transitions the caller may perform now.
    pub allowed_actions: Vec<ActivityAction>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActivityResponse {
    /// The activity as `may_act` sees it: without write access there is nothing to do.
    pub fn new(activity: Activity, may_act: bool) -> Self {
        let allowed_actions = allowed_actions(may_act, activity.allowed_actions(), [(ActivityAction::Update, may_act)]);
        let (occurs_at, duration_minutes) = (activity.occurs_at(), activity.duration_minutes());
        let f = activity.fields;
        Self {
            id: activity.id,
            kind: f.kind.into(),
            subject: f.subject,
            description: f.description,
            party_id: f.party_id,
            contact_id: f.contact_id,
            assignee_id: f.assignee_id,
            priority: f.priority.into(),
            starts_at: f.starts_at,
            ends_at: f.ends_at,
            duration_minutes,
            due_at: f.due_at,
            remind_at: f.remind_at,
            opportunity_id: f.opportunity_id,
            offer_id: f.offer_id,
            sales_order_id: f.sales_order_id,
            invoice_id: f.invoice_id,
            status: activity.state.status.into(),
            outcome: activity.state.outcome.map(Into::into),
            completed_at: activity.state.completed_at,
            occurs_at,
            allowed_actions,
            version: activity.version,
            created_at: activity.created_at,
            updated_at: activity.updated_at,
        }
    }
}

impl From<ActivityBody> for ActivityInput {
    fn from(body: ActivityBody) -> Self {
        Self {
            kind: body.kind.into(),
            subject: body.subject,
            description: body.description,
            party_id: body.party_id,
            contact_id: body.contact_id,
            assignee_id: body.assignee_id,
            priority: body.priority.map(Into::into),
            starts_at: body.starts_at,
            ends_at: body.ends_at,
            duration_minutes: body.duration_minutes,
            due_at: body.due_at,
            remind_at: body.remind_at,
            opportunity_id: body.opportunity_id,
            offer_id: body.offer_id,
            sales_order_id: body.sales_order_id,
            invoice_id: body.invoice_id,
        }
    }
}

impl ActivityPatch {
    /// Applies the present fields to `input`, the current record in input form.
    pub fn apply_to(self, input: &mut ActivityInput) {
        fn set<T>(target: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *target = value;
            }
        }
        set(&mut input.kind, self.kind.map(Into::into));
        set(&mut input.subject, self.subject);
        set(&mut input.description, self.description);
        set(&mut input.party_id, self.party_id);
        set(&mut input.contact_id, self.contact_id);
        set(&mut input.assignee_id, self.assignee_id);
        set(&mut input.priority, self.priority.map(|p| p.map(Into::into)));
        set(&mut input.starts_at, self.starts_at);
        set(&mut input.ends_at, self.ends_at);
        set(&mut input.duration_minutes, self.duration_minutes);
        set(&mut input.due_at, self.due_at);
        set(&mut input.remind_at, self.remind_at);
        set(&mut input.opportunity_id, self.opportunity_id);
        set(&mut input.offer_id, self.offer_id);
        set(&mut input.sales_order_id, self.sales_order_id);
        set(&mut input.invoice_id, self.invoice_id);
    }
}

/// The filters of `GET /activities`: the agenda of a user is `assignee_id` with `from` and `to`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ActivityListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `occurs_at`, `created_at` or `updated_at`, `-` for descending (default `occurs_at`;
    /// `updated_at` when `updated_since` is given).
    #[param(value_type = Option<String>, pattern = "^-?(occurs_at|created_at|updated_at)$")]
    pub sort: Option<crate::query::Sort>,
    pub party_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    #[serde(default)]
    pub kind: Vec<ActivityKind>,
    #[serde(default)]
    pub status: Vec<ActivityStatus>,
    /// Activities related to this opportunity.
    pub opportunity_id: Option<Uuid>,
    /// Activities related to this offer.
    pub offer_id: Option<Uuid>,
    /// Activities related to this sales order.
    pub sales_order_id: Option<Uuid>,
    /// Activities related to this invoice or credit note.
    pub invoice_id: Option<Uuid>,
    /// Only activities not over before this instant (an activity without an end is over when it
    /// takes place: see `occurs_at`).
    pub from: Option<DateTime<Utc>>,
    /// Only activities that take place before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Only activities completed on or after this day (UTC).
    pub completed_from: Option<NaiveDate>,
    /// Only activities completed on or before this day (UTC).
    pub completed_to: Option<NaiveDate>,
    /// Only activities assigned to a member of this team.
    pub team_id: Option<Uuid>,
    /// Only activities changed at or after this instant; without `sort`, oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
}

/// The filters of `GET /parties/{id}/activities`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContactHistoryQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `occurs_at`, `created_at` or `updated_at`, `-` for descending (default `-occurs_at`:
    /// the latest contact first).
    #[param(value_type = Option<String>, pattern = "^-?(occurs_at|created_at|updated_at)$")]
    pub sort: Option<crate::query::Sort>,
    #[serde(default)]
    pub kind: Vec<ActivityKind>,
    #[serde(default)]
    pub status: Vec<ActivityStatus>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of activities.
    ActivityPage(ActivityResponse)
);
