//! A case's SLA: the policy that applies, its calendar and targets as they were when it applied,
//! the two target clocks, and the alerts already raised. The case's actions move the clocks
//! ([`CaseSla::follow`]); due times and the status are computed from the segments.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::CaseAction;
use super::calendar::Calendar;
use super::policy::SlaPolicy;
use super::sla::{self, SegmentReason, SegmentState, SlaStatus, SlaTarget, TargetClock};

/// What the server tells when a target's clock passes a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlertKind {
    /// 80 % of the target used (`case.sla_at_risk`).
    AtRisk,
    /// The target passed unmet (`case.sla_breached`).
    Breached,
}

str_enum!(AlertKind { AtRisk => "sla_at_risk", Breached => "sla_breached" });

/// One alert of one target: raised once per case, whatever happens to the case afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Alert {
    pub target: SlaTarget,
    pub kind: AlertKind,
}

impl Alert {
    /// `first_response.sla_breached`: how a raised alert is stored and shown.
    pub fn name(self) -> String {
        format!("{}.{}", self.target.as_str(), self.kind.as_str())
    }

    pub fn parse(name: &str) -> Option<Alert> {
        let (target, kind) = name.split_once('.')?;
        Some(Alert {
            target: SlaTarget::parse(target)?,
            kind: AlertKind::parse(kind)?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSla {
    pub policy_id: Uuid,
    /// The policy's calendar when it applied: a later edit of the policy changes no running case.
    pub calendar: Calendar,
    pub first_response: TargetClock,
    pub resolution: TargetClock,
    /// The alerts raised so far.
    pub alerts: BTreeSet<Alert>,
}

impl CaseSla {
    /// The clocks of `policy`, started at `at` (a case's creation).
    pub fn start(policy: &SlaPolicy, at: DateTime<Utc>) -> CaseSla {
        let fields = &policy.fields;
        CaseSla {
            policy_id: policy.id,
            calendar: fields.calendar.clone(),
            first_response: TargetClock::start(SlaTarget::FirstResponse, fields.first_response_minutes, at),
            resolution: TargetClock::start(SlaTarget::Resolution, fields.resolution_minutes, at),
            alerts: BTreeSet::new(),
        }
    }

    /// The clock of `case`, which had no policy until its priority changed at `at`: counted from
    /// its creation, as if the policy had applied all along, and paused if it waits on the customer.
    pub fn started_late(policy: &SlaPolicy, case: &super::Case, at: DateTime<Utc>) -> CaseSla {
        let mut sla = CaseSla::start(policy, case.created_at);
        if case.state.status == super::CaseStatus::Pending {
            sla.follow(CaseAction::Wait, at);
        }
        sla
    }

    /// The same clocks measured against `policy` (after a priority change): the segments stay, the
    /// targets and calendar are the policy's, and the due times follow.
    pub fn apply(&mut self, policy: &SlaPolicy) {
        let fields = &policy.fields;
        self.policy_id = policy.id;
        self.calendar = fields.calendar.clone();
        self.first_response.recompute(fields.first_response_minutes);
        self.resolution.recompute(fields.resolution_minutes);
    }

    pub fn clocks(&self) -> [&TargetClock; 2] {
        [&self.first_response, &self.resolution]
    }

    fn clocks_mut(&mut self) -> [&mut TargetClock; 2] {
        [&mut self.first_response, &mut self.resolution]
    }

    /// The clocks after the case's `action` at `at`: paused while waiting on the customer, running
    /// again on resume, the resolution met on resolve (and the first response, if still running,
    /// no longer measured: the case is answered), running again on reopen, all stopped on cancel.
    pub fn follow(&mut self, action: CaseAction, at: DateTime<Utc>) {
        match action {
            CaseAction::Wait => {
                for clock in self.clocks_mut() {
                    clock.pause(at, SegmentReason::WaitingOnCustomer);
                }
            }
            CaseAction::Resume => {
                for clock in self.clocks_mut() {
                    clock.resume(at, SegmentReason::Resumed);
                }
            }
            CaseAction::Resolve => {
                self.resolution.stop(at);
                self.first_response.close(at);
            }
            CaseAction::Reopen => self.resolution.reopen(at),
            CaseAction::Cancel => {
                for clock in self.clocks_mut() {
                    clock.close(at);
                }
            }
            CaseAction::Start | CaseAction::Close => {}
        }
    }

    /// The first response was given at `at`.
    pub fn first_response_given(&mut self, at: DateTime<Utc>) {
        self.first_response.stop(at);
    }

    /// The case's SLA status at `now`, over both targets.
    pub fn status(&self, now: DateTime<Utc>) -> Option<SlaStatus> {
        let status = sla::case_status(self.clocks(), &self.calendar, now);
        // A breach, once raised, stays: a target met late was still missed.
        if self.alerts.iter().any(|alert| alert.kind == AlertKind::Breached) {
            return Some(SlaStatus::Breached);
        }
        status
    }

    /// Whether a target was missed, as far as the clock alone says: a breach raised, or a target
    /// met late. (A running target past its due time is missed too: see [`Self::breach_at`].)
    pub fn has_breached(&self) -> bool {
        self.alerts.iter().any(|alert| alert.kind == AlertKind::Breached)
            || self.clocks().into_iter().any(|clock| {
                clock
                    .met_at
                    .is_some_and(|met| clock.due_at(&self.calendar).is_some_and(|due| due <= met))
            })
    }

    /// Whether the clock of a target runs now.
    pub fn is_running(clock: &TargetClock) -> bool {
        clock
            .segments
            .last()
            .is_some_and(|segment| segment.to.is_none() && segment.state == SegmentState::Running)
    }

    /// The earliest instant a running target breaches: what the `breached` filter compares.
    pub fn breach_at(&self) -> Option<DateTime<Utc>> {
        self.running_instants(AlertKind::Breached).min()
    }

    /// The earliest instant a running target is at risk: what the `at_risk` filter compares.
    pub fn at_risk_at(&self) -> Option<DateTime<Utc>> {
        self.running_instants(AlertKind::AtRisk).min()
    }

    fn running_instants(&self, kind: AlertKind) -> impl Iterator<Item = DateTime<Utc>> + '_ {
        self.clocks()
            .into_iter()
            .filter(|clock| Self::is_running(clock))
            .filter_map(move |clock| self.instant(clock, kind))
    }

    fn instant(&self, clock: &TargetClock, kind: AlertKind) -> Option<DateTime<Utc>> {
        match kind {
            AlertKind::AtRisk => clock.at_risk_at(&self.calendar),
            AlertKind::Breached => clock.due_at(&self.calendar),
        }
    }

    /// Every alert not raised yet that comes due at some instant, with that instant.
    fn unraised(&self) -> impl Iterator<Item = (Alert, DateTime<Utc>)> + '_ {
        self.clocks().into_iter().flat_map(move |clock| {
            [AlertKind::AtRisk, AlertKind::Breached]
                .into_iter()
                .filter_map(move |kind| {
                    let alert = Alert {
                        target: clock.target,
                        kind,
                    };
                    if self.alerts.contains(&alert) {
                        return None;
                    }
                    let instant = self.instant(clock, kind)?;
                    // A running clock reaches its mark at the instant; a met one only if it did before
                    // it was met; a paused or closed one has an instant only if it passed the mark.
                    let reached = clock.met_at.is_none_or(|met| instant <= met);
                    reached.then_some((alert, instant))
                })
        })
    }

    /// When the next alert comes due: the escalation job looks at the case then, not before.
    pub fn next_alert_at(&self) -> Option<DateTime<Utc>> {
        self.unraised().map(|(_, at)| at).min()
    }

    /// The alerts due by `now` and not raised yet, in the order they came due.
    pub fn due_alerts(&self, now: DateTime<Utc>) -> Vec<Alert> {
        let mut due: Vec<_> = self.unraised().filter(|(_, at)| *at <= now).collect();
        due.sort_by_key(|(alert, at)| (*at, alert.kind));
        due.into_iter().map(|(alert, _)| alert).collect()
    }

    /// The first-response and resolution due times, as a case shows them.
    pub fn due_times(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        (
            self.first_response.due_at(&self.calendar),
            self.resolution.due_at(&self.calendar),
        )
    }
}
