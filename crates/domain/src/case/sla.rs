//! The SLA clock of a case, as stored segments per target.
//!
//! Each target (first response, resolution) has a clock: the time it ran and stood still, as a
//! list of segments `{state, reason, from, to}`, the last one open while the clock is live. The
//! segments are the stored truth; used time, due times and the status are computed from them and
//! the calendar, so a priority change (other target minutes) or a later look needs no rewrite.
//!
//! ```text
//!   start ──▶ running ──pause──▶ paused ──resume──▶ running
//!             running | paused ──stop──▶ met ──reopen──▶ running
//!             running | paused ──close──▶ closed (cancelled: neither met nor measured further)
//! ```
//! A running clock counts working time only (see [`Calendar`]).

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;

/// What a case promises within a number of working minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaTarget {
    FirstResponse,
    Resolution,
}

str_enum!(SlaTarget { FirstResponse => "first_response", Resolution => "resolution" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentState {
    Running,
    Paused,
}

str_enum!(SegmentState { Running => "running", Paused => "paused" });

/// Why a segment began: what `GET /cases/{id}/sla` shows as the why of the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentReason {
    Opened,
    WaitingOnCustomer,
    Resumed,
    Reopened,
}

str_enum!(SegmentReason {
    Opened => "opened",
    WaitingOnCustomer => "waiting_on_customer",
    Resumed => "resumed",
    Reopened => "reopened",
});

/// One stretch of a target's clock; `to` is `None` while it lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub target: SlaTarget,
    pub state: SegmentState,
    pub reason: SegmentReason,
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaStatus {
    OnTrack,
    /// 80 % of the target used.
    AtRisk,
    Breached,
    Met,
    Paused,
}

str_enum!(SlaStatus {
    OnTrack => "on_track",
    AtRisk => "at_risk",
    Breached => "breached",
    Met => "met",
    Paused => "paused",
});

/// The clock of one target.
///
/// Invariant kept by the methods: segments are in order, contiguous, none runs backwards, and
/// only the last may be open. A clock without an open segment is either met (`met_at`) or closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetClock {
    pub target: SlaTarget,
    /// The target in working minutes (positive: the policy's validation holds it so).
    pub minutes: i64,
    /// This target's segments only, in order.
    pub segments: Vec<Segment>,
    pub met_at: Option<DateTime<Utc>>,
}

impl TargetClock {
    /// A clock running from `at` (the case's creation).
    pub fn start(target: SlaTarget, minutes: i64, at: DateTime<Utc>) -> TargetClock {
        let mut clock = TargetClock {
            target,
            minutes,
            segments: Vec::new(),
            met_at: None,
        };
        clock.begin(SegmentState::Running, SegmentReason::Opened, at);
        clock
    }

    /// The segment still open, if the clock is live (running or paused).
    pub fn open_segment(&self) -> Option<&Segment> {
        self.segments.last().filter(|segment| segment.to.is_none())
    }

    /// Stops a running clock at `at` (waiting on the customer); anything else is left as it is.
    pub fn pause(&mut self, at: DateTime<Utc>, reason: SegmentReason) {
        if self.is_open(SegmentState::Running) {
            let at = self.end_open(at);
            self.begin(SegmentState::Paused, reason, at);
        }
    }

    /// Runs a paused clock again from `at`; anything else is left as it is.
    pub fn resume(&mut self, at: DateTime<Utc>, reason: SegmentReason) {
        if self.is_open(SegmentState::Paused) {
            let at = self.end_open(at);
            self.begin(SegmentState::Running, reason, at);
        }
    }

    /// The target was met at `at`. A clock already met or closed stays as it is: the first time
    /// counts, and a cancelled case meets nothing.
    pub fn stop(&mut self, at: DateTime<Utc>) {
        if self.open_segment().is_some() {
            self.met_at = Some(self.end_open(at));
        }
    }

    /// Runs a met (or closed) clock again from `at`: a resolved case was reopened, and its
    /// resolution clock continues from the time already used. A live clock is left as it is.
    pub fn reopen(&mut self, at: DateTime<Utc>) {
        if self.open_segment().is_none() {
            self.met_at = None;
            let after_last = self
                .segments
                .last()
                .and_then(|last| last.to)
                .map_or(at, |to| at.max(to));
            self.begin(SegmentState::Running, SegmentReason::Reopened, after_last);
        }
    }

    /// Ends a live clock at `at` without meeting the target: the case was cancelled (or, for the
    /// first response, resolved without one).
    pub fn close(&mut self, at: DateTime<Utc>) {
        if self.open_segment().is_some() {
            self.end_open(at);
        }
    }

    /// Measures the same segments against another target (the case's priority changed). Due
    /// times and the status are computed, so they follow at once.
    pub fn recompute(&mut self, minutes: i64) {
        self.minutes = minutes;
    }

    /// The working time the clock ran; an open running segment counts up to `now`.
    pub fn used(&self, calendar: &Calendar, now: DateTime<Utc>) -> TimeDelta {
        self.running()
            .map(|segment| calendar.working_time(segment.from, segment.to.unwrap_or(now)))
            .sum()
    }

    /// When the target is (or was) due.
    ///
    /// Reached inside a recorded running segment: that instant, whatever the clock does now (a
    /// breach keeps its time). Otherwise it is projected: from the open running segment, or, for a
    /// clock met while running, from where it stopped (the due time as it stood when met). A
    /// paused clock, a closed one and one met while paused have none: nobody knows when, or
    /// whether, the clock will run again.
    pub fn due_at(&self, calendar: &Calendar) -> Option<DateTime<Utc>> {
        self.reaches(calendar, self.target_time())
    }

    /// When 80 % of the target is (or was) used, by the rules of [`TargetClock::due_at`].
    pub fn at_risk_at(&self, calendar: &Calendar) -> Option<DateTime<Utc>> {
        self.reaches(calendar, self.risk_time())
    }

    /// The target's status at `now`. A target met with no more than its time used is `met`, one
    /// that used its time is `breached` (met late included), then `at_risk` (80 %), `paused`,
    /// `on_track`. A clock closed unmet (a cancelled case) has no status unless it was breached
    /// first: a breach stays a fact, a cancelled target is neither met nor on track.
    pub fn status(&self, calendar: &Calendar, now: DateTime<Utc>) -> Option<SlaStatus> {
        let used = self.used(calendar, now);
        if self.met_at.is_some() && used <= self.target_time() {
            return Some(SlaStatus::Met);
        }
        if used >= self.target_time() {
            return Some(SlaStatus::Breached);
        }
        let open = self.open_segment()?;
        Some(if used >= self.risk_time() {
            SlaStatus::AtRisk
        } else if open.state == SegmentState::Paused {
            SlaStatus::Paused
        } else {
            SlaStatus::OnTrack
        })
    }

    /// The instant `amount` of working time is (or was) used up; see [`TargetClock::due_at`].
    fn reaches(&self, calendar: &Calendar, amount: TimeDelta) -> Option<DateTime<Utc>> {
        let mut remaining = amount;
        for segment in self.running() {
            match segment.to.map(|to| calendar.working_time(segment.from, to)) {
                Some(worked) if worked < remaining => remaining -= worked,
                _ => return Some(calendar.add_working_time(segment.from, remaining)),
            }
        }
        let last = self.segments.last()?;
        if self.met_at.is_some() && last.state == SegmentState::Running {
            Some(calendar.add_working_time(last.to?, remaining))
        } else {
            None
        }
    }

    fn target_time(&self) -> TimeDelta {
        TimeDelta::try_minutes(self.minutes).unwrap_or(TimeDelta::MAX)
    }

    /// 80 % of the target, exact in whole seconds: minutes × 60 × 4 / 5 = minutes × 48.
    fn risk_time(&self) -> TimeDelta {
        TimeDelta::try_seconds(self.minutes.saturating_mul(48)).unwrap_or(TimeDelta::MAX)
    }

    fn running(&self) -> impl Iterator<Item = &Segment> {
        self.segments
            .iter()
            .filter(|segment| segment.state == SegmentState::Running)
    }

    fn is_open(&self, state: SegmentState) -> bool {
        self.open_segment().is_some_and(|segment| segment.state == state)
    }

    /// Closes the open segment at `at`, or at its start if `at` is earlier (two servers' clocks
    /// disagree by a little): a segment never runs backwards. Returns where it ended.
    fn end_open(&mut self, at: DateTime<Utc>) -> DateTime<Utc> {
        match self.segments.last_mut() {
            Some(open) if open.to.is_none() => {
                let end = at.max(open.from);
                open.to = Some(end);
                end
            }
            _ => at,
        }
    }

    fn begin(&mut self, state: SegmentState, reason: SegmentReason, from: DateTime<Utc>) {
        self.segments.push(Segment {
            target: self.target,
            state,
            reason,
            from,
            to: None,
        });
    }
}

/// A case's status over its targets: `breached` if any is, else `paused`, `at_risk`, `on_track`
/// in that order, else `met` when every target with a status is met. Targets without a status
/// (closed unmet) do not count; `None` when none has one.
pub fn case_status<'a>(
    clocks: impl IntoIterator<Item = &'a TargetClock>,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> Option<SlaStatus> {
    let statuses: Vec<SlaStatus> = clocks
        .into_iter()
        .filter_map(|clock| clock.status(calendar, now))
        .collect();
    [
        SlaStatus::Breached,
        SlaStatus::Paused,
        SlaStatus::AtRisk,
        SlaStatus::OnTrack,
    ]
    .into_iter()
    .find(|status| statuses.contains(status))
    .or_else(|| (!statuses.is_empty()).then_some(SlaStatus::Met))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::calendar::CalendarInput;

    use SegmentReason as R;
    use SlaStatus as S;

    fn calendar() -> Calendar {
        CalendarInput {
            time_zone: "Europe/Berlin".into(),
            working_days: vec![1, 2, 3, 4, 5],
            start: "09:00".into(),
            end: "17:00".into(),
            holidays: vec![],
        }
        .validate()
        .unwrap()
    }

    /// Berlin local time in the week of Monday 2026-11-30 (CET, UTC+1): `("mon", "16:30")`.
    fn local(day: &str, time: &str) -> DateTime<Utc> {
        let date = match day {
            "mon" => "2026-11-30",
            "tue" => "2026-12-01",
            "wed" => "2026-12-02",
            _ => unreachable!("{day}"),
        };
        DateTime::parse_from_rfc3339(&format!("{date}T{time}:00+01:00"))
            .unwrap()
            .to_utc()
    }

    fn mon(time: &str) -> DateTime<Utc> {
        local("mon", time)
    }

    fn tue(time: &str) -> DateTime<Utc> {
        local("tue", time)
    }

    fn clock(minutes: i64) -> TargetClock {
        TargetClock::start(SlaTarget::Resolution, minutes, mon("09:00"))
    }

    #[test]
    fn a_pause_across_the_night_moves_the_due_time() {
        let calendar = calendar();
        let running = TargetClock::start(SlaTarget::FirstResponse, 120, mon("16:00"));
        let mut paused = running.clone();
        paused.pause(mon("16:30"), R::WaitingOnCustomer);
        let mut resumed = paused.clone();
        resumed.resume(tue("10:00"), R::Resumed);

        assert_eq!(paused.due_at(&calendar), None, "nobody knows when it resumes");
        assert_eq!(resumed.due_at(&calendar), Some(tue("11:30")));
        assert_eq!(
            resumed.at_risk_at(&calendar),
            Some(tue("11:06")),
            "96 min: 30 on Monday, 66 on Tuesday"
        );
        assert_eq!(resumed.used(&calendar, tue("11:00")), TimeDelta::minutes(90));

        let cases = [
            (&running, mon("16:29"), S::OnTrack, 29),
            (&paused, mon("20:00"), S::Paused, 30),
            (&paused, tue("12:00"), S::Paused, 30),
            (&resumed, tue("11:00"), S::OnTrack, 90),
            (&resumed, tue("11:05"), S::OnTrack, 95),
            (&resumed, tue("11:06"), S::AtRisk, 96),
            (&resumed, tue("11:29"), S::AtRisk, 119),
            (&resumed, tue("11:30"), S::Breached, 120),
            (&resumed, tue("18:00"), S::Breached, 30 + 7 * 60),
        ];
        for (clock, now, status, used) in cases {
            assert_eq!(clock.status(&calendar, now), Some(status), "at {now}");
            assert_eq!(clock.used(&calendar, now), TimeDelta::minutes(used), "at {now}");
        }

        let reasons: Vec<_> = resumed
            .segments
            .iter()
            .map(|s| (s.state, s.reason, s.from, s.to))
            .collect();
        assert_eq!(
            reasons,
            [
                (SegmentState::Running, R::Opened, mon("16:00"), Some(mon("16:30"))),
                (
                    SegmentState::Paused,
                    R::WaitingOnCustomer,
                    mon("16:30"),
                    Some(tue("10:00"))
                ),
                (SegmentState::Running, R::Resumed, tue("10:00"), None),
            ]
        );
    }

    #[test]
    fn meeting_a_target_on_time_or_late() {
        let calendar = calendar();
        // 60 min from Monday 09:00: due 10:00, at risk 09:48.
        let cases = [
            ("09:50", S::Met),
            ("10:00", S::Met),
            ("10:01", S::Breached),
            ("16:00", S::Breached),
        ];
        for (met, expected) in cases {
            let mut clock = clock(60);
            clock.stop(mon(met));
            assert_eq!(clock.met_at, Some(mon(met)));
            assert_eq!(clock.status(&calendar, tue("12:00")), Some(expected), "met at {met}");
            assert_eq!(clock.due_at(&calendar), Some(mon("10:00")), "met at {met}");
            assert_eq!(clock.at_risk_at(&calendar), Some(mon("09:48")), "met at {met}");
        }

        let mut met_while_paused = clock(60);
        met_while_paused.pause(mon("09:30"), R::WaitingOnCustomer);
        met_while_paused.stop(mon("14:00"));
        assert_eq!(met_while_paused.status(&calendar, tue("12:00")), Some(S::Met));
        assert_eq!(met_while_paused.due_at(&calendar), None);
        assert_eq!(met_while_paused.segments[1].to, Some(mon("14:00")));
    }

    #[test]
    fn reopening_continues_the_resolution_clock() {
        let calendar = calendar();
        let mut clock = clock(8 * 60);
        clock.stop(mon("15:00"));
        assert_eq!(clock.status(&calendar, tue("09:00")), Some(S::Met));
        clock.reopen(tue("09:00"));
        assert_eq!(clock.met_at, None);
        assert_eq!(
            clock.open_segment().map(|s| (s.state, s.reason)),
            Some((SegmentState::Running, R::Reopened))
        );
        // 6 h used on Monday; 2 h left from Tuesday 09:00, at risk after 24 min.
        assert_eq!(clock.due_at(&calendar), Some(tue("11:00")));
        assert_eq!(clock.at_risk_at(&calendar), Some(tue("09:24")));
        assert_eq!(clock.status(&calendar, tue("09:10")), Some(S::OnTrack));
        assert_eq!(clock.status(&calendar, tue("10:00")), Some(S::AtRisk));
        assert_eq!(clock.status(&calendar, tue("11:00")), Some(S::Breached));
        clock.stop(tue("10:30"));
        assert_eq!(clock.status(&calendar, local("wed", "12:00")), Some(S::Met));
    }

    #[test]
    fn a_smaller_target_can_turn_on_track_into_breached() {
        let calendar = calendar();
        let mut clock = clock(4 * 60);
        assert_eq!(clock.status(&calendar, mon("11:00")), Some(S::OnTrack));
        assert_eq!(clock.due_at(&calendar), Some(mon("13:00")));
        clock.recompute(90);
        assert_eq!(clock.status(&calendar, mon("11:00")), Some(S::Breached));
        assert_eq!(clock.due_at(&calendar), Some(mon("10:30")));
        assert_eq!(clock.at_risk_at(&calendar), Some(mon("10:12")));
        clock.recompute(16 * 60);
        assert_eq!(clock.due_at(&calendar), Some(tue("17:00")));
    }

    #[test]
    fn a_closed_clock_has_a_status_only_when_it_was_breached() {
        let calendar = calendar();
        let mut early = clock(60);
        early.close(mon("09:30"));
        assert_eq!(early.status(&calendar, tue("12:00")), None);
        assert_eq!(early.due_at(&calendar), None);
        let mut late = clock(60);
        late.close(mon("10:30"));
        assert_eq!(late.status(&calendar, tue("12:00")), Some(S::Breached));
        assert_eq!(late.due_at(&calendar), Some(mon("10:00")), "a breach keeps its time");
        assert_eq!(late.met_at, None);
        // Breached, then paused: the due time stays where the breach happened.
        let mut paused = clock(60);
        paused.pause(mon("11:00"), R::WaitingOnCustomer);
        assert_eq!(paused.due_at(&calendar), Some(mon("10:00")));
        assert_eq!(paused.status(&calendar, tue("12:00")), Some(S::Breached));
    }

    #[test]
    fn actions_that_do_not_fit_the_clock_change_nothing() {
        let mut running = clock(60);
        let mut paused = clock(60);
        paused.pause(mon("10:00"), R::WaitingOnCustomer);
        let mut met = clock(60);
        met.stop(mon("10:00"));
        let mut closed = clock(60);
        closed.close(mon("10:00"));

        let unchanged = [running.clone(), paused.clone(), met.clone(), closed.clone()];
        running.resume(mon("11:00"), R::Resumed);
        running.reopen(mon("11:00"));
        paused.pause(mon("11:00"), R::WaitingOnCustomer);
        paused.reopen(mon("11:00"));
        met.pause(mon("11:00"), R::WaitingOnCustomer);
        met.resume(mon("11:00"), R::Resumed);
        met.stop(mon("11:00"));
        met.close(mon("11:00"));
        closed.stop(mon("11:00"));
        closed.close(mon("11:00"));
        closed.pause(mon("11:00"), R::WaitingOnCustomer);
        assert_eq!([running, paused, met, closed], unchanged);
    }

    #[test]
    fn an_instant_before_the_open_segment_does_not_run_it_backwards() {
        let mut clock = clock(60);
        clock.pause(mon("08:00"), R::WaitingOnCustomer);
        clock.resume(mon("07:00"), R::Resumed);
        clock.stop(mon("06:00"));
        assert!(clock.segments.iter().all(|s| s.to.is_some_and(|to| to >= s.from)));
        assert_eq!(clock.met_at, Some(mon("09:00")));
        clock.reopen(mon("08:00"));
        assert_eq!(clock.open_segment().map(|s| s.from), Some(mon("09:00")));
    }

    #[test]
    fn a_case_status_takes_the_most_urgent_of_its_targets() {
        let calendar = calendar();
        let now = mon("12:00");
        // At noon 180 minutes have run since 09:00.
        let on_track = clock(600);
        let at_risk = clock(200);
        let breached = clock(120);
        let mut paused = clock(600);
        paused.pause(mon("10:00"), R::WaitingOnCustomer);
        let mut met = clock(600);
        met.stop(mon("10:00"));
        let mut closed = clock(600);
        closed.close(mon("10:00"));

        let cases: [(Vec<&TargetClock>, Option<SlaStatus>); 9] = [
            (vec![], None),
            (vec![&closed], None),
            (vec![&paused, &breached], Some(S::Breached)),
            (vec![&at_risk, &paused], Some(S::Paused)),
            (vec![&on_track, &at_risk], Some(S::AtRisk)),
            (vec![&met, &on_track], Some(S::OnTrack)),
            (vec![&met, &met], Some(S::Met)),
            (vec![&met, &closed], Some(S::Met)),
            (vec![&breached, &met], Some(S::Breached)),
        ];
        for (clocks, expected) in cases {
            let statuses: Vec<_> = clocks.iter().map(|c| c.status(&calendar, now)).collect();
            assert_eq!(case_status(clocks, &calendar, now), expected, "{statuses:?}");
        }
        assert_eq!(
            case_status(&[on_track, met], &calendar, now),
            Some(S::OnTrack),
            "a slice of clocks"
        );
    }

    #[test]
    fn api_names_and_serde_names_agree() {
        fn agree<T: Serialize + Copy>(all: &[T], name: fn(T) -> &'static str) {
            for &value in all {
                assert_eq!(serde_json::to_value(value).unwrap(), name(value));
            }
        }
        agree(SlaTarget::ALL, SlaTarget::as_str);
        agree(SegmentState::ALL, SegmentState::as_str);
        agree(SegmentReason::ALL, SegmentReason::as_str);
        agree(SlaStatus::ALL, SlaStatus::as_str);
        assert_eq!(SlaStatus::parse("at_risk"), Some(S::AtRisk));
    }
}
