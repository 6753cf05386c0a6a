//! The sales targets table. A sales user sees the targets of themselves, their teammates and
//! their team: the figures behind a target are records of those people, which they see anyway.

use chrono::{DateTime, NaiveDate, Utc};
use domain::currency::Currency;
use domain::report::Window;
use domain::report::calendar::{Calendar, Period};
use domain::sales_target::{SalesTarget, SalesTargetFields, TargetMetric, TargetSubject};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::sales_target::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::page::{self, Page, PageRequest, SortBy, SortKey, SyncOrder};
use crate::table::{self, Table};
use crate::visibility::{self, Visibility};

const TABLE: &str = "sales_targets";

pub async fn insert(conn: &impl ConnectionTrait, target: &SalesTarget) -> Result<(), StoreError> {
    table::insert::<SalesTargets, _>(conn, [to_active_model(target)]).await
}

/// Inserts `targets` in as few statements as the databases allow (a bulk load: the seed data).
pub async fn insert_many(conn: &impl ConnectionTrait, targets: &[SalesTarget]) -> Result<(), StoreError> {
    table::insert::<SalesTargets, _>(conn, targets.iter().map(to_active_model)).await
}

/// Writes `target` if the stored version is still `expected_version`.
pub async fn update(
    conn: &impl ConnectionTrait,
    target: &SalesTarget,
    expected_version: i32,
) -> Result<bool, StoreError> {
    table::update::<SalesTargets, _>(conn, to_active_model(target), target.id, expected_version).await
}

pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// The sales targets table, for the shared kit (`crate::table`).
pub struct SalesTargets;

impl Table for SalesTargets {
    type Entity = Entity;
    type Record = SalesTarget;
    table::versioned_columns!();

    /// A user's targets by the owner rule every sales record follows; a team's to its members.
    fn scope(visibility: Visibility) -> Condition {
        match visibility {
            Visibility::All => Condition::all(),
            Visibility::OwnedBy { team_id, .. } => Condition::any()
                .add(visibility::condition(Column::UserId, visibility))
                .add_option(team_id.map(|team_id| Column::TeamId.eq(team_id))),
        }
    }

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<SalesTarget>, StoreError> {
        rows.into_iter().map(to_target).collect()
    }
}

/// What a list of targets is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct SalesTargetFilter {
    pub user_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub metric: Option<TargetMetric>,
    /// Periods starting on or after this day.
    pub period_from: Option<NaiveDate>,
    /// Periods starting on or before this day.
    pub period_to: Option<NaiveDate>,
    pub updated_since: Option<DateTime<Utc>>,
}

/// Targets oldest first, or by last change for a sync.
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &SalesTargetFilter,
    visibility: Visibility,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<SalesTarget>, StoreError> {
    let condition = Filter::new(SalesTargets::scope(visibility))
        .eq(Column::UserId, filter.user_id)
        .eq(Column::TeamId, filter.team_id)
        .when(filter.metric, |metric| Column::Metric.eq(metric.as_str()))
        .from(Column::PeriodStart, filter.period_from)
        .to(Column::PeriodStart, filter.period_to)
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, SalesTarget> = match request.sort {
        SyncOrder::Natural => SortBy::new(Column::CreatedAt, |t| (SortKey::Time(t.created_at), t.id)),
        SyncOrder::Updated => SortBy::new(Column::UpdatedAt, |t| (SortKey::Time(t.updated_at), t.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_target).await
}

/// The targets the caller sees of users (or teams) whose period meets `window`, by period.
/// Bounded: a period is at least a month and a window at most ten years, so at most four
/// metrics × currencies × 120 months per subject.
pub async fn meeting(
    conn: &impl ConnectionTrait,
    visibility: Visibility,
    of_teams: bool,
    window: Window,
) -> Result<Vec<SalesTarget>, StoreError> {
    // A period starts at most a year before a day it holds.
    let earliest_start = window
        .from
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(window.from);
    let subject = if of_teams {
        Column::TeamId.is_not_null()
    } else {
        Column::UserId.is_not_null()
    };
    let select = Entity::find()
        .filter(SalesTargets::scope(visibility))
        .filter(subject)
        .filter(Column::PeriodStart.gte(earliest_start))
        .filter(Column::PeriodStart.lte(window.to))
        .order_by_asc(Column::PeriodStart)
        .order_by_asc(Column::Metric)
        .order_by_asc(Column::Id);
    let targets = table::all::<SalesTargets>(conn, select).await?;
    Ok(targets
        .into_iter()
        .filter(|t| t.fields.window().overlap(window).is_some())
        .collect())
}

fn to_active_model(t: &SalesTarget) -> ActiveModel {
    let f = &t.fields;
    let (user_id, team_id) = match f.subject {
        TargetSubject::User(user) => (Some(user), None),
        TargetSubject::Team(team) => (None, Some(team)),
    };
    ActiveModel {
        id: Set(t.id),
        user_id: Set(user_id),
        team_id: Set(team_id),
        period: Set(f.period.calendar.as_str().to_owned()),
        period_start: Set(f.period.start),
        metric: Set(f.metric.as_str().to_owned()),
        target: Set(DecimalText(f.target)),
        currency: Set(f.currency.map(|c| c.code().to_owned())),
        match_key: Set(f.match_key()),
        version: Set(t.version),
        created_at: Set(t.created_at),
        updated_at: Set(t.updated_at),
    }
}

fn to_target(m: Model) -> Result<SalesTarget, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    let subject = match (m.user_id, m.team_id) {
        (Some(user), None) => TargetSubject::User(user),
        (None, Some(team)) => TargetSubject::Team(team),
        _ => return Err(corrupt("subject")),
    };
    let calendar = Calendar::parse(&m.period).ok_or_else(|| corrupt("period"))?;
    let currency = m
        .currency
        .as_deref()
        .map(Currency::parse)
        .transpose()
        .map_err(|_| corrupt("currency"))?;
    Ok(SalesTarget {
        id: m.id,
        fields: SalesTargetFields {
            subject,
            period: Period {
                calendar,
                start: m.period_start,
            },
            metric: TargetMetric::parse(&m.metric).ok_or_else(|| corrupt("metric"))?,
            target: m.target.0,
            currency,
        },
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
