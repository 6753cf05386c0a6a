//! The billing periods of a subscription: which days each period covers and when it falls due.
//!
//! Period k starts k × (interval × count) months after the schedule's start, always counted from
//! that anchor: chained from the previous period, a schedule started on 31 January would drift to
//! the 28th after February and stay there. A day the month lacks becomes its last day (31 January
//! → 28 February → 31 March → 30 April). A period ends the day before the next one starts, or on
//! the schedule's end when that comes first.
//!
//! A record holds no date after the year [`time::MAX_YEAR`], so a schedule ends on 31 December
//! 9999 at the latest, as if that were its end date. Every computation is checked: out of range,
//! the answer is "no period", never a panic.

use chrono::{Datelike, Months, NaiveDate};

use crate::time;
use crate::validation::ValidationErrors;

/// The most intervals one period spans: every twelve months, quarters, half years or years.
pub const MAX_INTERVAL_COUNT: u32 = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    Month,
    Quarter,
    HalfYear,
    Year,
}

str_enum!(Interval {
    Month => "month",
    Quarter => "quarter",
    HalfYear => "half_year",
    Year => "year",
});

impl Interval {
    /// Every interval is a whole number of months, so all of them clamp month ends alike.
    pub fn months(self) -> u32 {
        match self {
            Interval::Month => 1,
            Interval::Quarter => 3,
            Interval::HalfYear => 6,
            Interval::Year => 12,
        }
    }
}

/// When a period falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Billing {
    /// On the period's first day: the customer pays before the service.
    InAdvance,
    /// On the period's last day (the end date, for a period the schedule's end cut short).
    InArrears,
}

str_enum!(Billing { InAdvance => "in_advance", InArrears => "in_arrears" });

impl Billing {
    fn due_on(self, start: NaiveDate, end: NaiveDate) -> NaiveDate {
        match self {
            Billing::InAdvance => start,
            Billing::InArrears => end,
        }
    }
}

/// How a subscription bills. Build it with [`Schedule::new`] to have its rules checked; the
/// computations still answer (with no periods, where nothing else makes sense) for a schedule
/// that breaks them, such as an interval count of 0 or an end before the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub interval: Interval,
    /// How many intervals one period spans, 1 to [`MAX_INTERVAL_COUNT`].
    pub interval_count: u32,
    /// The anchor: the first day of period 0, and the day of the month every period starts on
    /// where the month has it.
    pub start: NaiveDate,
    /// The last day billed, inclusive; `None` runs until cancelled.
    pub end: Option<NaiveDate>,
    pub billing: Billing,
}

/// One billing period; its days run from `start` to `end`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// 0 for the first period of the schedule.
    pub index: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The schedule's end (or the year 9999) cut the period short of its full length.
    pub truncated: bool,
    pub due_on: NaiveDate,
}

impl Period {
    pub fn contains(&self, date: NaiveDate) -> bool {
        (self.start..=self.end).contains(&date)
    }
}

/// A stretch in which the subscription was paused: from `from` up to the day it resumed, `until`
/// (excluded: service runs again that day); `None` while it is still paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Pause {
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && self.until.is_none_or(|until| date < until)
    }
}

/// Whether the subscription was paused on `date`. A period whose START lies in a pause is skipped,
/// not billed: one that merely runs into a pause was already under way and is billed whole.
pub fn paused_on(pauses: &[Pause], date: NaiveDate) -> bool {
    pauses.iter().any(|pause| pause.covers(date))
}

impl Schedule {
    /// Checks the rules and reports every broken one under its field: `interval_count`,
    /// `start_date`, `end_date`.
    pub fn new(
        interval: Interval,
        interval_count: u32,
        start: NaiveDate,
        end: Option<NaiveDate>,
        billing: Billing,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if !(1..=MAX_INTERVAL_COUNT).contains(&interval_count) {
            errors.add(
                "interval_count",
                "out_of_range",
                format!("must be between 1 and {MAX_INTERVAL_COUNT}"),
            );
        }
        let checked_start = errors.check("start_date", time::date(start));
        let checked_end = end.and_then(|end| errors.check("end_date", time::date(end)));
        if let (Some(start), Some(end)) = (checked_start, checked_end)
            && end < start
        {
            errors.add("end_date", "before_start", "must not be before the start date");
        }
        errors.finish(|| Schedule {
            interval,
            interval_count,
            start,
            end,
            billing,
        })
    }

    /// Period `index`; `None` when it would start after the end of the schedule (or of the year
    /// 9999).
    pub fn period(&self, index: u32) -> Option<Period> {
        let start = time::date(self.start_of(index)?).ok()?;
        let last_day = self.last_day();
        if start > last_day {
            return None;
        }
        // None only for a next start beyond even chrono's range, thus far past the last day.
        let full_end = index
            .checked_add(1)
            .and_then(|next| self.start_of(next))
            .and_then(|next| next.pred_opt());
        let end = full_end.map_or(last_day, |full_end| full_end.min(last_day));
        Some(Period {
            index,
            start,
            end,
            truncated: full_end != Some(end),
            due_on: self.billing.due_on(start, end),
        })
    }

    /// The periods from `index` on, in order, up to the end of the schedule (or of the year 9999).
    pub fn periods_from(&self, index: u32) -> impl Iterator<Item = Period> + use<> {
        let schedule = *self;
        (index..=u32::MAX).map_while(move |index| schedule.period(index))
    }

    /// The periods from `from_index` on that are due by `as_of` (due on it or before): what a
    /// billing run on `as_of` bills when it billed everything before `from_index` already. The
    /// caller leaves out the paused ones ([`paused_on`] their start).
    pub fn due_by(&self, from_index: u32, as_of: NaiveDate) -> impl Iterator<Item = Period> + use<> {
        // Due dates grow with the index, so the first one after `as_of` ends the run.
        self.periods_from(from_index)
            .take_while(move |period| period.due_on <= as_of)
    }

    /// The period whose days include `date`; `None` before the start and after the end.
    ///
    /// Computed, not searched: the month difference to the anchor gives the period starting in
    /// `date`'s month or the last one before it, and only a start later in that same month (a
    /// later day of the month) puts `date` in the period before.
    pub fn period_containing(&self, date: NaiveDate) -> Option<Period> {
        let estimate = self.index_by_month(date)?;
        let index = if self.start_of(estimate)? > date {
            estimate.checked_sub(1)?
        } else {
            estimate
        };
        self.period(index).filter(|period| period.contains(date))
    }

    /// The index of the first period starting on `date` or after it: a subscription activated on
    /// `date` bills from there, not the periods already under way. `None` when no period starts
    /// that late.
    pub fn index_on_or_after(&self, date: NaiveDate) -> Option<u32> {
        let index = match self.index_by_month(date) {
            // `date` lies in a month before the start's (or the schedule has no periods).
            None => 0,
            Some(index) if self.start_of(index)? >= date => index,
            // The next period starts in a later month than `date`'s.
            Some(index) => index.checked_add(1)?,
        };
        self.period(index).map(|period| period.index)
    }

    /// Cancelled at period end on `date`: the schedule ends with the period containing `date`.
    /// Before the start no period is under way, so nothing is billed (the schedule ends on
    /// `date`, before its start); after the end the schedule is unchanged.
    #[must_use]
    pub fn ending_at_period_end(&self, date: NaiveDate) -> Schedule {
        if date < self.start {
            return self.ending_on(date);
        }
        self.period_containing(date)
            .map_or(*self, |period| self.ending_on(period.end))
    }

    /// Cancelled now: `date` is the last day billed, and the period containing it ends there,
    /// truncated (unless `date` is its last day anyway). An earlier end stays; a `date` before the
    /// start leaves no period at all.
    #[must_use]
    pub fn ending_on(&self, date: NaiveDate) -> Schedule {
        Schedule {
            end: Some(self.end.map_or(date, |end| end.min(date))),
            ..*self
        }
    }

    /// The months one period spans; `None` for an interval count of 0 (or one so large the months
    /// overflow), which has no periods.
    fn months_per_period(&self) -> Option<u32> {
        self.interval
            .months()
            .checked_mul(self.interval_count)
            .filter(|&months| months > 0)
    }

    /// The day period `index` starts on, counted from the anchor and clamped to the month's last
    /// day; `None` beyond chrono's range (far beyond the year 9999).
    fn start_of(&self, index: u32) -> Option<NaiveDate> {
        let months = self.months_per_period()?.checked_mul(index)?;
        self.start.checked_add_months(Months::new(months))
    }

    /// The index of the period starting in `date`'s month, or of the last one starting before it;
    /// `None` when `date` lies in a month before the start's.
    fn index_by_month(&self, date: NaiveDate) -> Option<u32> {
        let months = (i64::from(date.year()) - i64::from(self.start.year())) * 12 + i64::from(date.month0())
            - i64::from(self.start.month0());
        let per_period = i64::from(self.months_per_period()?);
        u32::try_from(months.div_euclid(per_period)).ok()
    }

    /// The last day any period may cover.
    fn last_day(&self) -> NaiveDate {
        self.end.map_or(horizon(), |end| end.min(horizon()))
    }
}

/// The last day a record holds.
fn horizon() -> NaiveDate {
    NaiveDate::from_ymd_opt(time::MAX_YEAR, 12, 31).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests;
