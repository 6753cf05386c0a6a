//! Tests of the billing periods: every interval and count, month ends, end dates, cancelling,
//! finding a period by date, pauses, validation, the edges of the year range, and the properties
//! every schedule keeps.

use chrono::TimeDelta;
use proptest::prelude::*;

use super::*;

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn schedule(interval: Interval, count: u32, start: &str, end: Option<&str>, billing: Billing) -> Schedule {
    Schedule::new(interval, count, d(start), end.map(d), billing).unwrap()
}

fn monthly(start: &str, end: Option<&str>, billing: Billing) -> Schedule {
    schedule(Interval::Month, 1, start, end, billing)
}

fn period(index: u32, start: &str, end: &str, truncated: bool, due_on: &str) -> Period {
    Period {
        index,
        start: d(start),
        end: d(end),
        truncated,
        due_on: d(due_on),
    }
}

fn indexes(periods: impl Iterator<Item = Period>) -> Vec<u32> {
    periods.map(|period| period.index).collect()
}

use Billing::{InAdvance, InArrears};
use Interval::{HalfYear, Month, Quarter, Year};

#[test]
fn names_round_trip() {
    let intervals: Vec<(&str, u32)> = Interval::ALL.iter().map(|i| (i.as_str(), i.months())).collect();
    assert_eq!(
        intervals,
        [("month", 1), ("quarter", 3), ("half_year", 6), ("year", 12)]
    );
    let billings: Vec<&str> = Billing::ALL.iter().map(|b| b.as_str()).collect();
    assert_eq!(billings, ["in_advance", "in_arrears"]);
    for &interval in Interval::ALL {
        assert_eq!(Interval::parse(interval.as_str()), Some(interval));
    }
    for &billing in Billing::ALL {
        assert_eq!(Billing::parse(billing.as_str()), Some(billing));
    }
    assert_eq!(Interval::parse("monthly"), None);
    assert_eq!(Billing::parse("In_Advance"), None);
}

#[test]
fn every_interval_and_count_in_advance_and_in_arrears() {
    // Each period's start, end and due date.
    type Expected = &'static [(&'static str, &'static str, &'static str)];
    #[rustfmt::skip]
    let cases: &[(Interval, u32, Billing, &str, Expected)] = &[
        (Month, 1, InAdvance, "2026-03-15", &[
            ("2026-03-15", "2026-04-14", "2026-03-15"),
            ("2026-04-15", "2026-05-14", "2026-04-15"),
            ("2026-05-15", "2026-06-14", "2026-05-15"),
        ]),
        (Month, 1, InArrears, "2026-03-15", &[
            ("2026-03-15", "2026-04-14", "2026-04-14"),
            ("2026-04-15", "2026-05-14", "2026-05-14"),
            ("2026-05-15", "2026-06-14", "2026-06-14"),
        ]),
        (Month, 2, InAdvance, "2026-01-01", &[
            ("2026-01-01", "2026-02-28", "2026-01-01"),
            ("2026-03-01", "2026-04-30", "2026-03-01"),
            ("2026-05-01", "2026-06-30", "2026-05-01"),
        ]),
        (Month, 5, InArrears, "2026-11-10", &[
            ("2026-11-10", "2027-04-09", "2027-04-09"),
            ("2027-04-10", "2027-09-09", "2027-09-09"),
            ("2027-09-10", "2028-02-09", "2028-02-09"),
        ]),
        // Every twelve months is yearly.
        (Month, 12, InAdvance, "2026-06-30", &[
            ("2026-06-30", "2027-06-29", "2026-06-30"),
            ("2027-06-30", "2028-06-29", "2027-06-30"),
        ]),
        (Quarter, 1, InAdvance, "2026-01-01", &[
            ("2026-01-01", "2026-03-31", "2026-01-01"),
            ("2026-04-01", "2026-06-30", "2026-04-01"),
            ("2026-07-01", "2026-09-30", "2026-07-01"),
            ("2026-10-01", "2026-12-31", "2026-10-01"),
            ("2027-01-01", "2027-03-31", "2027-01-01"),
        ]),
        (Quarter, 2, InArrears, "2026-02-10", &[
            ("2026-02-10", "2026-08-09", "2026-08-09"),
            ("2026-08-10", "2027-02-09", "2027-02-09"),
            ("2027-02-10", "2027-08-09", "2027-08-09"),
        ]),
        (HalfYear, 1, InAdvance, "2026-07-01", &[
            ("2026-07-01", "2026-12-31", "2026-07-01"),
            ("2027-01-01", "2027-06-30", "2027-01-01"),
            ("2027-07-01", "2027-12-31", "2027-07-01"),
        ]),
        (HalfYear, 3, InArrears, "2026-05-20", &[
            ("2026-05-20", "2027-11-19", "2027-11-19"),
            ("2027-11-20", "2029-05-19", "2029-05-19"),
            ("2029-05-20", "2030-11-19", "2030-11-19"),
        ]),
        (Year, 1, InArrears, "2026-04-01", &[
            ("2026-04-01", "2027-03-31", "2027-03-31"),
            ("2027-04-01", "2028-03-31", "2028-03-31"),
            ("2028-04-01", "2029-03-31", "2029-03-31"),
        ]),
        (Year, 2, InAdvance, "2026-01-15", &[
            ("2026-01-15", "2028-01-14", "2026-01-15"),
            ("2028-01-15", "2030-01-14", "2028-01-15"),
            ("2030-01-15", "2032-01-14", "2030-01-15"),
        ]),
        (Year, 12, InArrears, "2026-01-01", &[
            ("2026-01-01", "2037-12-31", "2037-12-31"),
            ("2038-01-01", "2049-12-31", "2049-12-31"),
        ]),
    ];
    for &(interval, count, billing, start, expected) in cases {
        let schedule = schedule(interval, count, start, None, billing);
        let expected: Vec<Period> = (0..)
            .zip(expected)
            .map(|(index, &(start, end, due))| period(index, start, end, false, due))
            .collect();
        let found: Vec<Period> = schedule.periods_from(0).take(expected.len()).collect();
        assert_eq!(found, expected, "{schedule:?}");
        for period in expected {
            assert_eq!(schedule.period(period.index), Some(period), "{schedule:?}");
            assert_eq!(schedule.periods_from(period.index).next(), Some(period));
        }
    }
}

#[test]
fn month_ends_clamp_to_the_last_day_but_never_drift() {
    // Each period's start and end.
    type Expected = &'static [(&'static str, &'static str)];
    #[rustfmt::skip]
    let cases: &[(Interval, u32, &str, Expected)] = &[
        (Month, 1, "2026-01-31", &[
            ("2026-01-31", "2026-02-27"),
            ("2026-02-28", "2026-03-30"),
            ("2026-03-31", "2026-04-29"),
            ("2026-04-30", "2026-05-30"),
            ("2026-05-31", "2026-06-29"),
            ("2026-06-30", "2026-07-30"),
            ("2026-07-31", "2026-08-30"),
        ]),
        // A leap year keeps February's 29th.
        (Month, 1, "2028-01-31", &[
            ("2028-01-31", "2028-02-28"),
            ("2028-02-29", "2028-03-30"),
            ("2028-03-31", "2028-04-29"),
        ]),
        (Month, 1, "2026-01-30", &[
            ("2026-01-30", "2026-02-27"),
            ("2026-02-28", "2026-03-29"),
            ("2026-03-30", "2026-04-29"),
            ("2026-04-30", "2026-05-29"),
        ]),
        (Month, 2, "2026-12-31", &[
            ("2026-12-31", "2027-02-27"),
            ("2027-02-28", "2027-04-29"),
            ("2027-04-30", "2027-06-29"),
            ("2027-06-30", "2027-08-30"),
        ]),
        (Quarter, 1, "2026-08-31", &[
            ("2026-08-31", "2026-11-29"),
            ("2026-11-30", "2027-02-27"),
            ("2027-02-28", "2027-05-30"),
            ("2027-05-31", "2027-08-30"),
            ("2027-08-31", "2027-11-29"),
            ("2027-11-30", "2028-02-28"),
            ("2028-02-29", "2028-05-30"),
        ]),
        (Year, 1, "2028-02-29", &[
            ("2028-02-29", "2029-02-27"),
            ("2029-02-28", "2030-02-27"),
            ("2030-02-28", "2031-02-27"),
            ("2031-02-28", "2032-02-28"),
            ("2032-02-29", "2033-02-27"),
        ]),
    ];
    for &(interval, count, start, expected) in cases {
        let schedule = schedule(interval, count, start, None, InAdvance);
        let found: Vec<(NaiveDate, NaiveDate)> = schedule
            .periods_from(0)
            .take(expected.len())
            .map(|period| (period.start, period.end))
            .collect();
        let expected: Vec<(NaiveDate, NaiveDate)> = expected.iter().map(|&(start, end)| (d(start), d(end))).collect();
        assert_eq!(found, expected, "{schedule:?}");
    }
}

#[test]
fn an_end_date_cuts_the_last_period_short() {
    let quarterly = schedule(Quarter, 1, "2026-01-01", Some("2026-02-28"), InArrears);
    // Built without validation: an end before the start leaves no period.
    let backwards = Schedule {
        end: Some(d("2026-01-14")),
        ..monthly("2026-01-15", None, InAdvance)
    };
    let cases = [
        (
            monthly("2026-01-15", Some("2026-03-20"), InArrears),
            vec![
                period(0, "2026-01-15", "2026-02-14", false, "2026-02-14"),
                period(1, "2026-02-15", "2026-03-14", false, "2026-03-14"),
                period(2, "2026-03-15", "2026-03-20", true, "2026-03-20"),
            ],
        ),
        (
            monthly("2026-01-15", Some("2026-03-20"), InAdvance),
            vec![
                period(0, "2026-01-15", "2026-02-14", false, "2026-01-15"),
                period(1, "2026-02-15", "2026-03-14", false, "2026-02-15"),
                period(2, "2026-03-15", "2026-03-20", true, "2026-03-15"),
            ],
        ),
        // Ending on a period's last day cuts nothing short.
        (
            monthly("2026-01-15", Some("2026-03-14"), InArrears),
            vec![
                period(0, "2026-01-15", "2026-02-14", false, "2026-02-14"),
                period(1, "2026-02-15", "2026-03-14", false, "2026-03-14"),
            ],
        ),
        // Ending on a period's first day leaves it one day.
        (
            monthly("2026-01-15", Some("2026-02-15"), InAdvance),
            vec![
                period(0, "2026-01-15", "2026-02-14", false, "2026-01-15"),
                period(1, "2026-02-15", "2026-02-15", true, "2026-02-15"),
            ],
        ),
        (
            monthly("2026-01-15", Some("2026-01-15"), InArrears),
            vec![period(0, "2026-01-15", "2026-01-15", true, "2026-01-15")],
        ),
        (
            quarterly,
            vec![period(0, "2026-01-01", "2026-02-28", true, "2026-02-28")],
        ),
        (backwards, vec![]),
    ];
    for (schedule, expected) in cases {
        let found: Vec<Period> = schedule.periods_from(0).collect();
        assert_eq!(found, expected, "{schedule:?}");
        let count = u32::try_from(expected.len()).unwrap();
        assert_eq!(schedule.period(count), None);
        assert_eq!(schedule.periods_from(count).next(), None);
    }
}

#[test]
fn a_schedule_ends_with_the_year_9999_at_the_latest() {
    let cases = [
        // December's full period ends on the last day there is.
        (
            monthly("9999-10-01", None, InArrears),
            vec![
                period(0, "9999-10-01", "9999-10-31", false, "9999-10-31"),
                period(1, "9999-11-01", "9999-11-30", false, "9999-11-30"),
                period(2, "9999-12-01", "9999-12-31", false, "9999-12-31"),
            ],
        ),
        (
            schedule(Year, 1, "9999-03-01", None, InArrears),
            vec![period(0, "9999-03-01", "9999-12-31", true, "9999-12-31")],
        ),
        (
            schedule(Quarter, 2, "9999-12-15", Some("9999-12-31"), InAdvance),
            vec![period(0, "9999-12-15", "9999-12-31", true, "9999-12-15")],
        ),
    ];
    for (schedule, expected) in cases {
        let found: Vec<Period> = schedule.periods_from(0).collect();
        assert_eq!(found, expected, "{schedule:?}");
    }
    // Every month from the first to the last a record holds, and not one more.
    let all = monthly("0001-01-01", None, InAdvance);
    assert_eq!(all.periods_from(0).count(), 9999 * 12);
    assert_eq!(
        all.periods_from(9999 * 12 - 1).collect::<Vec<_>>(),
        [period(119_987, "9999-12-01", "9999-12-31", false, "9999-12-01")]
    );
    assert_eq!(all.period(9999 * 12), None);
    assert_eq!(all.period(u32::MAX), None);
}

#[test]
fn nothing_panics_at_the_edges() {
    let dates = [
        NaiveDate::MIN,
        ymd(1, 1, 1),
        ymd(1, 1, 31),
        ymd(2026, 1, 31),
        ymd(9999, 12, 1),
        ymd(9999, 12, 31),
        NaiveDate::MAX,
    ];
    let indexes = [
        0,
        1,
        2,
        119_987,
        119_988,
        u32::MAX / 12,
        u32::MAX / 2,
        u32::MAX - 1,
        u32::MAX,
    ];
    for &interval in Interval::ALL {
        for count in [0, 1, 12, 13, u32::MAX / 12, u32::MAX] {
            for &billing in Billing::ALL {
                for start in dates {
                    for end in [None, Some(NaiveDate::MIN), Some(start), Some(NaiveDate::MAX)] {
                        let schedule = Schedule {
                            interval,
                            interval_count: count,
                            start,
                            end,
                            billing,
                        };
                        for index in indexes {
                            let _ = schedule.period(index);
                            let _ = schedule.periods_from(index).take(2).count();
                        }
                        for date in dates {
                            let _ = schedule.period_containing(date);
                            let _ = schedule.index_on_or_after(date);
                            let _ = schedule.due_by(u32::MAX - 1, date).count();
                            let _ = schedule.ending_at_period_end(date).period(0);
                            let _ = schedule.ending_on(date).period(0);
                        }
                    }
                }
            }
        }
    }
    // An interval count of 0 spans no months and has no periods.
    let zero = Schedule {
        interval_count: 0,
        ..monthly("2026-01-01", None, InAdvance)
    };
    assert_eq!(zero.period(0), None);
    assert_eq!(zero.period_containing(d("2026-01-01")), None);
    assert_eq!(zero.index_on_or_after(d("2026-01-01")), None);
}

#[test]
fn period_containing_a_date() {
    let month_ends = monthly("2026-01-31", None, InAdvance);
    let quarter_ends = schedule(Quarter, 1, "2026-08-31", None, InAdvance);
    let leap_days = schedule(Year, 1, "2028-02-29", None, InAdvance);
    let cut = monthly("2026-01-15", Some("2026-03-20"), InArrears);
    #[rustfmt::skip]
    let cases = [
        (&month_ends, "0001-01-01", None),
        (&month_ends, "2026-01-30", None),
        (&month_ends, "2026-01-31", Some((0, "2026-01-31", "2026-02-27"))),
        (&month_ends, "2026-02-27", Some((0, "2026-01-31", "2026-02-27"))),
        (&month_ends, "2026-02-28", Some((1, "2026-02-28", "2026-03-30"))),
        (&month_ends, "2026-03-30", Some((1, "2026-02-28", "2026-03-30"))),
        (&month_ends, "2026-03-31", Some((2, "2026-03-31", "2026-04-29"))),
        // (9000 − 2026) × 12 + 5 months on, June 9000 has no 31st: its period starts on the 30th.
        (&month_ends, "9000-06-15", Some((83_692, "9000-05-31", "9000-06-29"))),
        (&month_ends, "9000-06-30", Some((83_693, "9000-06-30", "9000-07-30"))),
        (&month_ends, "9999-12-31", Some((95_687, "9999-12-31", "9999-12-31"))),
        // 9000 is no leap year.
        (&quarter_ends, "9000-02-27", Some((27_893, "8999-11-30", "9000-02-27"))),
        (&quarter_ends, "9000-03-01", Some((27_894, "9000-02-28", "9000-05-30"))),
        (&leap_days, "2032-02-28", Some((3, "2031-02-28", "2032-02-28"))),
        (&leap_days, "2032-02-29", Some((4, "2032-02-29", "2033-02-27"))),
        (&cut, "2026-03-20", Some((2, "2026-03-15", "2026-03-20"))),
        (&cut, "2026-03-21", None),
        (&cut, "9000-01-01", None),
    ];
    for (schedule, date, expected) in cases {
        let found = schedule
            .period_containing(d(date))
            .map(|period| (period.index, period.start, period.end));
        let expected = expected.map(|(index, start, end)| (index, d(start), d(end)));
        assert_eq!(found, expected, "{date} in {schedule:?}");
    }
}

#[test]
fn index_of_the_first_period_starting_on_or_after_a_date() {
    let month_ends = monthly("2026-01-31", None, InAdvance);
    let cut = monthly("2026-01-31", Some("2026-03-15"), InAdvance);
    let cases = [
        (&month_ends, "0001-01-01", Some(0)),
        (&month_ends, "2026-01-30", Some(0)),
        (&month_ends, "2026-01-31", Some(0)),
        (&month_ends, "2026-02-01", Some(1)),
        (&month_ends, "2026-02-28", Some(1)),
        (&month_ends, "2026-03-01", Some(2)),
        (&month_ends, "2026-03-31", Some(2)),
        (&month_ends, "2026-04-01", Some(3)),
        (&month_ends, "9000-06-15", Some(83_693)),
        (&month_ends, "9999-12-31", Some(95_687)),
        (&cut, "2026-02-28", Some(1)),
        // Period 2 would start on 31 March, after the end.
        (&cut, "2026-03-01", None),
    ];
    for (schedule, date, expected) in cases {
        assert_eq!(schedule.index_on_or_after(d(date)), expected, "{date} in {schedule:?}");
    }
}

#[test]
fn periods_due_by_a_date() {
    let advance = monthly("2026-01-15", None, InAdvance);
    let arrears = monthly("2026-01-15", None, InArrears);
    let cut = monthly("2026-01-15", Some("2026-03-20"), InArrears);
    let cases: &[(&Schedule, u32, &str, &[u32])] = &[
        (&advance, 0, "2026-01-14", &[]),
        (&advance, 0, "2026-01-15", &[0]),
        (&advance, 0, "2026-03-14", &[0, 1]),
        (&advance, 0, "2026-03-15", &[0, 1, 2]),
        (&advance, 2, "2026-03-15", &[2]),
        (&advance, 3, "2026-03-15", &[]),
        (&arrears, 0, "2026-02-13", &[]),
        (&arrears, 0, "2026-02-14", &[0]),
        (&arrears, 0, "2026-03-14", &[0, 1]),
        (&arrears, 1, "2026-04-13", &[1]),
        (&cut, 0, "2026-03-19", &[0, 1]),
        // The cut period falls due on the end date, and nothing after it.
        (&cut, 0, "2026-03-20", &[0, 1, 2]),
        (&cut, 0, "9999-12-31", &[0, 1, 2]),
    ];
    for &(schedule, from, as_of, expected) in cases {
        assert_eq!(
            indexes(schedule.due_by(from, d(as_of))),
            expected,
            "from {from} by {as_of} in {schedule:?}"
        );
    }
}

#[test]
fn a_period_starting_in_a_pause_is_skipped() {
    let pauses = [
        Pause {
            from: d("2026-03-10"),
            until: Some(d("2026-05-10")),
        },
        Pause {
            from: d("2026-08-01"),
            until: None,
        },
        // Resumed the day it was paused: never paused at all.
        Pause {
            from: d("2026-06-01"),
            until: Some(d("2026-06-01")),
        },
    ];
    let cases = [
        ("2026-03-09", false),
        ("2026-03-10", true),
        ("2026-04-15", true),
        ("2026-05-09", true),
        ("2026-05-10", false),
        ("2026-06-01", false),
        ("2026-07-31", false),
        ("2026-08-01", true),
        ("9999-12-31", true),
    ];
    for (date, paused) in cases {
        assert_eq!(paused_on(&pauses, d(date)), paused, "{date}");
    }
    assert!(!paused_on(&[], d("2026-03-10")));

    // Starts on the 10th: March (on `from`) and April are skipped, May (on `until`) is billed,
    // and from August on nothing is.
    let schedule = monthly("2026-01-10", None, InAdvance);
    let billed = schedule
        .due_by(0, d("2026-12-31"))
        .filter(|period| !paused_on(&pauses, period.start));
    assert_eq!(indexes(billed), [0, 1, 4, 5, 6]);
}

#[test]
fn cancelling_at_period_end_or_now() {
    type Cut = fn(&Schedule, NaiveDate) -> Schedule;
    // How, the end already set, the date cancelled on, the end it gives, the last period left.
    type Case = (Cut, Option<&'static str>, &'static str, &'static str, Option<Period>);
    let (at_period_end, now): (Cut, Cut) = (Schedule::ending_at_period_end, Schedule::ending_on);
    #[rustfmt::skip]
    let cases: &[Case] = &[
        (at_period_end, None, "2026-03-20", "2026-04-14",
            Some(period(2, "2026-03-15", "2026-04-14", false, "2026-04-14"))),
        (at_period_end, None, "2026-03-15", "2026-04-14",
            Some(period(2, "2026-03-15", "2026-04-14", false, "2026-04-14"))),
        (at_period_end, None, "2026-03-14", "2026-03-14",
            Some(period(1, "2026-02-15", "2026-03-14", false, "2026-03-14"))),
        (at_period_end, None, "2026-01-15", "2026-02-14",
            Some(period(0, "2026-01-15", "2026-02-14", false, "2026-02-14"))),
        // Cancelled before it started: nothing is billed.
        (at_period_end, None, "2026-01-14", "2026-01-14", None),
        // An end already set inside the current period stays.
        (at_period_end, Some("2026-03-20"), "2026-03-16", "2026-03-20",
            Some(period(2, "2026-03-15", "2026-03-20", true, "2026-03-20"))),
        (at_period_end, Some("2026-03-20"), "2026-03-01", "2026-03-14",
            Some(period(1, "2026-02-15", "2026-03-14", false, "2026-03-14"))),
        // Cancelled after it ended: nothing changes.
        (at_period_end, Some("2026-03-20"), "2026-05-01", "2026-03-20",
            Some(period(2, "2026-03-15", "2026-03-20", true, "2026-03-20"))),
        (now, None, "2026-03-20", "2026-03-20",
            Some(period(2, "2026-03-15", "2026-03-20", true, "2026-03-20"))),
        (now, None, "2026-03-14", "2026-03-14",
            Some(period(1, "2026-02-15", "2026-03-14", false, "2026-03-14"))),
        (now, None, "2026-01-15", "2026-01-15",
            Some(period(0, "2026-01-15", "2026-01-15", true, "2026-01-15"))),
        (now, Some("2026-03-20"), "2026-04-30", "2026-03-20",
            Some(period(2, "2026-03-15", "2026-03-20", true, "2026-03-20"))),
        (now, None, "2026-01-01", "2026-01-01", None),
    ];
    for &(cut, end, date, expected_end, expected_last) in cases {
        let schedule = monthly("2026-01-15", end, InArrears);
        let cancelled = cut(&schedule, d(date));
        assert_eq!(cancelled.end, Some(d(expected_end)), "{date} in {schedule:?}");
        assert_eq!(
            cancelled.periods_from(0).last(),
            expected_last,
            "{date} in {schedule:?}"
        );
        // Only the end changes.
        assert_eq!(
            Schedule {
                end: schedule.end,
                ..cancelled
            },
            schedule
        );
    }
}

#[test]
fn each_broken_rule_names_its_field_and_code() {
    // The interval count, start, end, and the fields and codes reported.
    type Case = (u32, NaiveDate, Option<NaiveDate>, Vec<(&'static str, &'static str)>);
    let year_0 = NaiveDate::from_ymd_opt(0, 12, 31).unwrap();
    let year_10000 = NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap();
    let start = d("2026-01-15");
    let cases: Vec<Case> = vec![
        (1, start, None, vec![]),
        (MAX_INTERVAL_COUNT, start, Some(start), vec![]),
        (1, ymd(1, 1, 1), Some(ymd(9999, 12, 31)), vec![]),
        (0, start, None, vec![("interval_count", "out_of_range")]),
        (13, start, None, vec![("interval_count", "out_of_range")]),
        (1, start, Some(d("2026-01-14")), vec![("end_date", "before_start")]),
        (1, year_0, None, vec![("start_date", "out_of_range")]),
        (1, start, Some(year_10000), vec![("end_date", "out_of_range")]),
        // An end out of range is not also before the start.
        (1, start, Some(year_0), vec![("end_date", "out_of_range")]),
        (
            0,
            year_10000,
            Some(year_0),
            vec![
                ("interval_count", "out_of_range"),
                ("start_date", "out_of_range"),
                ("end_date", "out_of_range"),
            ],
        ),
    ];
    for (count, start, end, expected) in cases {
        let found = match Schedule::new(Month, count, start, end, InAdvance) {
            Ok(schedule) => {
                assert_eq!(
                    (schedule.interval_count, schedule.start, schedule.end),
                    (count, start, end)
                );
                vec![]
            }
            Err(errors) => errors.into_errors().into_iter().map(|e| (e.field, e.code)).collect(),
        };
        let expected: Vec<(String, &str)> = expected
            .into_iter()
            .map(|(field, code)| (field.to_owned(), code))
            .collect();
        assert_eq!(found, expected, "{count} {start} {end:?}");
    }
    let errors = Schedule::new(Month, 13, start, None, InAdvance).unwrap_err();
    assert_eq!(errors.errors()[0].message, "must be between 1 and 12");
}

/// The months from `from`'s month to `to`'s.
fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month0()) - i64::from(from.month0())
}

fn last_of_month(date: NaiveDate) -> NaiveDate {
    ymd(date.year(), date.month(), 1)
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap()
}

prop_compose! {
    /// Any valid schedule, from the first day of the year 1 to the last of 9999.
    fn schedules()(
        interval in prop::sample::select(Interval::ALL),
        count in 1..=MAX_INTERVAL_COUNT,
        start in 0i64..=3_652_058,
        length in prop::option::of(0i64..40_000),
        billing in prop::sample::select(Billing::ALL),
    ) -> Schedule {
        let start = ymd(1, 1, 1) + TimeDelta::days(start);
        let end = length.map(|length| (start + TimeDelta::days(length)).min(horizon()));
        Schedule::new(interval, count, start, end, billing).unwrap()
    }
}

proptest! {
    #[test]
    fn periods_are_contiguous_and_start_on_the_anchor_day(
        schedule in schedules(),
        from in prop::option::of(0u32..200_000),
    ) {
        let months = i64::from(schedule.interval.months() * schedule.interval_count);
        let last_day = schedule.end.unwrap_or(horizon());
        let periods: Vec<Period> = schedule.periods_from(from.unwrap_or(0)).take(30).collect();
        if from.is_none() {
            prop_assert_eq!(periods.first().map(|p| (p.index, p.start)), Some((0, schedule.start)));
        }
        for pair in periods.windows(2) {
            prop_assert_eq!(pair[1].index, pair[0].index + 1);
            prop_assert_eq!(pair[0].end.succ_opt(), Some(pair[1].start));
            prop_assert!(!pair[0].truncated);
        }
        for period in &periods {
            prop_assert_eq!(schedule.period(period.index), Some(*period));
            prop_assert!(period.start <= period.end && period.end <= last_day);
            prop_assert_eq!(months_between(schedule.start, period.start), i64::from(period.index) * months);
            prop_assert_eq!(period.start.day(), schedule.start.day().min(last_of_month(period.start).day()));
            let due = match schedule.billing { InAdvance => period.start, InArrears => period.end };
            prop_assert_eq!(period.due_on, due);
            let next_start = u32::try_from((i64::from(period.index) + 1) * months)
                .ok()
                .and_then(|months| schedule.start.checked_add_months(Months::new(months)));
            prop_assert_eq!(period.truncated, period.end.succ_opt() != next_start);
            if period.truncated {
                prop_assert_eq!(period.end, last_day);
            }
        }
        if let Some(last) = periods.last().filter(|_| periods.len() < 30) {
            prop_assert_eq!(schedule.period(last.index + 1), None);
        }
    }

    #[test]
    fn the_period_containing_a_date_is_the_one_whose_days_hold_it(
        schedule in schedules(),
        offset in -100i64..200_000,
    ) {
        let Some(date) = schedule.start.checked_add_signed(TimeDelta::days(offset)) else {
            return Ok(());
        };
        let last_day = schedule.end.unwrap_or(horizon());
        match schedule.period_containing(date) {
            None => prop_assert!(date < schedule.start || date > last_day),
            Some(found) => {
                prop_assert!(found.contains(date));
                let next = schedule.period(found.index + 1);
                prop_assert!(next.is_none_or(|next| next.start > date));
                let first_on_or_after = if found.start == date { Some(found.index) } else { next.map(|n| n.index) };
                prop_assert_eq!(schedule.index_on_or_after(date), first_on_or_after);
            }
        }
        if date <= schedule.start {
            prop_assert_eq!(schedule.index_on_or_after(date), Some(0));
        }
    }
}
