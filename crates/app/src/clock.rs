//! The one clock of the use cases. The domain takes time as a parameter; this is where it comes from.
//!
//! A server runs its requests and background jobs [`Clock::scope`]d to its clock, so that every
//! `now()` and `today()` below them reads it. In production that is the system clock; a test gives
//! its server a [`Clock::manual`] one and moves it, so that "tomorrow" (an offer's expiry, an
//! invoice falling due, a deadline passing) is a step of the test instead of a wait.

use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, SubsecRound, TimeDelta, Utc};

/// The time a server goes by: the system's, or one a test sets.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    manual: Option<Arc<Mutex<DateTime<Utc>>>>,
}

tokio::task_local! {
    static CLOCK: Clock;
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that stands at `at` until it is moved.
    pub fn manual(at: DateTime<Utc>) -> Self {
        Self {
            manual: Some(Arc::new(Mutex::new(at.trunc_subsecs(6)))),
        }
    }

    /// Moves a manual clock on by `by`; the system clock moves by itself, so this panics on it.
    pub fn advance(&self, by: TimeDelta) {
        let manual = self.manual.as_ref().expect("only a manual clock is moved");
        let mut at = manual.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *at += by;
    }

    /// The current time at the precision both databases store (microseconds), so a value returned
    /// on create equals the value read back later.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.manual {
            Some(manual) => *manual.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
            None => Utc::now().trunc_subsecs(6),
        }
    }

    /// Runs `work` (a request, a job's round) with `now()` and `today()` reading this clock.
    pub async fn scope<F: Future>(&self, work: F) -> F::Output {
        CLOCK.scope(self.clone(), work).await
    }
}

/// The current time of the clock this work runs under; the system's outside any.
pub fn now() -> DateTime<Utc> {
    CLOCK.try_with(Clock::now).unwrap_or_else(|_| Clock::system().now())
}

/// Today in UTC: the day offers expire and invoices fall due by.
pub fn today() -> NaiveDate {
    now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_reads_the_clock_it_runs_under() {
        let at = DateTime::parse_from_rfc3339("2026-03-31T23:30:00Z").unwrap().to_utc();
        let clock = Clock::manual(at);
        assert_eq!(clock.scope(async { now() }).await, at);
        clock.advance(TimeDelta::hours(1));
        assert_eq!(clock.scope(async { today() }).await.to_string(), "2026-04-01");
        // Outside any scope: the system's.
        assert!((now() - Utc::now()).num_seconds().abs() < 5);
    }
}
