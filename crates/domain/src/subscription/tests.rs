//! Tests of a subscription's life: which periods are due for a run and for the daily job, pauses,
//! cancelling, and the cursors that keep every period billed once.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::period::{Billing, Interval};
use super::*;
use crate::document::LineInput;
use crate::fixtures::{cur, d, day};

/// A monthly subscription in advance from `start`, activated on `activated_on`.
fn monthly(start: &str, activated_on: &str) -> Subscription {
    let input = SubscriptionInput {
        party_id: Uuid::from_u128(1),
        contract_id: None,
        currency: None,
        lines: vec![LineInput {
            description: Some("Hosting".into()),
            quantity: d("1"),
            unit_price: Some(d("100")),
            tax_rate: Some(d("19")),
            ..LineInput::default()
        }],
        interval: Interval::Month,
        interval_count: None,
        start_date: Some(day(start)),
        end_date: None,
        billing: None,
        external_id: None,
    };
    let draft = Subscription {
        id: Uuid::from_u128(2),
        number: number(2026, 1),
        fields: input.validate(Some(cur("EUR")), day(start)).unwrap(),
        state: SubscriptionState::DRAFT,
        version: 1,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
    };
    draft.activate(day(activated_on)).unwrap()
}

/// Bills (or skips) everything due for `biller` by `as_of` on that day; returns the periods
/// billed, by start, and the skipped ones.
fn run(sub: &mut Subscription, who: Biller, as_of: &str) -> (Vec<NaiveDate>, Vec<NaiveDate>) {
    let (mut billed, mut passed_over) = (Vec::new(), Vec::new());
    for (period, outcome) in sub.due(who, day(as_of), day(as_of)) {
        match outcome {
            Outcome::Bill => billed.push(period.start),
            Outcome::Skip => passed_over.push(period.start),
        }
        *sub = sub.with_done(period.index);
    }
    (billed, passed_over)
}

fn days(texts: &[&str]) -> Vec<NaiveDate> {
    texts.iter().map(|t| day(t)).collect()
}

#[test]
fn a_run_bills_every_month_end_once() {
    let mut sub = monthly("2026-01-31", "2026-01-31");
    let (billed, skipped) = run(&mut sub, Biller::Run, "2026-06-30");
    let expected = [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
        "2026-06-30",
    ];
    assert_eq!(billed, days(&expected));
    assert!(skipped.is_empty());
    assert_eq!(run(&mut sub, Biller::Run, "2026-06-30"), (vec![], vec![]));
    assert_eq!(
        run(&mut sub, Biller::Job, "2026-06-30"),
        (vec![], vec![]),
        "the job finds it done too"
    );
    assert_eq!(sub.next_due_on(Biller::Run), Some(day("2026-07-31")));
    assert_eq!(sub.next_due_on(Biller::Job), Some(day("2026-07-31")));
}

#[test]
fn the_job_bills_from_activation_and_a_run_bills_the_backdated_periods_after() {
    let mut sub = monthly("2026-01-31", "2026-03-15");
    assert_eq!(sub.next_due_on(Biller::Job), Some(day("2026-03-31")));
    assert_eq!(sub.next_due_on(Biller::Run), Some(day("2026-01-31")));
    let (billed, _) = run(&mut sub, Biller::Job, "2026-04-30");
    assert_eq!(billed, days(&["2026-03-31", "2026-04-30"]));
    let (billed, _) = run(&mut sub, Biller::Run, "2026-05-31");
    assert_eq!(
        billed,
        days(&["2026-01-31", "2026-02-28", "2026-05-31"]),
        "the job's periods are not billed again"
    );
    assert_eq!(sub.state.billed_before, 5);
    assert_eq!(sub.state.auto_billed_before, 5);
    assert_eq!(run(&mut sub, Biller::Job, "2026-05-31"), (vec![], vec![]));
}

#[test]
fn a_period_starting_while_paused_is_skipped_and_one_ahead_waits() {
    let mut sub = monthly("2026-01-31", "2026-01-31");
    run(&mut sub, Biller::Run, "2026-02-28");
    sub = sub.pause(day("2026-03-15")).unwrap();
    // Paused: March is skipped once its day came; April waits, as it may be resumed by then.
    let due: Vec<_> = sub.due(Biller::Run, day("2026-06-30"), day("2026-03-31"));
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].0.start, due[0].1), (day("2026-03-31"), Outcome::Skip));
    sub = sub.with_done(due[0].0.index);
    sub = sub.resume(day("2026-04-10")).unwrap();
    let (billed, skipped) = run(&mut sub, Biller::Run, "2026-06-30");
    assert_eq!(billed, days(&["2026-04-30", "2026-05-31", "2026-06-30"]));
    assert!(skipped.is_empty());
}

#[test]
fn a_pause_seen_only_by_a_later_run_still_skips_its_periods() {
    let mut sub = monthly("2026-01-31", "2026-01-31");
    sub = sub.pause(day("2026-03-01")).unwrap();
    sub = sub.resume(day("2026-04-01")).unwrap();
    let (billed, skipped) = run(&mut sub, Biller::Run, "2026-06-30");
    assert_eq!(
        billed,
        days(&["2026-01-31", "2026-02-28", "2026-04-30", "2026-05-31", "2026-06-30"])
    );
    assert_eq!(skipped, days(&["2026-03-31"]));
}

#[test]
fn cancelling_at_period_end_bills_the_period_under_way_cancelling_now_cuts_it() {
    let sub = monthly("2026-01-31", "2026-01-31");
    let at_end = sub.cancel(day("2026-03-10"), CancelAt::PeriodEnd).unwrap();
    assert_eq!(at_end.state.status, SubscriptionStatus::Cancelled);
    assert_eq!(at_end.fields.schedule.end, Some(day("2026-03-30")));
    let mut billing = at_end.clone();
    let (billed, _) = run(&mut billing, Biller::Run, "2026-12-31");
    assert_eq!(billed, days(&["2026-01-31", "2026-02-28"]));
    assert_eq!(billing.next_due_on(Biller::Run), None);

    let mut arrears = monthly("2026-01-31", "2026-01-31");
    arrears.fields.schedule.billing = Billing::InArrears;
    let now = arrears.cancel(day("2026-03-10"), CancelAt::Now).unwrap();
    assert_eq!(now.fields.schedule.end, Some(day("2026-03-10")));
    let mut billing = now;
    let due: Vec<_> = billing.due(Biller::Run, day("2026-12-31"), day("2026-12-31"));
    let last = due.last().unwrap().0;
    assert_eq!(
        (last.start, last.end, last.due_on, last.truncated),
        (day("2026-02-28"), day("2026-03-10"), day("2026-03-10"), true)
    );
    assert!(billing.cancel(day("2026-03-11"), CancelAt::Now).is_err());
    let (billed, _) = run(&mut billing, Biller::Run, "2026-12-31");
    assert_eq!(billed.len(), 2);
}

#[test]
fn a_draft_bills_nothing_and_an_end_date_ends_it() {
    let mut draft = monthly("2026-01-31", "2026-01-31");
    draft.state = SubscriptionState::DRAFT;
    assert!(draft.due(Biller::Run, day("2026-12-31"), day("2026-12-31")).is_empty());
    assert_eq!(draft.next_step_on(), None);
    let mut sub = monthly("2026-01-31", "2026-01-31");
    sub.fields.schedule.end = Some(day("2026-02-15"));
    run(&mut sub, Biller::Job, "2026-02-28");
    assert_eq!(sub.next_step_on(), Some(day("2026-02-16")));
    assert!(!sub.has_ended(day("2026-02-15")));
    assert!(sub.has_ended(day("2026-02-16")));
    let ended = sub.ended();
    assert_eq!(
        (ended.state.status, ended.next_step_on()),
        (SubscriptionStatus::Ended, None)
    );
}

#[test]
fn the_schedule_is_fixed_once_activated() {
    let sub = monthly("2026-01-31", "2026-01-31");
    let mut changed = sub.fields.clone();
    changed.schedule.interval = Interval::Quarter;
    changed.schedule.end = Some(day("2026-12-31"));
    changed.lines[0].quantity = d("2");
    assert_eq!(sub.unchangeable(&changed), ["interval"]);
    let mut draft = sub.clone();
    draft.state = SubscriptionState::DRAFT;
    assert!(draft.unchangeable(&changed).is_empty());
}

#[test]
fn bad_input_is_reported_field_by_field() {
    let input = SubscriptionInput {
        party_id: Uuid::from_u128(1),
        contract_id: None,
        currency: Some("EURO".into()),
        lines: Vec::new(),
        interval: Interval::Month,
        interval_count: Some(0),
        start_date: Some(day("2026-05-01")),
        end_date: Some(day("2026-04-30")),
        billing: None,
        external_id: None,
    };
    let errors = input.validate(None, day("2026-01-01")).unwrap_err();
    let fields: Vec<_> = errors.errors().iter().map(|e| (e.field.as_str(), e.code)).collect();
    assert_eq!(
        fields,
        [
            ("currency", "invalid_currency"),
            ("lines", "required"),
            ("interval_count", "out_of_range"),
            ("end_date", "before_start")
        ]
    );
}
