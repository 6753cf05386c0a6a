//! Support cases: a customer's request or problem, handled by the service team within agreed
//! times (their SLA clock).
//!
//! ```text
//!   new ──start──▶ open ──wait──▶ pending ──resume──▶ open ──resolve──▶ resolved ──close──▶ closed
//!                   ▲                                                      │
//!                   └───────────────────reopen (within the window)────────┘
//!   new | open | pending ──cancel──▶ cancelled
//! ```
//! A case is created `new`; its first public outbound message opens it and is its first
//! response. A resolved case is closed by the server once the reopen window has passed.

pub mod assignment;
pub mod calendar;
mod clock;
mod input;
pub mod message;
pub mod policy;
pub mod sla;

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

pub use self::clock::{Alert, AlertKind, CaseSla};
pub use self::input::{CaseFields, CaseInput, DESCRIPTION_MAX, SUBJECT_MAX};
use crate::transition::{self, Transition, TransitionError};

/// The number series of cases: `CS-2026-000001`.
pub const SERIES: &str = "CS";

/// The number of the `sequence`th case of `year`.
pub fn number(year: i32, sequence: i64) -> String {
    format!("{SERIES}-{year}-{sequence:06}")
}

/// How urgent a case is; the SLA policy that applies depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CasePriority {
    Low,
    Normal,
    High,
    Urgent,
}

str_enum!(CasePriority {
    Low => "low",
    Normal => "normal",
    High => "high",
    Urgent => "urgent",
});

/// How the customer reached the service team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Email,
    Phone,
    Web,
    Portal,
    Other,
}

str_enum!(Channel {
    Email => "email",
    Phone => "phone",
    Web => "web",
    Portal => "portal",
    Other => "other",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseStatus {
    New,
    Open,
    Pending,
    Resolved,
    Closed,
    Cancelled,
}

str_enum!(CaseStatus {
    New => "new",
    Open => "open",
    Pending => "pending",
    Resolved => "resolved",
    Closed => "closed",
    Cancelled => "cancelled",
});

impl CaseStatus {
    /// The statuses of a case someone still has to work on: what an assignee's load counts.
    pub const OPEN: &'static [CaseStatus] = &[CaseStatus::New, CaseStatus::Open, CaseStatus::Pending];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseAction {
    Start,
    Wait,
    Resume,
    Resolve,
    Close,
    Reopen,
    Cancel,
}

str_enum!(CaseAction {
    Start => "start",
    Wait => "wait",
    Resume => "resume",
    Resolve => "resolve",
    Close => "close",
    Reopen => "reopen",
    Cancel => "cancel",
});

use CaseAction as A;
use CaseStatus as S;

/// Every transition of a case.
pub const TRANSITIONS: &[Transition<CaseStatus, CaseAction>] = &[
    Transition {
        action: A::Start,
        from: &[S::New],
        to: S::Open,
    },
    Transition {
        action: A::Wait,
        from: &[S::Open],
        to: S::Pending,
    },
    Transition {
        action: A::Resume,
        from: &[S::Pending],
        to: S::Open,
    },
    Transition {
        action: A::Resolve,
        from: &[S::Open],
        to: S::Resolved,
    },
    Transition {
        action: A::Close,
        from: &[S::Resolved],
        to: S::Closed,
    },
    Transition {
        action: A::Reopen,
        from: &[S::Resolved],
        to: S::Open,
    },
    Transition {
        action: A::Cancel,
        from: &[S::New, S::Open, S::Pending],
        to: S::Cancelled,
    },
];

/// Where a case stands; changed by actions and messages, never by a client's edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseState {
    pub status: CaseStatus,
    /// The first public outbound message.
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The end of the reopen window of a resolved case, fixed when it was resolved: after it the
    /// case cannot be reopened, and the server closes it.
    pub reopen_until: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl CaseState {
    pub const NEW: CaseState = CaseState {
        status: CaseStatus::New,
        first_response_at: None,
        resolved_at: None,
        reopen_until: None,
        closed_at: None,
    };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: Uuid,
    /// `CS-2026-000001`, drawn at creation.
    pub number: String,
    pub fields: CaseFields,
    pub state: CaseState,
    /// When the current assignee got the case: ties of the assignment go to whoever waited longest.
    pub assigned_at: Option<DateTime<Utc>>,
    /// The clock of the SLA policy that applies, if one does.
    pub sla: Option<CaseSla>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why an action on a case was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// The status does not allow it (409).
    State(TransitionError),
    /// The reopen window has passed (409).
    ReopenWindowPassed { until: DateTime<Utc> },
}

impl Case {
    /// The actions the case's status allows at `now` (`reopen` only within the window).
    pub fn allowed_actions(&self, now: DateTime<Utc>) -> Vec<CaseAction> {
        transition::allowed(TRANSITIONS, self.state.status)
            .into_iter()
            .filter(|action| *action != A::Reopen || self.may_reopen(now))
            .collect()
    }

    /// The case after `action` at `at`, its SLA clock following: paused while waiting on the
    /// customer, stopped when resolved, running again when reopened. A resolved case may be
    /// reopened for `reopen_days`.
    pub fn act(&self, action: CaseAction, at: DateTime<Utc>, reopen_days: i64) -> Result<Case, ActionError> {
        let status = transition::apply(TRANSITIONS, self.state.status, action).map_err(ActionError::State)?;
        if let (A::Reopen, Some(until)) = (action, self.state.reopen_until)
            && at >= until
        {
            return Err(ActionError::ReopenWindowPassed { until });
        }
        let mut next = self.clone();
        next.state.status = status;
        match action {
            A::Resolve => {
                next.state.resolved_at = Some(at);
                next.state.reopen_until = Some(at + TimeDelta::days(reopen_days));
            }
            A::Reopen => (next.state.resolved_at, next.state.reopen_until) = (None, None),
            A::Close => next.state.closed_at = Some(at),
            A::Start | A::Wait | A::Resume | A::Cancel => {}
        }
        if let Some(sla) = &mut next.sla {
            sla.follow(action, at);
        }
        Ok(next)
    }

    /// The case after a message at `at`: the first public outbound message is its first response
    /// and opens a new case.
    #[must_use]
    pub fn after_message(&self, message: &message::MessageFields, at: DateTime<Utc>) -> Case {
        let mut next = self.clone();
        if message.is_response() && self.state.first_response_at.is_none() {
            next.state.first_response_at = Some(at);
            if let Some(sla) = &mut next.sla {
                sla.first_response_given(at);
            }
            if self.state.status == S::New {
                next.state.status = S::Open;
            }
        }
        next
    }

    /// Whether a resolved case may still be reopened at `now`.
    pub fn may_reopen(&self, now: DateTime<Utc>) -> bool {
        self.state.status == S::Resolved && self.state.reopen_until.is_some_and(|until| now < until)
    }
}

#[cfg(test)]
mod tests;
