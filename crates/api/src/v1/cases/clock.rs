//! The SLA clock of a case as `GET /cases/{id}/sla` answers it: each target's segments, the
//! working time used, the due times, and the alerts raised.

use chrono::{DateTime, Utc};
use domain::case::CaseSla;
use domain::case::sla::{self as sla_model, Segment};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::dto::SlaStatus;
use crate::dto::mirror_enum;
use crate::v1::sla_policies::dto::CalendarBody;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlaTarget {
    FirstResponse,
    Resolution,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SegmentState {
    Running,
    Paused,
}

/// Why a segment began.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SegmentReason {
    Opened,
    WaitingOnCustomer,
    Resumed,
    Reopened,
}

mirror_enum!(SlaTarget <-> sla_model::SlaTarget { FirstResponse, Resolution });
mirror_enum!(SegmentState <-> sla_model::SegmentState { Running, Paused });
mirror_enum!(SegmentReason <-> sla_model::SegmentReason { Opened, WaitingOnCustomer, Resumed, Reopened });

/// One stretch of an SLA clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentResponse {
    pub target: SlaTarget,
    pub state: SegmentState,
    pub reason: SegmentReason,
    pub from: DateTime<Utc>,
    /// None while it lasts.
    pub to: Option<DateTime<Utc>>,
}

impl From<&Segment> for SegmentResponse {
    fn from(s: &Segment) -> Self {
        Self {
            target: s.target.into(),
            state: s.state.into(),
            reason: s.reason.into(),
            from: s.from,
            to: s.to,
        }
    }
}

/// One target of the SLA clock, and why it stands where it does.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetResponse {
    pub target: SlaTarget,
    /// The target, in working minutes of the calendar.
    pub minutes: i64,
    /// Working minutes used so far (running segments only).
    pub used_minutes: i64,
    pub due_at: Option<DateTime<Utc>>,
    /// When 80 % of the target is used.
    pub at_risk_at: Option<DateTime<Utc>>,
    pub met_at: Option<DateTime<Utc>>,
    pub status: Option<SlaStatus>,
    pub segments: Vec<SegmentResponse>,
}

/// `GET /cases/{id}/sla`: the clock of a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlaResponse {
    pub case_id: Uuid,
    pub sla_policy_id: Uuid,
    /// The policy's calendar as it applied to the case.
    pub calendar: CalendarBody,
    pub sla_status: Option<SlaStatus>,
    pub targets: Vec<TargetResponse>,
    /// The alerts raised: `first_response.sla_breached`.
    pub alerts: Vec<String>,
}

impl SlaResponse {
    pub fn new(case_id: Uuid, sla: &CaseSla, now: DateTime<Utc>) -> Self {
        let targets = sla
            .clocks()
            .into_iter()
            .map(|clock| TargetResponse {
                target: clock.target.into(),
                minutes: clock.minutes,
                used_minutes: clock.used(&sla.calendar, now).num_minutes(),
                due_at: clock.due_at(&sla.calendar),
                at_risk_at: clock.at_risk_at(&sla.calendar),
                met_at: clock.met_at,
                status: clock.status(&sla.calendar, now).map(Into::into),
                segments: clock.segments.iter().map(Into::into).collect(),
            })
            .collect();
        Self {
            case_id,
            sla_policy_id: sla.policy_id,
            calendar: sla.calendar.input().into(),
            sla_status: sla.status(now).map(Into::into),
            targets,
            alerts: sla.alerts.iter().map(|a| a.name()).collect(),
        }
    }
}
