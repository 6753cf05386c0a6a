//! Instants and dates a record may hold: years 1 to 9999, the range of RFC 3339 and of both
//! databases (chrono and PostgreSQL reach further, but not to the same places).

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::validation::CodedError;

pub const MIN_YEAR: i32 = 1;
pub const MAX_YEAR: i32 = 9999;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange;

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "must lie between the years {MIN_YEAR} and {MAX_YEAR}")
    }
}

impl CodedError for OutOfRange {
    fn code(&self) -> &'static str {
        "out_of_range"
    }
}

pub fn instant(at: DateTime<Utc>) -> Result<DateTime<Utc>, OutOfRange> {
    (MIN_YEAR..=MAX_YEAR)
        .contains(&at.year())
        .then_some(at)
        .ok_or(OutOfRange)
}

pub fn date(date: NaiveDate) -> Result<NaiveDate, OutOfRange> {
    (MIN_YEAR..=MAX_YEAR)
        .contains(&date.year())
        .then_some(date)
        .ok_or(OutOfRange)
}

/// Checks an optional instant under `field`; out of range it is reported and dropped.
pub fn check_instant(
    errors: &mut crate::validation::ValidationErrors,
    field: &str,
    at: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    at.and_then(|at| errors.check(field, instant(at)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_outside_one_to_9999_are_refused() {
        let ok = DateTime::parse_from_rfc3339("9999-12-31T23:59:59Z").unwrap().to_utc();
        assert!(instant(ok).is_ok());
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap();
        assert_eq!(date(far), Err(OutOfRange));
        let before = NaiveDate::from_ymd_opt(0, 12, 31).unwrap();
        assert_eq!(date(before), Err(OutOfRange));
    }
}
