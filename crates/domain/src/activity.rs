//! Activities: contacts with a party and pieces of work, the history of a relationship.
//!
//! ```text
//!   planned ──start──▶ in_progress
//!      │ ╲                 │
//!      │  ╲──complete──▶ completed ◀──complete──┘
//!      │                   │
//!      └──cancel──▶ cancelled ◀──cancel── in_progress
//!   completed | cancelled ──reopen──▶ planned
//! ```
//! Completing a task records its outcome: the commitment was met (`confirmed`) or the client
//! refused (`rejected`). Only tasks have an outcome.

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::text;
use crate::time;
use crate::transition::{self, Transition, TransitionError};
use crate::validation::ValidationErrors;

pub const SUBJECT_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 10_000;
/// An activity lasts at most 31 days: it is a contact or a piece of work, not a project. The bound
/// also lets an agenda query use an index range (nothing that started before `from − 31 days`
/// can still be running at `from`).
pub const MAX_SPAN_DAYS: i64 = 31;
pub const MAX_DURATION_MINUTES: i32 = 31 * 24 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActivityKind {
    Call,
    Meeting,
    Email,
    Task,
    Appointment,
    Visit,
    Note,
}

str_enum!(ActivityKind {
    Call => "call",
    Meeting => "meeting",
    Email => "email",
    Task => "task",
    Appointment => "appointment",
    Visit => "visit",
    Note => "note",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Priority {
    Low,
    Normal,
    High,
}

str_enum!(Priority { Low => "low", Normal => "normal", High => "high" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActivityStatus {
    Planned,
    InProgress,
    Completed,
    Cancelled,
}

str_enum!(ActivityStatus {
    Planned => "planned",
    InProgress => "in_progress",
    Completed => "completed",
    Cancelled => "cancelled",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActivityAction {
    Start,
    Complete,
    Cancel,
    Reopen,
}

str_enum!(ActivityAction {
    Start => "start",
    Complete => "complete",
    Cancel => "cancel",
    Reopen => "reopen",
});

/// How a completed task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Confirmed,
    Rejected,
}

str_enum!(Outcome { Confirmed => "confirmed", Rejected => "rejected" });

use ActivityAction as A;
use ActivityStatus as S;

/// Every transition of an activity.
pub const TRANSITIONS: &[Transition<ActivityStatus, ActivityAction>] = &[
    Transition {
        action: A::Start,
        from: &[S::Planned],
        to: S::InProgress,
    },
    Transition {
        action: A::Complete,
        from: &[S::Planned, S::InProgress],
        to: S::Completed,
    },
    Transition {
        action: A::Cancel,
        from: &[S::Planned, S::InProgress],
        to: S::Cancelled,
    },
    Transition {
        action: A::Reopen,
        from: &[S::Completed, S::Cancelled],
        to: S::Planned,
    },
];

/// An activity's content after every rule held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFields {
    pub kind: ActivityKind,
    pub subject: String,
    pub description: Option<String>,
    pub party_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub priority: Priority,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// As given; see [`Activity::duration_minutes`].
    pub duration_minutes: Option<i32>,
    pub due_at: Option<DateTime<Utc>>,
    pub remind_at: Option<DateTime<Utc>>,
    /// The related document: at most one of these.
    pub opportunity_id: Option<Uuid>,
    pub offer_id: Option<Uuid>,
    pub sales_order_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
}

/// Where an activity stands; changed by transitions only, never by a client's edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityState {
    pub status: ActivityStatus,
    pub outcome: Option<Outcome>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl ActivityState {
    pub const PLANNED: ActivityState = ActivityState {
        status: ActivityStatus::Planned,
        outcome: None,
        completed_at: None,
    };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub id: Uuid,
    pub fields: ActivityFields,
    pub state: ActivityState,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why an action on an activity was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// The status does not allow it (409).
    State(TransitionError),
    /// The request's values break a rule (422).
    Invalid(ValidationErrors),
}

impl Activity {
    /// When the activity takes place: its start, else its due time, else when it was logged (a
    /// note or an email). Agendas and contact histories are ordered by it.
    pub fn occurs_at(&self) -> DateTime<Utc> {
        self.fields.starts_at.or(self.fields.due_at).unwrap_or(self.created_at)
    }

    /// When it is over: its end, else the instant it takes place. A window `[from, to)` shows the
    /// activities with `occurs_at < to` and `occurs_until >= from`.
    pub fn occurs_until(&self) -> DateTime<Utc> {
        self.fields.ends_at.unwrap_or_else(|| self.occurs_at())
    }

    /// The duration as given, else the minutes between start and end.
    pub fn duration_minutes(&self) -> Option<i32> {
        self.fields.duration_minutes.or_else(|| {
            let (starts, ends) = (self.fields.starts_at?, self.fields.ends_at?);
            i32::try_from((ends - starts).num_minutes()).ok()
        })
    }

    /// The actions the activity's status allows now.
    pub fn allowed_actions(&self) -> Vec<ActivityAction> {
        transition::allowed(TRANSITIONS, self.state.status)
    }

    /// The state after `action` at `at`. `complete` takes the outcome, which a task requires and
    /// other kinds refuse; `reopen` forgets the outcome.
    pub fn act(
        &self,
        action: ActivityAction,
        outcome: Option<Outcome>,
        at: DateTime<Utc>,
    ) -> Result<ActivityState, ActionError> {
        let status = transition::apply(TRANSITIONS, self.state.status, action).map_err(ActionError::State)?;
        let mut errors = ValidationErrors::new();
        let is_task = self.fields.kind == ActivityKind::Task;
        match (action, outcome) {
            (A::Complete, None) if is_task => {
                errors.add("outcome", "required", "completing a task records its outcome");
            }
            (A::Complete, Some(_)) if !is_task => {
                errors.add("outcome", "not_allowed", "only tasks have an outcome");
            }
            (A::Start | A::Cancel | A::Reopen, Some(_)) => {
                errors.add("outcome", "not_allowed", "only `complete` records an outcome");
            }
            _ => {}
        }
        errors
            .finish(|| ActivityState {
                status,
                outcome: if action == A::Complete { outcome } else { None },
                completed_at: (action == A::Complete).then_some(at),
            })
            .map_err(ActionError::Invalid)
    }

    /// Checks new content against the state: a completed activity keeps its kind, since an
    /// outcome belongs to a completed task and only to one. Reopening it lifts the rule.
    pub fn check_revision(&self, fields: &ActivityFields) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.state.status == ActivityStatus::Completed && fields.kind != self.fields.kind {
            errors.add(
                "kind",
                "not_allowed",
                "a completed activity keeps its kind: reopen it first",
            );
        }
        errors.finish(|| ())
    }

    /// Whether an activity with `party_id` may relate to a document of `document_party` (an
    /// opportunity, an offer): an activity about a deal is about that deal's party.
    pub fn may_relate_to(party_id: Option<Uuid>, document_party: Uuid) -> bool {
        party_id.is_none_or(|party| party == document_party)
    }
}

/// What a client asked an activity to be, before any rule was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityInput {
    pub kind: ActivityKind,
    pub subject: String,
    pub description: Option<String>,
    pub party_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub priority: Option<Priority>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<i32>,
    pub due_at: Option<DateTime<Utc>>,
    pub remind_at: Option<DateTime<Utc>>,
    pub opportunity_id: Option<Uuid>,
    pub offer_id: Option<Uuid>,
    pub sales_order_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
}

impl ActivityInput {
    /// A minimal input: everything else takes its default.
    pub fn new(kind: ActivityKind, subject: impl Into<String>) -> Self {
        Self {
            kind,
            subject: subject.into(),
            description: None,
            party_id: None,
            contact_id: None,
            assignee_id: None,
            priority: None,
            starts_at: None,
            ends_at: None,
            duration_minutes: None,
            due_at: None,
            remind_at: None,
            opportunity_id: None,
            offer_id: None,
            sales_order_id: None,
            invoice_id: None,
        }
    }

    /// Checks every rule that needs no stored record and reports all broken ones.
    pub fn validate(self) -> Result<ActivityFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let subject = errors.check("subject", text::required(&self.subject, SUBJECT_MAX));
        let description = errors.check(
            "description",
            text::optional_multiline(self.description.as_deref(), DESCRIPTION_MAX),
        );
        if self.contact_id.is_some() && self.party_id.is_none() {
            errors.add("party_id", "required", "a contact needs the party it belongs to");
        }
        let starts_at = time::check_instant(&mut errors, "starts_at", self.starts_at);
        let ends_at = time::check_instant(&mut errors, "ends_at", self.ends_at);
        let due_at = time::check_instant(&mut errors, "due_at", self.due_at);
        let remind_at = time::check_instant(&mut errors, "remind_at", self.remind_at);
        match (starts_at, ends_at) {
            (None, Some(_)) if self.starts_at.is_none() => {
                errors.add("starts_at", "required", "an end needs a start");
            }
            (Some(starts), Some(ends)) if ends < starts => {
                errors.add("ends_at", "before_start", "must not be before starts_at");
            }
            (Some(starts), Some(ends)) if ends - starts > TimeDelta::days(MAX_SPAN_DAYS) => {
                errors.add(
                    "ends_at",
                    "out_of_range",
                    format!("an activity lasts at most {MAX_SPAN_DAYS} days"),
                );
            }
            _ => {}
        }
        let related = [
            ("opportunity_id", self.opportunity_id),
            ("offer_id", self.offer_id),
            ("sales_order_id", self.sales_order_id),
            ("invoice_id", self.invoice_id),
        ];
        for (field, _) in related.iter().filter(|(_, id)| id.is_some()).skip(1) {
            errors.add(
                *field,
                "one_related_document",
                "an activity relates to at most one document: an opportunity, an offer, a sales order or an invoice",
            );
        }
        if self
            .duration_minutes
            .is_some_and(|minutes| !(0..=MAX_DURATION_MINUTES).contains(&minutes))
        {
            errors.add(
                "duration_minutes",
                "out_of_range",
                format!("must be between 0 and {MAX_DURATION_MINUTES}"),
            );
        }
        errors.finish(|| ActivityFields {
            kind: self.kind,
            subject: subject.unwrap_or_default(),
            description: description.flatten(),
            party_id: self.party_id,
            contact_id: self.contact_id,
            assignee_id: self.assignee_id,
            priority: self.priority.unwrap_or(Priority::Normal),
            starts_at,
            ends_at,
            duration_minutes: self.duration_minutes,
            due_at,
            remind_at,
            opportunity_id: self.opportunity_id,
            offer_id: self.offer_id,
            sales_order_id: self.sales_order_id,
            invoice_id: self.invoice_id,
        })
    }
}

impl From<ActivityFields> for ActivityInput {
    /// The input that would produce these fields again: the base a patch is applied to.
    fn from(f: ActivityFields) -> Self {
        Self {
            kind: f.kind,
            subject: f.subject,
            description: f.description,
            party_id: f.party_id,
            contact_id: f.contact_id,
            assignee_id: f.assignee_id,
            priority: Some(f.priority),
            starts_at: f.starts_at,
            ends_at: f.ends_at,
            duration_minutes: f.duration_minutes,
            due_at: f.due_at,
            remind_at: f.remind_at,
            opportunity_id: f.opportunity_id,
            offer_id: f.offer_id,
            sales_order_id: f.sales_order_id,
            invoice_id: f.invoice_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn activity(kind: ActivityKind, status: ActivityStatus) -> Activity {
        let created = at("2026-11-01T08:00:00Z");
        Activity {
            id: Uuid::nil(),
            fields: ActivityInput::new(kind, "Call Acme").validate().unwrap(),
            state: ActivityState {
                status,
                outcome: None,
                completed_at: None,
            },
            version: 1,
            created_at: created,
            updated_at: created,
        }
    }

    /// The whole state machine, spelled out: every (status, action) pair and where it leads.
    #[test]
    fn the_transition_table_is_as_designed() {
        let expected: &[(S, A, Option<S>)] = &[
            (S::Planned, A::Start, Some(S::InProgress)),
            (S::Planned, A::Complete, Some(S::Completed)),
            (S::Planned, A::Cancel, Some(S::Cancelled)),
            (S::Planned, A::Reopen, None),
            (S::InProgress, A::Start, None),
            (S::InProgress, A::Complete, Some(S::Completed)),
            (S::InProgress, A::Cancel, Some(S::Cancelled)),
            (S::InProgress, A::Reopen, None),
            (S::Completed, A::Start, None),
            (S::Completed, A::Complete, None),
            (S::Completed, A::Cancel, None),
            (S::Completed, A::Reopen, Some(S::Planned)),
            (S::Cancelled, A::Start, None),
            (S::Cancelled, A::Complete, None),
            (S::Cancelled, A::Cancel, None),
            (S::Cancelled, A::Reopen, Some(S::Planned)),
        ];
        assert_eq!(expected.len(), S::ALL.len() * A::ALL.len());
        for (from, action, to) in expected {
            let result = transition::apply(TRANSITIONS, *from, *action);
            assert_eq!(result.as_ref().ok(), to.as_ref(), "{from:?} {action:?}");
            if let Err(error) = result {
                assert_eq!(error.from, from.as_str());
                assert!(!error.allowed_from.contains(&from.as_str()));
            }
        }
    }

    #[test]
    fn completing_a_task_needs_an_outcome_and_other_kinds_refuse_one() {
        let now = at("2026-11-02T10:00:00Z");
        let task = activity(ActivityKind::Task, S::InProgress);
        let Err(ActionError::Invalid(errors)) = task.act(A::Complete, None, now) else {
            panic!("a task without outcome must be refused");
        };
        assert_eq!(errors.errors()[0].field, "outcome");
        let done = task.act(A::Complete, Some(Outcome::Rejected), now).unwrap();
        assert_eq!(
            done,
            ActivityState {
                status: S::Completed,
                outcome: Some(Outcome::Rejected),
                completed_at: Some(now)
            }
        );

        let call = activity(ActivityKind::Call, S::Planned);
        assert!(matches!(
            call.act(A::Complete, Some(Outcome::Confirmed), now),
            Err(ActionError::Invalid(_))
        ));
        assert_eq!(call.act(A::Complete, None, now).unwrap().status, S::Completed);
    }

    #[test]
    fn reopening_forgets_the_outcome() {
        let mut task = activity(ActivityKind::Task, S::Completed);
        task.state.outcome = Some(Outcome::Confirmed);
        assert_eq!(
            task.act(A::Reopen, None, at("2026-11-03T00:00:00Z")).unwrap(),
            ActivityState::PLANNED
        );
    }

    #[test]
    fn the_state_is_checked_before_the_outcome() {
        let task = activity(ActivityKind::Task, S::Cancelled);
        let Err(ActionError::State(error)) = task.act(A::Complete, None, at("2026-11-02T10:00:00Z")) else {
            panic!("a cancelled task cannot be completed");
        };
        assert_eq!(error.allowed_from, vec!["planned", "in_progress"]);
    }

    #[test]
    fn times_are_consistent() {
        let mut input = ActivityInput::new(ActivityKind::Meeting, "Kick-off");
        input.starts_at = Some(at("2026-11-02T10:00:00Z"));
        input.ends_at = Some(at("2026-11-02T09:00:00Z"));
        input.duration_minutes = Some(-5);
        let errors = input.validate().unwrap_err();
        let fields: Vec<&str> = errors.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["ends_at", "duration_minutes"]);

        let mut input = ActivityInput::new(ActivityKind::Visit, "Trade fair");
        input.ends_at = Some(at("2026-11-02T09:00:00Z"));
        input.contact_id = Some(Uuid::nil());
        let errors = input.validate().unwrap_err();
        let fields: Vec<&str> = errors.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["party_id", "starts_at"]);

        let mut input = ActivityInput::new(ActivityKind::Call, "Follow-up");
        input.opportunity_id = Some(Uuid::from_u128(1));
        input.offer_id = Some(Uuid::from_u128(2));
        assert_eq!(input.validate().unwrap_err().errors()[0].code, "one_related_document");
        let mut input = ActivityInput::new(ActivityKind::Call, "Dunning");
        input.sales_order_id = Some(Uuid::from_u128(1));
        input.invoice_id = Some(Uuid::from_u128(2));
        let errors = input.validate().unwrap_err();
        assert_eq!(
            (errors.errors()[0].field.as_str(), errors.errors()[0].code),
            ("invoice_id", "one_related_document")
        );

        let mut input = ActivityInput::new(ActivityKind::Visit, "Trade fair");
        input.starts_at = Some(at("2026-11-01T00:00:00Z"));
        input.ends_at = Some(at("2026-12-03T00:00:00Z"));
        assert_eq!(input.validate().unwrap_err().errors()[0].code, "out_of_range");
    }

    #[test]
    fn the_agenda_instant_and_duration_are_derived() {
        let mut meeting = activity(ActivityKind::Meeting, S::Planned);
        assert_eq!(
            meeting.occurs_at(),
            meeting.created_at,
            "unscheduled: when it was logged"
        );
        meeting.fields.due_at = Some(at("2026-11-05T12:00:00Z"));
        assert_eq!(meeting.occurs_at(), at("2026-11-05T12:00:00Z"));
        meeting.fields.starts_at = Some(at("2026-11-04T09:00:00Z"));
        meeting.fields.ends_at = Some(at("2026-11-04T10:30:00Z"));
        assert_eq!(meeting.occurs_at(), at("2026-11-04T09:00:00Z"));
        assert_eq!(meeting.occurs_until(), at("2026-11-04T10:30:00Z"));
        assert_eq!(meeting.duration_minutes(), Some(90));
        meeting.fields.duration_minutes = Some(45);
        assert_eq!(meeting.duration_minutes(), Some(45), "as given wins");
    }

    #[test]
    fn a_completed_activity_keeps_its_kind() {
        let mut task = activity(ActivityKind::Task, S::Completed);
        task.state.outcome = Some(Outcome::Confirmed);
        let mut fields = task.fields.clone();
        fields.kind = ActivityKind::Call;
        assert!(task.check_revision(&fields).is_err());
        let call = activity(ActivityKind::Call, S::Completed);
        let mut fields = call.fields.clone();
        fields.kind = ActivityKind::Task;
        assert!(
            call.check_revision(&fields).is_err(),
            "no completed task without outcome"
        );
        let planned = activity(ActivityKind::Call, S::Planned);
        assert!(planned.check_revision(&fields).is_ok());
    }
}
