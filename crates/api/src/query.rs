//! Checks of list query parameters that their types cannot express; a failure is a 400 naming the
//! parameter, never a silent default or a database error.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::ApiError;

/// Longest text search accepted (`q`).
pub const Q_MAX: usize = 200;

/// An instant within the years every record may hold (`domain::time`).
pub fn instant(name: &str, value: Option<DateTime<Utc>>) -> Result<Option<DateTime<Utc>>, ApiError> {
    value
        .map(|at| domain::time::instant(at).map_err(|e| out_of_range(name, e)))
        .transpose()
}

/// A date within the years every record may hold.
pub fn date(name: &str, value: Option<NaiveDate>) -> Result<Option<NaiveDate>, ApiError> {
    value
        .map(|day| domain::time::date(day).map_err(|e| out_of_range(name, e)))
        .transpose()
}

/// A text search term of at most [`Q_MAX`] characters.
pub fn search(value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        Some(q) if q.chars().count() > Q_MAX => Err(ApiError::bad_request(
            "invalid_query",
            format!("q must be at most {Q_MAX} characters"),
        )),
        other => Ok(other),
    }
}

fn out_of_range(name: &str, error: domain::time::OutOfRange) -> ApiError {
    ApiError::bad_request("invalid_query", format!("{name} {error}"))
}
