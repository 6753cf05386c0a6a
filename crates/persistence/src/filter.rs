//! The condition of a list's filters: each filter narrows the list only when it is given, so a
//! repository names its columns once per filter instead of writing an `if let` for each.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::IntoCondition;
use sea_orm::{ColumnTrait, Condition, Value};

use crate::search;

/// The rows a list shows: those the caller sees, narrowed by every filter that is given.
#[must_use]
pub struct Filter(Condition);

impl Filter {
    /// Every row that `scope` lets through (see `crate::visibility`).
    pub fn new(scope: Condition) -> Self {
        Self(Condition::all().add(scope))
    }

    /// Every row: a list that everyone sees whole.
    pub fn all() -> Self {
        Self(Condition::all())
    }

    /// Adds `condition` unless the list asks for more (`include`: archived or retired rows too).
    pub fn unless(self, include: bool, condition: impl IntoCondition) -> Self {
        if include { self } else { Self(self.0.add(condition)) }
    }

    /// Adds `condition(value)` when the filter's `value` is given.
    pub fn when<T, C: IntoCondition>(self, value: Option<T>, condition: impl FnOnce(T) -> C) -> Self {
        match value {
            Some(value) => Self(self.0.add(condition(value))),
            None => self,
        }
    }

    /// `column` equals `value`, when given.
    pub fn eq<V: Into<Value>>(self, column: impl ColumnTrait, value: Option<V>) -> Self {
        self.when(value, |value| column.eq(value))
    }

    /// `column` equals `text` exactly, when given (see [`search::equals`]).
    pub fn equals(self, column: impl ColumnTrait, text: Option<&str>) -> Self {
        self.when(text, |text| search::equals(column, text))
    }

    /// `q` on a list of documents, when given: in the number, or the party (see [`search::document`]).
    pub fn document_text(self, number: impl ColumnTrait, party_id: impl ColumnTrait, q: Option<&str>) -> Self {
        self.when(q, |q| search::document(number, party_id, q))
    }

    /// `column` is `from` or later, when given.
    pub fn from<V: Into<Value>>(self, column: impl ColumnTrait, from: Option<V>) -> Self {
        self.when(from, |from| column.gte(from))
    }

    /// `column` is `to` or earlier, when given.
    pub fn to<V: Into<Value>>(self, column: impl ColumnTrait, to: Option<V>) -> Self {
        self.when(to, |to| column.lte(to))
    }

    /// Changed at or after `since`, when given: an incremental sync (`updated_at` column).
    pub fn updated_since(self, updated_at: impl ColumnTrait, since: Option<DateTime<Utc>>) -> Self {
        self.from(updated_at, since)
    }

    pub fn condition(self) -> Condition {
        self.0
    }
}
