//! The case resource as it travels over HTTP, and its conversions to and from the domain.

use chrono::{DateTime, NaiveDate, Utc};
use domain::case::message::{self as message_model, CaseMessage};
use domain::case::sla as sla_model;
use domain::case::{self as model, Case, CaseInput, CaseSla};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{actions_enum, allowed_actions, double_option, mirror_enum};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CasePriority {
    Low,
    Normal,
    High,
    Urgent,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Phone,
    Web,
    Portal,
    Other,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    New,
    Open,
    Pending,
    Resolved,
    Closed,
    Cancelled,
}

/// What may be done with a case now: a transition (`POST /cases/{id}/{action}`), or `update` it
/// (`PATCH /cases/{id}`, in any status).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    Start,
    Wait,
    Resume,
    Resolve,
    Close,
    Reopen,
    Cancel,
    Update,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlaStatus {
    OnTrack,
    AtRisk,
    Breached,
    Met,
    Paused,
}

/// `public`: exchanged with the customer; `internal`: a note of the team.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageVisibility {
    Public,
    Internal,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageDirection {
    Inbound,
    Outbound,
}

mirror_enum!(CasePriority <-> model::CasePriority { Low, Normal, High, Urgent });
mirror_enum!(Channel <-> model::Channel { Email, Phone, Web, Portal, Other });
mirror_enum!(CaseStatus <-> model::CaseStatus { New, Open, Pending, Resolved, Closed, Cancelled });
actions_enum!(CaseAction <- model::CaseAction { Start, Wait, Resume, Resolve, Close, Reopen, Cancel });
mirror_enum!(SlaStatus <-> sla_model::SlaStatus { OnTrack, AtRisk, Breached, Met, Paused });
mirror_enum!(MessageVisibility <-> message_model::Visibility { Public, Internal });
mirror_enum!(MessageDirection <-> message_model::Direction { Inbound, Outbound });

/// A new case. It starts `new`; the SLA policy of its priority (and its party's customer group)
/// starts its clock; in a team without an assignee, it goes to the least loaded member.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CaseBody {
    #[schema(min_length = 1, max_length = 200, example = "The invoice shows the wrong address")]
    pub subject: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// The customer; who sees the case follows from who sees the party.
    pub party_id: Uuid,
    /// A person belonging to the party.
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    #[serde(default)]
    pub product_id: Option<Uuid>,
    /// The related document, of the case's party: a sales order or an invoice, at most one.
    #[serde(default)]
    pub sales_order_id: Option<Uuid>,
    #[serde(default)]
    pub invoice_id: Option<Uuid>,
    /// Defaults to `normal`.
    #[serde(default)]
    pub priority: Option<CasePriority>,
    /// Defaults to `other`.
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    /// Without one, a case with a team goes to the team's active member with the fewest open cases.
    #[serde(default)]
    pub assignee_id: Option<Uuid>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

/// A change: fields present are set, `null` clears, absent fields are kept. The status changes by
/// actions only.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CasePatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 20000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub party_id: Option<Uuid>,
    #[serde(default, deserialize_with = "double_option")]
    pub contact_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub product_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub sales_order_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub invoice_id: Option<Option<Uuid>>,
    /// A new priority measures the SLA clock against that priority's policy.
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub priority: Option<CasePriority>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub channel: Option<Channel>,
    #[serde(default, deserialize_with = "double_option")]
    pub team_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub assignee_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 200)]
    pub external_id: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseResponse {
    pub id: Uuid,
    /// `CS-2026-000001`.
    pub number: String,
    pub subject: String,
    pub description: Option<String>,
    pub party_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub sales_order_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub priority: CasePriority,
    pub channel: Channel,
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub external_id: Option<String>,
    pub status: CaseStatus,
    /// The first public outbound message.
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Until when a resolved case may be reopened; the server closes it then.
    pub reopen_until: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The SLA policy measuring the case, if one applies.
    pub sla_policy_id: Option<Uuid>,
    /// While the first-response clock runs, or as it stood when met.
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub sla_status: Option<SlaStatus>,
    /// The transitions the caller may perform now.
    pub allowed_actions: Vec<CaseAction>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CaseResponse {
    /// The case at `now` as a caller who may (or may not) act sees it.
    pub fn new(case: Case, may_act: bool, now: DateTime<Utc>) -> Self {
        let allowed_actions = allowed_actions(may_act, case.allowed_actions(now), [(CaseAction::Update, may_act)]);
        let sla = case.sla.as_ref();
        let (first_response_due_at, resolution_due_at) = sla.map(CaseSla::due_times).unwrap_or_default();
        let sla_status = sla.and_then(|s| s.status(now)).map(Into::into);
        let sla_policy_id = sla.map(|s| s.policy_id);
        let f = case.fields;
        Self {
            id: case.id,
            number: case.number,
            subject: f.subject,
            description: f.description,
            party_id: f.party_id,
            contact_id: f.contact_id,
            product_id: f.product_id,
            sales_order_id: f.sales_order_id,
            invoice_id: f.invoice_id,
            priority: f.priority.into(),
            channel: f.channel.into(),
            team_id: f.team_id,
            assignee_id: f.assignee_id,
            external_id: f.external_id,
            status: case.state.status.into(),
            first_response_at: case.state.first_response_at,
            resolved_at: case.state.resolved_at,
            reopen_until: case.state.reopen_until,
            closed_at: case.state.closed_at,
            sla_policy_id,
            first_response_due_at,
            resolution_due_at,
            sla_status,
            allowed_actions,
            version: case.version,
            created_at: case.created_at,
            updated_at: case.updated_at,
        }
    }
}

impl From<CaseBody> for CaseInput {
    fn from(body: CaseBody) -> Self {
        Self {
            subject: body.subject,
            description: body.description,
            party_id: body.party_id,
            contact_id: body.contact_id,
            product_id: body.product_id,
            sales_order_id: body.sales_order_id,
            invoice_id: body.invoice_id,
            priority: body.priority.map(Into::into),
            channel: body.channel.map(Into::into),
            team_id: body.team_id,
            assignee_id: body.assignee_id,
            external_id: body.external_id,
        }
    }
}

impl CasePatch {
    /// Applies the present fields to `input`, the current record in input form.
    pub fn apply_to(self, input: &mut CaseInput) {
        fn set<T>(target: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *target = value;
            }
        }
        set(&mut input.subject, self.subject);
        set(&mut input.description, self.description);
        set(&mut input.party_id, self.party_id);
        set(&mut input.contact_id, self.contact_id);
        set(&mut input.product_id, self.product_id);
        set(&mut input.sales_order_id, self.sales_order_id);
        set(&mut input.invoice_id, self.invoice_id);
        set(&mut input.priority, self.priority.map(|p| Some(p.into())));
        set(&mut input.channel, self.channel.map(|c| Some(c.into())));
        set(&mut input.team_id, self.team_id);
        set(&mut input.assignee_id, self.assignee_id);
        set(&mut input.external_id, self.external_id);
    }
}

/// The filters of `GET /cases`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseListQuery {
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
    pub status: Vec<CaseStatus>,
    #[serde(default)]
    pub priority: Vec<CasePriority>,
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub party_id: Option<Uuid>,
    /// `true`: only cases of a team; `false`: only those of none.
    pub has_team: Option<bool>,
    /// `true`: only assigned cases; `false`: only unassigned ones.
    pub has_assignee: Option<bool>,
    /// Only cases created on or after this day (UTC).
    pub created_from: Option<NaiveDate>,
    /// Only cases created on or before this day (UTC).
    pub created_to: Option<NaiveDate>,
    /// The case with this id in the integrator's system.
    pub external_id: Option<String>,
    /// The SLA status now.
    pub sla_status: Option<SlaStatus>,
    /// Whether a target was missed.
    pub breached: Option<bool>,
    /// In the number or the subject, case-insensitively.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only cases changed at or after this instant; without `sort`, oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of cases.
    CasePage(CaseResponse)
);

/// A message: `public` messages are exchanged with the customer (`inbound` from them, `outbound`
/// to them); `internal` ones are the team's notes.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    #[schema(min_length = 1, max_length = 50000)]
    pub body: String,
    pub visibility: MessageVisibility,
    pub direction: MessageDirection,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageResponse {
    pub id: Uuid,
    pub case_id: Uuid,
    pub body: String,
    pub visibility: MessageVisibility,
    pub direction: MessageDirection,
    /// The user who wrote or logged it.
    pub author_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<CaseMessage> for MessageResponse {
    fn from(m: CaseMessage) -> Self {
        Self {
            id: m.id,
            case_id: m.case_id,
            body: m.fields.body,
            visibility: m.fields.visibility.into(),
            direction: m.fields.direction.into(),
            author_id: m.author_id,
            created_at: m.created_at,
        }
    }
}

crate::pagination::page_of!(
    /// A page of messages, oldest first.
    MessagePage(MessageResponse)
);
