//! Business calendars: when the SLA clock of a case runs.
//!
//! A calendar names working hours in the LOCAL time of a time zone (`09:00`–`17:00`
//! Europe/Berlin), on working days that are not holidays. Each local boundary is mapped to UTC on
//! its own day, so across a daylight-saving change the working day still runs from 09:00 to 17:00
//! on the wall clock. A boundary that falls in a gap (clocks spring forward) becomes the first
//! instant after the gap; one that falls in a fold (clocks fall back) takes the earlier instant.
//!
//! Computations walk the calendar one working window (one day) at a time, never minute by minute,
//! and stop at the end of the year [`time::MAX_YEAR`]: a record holds no instant beyond it.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::time;
use crate::validation::ValidationErrors;

/// A holiday list covers at most a year's days; a longer one is a mistake, not a calendar.
pub const MAX_HOLIDAYS: usize = 366;

const MINUTES_PER_DAY: u32 = 24 * 60;

/// A calendar as clients write it and as it is stored:
/// `{"time_zone": "Europe/Berlin", "working_days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00", "holidays": ["2026-12-25"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarInput {
    /// An IANA name (`Europe/Berlin`).
    pub time_zone: String,
    /// ISO numbering: Monday = 1 … Sunday = 7.
    pub working_days: Vec<u8>,
    /// `HH:MM`, 24-hour clock, local time.
    pub start: String,
    /// `HH:MM` after `start`; `24:00` ends the working day at midnight, so `00:00`–`24:00` on every
    /// day is a round-the-clock calendar.
    pub end: String,
    /// `YYYY-MM-DD`, local dates.
    pub holidays: Vec<String>,
}

/// A calendar whose rules held. Stored and answered as its [`CalendarInput`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CalendarInput", into = "CalendarInput")]
pub struct Calendar {
    time_zone: Tz,
    /// Indexed by days from Monday.
    working_days: [bool; 7],
    /// Minutes after local midnight; `start < end <= 24:00`.
    start: u32,
    end: u32,
    holidays: BTreeSet<NaiveDate>,
}

impl CalendarInput {
    /// Checks every rule and reports all broken ones, each under its field (`calendar.end`).
    pub fn validate(&self) -> Result<Calendar, ValidationErrors> {
        let mut errors = ValidationErrors::new();

        let time_zone = if self.time_zone.trim().is_empty() {
            errors.add(
                "calendar.time_zone",
                "required",
                "an IANA time zone such as Europe/Berlin",
            );
            None
        } else if let Ok(zone) = self.time_zone.parse::<Tz>() {
            Some(zone)
        } else {
            errors.add(
                "calendar.time_zone",
                "unknown_time_zone",
                "not an IANA time zone name such as Europe/Berlin",
            );
            None
        };

        let mut working_days = [false; 7];
        if self.working_days.is_empty() {
            errors.add("calendar.working_days", "required", "at least one working day");
        }
        for (index, &day) in self.working_days.iter().enumerate() {
            let field = format!("calendar.working_days[{index}]");
            match weekday_index(day) {
                None => errors.add(field, "out_of_range", "a working day is 1 (Monday) to 7 (Sunday)"),
                Some(slot) if working_days[slot] => errors.add(field, "duplicate", "listed twice"),
                Some(slot) => working_days[slot] = true,
            }
        }

        let start = parse_minute(&self.start, false);
        if start.is_none() {
            errors.add(
                "calendar.start",
                "invalid_time",
                "a time of day as HH:MM, 00:00 to 23:59",
            );
        }
        let end = parse_minute(&self.end, true);
        if end.is_none() {
            errors.add("calendar.end", "invalid_time", "a time of day as HH:MM, 00:01 to 24:00");
        }
        if let (Some(start), Some(end)) = (start, end)
            && start >= end
        {
            errors.add(
                "calendar.end",
                "invalid_range",
                "the working day must end after it starts",
            );
        }

        let mut holidays = BTreeSet::new();
        if self.holidays.len() > MAX_HOLIDAYS {
            errors.add(
                "calendar.holidays",
                "too_many",
                format!("at most {MAX_HOLIDAYS} holidays"),
            );
        } else {
            for (index, text) in self.holidays.iter().enumerate() {
                let field = format!("calendar.holidays[{index}]");
                match parse_date(text) {
                    None => errors.add(field, "invalid_date", "a date as YYYY-MM-DD"),
                    Some(date) if !holidays.insert(date) => errors.add(field, "duplicate", "listed twice"),
                    Some(_) => {}
                }
            }
        }

        errors.finish(|| Calendar {
            time_zone: time_zone.unwrap_or(Tz::UTC),
            working_days,
            start: start.unwrap_or_default(),
            end: end.unwrap_or(MINUTES_PER_DAY),
            holidays,
        })
    }
}

impl TryFrom<CalendarInput> for Calendar {
    type Error = ValidationErrors;

    fn try_from(input: CalendarInput) -> Result<Self, Self::Error> {
        input.validate()
    }
}

impl From<Calendar> for CalendarInput {
    fn from(calendar: Calendar) -> Self {
        calendar.input()
    }
}

impl Calendar {
    /// The stored and answered form; validating it gives this calendar again. Working days and
    /// holidays come out sorted.
    pub fn input(&self) -> CalendarInput {
        CalendarInput {
            time_zone: self.time_zone.name().to_owned(),
            working_days: (1..=7)
                .filter(|&day| weekday_index(day).is_some_and(|slot| self.working_days[slot]))
                .collect(),
            start: format_minute(self.start),
            end: format_minute(self.end),
            holidays: self
                .holidays
                .iter()
                .map(|date| date.format("%Y-%m-%d").to_string())
                .collect(),
        }
    }

    /// The working time inside `[from, to)`; zero when `to <= from`.
    pub fn working_time(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        if to <= from {
            return TimeDelta::zero();
        }
        self.windows_from(from)
            .take_while(|&(start, _)| start < to)
            .map(|(start, end)| (end.min(to) - start.max(from)).max(TimeDelta::zero()))
            .sum()
    }

    /// The earliest instant by which `amount` of working time has passed since `from`. Counting
    /// starts at the next working window when `from` lies outside one, so the result is the
    /// inverse of [`Calendar::working_time`]: `working_time(from, add_working_time(from, d)) == d`.
    ///
    /// A zero (or negative) amount has passed at `from` itself, even outside working time: a
    /// target already used up is due now, not at the next opening. An amount the calendar cannot
    /// reach before the end of the year 9999 gives that end (the last instant a record holds).
    pub fn add_working_time(&self, from: DateTime<Utc>, amount: TimeDelta) -> DateTime<Utc> {
        if amount <= TimeDelta::zero() {
            return from;
        }
        // Working time never outruns real time: past the horizon in real time is past it in any calendar.
        if from.checked_add_signed(amount).is_none_or(|bound| bound > horizon()) {
            return horizon().max(from);
        }
        let mut remaining = amount;
        for (start, end) in self.windows_from(from) {
            let start = start.max(from);
            if end <= start {
                continue;
            }
            let available = end - start;
            if remaining <= available {
                return start + remaining;
            }
            remaining -= available;
        }
        horizon().max(from)
    }

    /// The non-empty working windows, in order, from the one that may contain `from` on.
    ///
    /// Starts a local day early: a window belongs to its local date, and `from` may lie in the
    /// last hour of the previous local day's window when clocks fall back around midnight. Only
    /// the days of the years a record may hold have windows.
    fn windows_from(&self, from: DateTime<Utc>) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        let first_day = NaiveDate::from_ymd_opt(time::MIN_YEAR, 1, 1).unwrap_or(NaiveDate::MIN);
        let first = self
            .wall_clock(from)
            .map(|local| local.date())
            .map(|day| day.pred_opt().unwrap_or(day).max(first_day));
        first
            .into_iter()
            .flat_map(|day| day.iter_days())
            .take_while(|day| day.year() <= time::MAX_YEAR)
            .filter_map(|day| self.window(day))
    }

    /// The working window of a local day, if it is a working day that is not a holiday.
    fn window(&self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let slot = day.weekday().num_days_from_monday() as usize;
        if !self.working_days[slot] || self.holidays.contains(&day) {
            return None;
        }
        let start = self.instant(day, self.start)?;
        let end = self.instant(day, self.end)?;
        // Both boundaries in one gap map to the same instant: nothing to work that day.
        (start < end).then_some((start, end))
    }

    /// The UTC instant of a local wall-clock time (`minute` after midnight of `day`).
    fn instant(&self, day: NaiveDate, minute: u32) -> Option<DateTime<Utc>> {
        let local = day
            .and_time(NaiveTime::MIN)
            .checked_add_signed(TimeDelta::minutes(i64::from(minute)))?;
        Some(match self.time_zone.from_local_datetime(&local).earliest() {
            Some(at) => at.to_utc(),
            None => self.after_gap(local),
        })
    }

    /// A wall-clock time the clocks skip is read as the first instant after the gap: the working
    /// day starts (or ends) when the clock first shows that time or later.
    fn after_gap(&self, local: NaiveDateTime) -> DateTime<Utc> {
        // UTC offsets stay within a day of UTC, so two days either side bracket the change:
        // the wall clock reads before `local` at `early` and at or after it at `late`.
        const BRACKET: i64 = 2 * 86_400;
        let naive = local.and_utc().timestamp();
        let (mut early, mut late) = (naive - BRACKET, naive + BRACKET);
        // Offsets change on whole seconds, so a search over whole seconds finds the change exactly.
        while late - early > 1 {
            let middle = early + (late - early) / 2;
            let reads_later = DateTime::from_timestamp(middle, 0)
                .and_then(|at| self.wall_clock(at))
                .is_some_and(|wall| wall >= local);
            if reads_later {
                late = middle;
            } else {
                early = middle;
            }
        }
        DateTime::from_timestamp(late, 0).unwrap_or_else(|| local.and_utc())
    }

    /// What the local wall clock shows at `at`; `None` only beyond chrono's range.
    fn wall_clock(&self, at: DateTime<Utc>) -> Option<NaiveDateTime> {
        let offset = self.time_zone.offset_from_utc_datetime(&at.naive_utc()).fix();
        at.naive_utc().checked_add_offset(offset)
    }
}

/// The last instant a record holds: where calendar arithmetic gives up.
fn horizon() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(time::MAX_YEAR, 12, 31)
        .and_then(|day| day.and_hms_opt(23, 59, 59))
        .map_or(DateTime::<Utc>::MAX_UTC, |at| at.and_utc())
}

/// The slot of an ISO weekday (1 = Monday … 7 = Sunday).
fn weekday_index(day: u8) -> Option<usize> {
    (1..=7).contains(&day).then(|| usize::from(day - 1))
}

/// `HH:MM` on a 24-hour clock as minutes after midnight; `24:00` only as an end of day.
fn parse_minute(text: &str, end_of_day: bool) -> Option<u32> {
    let &[h1, h2, b':', m1, m2] = text.as_bytes() else {
        return None;
    };
    let digit = |byte: u8| byte.is_ascii_digit().then(|| u32::from(byte - b'0'));
    let hours = digit(h1)? * 10 + digit(h2)?;
    let minutes = digit(m1)? * 10 + digit(m2)?;
    match (hours, minutes) {
        (0..=23, 0..=59) => Some(hours * 60 + minutes),
        (24, 0) if end_of_day => Some(MINUTES_PER_DAY),
        _ => None,
    }
}

fn format_minute(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Exactly `YYYY-MM-DD` (chrono alone would also take `2026-1-5` or `+2026-01-05`), years 1 to 9999.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(index, byte)| {
            if index == 4 || index == 7 {
                *byte == b'-'
            } else {
                byte.is_ascii_digit()
            }
        });
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|date| time::date(date).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn input(time_zone: &str, days: &[u8], start: &str, end: &str, holidays: &[&str]) -> CalendarInput {
        CalendarInput {
            time_zone: time_zone.to_owned(),
            working_days: days.to_vec(),
            start: start.to_owned(),
            end: end.to_owned(),
            holidays: holidays.iter().map(|&day| day.to_owned()).collect(),
        }
    }

    fn berlin(holidays: &[&str]) -> Calendar {
        input("Europe/Berlin", &[1, 2, 3, 4, 5], "09:00", "17:00", holidays)
            .validate()
            .unwrap()
    }

    fn hours(hours: i64) -> TimeDelta {
        TimeDelta::hours(hours)
    }

    fn minutes(minutes: i64) -> TimeDelta {
        TimeDelta::minutes(minutes)
    }

    #[test]
    fn due_times_count_only_working_hours_in_local_time() {
        let christmas = berlin(&["2026-12-24", "2026-12-25"]);
        let cases = [
            // Friday 16:30 CET, 4 h: 30 min on Friday, 3.5 h on Monday.
            (
                "2026-11-27T16:30:00+01:00",
                hours(4),
                "2026-11-30T12:30:00+01:00",
                &christmas,
            ),
            // Autumn change on Sunday 25 October: Friday 16:00 CEST + 8 h = Monday 16:00 CET.
            (
                "2026-10-23T16:00:00+02:00",
                hours(8),
                "2026-10-26T16:00:00+01:00",
                &christmas,
            ),
            // Spring change on Sunday 29 March: Friday 16:00 CET + 8 h = Monday 16:00 CEST.
            (
                "2026-03-27T16:00:00+01:00",
                hours(8),
                "2026-03-30T16:00:00+02:00",
                &christmas,
            ),
            // Wednesday before two holidays and a weekend: 2 h Wednesday, 2 h Monday.
            (
                "2026-12-23T15:00:00+01:00",
                hours(4),
                "2026-12-28T11:00:00+01:00",
                &christmas,
            ),
            // Opened on a Saturday: counting starts Monday 09:00.
            (
                "2026-11-28T10:00:00+01:00",
                hours(1),
                "2026-11-30T10:00:00+01:00",
                &christmas,
            ),
            // Opened before hours on a working day.
            (
                "2026-11-30T07:00:00+01:00",
                minutes(30),
                "2026-11-30T09:30:00+01:00",
                &christmas,
            ),
            // A whole working day from its start ends at its end, not the next morning.
            (
                "2026-11-30T09:00:00+01:00",
                hours(8),
                "2026-11-30T17:00:00+01:00",
                &christmas,
            ),
            // Nothing to count: due at once, even outside working hours.
            (
                "2026-11-28T10:00:00+01:00",
                TimeDelta::zero(),
                "2026-11-28T10:00:00+01:00",
                &christmas,
            ),
        ];
        for (from, amount, due, calendar) in cases {
            let (from, due) = (at(from), at(due));
            assert_eq!(calendar.add_working_time(from, amount), due, "{from} + {amount}");
            assert_eq!(calendar.working_time(from, due), amount, "{from} .. {due}");
        }
        // The UTC instants of the daylight-saving cases, spelled out.
        let plain = berlin(&[]);
        assert_eq!(
            plain.add_working_time(at("2026-10-23T14:00:00Z"), hours(8)),
            at("2026-10-26T15:00:00Z")
        );
        assert_eq!(
            plain.add_working_time(at("2026-03-27T15:00:00Z"), hours(8)),
            at("2026-03-30T14:00:00Z")
        );
    }

    #[test]
    fn working_time_skips_nights_weekends_and_holidays() {
        let calendar = berlin(&["2026-12-24", "2026-12-25"]);
        let cases = [
            // Friday 16:00 to Monday 10:00 across a weekend.
            ("2026-11-27T16:00:00+01:00", "2026-11-30T10:00:00+01:00", hours(2)),
            // A whole week.
            ("2026-11-30T00:00:00+01:00", "2026-12-07T00:00:00+01:00", hours(40)),
            // The Christmas week loses two days.
            ("2026-12-21T00:00:00+01:00", "2026-12-28T00:00:00+01:00", hours(24)),
            // Inside one night.
            (
                "2026-11-30T18:00:00+01:00",
                "2026-12-01T08:00:00+01:00",
                TimeDelta::zero(),
            ),
            // Backwards and empty ranges.
            (
                "2026-11-30T12:00:00+01:00",
                "2026-11-30T10:00:00+01:00",
                TimeDelta::zero(),
            ),
            (
                "2026-11-30T12:00:00+01:00",
                "2026-11-30T12:00:00+01:00",
                TimeDelta::zero(),
            ),
        ];
        for (from, to, expected) in cases {
            assert_eq!(calendar.working_time(at(from), at(to)), expected, "{from} .. {to}");
        }
    }

    #[test]
    fn boundaries_in_a_gap_or_a_fold_map_to_one_instant_each() {
        let around_the_clock = input("Europe/Berlin", &[1, 2, 3, 4, 5, 6, 7], "00:00", "24:00", &[])
            .validate()
            .unwrap();
        let night = input("Europe/Berlin", &[7], "02:30", "04:00", &[]).validate().unwrap();
        let cases = [
            // The local days of the changes last 23 and 25 hours.
            (
                &around_the_clock,
                "2026-03-28T23:00:00Z",
                "2026-03-29T22:00:00Z",
                hours(23),
            ),
            (
                &around_the_clock,
                "2026-10-24T22:00:00Z",
                "2026-10-25T23:00:00Z",
                hours(25),
            ),
            // 02:30 does not exist on 29 March: work starts at 03:00 CEST (01:00 UTC).
            (
                &night,
                "2026-03-29T00:00:00Z",
                "2026-03-29T01:00:00Z",
                TimeDelta::zero(),
            ),
            (&night, "2026-03-29T00:00:00Z", "2026-03-29T03:00:00Z", hours(1)),
            // 02:30 happens twice on 25 October: the earlier (CEST, 00:30 UTC) counts, so work runs
            // through the repeated hour until 04:00 CET (03:00 UTC).
            (&night, "2026-10-25T00:00:00Z", "2026-10-25T04:00:00Z", minutes(150)),
        ];
        for (calendar, from, to, expected) in cases {
            assert_eq!(calendar.working_time(at(from), at(to)), expected, "{from} .. {to}");
        }
        assert_eq!(
            night.add_working_time(at("2026-03-28T12:00:00Z"), minutes(1)),
            at("2026-03-29T01:01:00Z")
        );
        assert_eq!(
            night.add_working_time(at("2026-10-24T12:00:00Z"), minutes(1)),
            at("2026-10-25T00:31:00Z")
        );
    }

    #[test]
    fn extreme_instants_and_amounts_do_not_panic() {
        let calendar = berlin(&[]);
        let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        assert_eq!(calendar.add_working_time(max, hours(1)), max);
        assert_eq!(calendar.add_working_time(min, TimeDelta::MAX), horizon());
        assert_eq!(calendar.working_time(at("9999-12-31T00:00:00Z"), max), hours(8));
        let sparse = input("Pacific/Kiritimati", &[7], "09:00", "09:01", &[])
            .validate()
            .unwrap();
        let from = at("2026-01-01T00:00:00Z");
        assert_eq!(sparse.add_working_time(from, TimeDelta::days(366)), horizon());
    }

    #[test]
    fn a_year_of_working_time_spans_four_calendar_years_and_more() {
        let calendar = berlin(&["2026-12-24", "2026-12-25", "2027-01-01"]);
        let from = at("2026-11-27T15:30:00Z");
        let due = calendar.add_working_time(from, TimeDelta::days(366));
        assert_eq!(calendar.working_time(from, due), TimeDelta::days(366));
        assert_eq!(due.year(), 2031);
    }

    #[test]
    fn the_input_form_round_trips() {
        let given = input(
            "America/New_York",
            &[5, 1, 3],
            "08:30",
            "24:00",
            &["2026-12-25", "2026-07-04"],
        );
        let calendar = given.validate().unwrap();
        let answered = calendar.input();
        assert_eq!(answered.working_days, [1, 3, 5]);
        assert_eq!(answered.holidays, ["2026-07-04", "2026-12-25"]);
        assert_eq!((answered.start.as_str(), answered.end.as_str()), ("08:30", "24:00"));
        assert_eq!(answered.validate().unwrap(), calendar);

        let json = serde_json::to_value(&calendar).unwrap();
        assert_eq!(json["time_zone"], "America/New_York");
        assert_eq!(serde_json::from_value::<Calendar>(json).unwrap(), calendar);
        let broken = serde_json::json!({
            "time_zone": "Mars/Olympus", "working_days": [1], "start": "09:00", "end": "17:00", "holidays": []
        });
        assert!(serde_json::from_value::<Calendar>(broken).is_err());
    }

    #[test]
    fn each_broken_rule_names_its_field_and_code() {
        let valid = || input("Europe/Berlin", &[1, 2, 3, 4, 5], "09:00", "17:00", &[]);
        let too_many: Vec<String> = (0..=MAX_HOLIDAYS)
            .map(|day| format!("2026-01-{:02}", day % 28 + 1))
            .collect();
        let cases: Vec<(CalendarInput, Vec<(&str, &str)>)> = vec![
            (
                CalendarInput {
                    time_zone: "Europe/Berlinn".into(),
                    ..valid()
                },
                vec![("calendar.time_zone", "unknown_time_zone")],
            ),
            (
                CalendarInput {
                    time_zone: "europe/berlin".into(),
                    ..valid()
                },
                vec![("calendar.time_zone", "unknown_time_zone")],
            ),
            (
                CalendarInput {
                    time_zone: " ".into(),
                    ..valid()
                },
                vec![("calendar.time_zone", "required")],
            ),
            (
                CalendarInput {
                    working_days: vec![],
                    ..valid()
                },
                vec![("calendar.working_days", "required")],
            ),
            (
                CalendarInput {
                    working_days: vec![1, 8, 0],
                    ..valid()
                },
                vec![
                    ("calendar.working_days[1]", "out_of_range"),
                    ("calendar.working_days[2]", "out_of_range"),
                ],
            ),
            (
                CalendarInput {
                    working_days: vec![1, 2, 1],
                    ..valid()
                },
                vec![("calendar.working_days[2]", "duplicate")],
            ),
            (
                CalendarInput {
                    start: "25:00".into(),
                    ..valid()
                },
                vec![("calendar.start", "invalid_time")],
            ),
            (
                CalendarInput {
                    start: "24:00".into(),
                    ..valid()
                },
                vec![("calendar.start", "invalid_time")],
            ),
            (
                CalendarInput {
                    start: "9:00".into(),
                    ..valid()
                },
                vec![("calendar.start", "invalid_time")],
            ),
            (
                CalendarInput {
                    end: "17:60".into(),
                    ..valid()
                },
                vec![("calendar.end", "invalid_time")],
            ),
            (
                CalendarInput {
                    end: "24:01".into(),
                    ..valid()
                },
                vec![("calendar.end", "invalid_time")],
            ),
            (
                CalendarInput {
                    end: "09:00".into(),
                    ..valid()
                },
                vec![("calendar.end", "invalid_range")],
            ),
            (
                CalendarInput {
                    end: "08:00".into(),
                    ..valid()
                },
                vec![("calendar.end", "invalid_range")],
            ),
            (
                CalendarInput {
                    holidays: vec!["2026-12-25".into(), "2026-13-01".into()],
                    ..valid()
                },
                vec![("calendar.holidays[1]", "invalid_date")],
            ),
            (
                CalendarInput {
                    holidays: vec!["2026-2-1".into(), "0000-01-01".into()],
                    ..valid()
                },
                vec![
                    ("calendar.holidays[0]", "invalid_date"),
                    ("calendar.holidays[1]", "invalid_date"),
                ],
            ),
            (
                CalendarInput {
                    holidays: vec!["2026-12-25".into(), "2026-12-25".into()],
                    ..valid()
                },
                vec![("calendar.holidays[1]", "duplicate")],
            ),
            (
                CalendarInput {
                    holidays: too_many,
                    ..valid()
                },
                vec![("calendar.holidays", "too_many")],
            ),
            (
                input("Nowhere", &[], "x", "y", &["soon"]),
                vec![
                    ("calendar.time_zone", "unknown_time_zone"),
                    ("calendar.working_days", "required"),
                    ("calendar.start", "invalid_time"),
                    ("calendar.end", "invalid_time"),
                    ("calendar.holidays[0]", "invalid_date"),
                ],
            ),
        ];
        for (given, expected) in cases {
            let errors = given.validate().unwrap_err();
            let found: Vec<(&str, &str)> = errors.errors().iter().map(|e| (e.field.as_str(), e.code)).collect();
            assert_eq!(found, expected, "{given:?}");
        }
        assert!(valid().validate().is_ok());
    }

    const ZONES: &[&str] = &[
        "Europe/Berlin",
        "America/New_York",
        "America/Santiago",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "Pacific/Apia",
        "UTC",
    ];

    prop_compose! {
        fn calendars()(
            zone in prop::sample::select(ZONES),
            days in prop::sample::subsequence(vec![1u8, 2, 3, 4, 5, 6, 7], 1..=7),
            start in 0..MINUTES_PER_DAY,
            length in 1..=MINUTES_PER_DAY,
            holidays in prop::collection::vec(0i64..1500, 0..20),
        ) -> Calendar {
            let end = (start + length).min(MINUTES_PER_DAY).max(start + 1);
            let first = NaiveDate::from_ymd_opt(2009, 6, 1).unwrap();
            CalendarInput {
                time_zone: zone.to_owned(),
                working_days: days,
                start: format_minute(start),
                end: format_minute(end),
                holidays: holidays
                    .into_iter()
                    .map(|offset| (first + TimeDelta::days(offset)).format("%Y-%m-%d").to_string())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            }
            .validate()
            .unwrap()
        }
    }

    proptest! {
        #[test]
        fn adding_working_time_is_the_inverse_of_measuring_it(
            calendar in calendars(),
            // 2010 to 2013: three of them hold Samoa's skipped day and Lord Howe's half-hour changes.
            from in 1_262_304_000i64..1_388_534_400,
            nanos in prop::sample::select(vec![0u32, 500_000_000]),
            first in 0i64..200 * 3600,
            more in 0i64..30 * 3600,
        ) {
            let from = DateTime::from_timestamp(from, nanos).unwrap();
            let (short, long) = (TimeDelta::seconds(first), TimeDelta::seconds(first + more));
            let (sooner, later) = (calendar.add_working_time(from, short), calendar.add_working_time(from, long));
            prop_assert_eq!(calendar.working_time(from, sooner), short);
            prop_assert_eq!(calendar.working_time(from, later), long);
            prop_assert!(from <= sooner && sooner <= later);
        }
    }
}
