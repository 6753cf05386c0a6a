//! The condition of a list's filters: each filter narrows the list only when it is given, so a
//! repository names its columns once per filter instead of writing an `if let` for each.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
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

    /// Any of `values` (a filter given more than once: `status=draft&status=sent`), when given.
    pub fn any_of<T: Copy, C: IntoCondition>(self, values: &[T], condition: impl Fn(T) -> C) -> Self {
        if values.is_empty() {
            return self;
        }
        let any = values
            .iter()
            .fold(Condition::any(), |any, value| any.add(condition(*value)));
        Self(self.0.add(any))
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

    /// The instant in `column` falls on the days `from` to `to` (UTC), each bound when given.
    pub fn on_days<C: ColumnTrait + Copy>(self, column: C, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Self {
        let start = |day: NaiveDate| day.and_time(NaiveTime::MIN).and_utc();
        self.when(from, |day| column.gte(start(day)))
            // Before the next day's first instant; the last day a record holds has none.
            .when(to, |day| match day.succ_opt() {
                Some(next) => Condition::all().add(column.lt(start(next))),
                None => Condition::all(),
            })
    }

    /// The user in `column` is a current member of `team_id`, when given.
    pub fn team(self, column: impl ColumnTrait, team_id: Option<uuid::Uuid>) -> Self {
        use sea_orm::sea_query::Query;

        use crate::entities::user;
        self.when(team_id, |team_id| {
            let members = Query::select()
                .column(user::Column::Id)
                .from(user::Entity)
                .and_where(user::Column::TeamId.eq(team_id))
                .to_owned();
            column.in_subquery(members)
        })
    }

    /// Changed at or after `since`, when given: an incremental sync (`updated_at` column).
    pub fn updated_since(self, updated_at: impl ColumnTrait, since: Option<DateTime<Utc>>) -> Self {
        self.from(updated_at, since)
    }

    pub fn condition(self) -> Condition {
        self.0
    }
}
