//! Reports as use cases: each reads the records behind it within what the caller sees, in one
//! snapshot, and answers its rows with the list query that returns the records of each
//! (`DrillDown`), so that a figure can always be checked against the records.

pub mod aging;
pub mod cases;
pub mod changes;
pub mod performance;
pub mod pipeline;
pub mod turnover;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use persistence::{DatabaseTransaction, reports};
use uuid::Uuid;

use crate::error::AppError;

/// A group of a report: a stable key (an id, `2026-03`) and what a person reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub key: String,
    pub label: String,
}

/// The list query whose records make up a row: a path under the API and its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillDown {
    pub path: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl DrillDown {
    pub fn new(path: &'static str) -> Self {
        DrillDown {
            path,
            params: Vec::new(),
        }
    }

    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    /// The path with its query string, ready to GET.
    pub fn href(&self) -> String {
        let query = self
            .params
            .iter()
            .map(|(name, value)| format!("{name}={}", urlencoding(value)))
            .collect::<Vec<_>>()
            .join("&");
        if query.is_empty() {
            self.path.to_owned()
        } else {
            format!("{}?{query}", self.path)
        }
    }
}

/// Percent-encodes what a query value may not hold as is (values here are ids, dates, codes).
fn urlencoding(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The end of `day` (the first instant of the next), in UTC: the instant a report of a past day
/// is of.
pub(crate) fn end_of(day: NaiveDate) -> DateTime<Utc> {
    day.succ_opt().unwrap_or(day).and_time(NaiveTime::MIN).and_utc()
}

/// The names of the parties a report groups by.
async fn party_names(txn: &DatabaseTransaction, ids: Vec<Uuid>) -> Result<HashMap<Uuid, String>, AppError> {
    Ok(reports::party_names(txn, ids).await?)
}
