use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::calendar::CalendarInput;
use super::message::{self, Direction, Visibility};
use super::policy::{SlaPolicy, SlaPolicyInput};
use super::sla::SlaStatus;
use super::*;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

fn policy() -> SlaPolicy {
    let calendar = CalendarInput {
        time_zone: "Europe/Berlin".into(),
        working_days: vec![1, 2, 3, 4, 5],
        start: "09:00".into(),
        end: "17:00".into(),
        holidays: vec![],
    };
    let fields = SlaPolicyInput {
        name: "Normal".into(),
        priority: CasePriority::Normal,
        customer_group: None,
        first_response_minutes: 60,
        resolution_minutes: 8 * 60,
        calendar,
    }
    .validate()
    .unwrap();
    SlaPolicy {
        id: Uuid::nil(),
        fields,
        version: 1,
        created_at: at("2026-01-01T00:00:00Z"),
        updated_at: at("2026-01-01T00:00:00Z"),
    }
}

/// A new case created Monday 2026-11-30 09:00 Berlin (08:00 UTC) under [`policy`].
fn new_case() -> Case {
    let created = at("2026-11-30T08:00:00Z");
    Case {
        id: Uuid::nil(),
        number: "CS-2026-000001".into(),
        fields: CaseInput::new("Printer on fire", Uuid::nil()).validate().unwrap(),
        state: CaseState::NEW,
        assigned_at: None,
        sla: Some(CaseSla::start(&policy(), created)),
        version: 1,
        created_at: created,
        updated_at: created,
    }
}

#[test]
fn every_action_is_allowed_exactly_from_its_statuses() {
    use CaseAction as A;
    use CaseStatus as S;
    let expected = [
        (S::New, vec![A::Start, A::Cancel]),
        (S::Open, vec![A::Wait, A::Resolve, A::Cancel]),
        (S::Pending, vec![A::Resume, A::Cancel]),
        (S::Resolved, vec![A::Close, A::Reopen]),
        (S::Closed, vec![]),
        (S::Cancelled, vec![]),
    ];
    for (status, actions) in expected {
        let mut case = new_case();
        case.state.status = status;
        case.state.resolved_at = Some(case.created_at);
        case.state.reopen_until = Some(case.created_at + chrono::TimeDelta::days(14));
        assert_eq!(case.allowed_actions(case.created_at), actions, "{status:?}");
    }
}

#[test]
fn the_first_public_outbound_message_opens_a_new_case_and_is_its_first_response() {
    let case = new_case();
    let note = message::validate("looking into it", Visibility::Internal, Direction::Outbound).unwrap();
    let inbound = message::validate("any news?", Visibility::Public, Direction::Inbound).unwrap();
    let answer = message::validate("fixed tomorrow", Visibility::Public, Direction::Outbound).unwrap();
    let t = at("2026-11-30T08:20:00Z");
    assert_eq!(case.after_message(&note, t), case);
    assert_eq!(case.after_message(&inbound, t), case);
    let answered = case.after_message(&answer, t);
    assert_eq!(answered.state.status, CaseStatus::Open);
    assert_eq!(answered.state.first_response_at, Some(t));
    let sla = answered.sla.as_ref().unwrap();
    assert_eq!(sla.first_response.met_at, Some(t));
    let later = answered.after_message(&answer, at("2026-11-30T09:00:00Z"));
    assert_eq!(later.state.first_response_at, Some(t), "only the first response counts");
}

#[test]
fn an_internal_note_cannot_be_inbound() {
    let error = message::validate("x", Visibility::Internal, Direction::Inbound).unwrap_err();
    assert_eq!(error.errors()[0].field, "direction");
    assert_eq!(
        message::validate("  ", Visibility::Public, Direction::Inbound)
            .unwrap_err()
            .errors()[0]
            .code,
        "required"
    );
}

#[test]
fn a_resolved_case_reopens_only_within_the_window() {
    let case = new_case()
        .act(CaseAction::Start, at("2026-11-30T08:10:00Z"), 14)
        .unwrap();
    let resolved = case.act(CaseAction::Resolve, at("2026-11-30T10:00:00Z"), 14).unwrap();
    assert_eq!(resolved.state.reopen_until, Some(at("2026-12-14T10:00:00Z")));
    assert!(resolved.act(CaseAction::Reopen, at("2026-12-14T09:59:59Z"), 14).is_ok());
    assert!(matches!(
        resolved.act(CaseAction::Reopen, at("2026-12-14T10:00:00Z"), 14),
        Err(ActionError::ReopenWindowPassed { .. })
    ));
    assert!(
        !resolved
            .allowed_actions(at("2026-12-15T00:00:00Z"))
            .contains(&CaseAction::Reopen)
    );
}

/// new → open → pending → open → resolved → closed, with the clock paused in `pending` and
/// stopped when resolved.
#[test]
fn the_clock_follows_the_case_through_its_life() {
    let case = new_case();
    let open = case.act(CaseAction::Start, at("2026-11-30T08:00:00Z"), 14).unwrap();
    let pending = open.act(CaseAction::Wait, at("2026-11-30T10:00:00Z"), 14).unwrap();
    let sla = pending.sla.as_ref().unwrap();
    assert_eq!(
        sla.status(at("2026-11-30T12:00:00Z")),
        Some(SlaStatus::Breached),
        "no first response within 1 h"
    );
    assert_eq!(sla.resolution.due_at(&sla.calendar), None, "no due time while paused");
    // Resumed the next day at 09:00 Berlin: 2 h of 8 used, so due at 15:00 Berlin.
    let resumed = pending.act(CaseAction::Resume, at("2026-12-01T08:00:00Z"), 14).unwrap();
    let sla = resumed.sla.as_ref().unwrap();
    assert_eq!(sla.resolution.due_at(&sla.calendar), Some(at("2026-12-01T14:00:00Z")));
    let resolved = resumed
        .act(CaseAction::Resolve, at("2026-12-01T09:00:00Z"), 14)
        .unwrap();
    let sla = resolved.sla.as_ref().unwrap();
    assert_eq!(sla.resolution.met_at, Some(at("2026-12-01T09:00:00Z")));
    assert_eq!(sla.breach_at(), None, "no clock runs");
    let closed = resolved.act(CaseAction::Close, at("2026-12-02T09:00:00Z"), 14).unwrap();
    assert_eq!(closed.state.status, CaseStatus::Closed);
}

#[test]
fn alerts_come_due_once_in_order_and_a_breach_stays() {
    let mut case = new_case();
    let sla = case.sla.as_mut().unwrap();
    // First response 60 min from 09:00 Berlin: at risk 09:48, breached 10:00.
    assert_eq!(sla.next_alert_at(), Some(at("2026-11-30T08:48:00Z")));
    assert_eq!(sla.due_alerts(at("2026-11-30T08:47:59Z")), vec![]);
    let due = sla.due_alerts(at("2026-11-30T09:30:00Z"));
    let names: Vec<_> = due.iter().map(|a| a.name()).collect();
    assert_eq!(names, ["first_response.sla_at_risk", "first_response.sla_breached"]);
    sla.alerts.extend(due);
    assert_eq!(sla.due_alerts(at("2026-11-30T09:30:00Z")), vec![]);
    sla.first_response_given(at("2026-11-30T09:40:00Z"));
    assert_eq!(sla.status(at("2026-11-30T09:40:00Z")), Some(SlaStatus::Breached));
    assert_eq!(
        Alert::parse("resolution.sla_at_risk").unwrap().name(),
        "resolution.sla_at_risk"
    );
}
