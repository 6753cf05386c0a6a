//! Cases: how many were opened and resolved in a window, how many were left (the backlog), how
//! long the first response and the resolution took (median and 90th percentile) and how many of
//! the resolved ones met their SLA; by team, assignee, priority or month.
//!
//! Read from the cases as they are now, not replayed from their history:
//! - *opened* in the window: created on one of its days (UTC);
//! - *resolved* in the window: `resolved_at` on one of its days. A reopen clears `resolved_at`
//!   (`Case::act`) and the next resolve sets it again, so a case counts once, at its last
//!   resolution, and a reopened case still open counts as not resolved, in any window;
//! - in the *backlog* at an instant: created before it, not resolved before it, not cancelled. A
//!   cancellation has no instant of its own on the case, so a cancelled case is in no backlog.
//!   Its status in the backlog's breakdown is the status it has now.
//!
//! A team, an assignee and a priority are the case's current ones too.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use uuid::Uuid;

use super::Window;
use super::calendar::{Calendar, Period};
use crate::case::{CasePriority, CaseStatus};

/// What the cases are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseGroup {
    Team,
    Assignee,
    Priority,
    Month,
}

/// A group: a team or assignee (or none), a priority, a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseKey {
    Team(Option<Uuid>),
    Assignee(Option<Uuid>),
    Priority(CasePriority),
    Month(Period),
}

/// A case as the report reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseEntry {
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub priority: CasePriority,
    pub status: CaseStatus,
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Whether a target was missed; `None` without an SLA policy.
    pub sla_breached: Option<bool>,
}

impl CaseEntry {
    fn in_backlog_at(&self, at: DateTime<Utc>) -> bool {
        self.status != CaseStatus::Cancelled && self.created_at < at && !self.resolved_before(at)
    }

    fn resolved_before(&self, at: DateTime<Utc>) -> bool {
        self.resolved_at.is_some_and(|resolved| resolved < at)
    }
}

/// Cases not resolved at an instant, by priority and by their status now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    pub total: u64,
    by_priority: [u64; CasePriority::ALL.len()],
    by_status: [u64; CaseStatus::ALL.len()],
}

impl Backlog {
    /// The statuses a case in a backlog can have now: not cancelled (see the module's doc);
    /// `resolved` or `closed` when it was resolved after the instant.
    pub const STATUSES: &'static [CaseStatus] = &[
        CaseStatus::New,
        CaseStatus::Open,
        CaseStatus::Pending,
        CaseStatus::Resolved,
        CaseStatus::Closed,
    ];

    /// Every priority with its count, in priority order.
    pub fn by_priority(&self) -> impl Iterator<Item = (CasePriority, u64)> + '_ {
        CasePriority::ALL.iter().copied().zip(self.by_priority)
    }

    /// Every status of [`Backlog::STATUSES`] with its count.
    pub fn by_status(&self) -> impl Iterator<Item = (CaseStatus, u64)> + '_ {
        Self::STATUSES
            .iter()
            .map(|status| (*status, self.by_status[status_index(*status)]))
    }

    fn add(&mut self, case: &CaseEntry) {
        self.total += 1;
        self.by_priority[priority_index(case.priority)] += 1;
        self.by_status[status_index(case.status)] += 1;
    }
}

fn priority_index(priority: CasePriority) -> usize {
    CasePriority::ALL
        .iter()
        .position(|p| *p == priority)
        .unwrap_or_default()
}

fn status_index(status: CaseStatus) -> usize {
    CaseStatus::ALL.iter().position(|s| *s == status).unwrap_or_default()
}

/// A group's figures while the cases are added. Percentiles need every duration, so a group keeps
/// the durations of its cases (two integers per case at most): memory grows with the cases read,
/// not only with the groups, unlike the counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFigures {
    pub opened: u64,
    pub resolved: u64,
    pub backlog: Backlog,
    first_response_minutes: Vec<i64>,
    resolution_minutes: Vec<i64>,
    sla_measured: u64,
    sla_met: u64,
}

impl CaseFigures {
    fn add_opened(&mut self, case: &CaseEntry) {
        self.opened += 1;
        if let Some(answered) = case.first_response_at {
            self.first_response_minutes
                .push(minutes_between(case.created_at, answered));
        }
    }

    fn add_resolved(&mut self, case: &CaseEntry, resolved_at: DateTime<Utc>) {
        self.resolved += 1;
        self.resolution_minutes
            .push(minutes_between(case.created_at, resolved_at));
        if let Some(breached) = case.sla_breached {
            self.sla_measured += 1;
            self.sla_met += u64::from(!breached);
        }
    }

    /// The figures as shown, the durations summed up into their percentiles.
    pub fn summary(self) -> CaseSummary {
        CaseSummary {
            opened: self.opened,
            resolved: self.resolved,
            backlog: self.backlog,
            first_response_minutes: Percentiles::of(self.first_response_minutes),
            resolution_minutes: Percentiles::of(self.resolution_minutes),
            sla_met_percent: percent(self.sla_met, self.sla_measured),
        }
    }
}

/// A group's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseSummary {
    pub opened: u64,
    pub resolved: u64,
    pub backlog: Backlog,
    /// From creation to the first response, over the cases opened that have one.
    pub first_response_minutes: Percentiles,
    /// From creation to resolution, over the cases resolved.
    pub resolution_minutes: Percentiles,
    /// Of the cases resolved with an SLA policy, the percent that missed no target: 2 decimals,
    /// half away from zero; `None` when no such case was resolved.
    pub sla_met_percent: Option<Decimal>,
}

/// Whole minutes from `from` to `to`, rounded down; never negative (two servers' clocks may
/// disagree by a little).
fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_minutes().max(0)
}

/// `part` of `whole` in percent, to 2 decimals (half away from zero); `None` of nothing.
fn percent(part: u64, whole: u64) -> Option<Decimal> {
    (whole > 0).then(|| {
        let mut percent = (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        percent.rescale(2);
        percent
    })
}

/// The median and the 90th percentile of durations, by nearest rank; `None` of no durations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Percentiles {
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl Percentiles {
    pub fn of(mut values: Vec<i64>) -> Self {
        values.sort_unstable();
        Percentiles {
            median: nearest_rank(&values, 50),
            p90: nearest_rank(&values, 90),
        }
    }
}

/// The `percent`th percentile of `sorted` (ascending) by nearest rank: the value at rank
/// ⌈percent × n / 100⌉, counted from 1. Always one of the values (never an average of two), so
/// the median of an even count is the lower middle one. `None` of no values.
pub fn nearest_rank(sorted: &[i64], percent: u8) -> Option<i64> {
    let n = sorted.len();
    let rank = (usize::from(percent) * n).div_ceil(100).max(1);
    sorted.get(rank.min(n).checked_sub(1)?).copied()
}

/// The cases being counted, one at a time.
#[derive(Debug, Clone)]
pub struct CaseStatistics {
    group: CaseGroup,
    window: Window,
    pub rows: BTreeMap<CaseKey, CaseFigures>,
    pub totals: CaseFigures,
}

impl CaseStatistics {
    pub fn new(group: CaseGroup, window: Window) -> Self {
        CaseStatistics {
            group,
            window,
            rows: BTreeMap::new(),
            totals: CaseFigures::default(),
        }
    }

    /// Counts `case` where it belongs: opened, resolved, in the backlog at the end of the window
    /// (by month: at the end of each month, the last one ending with the window).
    pub fn add(&mut self, case: &CaseEntry) {
        let month_of = |at: DateTime<Utc>| CaseKey::Month(Calendar::Month.period_of(at.date_naive()));
        let key = match self.group {
            CaseGroup::Team => CaseKey::Team(case.team_id),
            CaseGroup::Assignee => CaseKey::Assignee(case.assignee_id),
            CaseGroup::Priority => CaseKey::Priority(case.priority),
            CaseGroup::Month => month_of(case.created_at),
        };
        if self.window.contains(case.created_at.date_naive()) {
            self.rows.entry(key).or_default().add_opened(case);
            self.totals.add_opened(case);
        }
        if let Some(resolved_at) = case.resolved_at.filter(|at| self.window.contains(at.date_naive())) {
            let key = if self.group == CaseGroup::Month {
                month_of(resolved_at)
            } else {
                key
            };
            self.rows.entry(key).or_default().add_resolved(case, resolved_at);
            self.totals.add_resolved(case, resolved_at);
        }
        let end = end_of(self.window.to);
        if case.in_backlog_at(end) {
            self.totals.backlog.add(case);
            if self.group != CaseGroup::Month {
                self.rows.entry(key).or_default().backlog.add(case);
            }
        }
        if self.group == CaseGroup::Month {
            self.add_to_monthly_backlogs(case);
        }
    }

    /// Counts `case` in the backlog of each month of the window at whose end it was open.
    fn add_to_monthly_backlogs(&mut self, case: &CaseEntry) {
        if case.status == CaseStatus::Cancelled {
            return;
        }
        let mut day = self.window.from.max(case.created_at.date_naive());
        while day <= self.window.to {
            let month = Calendar::Month.period_of(day);
            let last_day = month.window().to.min(self.window.to);
            let at = end_of(last_day);
            if case.resolved_before(at) {
                break; // and so before the end of every later month
            }
            if case.in_backlog_at(at) {
                self.rows.entry(CaseKey::Month(month)).or_default().backlog.add(case);
            }
            let Some(next) = last_day.succ_opt() else { break };
            day = next;
        }
    }
}

/// The end of `day` (the first instant of the next), in UTC.
fn end_of(day: NaiveDate) -> DateTime<Utc> {
    day.succ_opt().unwrap_or(day).and_time(NaiveTime::MIN).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{d, day};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn case(created: &str, resolved: Option<&str>, status: CaseStatus) -> CaseEntry {
        CaseEntry {
            team_id: Some(Uuid::from_u128(1)),
            assignee_id: None,
            priority: CasePriority::Normal,
            status,
            created_at: at(created),
            first_response_at: None,
            resolved_at: resolved.map(at),
            sla_breached: None,
        }
    }

    fn window(from: &str, to: &str) -> Window {
        Window::new(day(from), day(to)).unwrap()
    }

    fn month(first: &str) -> CaseKey {
        CaseKey::Month(Calendar::Month.period_of(day(first)))
    }

    #[test]
    fn percentiles_are_values_at_their_nearest_rank() {
        assert_eq!(nearest_rank(&[], 50), None);
        assert_eq!(nearest_rank(&[7], 50), Some(7));
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        // n = 4: the median is rank 2 (the lower middle), p90 rank ⌈3.6⌉ = 4.
        assert_eq!(nearest_rank(&[10, 20, 30, 40], 50), Some(20));
        assert_eq!(nearest_rank(&[10, 20, 30, 40], 90), Some(40));
        // n = 10: p90 is rank 9; n = 11: rank ⌈9.9⌉ = 10.
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&ten, 90), Some(9));
        assert_eq!(nearest_rank(&ten, 50), Some(5));
        let eleven: Vec<i64> = (1..=11).collect();
        assert_eq!(nearest_rank(&eleven, 90), Some(10));
        assert_eq!(nearest_rank(&eleven, 50), Some(6));
        assert_eq!(
            Percentiles::of(vec![90, 5, 60]),
            Percentiles {
                median: Some(60),
                p90: Some(90)
            },
            "unsorted values are sorted first"
        );
        assert_eq!(Percentiles::of(Vec::new()), Percentiles::default());
    }

    #[test]
    fn the_sla_share_is_a_percent_to_two_decimals_of_the_resolved_cases_with_a_policy() {
        assert_eq!(percent(2, 3), Some(d("66.67")));
        assert_eq!(percent(1, 8), Some(d("12.50")), "12.5 exactly, written with 2 decimals");
        assert_eq!(percent(3, 3).map(|p| p.to_string()), Some("100.00".to_owned()));
        assert_eq!(percent(0, 0), None);

        let mut statistics = CaseStatistics::new(CaseGroup::Priority, window("2026-01-01", "2026-12-31"));
        for breached in [Some(true), Some(false), Some(false), None] {
            let mut resolved = case(
                "2026-03-02T08:00:00Z",
                Some("2026-03-02T09:30:59Z"),
                CaseStatus::Resolved,
            );
            resolved.sla_breached = breached;
            statistics.add(&resolved);
        }
        let summary = statistics.totals.summary();
        assert_eq!((summary.resolved, summary.sla_met_percent), (4, Some(d("66.67"))));
        assert_eq!(
            summary.resolution_minutes.median,
            Some(90),
            "whole minutes, rounded down"
        );
    }

    #[test]
    fn opened_and_resolved_count_in_the_window_and_their_months() {
        let mut by_month = CaseStatistics::new(CaseGroup::Month, window("2026-01-15", "2026-03-10"));
        let mut answered = case("2026-01-20T10:00:00Z", Some("2026-02-03T10:00:00Z"), CaseStatus::Closed);
        answered.first_response_at = Some(at("2026-01-20T10:45:00Z"));
        for entry in [
            case(
                "2026-01-14T23:59:59Z",
                Some("2026-01-15T00:00:00Z"),
                CaseStatus::Resolved,
            ),
            answered,
            case("2026-03-10T23:00:00Z", None, CaseStatus::New),
            case("2026-03-11T00:00:00Z", None, CaseStatus::New),
        ] {
            by_month.add(&entry);
        }
        let january = &by_month.rows[&month("2026-01-01")];
        assert_eq!(
            (january.opened, january.resolved),
            (1, 1),
            "the first was opened before the window"
        );
        assert_eq!(january.first_response_minutes, [45]);
        assert_eq!(
            january.resolution_minutes,
            [0],
            "resolved a second after creation, rounded down"
        );
        let february = by_month.rows[&month("2026-02-01")].clone().summary();
        assert_eq!((february.opened, february.resolved), (0, 1));
        assert_eq!(february.resolution_minutes.median, Some(14 * 24 * 60));
        let march = &by_month.rows[&month("2026-03-01")];
        assert_eq!(march.opened, 1, "a case of the day after the window is not counted");
        assert_eq!((by_month.totals.opened, by_month.totals.resolved), (2, 2));
    }

    #[test]
    fn the_backlog_is_taken_at_the_end_of_the_window_or_of_each_month() {
        let w = window("2026-01-01", "2026-03-15");
        let mut pending = case("2025-12-20T12:00:00Z", None, CaseStatus::Pending);
        pending.priority = CasePriority::Urgent;
        let entries = [
            pending,
            // Resolved on 2 February: in January's backlog only; resolved now, so counted as such.
            case(
                "2026-01-10T00:00:00Z",
                Some("2026-02-02T00:00:00Z"),
                CaseStatus::Resolved,
            ),
            // Resolved on the window's last day: in February's backlog, not in March's.
            case(
                "2026-02-27T00:00:00Z",
                Some("2026-03-15T00:00:00Z"),
                CaseStatus::Resolved,
            ),
            // Resolved after the window: in the backlog at its end, and closed now.
            case("2026-02-10T00:00:00Z", Some("2026-03-16T00:00:00Z"), CaseStatus::Closed),
            // Cancelled: in no backlog.
            case("2026-01-05T00:00:00Z", None, CaseStatus::Cancelled),
        ];
        let mut by_month = CaseStatistics::new(CaseGroup::Month, w);
        let mut by_priority = CaseStatistics::new(CaseGroup::Priority, w);
        for entry in &entries {
            by_month.add(entry);
            by_priority.add(entry);
        }
        let backlog = |key: &str| by_month.rows[&month(key)].backlog.total;
        assert_eq!(
            (backlog("2026-01-01"), backlog("2026-02-01"), backlog("2026-03-01")),
            (2, 3, 2)
        );
        let totals = by_month.totals.backlog;
        assert_eq!(totals.total, 2, "at the end of 15 March");
        let statuses: Vec<_> = totals.by_status().collect();
        assert_eq!(
            statuses,
            [
                (CaseStatus::New, 0),
                (CaseStatus::Open, 0),
                (CaseStatus::Pending, 1),
                (CaseStatus::Resolved, 0),
                (CaseStatus::Closed, 1),
            ]
        );
        let priorities: Vec<_> = totals.by_priority().collect();
        assert_eq!(
            priorities,
            [
                (CasePriority::Low, 0),
                (CasePriority::Normal, 1),
                (CasePriority::High, 0),
                (CasePriority::Urgent, 1),
            ]
        );
        assert_eq!(
            by_priority.rows[&CaseKey::Priority(CasePriority::Urgent)].backlog.total,
            1
        );
        assert_eq!(
            by_priority.rows[&CaseKey::Priority(CasePriority::Normal)].backlog.total,
            1
        );
        assert_eq!(by_priority.rows[&CaseKey::Priority(CasePriority::Normal)].opened, 4);
    }

    #[test]
    fn cases_group_by_their_team_and_assignee_or_none() {
        let w = window("2026-01-01", "2026-01-31");
        let mut by_team = CaseStatistics::new(CaseGroup::Team, w);
        let mut by_assignee = CaseStatistics::new(CaseGroup::Assignee, w);
        let mut unassigned = case("2026-01-02T00:00:00Z", None, CaseStatus::New);
        unassigned.team_id = None;
        let mut assigned = case("2026-01-03T00:00:00Z", None, CaseStatus::Open);
        assigned.assignee_id = Some(Uuid::from_u128(5));
        for entry in [unassigned, assigned] {
            by_team.add(&entry);
            by_assignee.add(&entry);
        }
        assert_eq!(by_team.rows[&CaseKey::Team(None)].opened, 1);
        assert_eq!(by_team.rows[&CaseKey::Team(Some(Uuid::from_u128(1)))].backlog.total, 1);
        assert_eq!(by_assignee.rows[&CaseKey::Assignee(None)].opened, 1);
        assert_eq!(by_assignee.rows[&CaseKey::Assignee(Some(Uuid::from_u128(5)))].opened, 1);
        assert_eq!(by_team.rows.keys().next(), Some(&CaseKey::Team(None)), "no team first");
    }
}
