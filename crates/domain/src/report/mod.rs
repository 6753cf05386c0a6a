//! Reports: read-only aggregates of the records the API serves, computed from them on request,
//! never kept by hand. A report answers rows per group *and currency* (amounts are never summed
//! across currencies) and totals per currency; each row can name the records behind it, so that
//! a client checks a figure against the list it came from.

pub mod aging;
pub mod calendar;
pub mod cases;
pub mod changes;
pub mod performance;
pub mod pipeline;
pub mod states;
pub mod turnover;

use chrono::NaiveDate;

use crate::validation::ValidationErrors;

/// The longest window a report takes, in days: ten years and their leap days. Past it, a report
/// would read more records than an answer within a request's deadline allows.
pub const MAX_WINDOW_DAYS: i64 = 3653;

/// The days a report covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Window {
    /// `from..=to`, refused when `to` is before `from` or the window spans more than ten years
    /// (errors on `to`, the parameter to change).
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if to < from {
            errors.add("to", "before_start", "must not be before from");
        } else if (to - from).num_days() >= MAX_WINDOW_DAYS {
            errors.add("to", "window_too_long", "a report covers at most ten years");
        }
        errors.finish(|| Window { from, to })
    }

    /// The days of both windows; `None` when they do not meet.
    pub fn overlap(self, other: Window) -> Option<Window> {
        let (from, to) = (self.from.max(other.from), self.to.min(other.to));
        (from <= to).then_some(Window { from, to })
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::day;

    #[test]
    fn a_window_ends_on_or_after_its_start_and_spans_at_most_ten_years() {
        assert!(Window::new(day("2026-01-01"), day("2026-01-01")).is_ok());
        assert!(Window::new(day("2016-01-01"), day("2025-12-31")).is_ok());
        let codes = |from, to| {
            Window::new(day(from), day(to))
                .unwrap_err()
                .errors()
                .iter()
                .map(|e| (e.field.clone(), e.code))
                .collect::<Vec<_>>()
        };
        assert_eq!(codes("2026-01-02", "2026-01-01"), [("to".to_owned(), "before_start")]);
        assert_eq!(
            codes("2016-01-01", "2026-01-01"),
            [("to".to_owned(), "window_too_long")]
        );
    }

    #[test]
    fn windows_overlap_on_their_common_days() {
        let year = Window::new(day("2026-01-01"), day("2026-12-31")).unwrap();
        let march = Window::new(day("2026-03-01"), day("2026-03-31")).unwrap();
        assert_eq!(year.overlap(march), Some(march));
        let later = Window::new(day("2027-01-01"), day("2027-01-31")).unwrap();
        assert_eq!(year.overlap(later), None);
    }
}
