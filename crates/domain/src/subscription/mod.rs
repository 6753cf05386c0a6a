//! Subscriptions: agreements for periodic delivery and billing.
//!
//! ```text
//!   draft ──activate──▶ active ──pause──▶ paused ──resume──▶ active
//!                         │ └──────────────┴──cancel {period_end | now}──▶ cancelled
//!                         └── end_date passed ──▶ ended (the server)
//! ```
//! A subscription bills on a schedule of periods ([`period`]). Each period due is billed once
//! (an order) or skipped (it started while paused); which periods are done is kept as two
//! cursors, because the server's daily job bills only periods starting on or after the day of
//! activation while an explicit run bills from the first period: `billed_before` (every period
//! before it is done) and `auto_billed_before` (every period from the first the job bills, up to
//! it, is done). Both only move forward, one period at a time, so "done" is always two ranges.

mod input;
pub mod period;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

pub use self::input::{MAX_LINES, SubscriptionFields, SubscriptionInput};
use self::period::{Pause, Period, paused_on};
use crate::transition::{self, Transition, TransitionError};

/// The number series of subscriptions: `SU-2026-000001`.
pub const SERIES: &str = "SU";
/// Pauses one subscription keeps: more is a misuse of pausing.
pub const MAX_PAUSES: usize = 100;
/// Periods one run bills of one subscription: a monthly subscription backdated by a century is
/// fewer than this; a longer backlog is billed by the next run.
pub const MAX_PERIODS_PER_RUN: usize = 1_500;

/// The number of the `sequence`th subscription of `year`.
pub fn number(year: i32, sequence: i64) -> String {
    format!("{SERIES}-{year}-{sequence:06}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriptionStatus {
    Draft,
    Active,
    Paused,
    Cancelled,
    Ended,
}

str_enum!(SubscriptionStatus {
    Draft => "draft",
    Active => "active",
    Paused => "paused",
    Cancelled => "cancelled",
    Ended => "ended",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriptionAction {
    Activate,
    Pause,
    Resume,
    Cancel,
}

str_enum!(SubscriptionAction {
    Activate => "activate",
    Pause => "pause",
    Resume => "resume",
    Cancel => "cancel",
});

use SubscriptionAction as A;
use SubscriptionStatus as S;

pub const TRANSITIONS: &[Transition<SubscriptionStatus, SubscriptionAction>] = &[
    Transition {
        action: A::Activate,
        from: &[S::Draft],
        to: S::Active,
    },
    Transition {
        action: A::Pause,
        from: &[S::Active],
        to: S::Paused,
    },
    Transition {
        action: A::Resume,
        from: &[S::Paused],
        to: S::Active,
    },
    Transition {
        action: A::Cancel,
        from: &[S::Active, S::Paused],
        to: S::Cancelled,
    },
];

/// When a cancellation takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelAt {
    /// The period under way is the last billed.
    PeriodEnd,
    /// Today is the last day billed: the period under way ends today.
    Now,
}

str_enum!(CancelAt { PeriodEnd => "period_end", Now => "now" });

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionState {
    pub status: SubscriptionStatus,
    pub activated_on: Option<NaiveDate>,
    pub cancelled_on: Option<NaiveDate>,
    pub pauses: Vec<Pause>,
    /// Every period before this index is billed or skipped.
    pub billed_before: u32,
    /// Every period from the first the daily job bills up to this index is billed or skipped.
    pub auto_billed_before: u32,
}

impl SubscriptionState {
    pub const DRAFT: SubscriptionState = SubscriptionState {
        status: SubscriptionStatus::Draft,
        activated_on: None,
        cancelled_on: None,
        pauses: Vec::new(),
        billed_before: 0,
        auto_billed_before: 0,
    };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: Uuid,
    /// `SU-2026-000001`, drawn at creation.
    pub number: String,
    pub fields: SubscriptionFields,
    pub state: SubscriptionState,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who asks for the periods due: a client's run bills every period, the server's daily job only
/// those starting on or after the day of activation (a backdated start is billed on request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Biller {
    Run,
    Job,
}

/// What happens to a period due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Bill,
    /// It started while the subscription was paused.
    Skip,
}

impl Subscription {
    pub fn allowed_actions(&self) -> Vec<SubscriptionAction> {
        transition::allowed(TRANSITIONS, self.state.status)
    }

    /// Whether its content may change: not once cancelled or ended. Its lines and end date change
    /// from the next unbilled period on; its schedule is fixed once activated (see [`Self::check_change`]).
    pub fn is_editable(&self) -> bool {
        matches!(
            self.state.status,
            SubscriptionStatus::Draft | SubscriptionStatus::Active | SubscriptionStatus::Paused
        )
    }

    /// Whether it may be deleted: only a draft; once activated it stays, with what it billed.
    pub fn is_deletable(&self) -> bool {
        self.state.status == SubscriptionStatus::Draft
    }

    /// The fields of a change that may not change any more: the party, currency and the schedule's
    /// start, interval and billing once activated (the periods billed were counted on them).
    pub fn unchangeable(&self, next: &SubscriptionFields) -> Vec<&'static str> {
        if self.state.status == SubscriptionStatus::Draft {
            return Vec::new();
        }
        let (now, then) = (&self.fields, next);
        let mut fields = Vec::new();
        let checks = [
            ("party_id", now.party_id != then.party_id),
            ("currency", now.currency != then.currency),
            ("start_date", now.schedule.start != then.schedule.start),
            ("interval", now.schedule.interval != then.schedule.interval),
            (
                "interval_count",
                now.schedule.interval_count != then.schedule.interval_count,
            ),
            ("billing", now.schedule.billing != then.schedule.billing),
        ];
        for (field, changed) in checks {
            if changed {
                fields.push(field);
            }
        }
        fields
    }

    /// `draft` → `active` on `today`.
    pub fn activate(&self, today: NaiveDate) -> Result<Subscription, TransitionError> {
        let mut next = self.moved(A::Activate)?;
        next.state.activated_on = Some(today);
        Ok(next)
    }

    /// `active` → `paused` from `today`: periods starting while paused are skipped.
    pub fn pause(&self, today: NaiveDate) -> Result<Subscription, TransitionError> {
        let mut next = self.moved(A::Pause)?;
        next.state.pauses.push(Pause {
            from: today,
            until: None,
        });
        if next.state.pauses.len() > MAX_PAUSES {
            next.state.pauses.remove(0);
        }
        Ok(next)
    }

    /// `paused` → `active` from `today`: a period starting today is billed.
    pub fn resume(&self, today: NaiveDate) -> Result<Subscription, TransitionError> {
        let mut next = self.moved(A::Resume)?;
        if let Some(pause) = next.state.pauses.last_mut() {
            pause.until = Some(today);
        }
        Ok(next)
    }

    /// → `cancelled` on `today`: billing ends with the period under way, or today. A pause under
    /// way stays: what starts in it is skipped.
    pub fn cancel(&self, today: NaiveDate, at: CancelAt) -> Result<Subscription, TransitionError> {
        let mut next = self.moved(A::Cancel)?;
        next.state.cancelled_on = Some(today);
        let schedule = &self.fields.schedule;
        next.fields.schedule = match at {
            CancelAt::PeriodEnd => schedule.ending_at_period_end(today),
            CancelAt::Now => schedule.ending_on(today),
        };
        Ok(next)
    }

    fn moved(&self, action: SubscriptionAction) -> Result<Subscription, TransitionError> {
        let status = transition::apply(TRANSITIONS, self.state.status, action)?;
        let mut next = self.clone();
        next.state.status = status;
        Ok(next)
    }

    /// The first period the daily job bills: the first starting on or after activation.
    fn first_auto_index(&self) -> Option<u32> {
        self.fields.schedule.index_on_or_after(self.state.activated_on?)
    }

    /// Where `biller` goes on from: the first period it has not done.
    fn next_index(&self, biller: Biller) -> Option<u32> {
        let state = &self.state;
        match biller {
            Biller::Job => Some(self.first_auto_index()?.max(state.auto_billed_before)),
            Biller::Run => Some(match self.first_auto_index() {
                Some(first) if (first..state.auto_billed_before).contains(&state.billed_before) => {
                    state.auto_billed_before
                }
                _ => state.billed_before,
            }),
        }
    }

    /// The periods due by `as_of` that `biller` has to bill or skip, in order, on `today`. Nothing
    /// for a draft. While paused, a period starting after today waits: it is not known yet
    /// whether the subscription will be running then.
    pub fn due(&self, biller: Biller, as_of: NaiveDate, today: NaiveDate) -> Vec<(Period, Outcome)> {
        if self.state.status == SubscriptionStatus::Draft {
            return Vec::new();
        }
        let Some(from) = self.next_index(biller) else {
            return Vec::new();
        };
        let paused = self.state.status == SubscriptionStatus::Paused;
        let done_by_job = self
            .first_auto_index()
            .map(|first| first..self.state.auto_billed_before);
        self.fields
            .schedule
            .due_by(from, as_of)
            .filter(|p| !done_by_job.as_ref().is_some_and(|done| done.contains(&p.index)))
            .take_while(|p| !(paused && p.start > today))
            .take(MAX_PERIODS_PER_RUN)
            .map(|p| (p, self.outcome_of(&p)))
            .collect()
    }

    /// Whether `period` is billed, or skipped as it starts in a pause.
    pub fn outcome_of(&self, period: &Period) -> Outcome {
        if paused_on(&self.state.pauses, period.start) {
            Outcome::Skip
        } else {
            Outcome::Bill
        }
    }

    /// The periods not done yet, in order, due or not: from the next a run would take (what a
    /// preview shows).
    pub fn upcoming(&self) -> impl Iterator<Item = Period> + '_ {
        let from = self.next_index(Biller::Run).unwrap_or(0);
        let done_by_job = self
            .first_auto_index()
            .map(|first| first..self.state.auto_billed_before);
        self.fields
            .schedule
            .periods_from(from)
            .filter(move |p| !done_by_job.as_ref().is_some_and(|done| done.contains(&p.index)))
    }

    /// The subscription once period `index` is billed or skipped (its cursors moved on).
    #[must_use]
    pub fn with_done(&self, index: u32) -> Subscription {
        let mut next = self.clone();
        let state = &mut next.state;
        let first_auto = self.first_auto_index();
        if index == state.billed_before {
            state.billed_before += 1;
            if let Some(first) = first_auto
                && (first..state.auto_billed_before).contains(&state.billed_before)
            {
                state.billed_before = state.auto_billed_before;
            }
        }
        if first_auto.is_some_and(|first| index >= first) && index >= state.auto_billed_before {
            state.auto_billed_before = index + 1;
        }
        next
    }

    /// The day the next period is due for `biller`; none when no period is left (or a draft).
    pub fn next_due_on(&self, biller: Biller) -> Option<NaiveDate> {
        if self.state.status == SubscriptionStatus::Draft {
            return None;
        }
        let index = self.next_index(biller)?;
        self.fields.schedule.period(index).map(|p| p.due_on)
    }

    /// Whether it has run its course by `today`: active or paused, and past its end date.
    pub fn has_ended(&self, today: NaiveDate) -> bool {
        matches!(self.state.status, S::Active | S::Paused) && self.fields.schedule.end.is_some_and(|end| end < today)
    }

    /// The day the server next has something to do: bill a period, or end it.
    pub fn next_step_on(&self) -> Option<NaiveDate> {
        let ends = self
            .fields
            .schedule
            .end
            .filter(|_| matches!(self.state.status, S::Active | S::Paused))
            .and_then(|end| end.succ_opt())
            .filter(|day| crate::time::date(*day).is_ok());
        self.next_due_on(Biller::Job).into_iter().chain(ends).min()
    }

    /// `ended`, by the server.
    #[must_use]
    pub fn ended(&self) -> Subscription {
        let mut next = self.clone();
        next.state.status = SubscriptionStatus::Ended;
        next
    }
}

#[cfg(test)]
mod tests;
