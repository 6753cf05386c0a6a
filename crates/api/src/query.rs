//! Checks of query parameters that their types cannot express, never a silent default or a
//! database error. A parameter that does not parse is a 400 (the extractor says so); one that
//! parses but breaks a rule (a year no record can hold, an unknown currency) is a 422 naming it,
//! as the same value in a body would be.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{ApiError, ErrorCode};

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

/// A decimal parameter: digits with an optional fraction, else a 400; exactly, so a value past
/// `Decimal`'s 28 digits is a 422 (too precise), never silently rounded.
pub fn decimal(name: &str, text: &str) -> Result<rust_decimal::Decimal, ApiError> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("{name} must be a decimal such as 12.5"),
        ));
    }
    rust_decimal::Decimal::from_str_exact(text)
        .map_err(|_| ApiError::invalid(name, "out_of_range", "has more digits than a decimal holds (28)"))
}

/// A text search term of at most [`Q_MAX`] characters.
pub fn search(value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        Some(q) if q.chars().count() > Q_MAX => Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("q must be at most {Q_MAX} characters"),
        )),
        other => Ok(other),
    }
}

/// A currency code (ISO 4217) the server knows, else a 422 naming the parameter.
pub fn currency(name: &str, value: Option<&str>) -> Result<Option<domain::currency::Currency>, ApiError> {
    value
        .map(|code| {
            domain::currency::Currency::parse(code)
                .map_err(|e| ApiError::invalid(name, domain::validation::CodedError::code(&e), e.to_string()))
        })
        .transpose()
}

fn out_of_range(name: &str, error: domain::time::OutOfRange) -> ApiError {
    ApiError::invalid(name, domain::validation::CodedError::code(&error), error.to_string())
}
