//! Tests of contracts: validation, the lifecycle, renewal with notice, expiry and termination on
//! their dates (also after downtime), and which contract applies on a date.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::*;
use crate::fixtures::{d, day};

fn fields_of(errors: &ValidationErrors) -> Vec<(&str, &str)> {
    errors.errors().iter().map(|e| (e.field.as_str(), e.code)).collect()
}

/// An active contract of 2026 (`n` gives its id and number), renewing by 12 months with 30 days'
/// notice when `auto_renew`.
fn contract(n: u128, from: &str, to: Option<&str>, auto_renew: bool) -> Contract {
    let mut input = ContractInput::new(Uuid::from_u128(1), format!("Agreement {n}"), day(from));
    input.valid_to = to.map(day);
    input.auto_renew = auto_renew;
    input.notice_days = Some(30);
    let at = DateTime::<Utc>::UNIX_EPOCH;
    Contract {
        id: Uuid::from_u128(n),
        number: number(2026, i64::try_from(n).unwrap()),
        fields: input.validate(day(from)).unwrap(),
        state: ContractState {
            status: ContractStatus::Active,
            activated_on: Some(day(from)),
            ..ContractState::DRAFT
        },
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

#[test]
fn invalid_input_is_reported_field_by_field() {
    let mut input = ContractInput::new(Uuid::from_u128(1), "  ", day("2026-03-01"));
    input.valid_to = Some(day("2026-02-28"));
    input.payment_terms_days = Some(400);
    input.discount_percent = Some(d("0"));
    input.renewal_months = Some(0);
    let errors = input.validate(day("2026-01-01")).unwrap_err();
    assert_eq!(
        fields_of(&errors),
        [
            ("title", "required"),
            ("valid_to", "before_start"),
            ("payment_terms_days", "out_of_range"),
            ("discount_percent", "out_of_range"),
            ("renewal_months", "out_of_range"),
        ]
    );
}

#[test]
fn an_open_ended_contract_cannot_renew() {
    let mut input = ContractInput::new(Uuid::from_u128(1), "Framework", day("2026-01-01"));
    input.auto_renew = true;
    let errors = input.validate(day("2026-01-01")).unwrap_err();
    assert_eq!(fields_of(&errors), [("valid_to", "required")]);
}

#[test]
fn a_renewing_contract_defaults_to_yearly_terms_and_round_trips_as_input() {
    let mut input = ContractInput::new(Uuid::from_u128(1), "Framework", day("2026-01-01"));
    input.valid_to = Some(day("2026-12-31"));
    input.auto_renew = true;
    let fields = input.validate(day("2026-01-01")).unwrap();
    let renewal = Renewal {
        months: 12,
        notice_days: 0,
    };
    assert_eq!(fields.renewal, Some(renewal));
    assert_eq!(
        ContractInput::from(fields.clone()).validate(day("2030-01-01")),
        Ok(fields)
    );
}

#[test]
fn a_draft_activates_once_and_never_applies() {
    let mut draft = contract(1, "2026-01-01", Some("2026-12-31"), false);
    draft.state = ContractState::DRAFT;
    assert!(!draft.applies_on(day("2026-06-01")));
    assert_eq!(draft.allowed_actions(), [ContractAction::Activate]);
    let active = draft.activate(day("2026-02-01")).unwrap();
    assert_eq!(active.state.status, ContractStatus::Active);
    assert_eq!(active.state.activated_on, Some(day("2026-02-01")));
    assert_eq!(active.allowed_actions(), [ContractAction::Terminate]);
    assert!(matches!(active.activate(day("2026-02-01")), Err(ActionError::State(_))));
}

#[test]
fn a_contract_whose_term_has_ended_cannot_be_activated() {
    let mut draft = contract(1, "2025-01-01", Some("2025-12-31"), false);
    draft.state = ContractState::DRAFT;
    let Err(ActionError::Invalid(errors)) = draft.activate(day("2026-01-01")) else {
        panic!("activated a contract of the past");
    };
    assert_eq!(fields_of(&errors), [("valid_to", "in_past")]);
}

#[test]
fn it_applies_within_its_term_only() {
    let c = contract(1, "2026-01-01", Some("2026-12-31"), false);
    for (date, applies) in [
        ("2025-12-31", false),
        ("2026-01-01", true),
        ("2026-12-31", true),
        ("2027-01-01", false),
    ] {
        assert_eq!(c.applies_on(day(date)), applies, "{date}");
    }
    let open_ended = contract(2, "2026-01-01", None, false);
    assert!(open_ended.applies_on(day("9999-12-31")));
    // A renewing contract goes on, before the server has renewed it.
    let renewing = contract(3, "2026-01-01", Some("2026-12-31"), true);
    assert!(renewing.applies_on(day("2027-06-01")));
}

#[test]
fn a_termination_today_ends_it_at_once() {
    let c = contract(1, "2026-01-01", None, false);
    let ended = c
        .terminate(day("2026-05-10"), day("2026-05-10"), Some("moved away"))
        .unwrap();
    assert_eq!(ended.state.status, ContractStatus::Terminated);
    assert_eq!(ended.state.ended_on, Some(day("2026-05-10")));
    assert!(ended.applies_on(day("2026-05-09")));
    assert!(!ended.applies_on(day("2026-05-10")));
    assert!(ended.allowed_actions().is_empty());
    assert_eq!(ended.next_step_on(), None);
}

#[test]
fn a_termination_ahead_keeps_it_running_until_its_date() {
    let c = contract(1, "2026-01-01", None, false);
    let noticed = c.terminate(day("2026-05-10"), day("2026-07-01"), None).unwrap();
    assert_eq!(noticed.state.status, ContractStatus::Active);
    assert!(noticed.applies_on(day("2026-06-30")));
    assert!(!noticed.applies_on(day("2026-07-01")));
    assert_eq!(noticed.next_step_on(), Some(day("2026-07-01")));
    assert_eq!(noticed.next_step(day("2026-06-30")), None);
    assert_eq!(noticed.next_step(day("2026-09-01")), Some(Step::Terminated));
    let ended = noticed.after(Step::Terminated);
    assert_eq!(ended.state.status, ContractStatus::Terminated);
    assert_eq!(ended.state.ended_on, Some(day("2026-07-01")));
    assert!(ended.applies_on(day("2026-06-30")));
}

#[test]
fn a_termination_is_refused_in_the_past_after_the_end_or_when_not_active() {
    let c = contract(1, "2026-01-01", Some("2026-12-31"), false);
    let Err(ActionError::Invalid(errors)) = c.terminate(day("2026-05-10"), day("2026-05-09"), None) else {
        panic!("terminated in the past");
    };
    assert_eq!(fields_of(&errors), [("effective_date", "in_past")]);
    let Err(ActionError::Invalid(errors)) = c.terminate(day("2026-05-10"), day("2027-01-02"), None) else {
        panic!("terminated after the end");
    };
    assert_eq!(fields_of(&errors), [("effective_date", "after_end")]);
    assert!(c.terminate(day("2026-05-10"), day("2027-01-01"), None).is_ok());
    let mut draft = c.clone();
    draft.state = ContractState::DRAFT;
    let refused = draft.terminate(day("2026-05-10"), day("2026-06-01"), None);
    assert!(matches!(refused, Err(ActionError::State(_))));
}

#[test]
fn reaching_its_end_renews_or_expires_it() {
    let renewing = contract(1, "2026-01-01", Some("2026-12-31"), true);
    assert_eq!(renewing.next_step_on(), Some(day("2027-01-01")));
    assert_eq!(renewing.next_step(day("2026-12-31")), None);
    let step = renewing.next_step(day("2027-01-01")).unwrap();
    assert_eq!(
        step,
        Step::Renewed {
            valid_to: day("2027-12-31")
        }
    );
    assert_eq!(renewing.after(step).state.status, ContractStatus::Active);

    let ending = contract(2, "2026-01-01", Some("2026-12-31"), false);
    assert_eq!(ending.next_step(day("2027-01-01")), Some(Step::Expired));
    let expired = ending.after(Step::Expired);
    assert_eq!(expired.state.status, ContractStatus::Expired);
    assert_eq!(expired.state.ended_on, Some(day("2027-01-01")));
    assert!(expired.applies_on(day("2026-12-31")));
    assert!(!expired.applies_on(day("2027-01-01")));
}

#[test]
fn after_downtime_every_missed_renewal_is_a_step_of_its_own() {
    let mut c = contract(1, "2026-01-01", Some("2026-03-31"), true);
    c.fields.renewal = Some(Renewal {
        months: 1,
        notice_days: 0,
    });
    let mut terms = Vec::new();
    while let Some(step) = c.next_step(day("2026-07-15")) {
        c = c.after(step);
        terms.push(c.fields.valid_to.unwrap());
    }
    let expected: Vec<NaiveDate> = ["2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31"]
        .into_iter()
        .map(day)
        .collect();
    assert_eq!(terms, expected);
}

#[test]
fn a_notice_in_time_stops_the_renewal_a_late_one_does_not() {
    // 30 days' notice before 2026-12-31: the notice date is 2026-12-01.
    let c = contract(1, "2026-01-01", Some("2026-12-31"), true);
    let in_time = c.terminate(day("2026-12-01"), day("2027-01-01"), None).unwrap();
    assert!(!in_time.renews());
    assert_eq!(in_time.last_day(), Some(day("2026-12-31")));
    assert_eq!(in_time.next_step(day("2027-01-01")), Some(Step::Terminated));
    // Given in time, it cannot reach past the term it ends.
    let too_far = c.terminate(day("2026-12-01"), day("2027-03-01"), None);
    assert!(matches!(too_far, Err(ActionError::Invalid(_))));

    let late = c.terminate(day("2026-12-02"), day("2027-03-01"), None).unwrap();
    assert!(late.renews());
    let step = late.next_step(day("2027-01-01")).unwrap();
    assert!(matches!(step, Step::Renewed { .. }));
    let renewed = late.after(step);
    assert_eq!(renewed.next_step(day("2027-02-28")), None);
    assert_eq!(renewed.next_step(day("2027-03-01")), Some(Step::Terminated));
    assert_eq!(renewed.after(Step::Terminated).state.ended_on, Some(day("2027-03-01")));
}

#[test]
fn of_several_contracts_running_the_most_recent_start_wins_and_each_is_explained() {
    let older = contract(1, "2026-01-01", None, false);
    let newer = contract(2, "2026-03-01", Some("2026-06-30"), false);
    let future = contract(3, "2026-09-01", None, false);
    let contracts = [older.clone(), newer.clone(), future];
    let (chosen, considered) = choose(&contracts, day("2026-04-01"));
    assert_eq!(chosen.map(|c| c.id), Some(newer.id));
    let codes: Vec<_> = considered.iter().map(|c| (c.contract.id, c.code)).collect();
    assert_eq!(
        codes,
        [
            (older.id, "not_chosen"),
            (newer.id, "applied"),
            (Uuid::from_u128(3), "not_valid_on_date")
        ]
    );
    assert!(
        considered[0].reason.contains("CT-2026-000002"),
        "{}",
        considered[0].reason
    );
    // After the newer one's end, the older one applies again.
    let (chosen, _) = choose(&contracts, day("2026-07-01"));
    assert_eq!(chosen.map(|c| c.id), Some(older.id));
}

#[test]
fn on_the_same_start_day_the_later_number_wins() {
    let first = contract(1, "2026-01-01", None, false);
    let second = contract(2, "2026-01-01", None, false);
    let contracts = [second.clone(), first];
    let (chosen, _) = choose(&contracts, day("2026-02-01"));
    assert_eq!(chosen.map(|c| c.id), Some(second.id));
}

#[test]
fn near_the_year_9999_it_renews_up_to_its_last_day_and_stops() {
    let mut c = contract(1, "9999-01-01", Some("9999-06-30"), true);
    c.fields.renewal = Some(Renewal {
        months: 12,
        notice_days: 0,
    });
    let step = c.next_step(day("9999-07-01")).unwrap();
    assert_eq!(
        step,
        Step::Renewed {
            valid_to: day("9999-12-31")
        }
    );
    let renewed = c.after(step);
    assert_eq!(renewed.next_step_on(), None);
    assert!(renewed.applies_on(day("9999-12-31")));
}
