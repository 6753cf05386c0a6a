//! `cases`: opened, resolved and backlog, response and resolution times and the SLA met, by team,
//! assignee, priority or month.

use chrono::{DateTime, Utc};
use domain::case::CasePriority;
use domain::report::Window;
use domain::report::cases::{CaseGroup, CaseKey, CaseStatistics, CaseSummary};
use persistence::case_reports::{self, CaseReportFilter};
use persistence::{DatabaseConnection, db, reports};
use uuid::Uuid;

use super::{DrillDown, Group};
use crate::caller::Caller;
use crate::clock::now;
use crate::error::AppError;

/// What the report is asked for.
#[derive(Debug, Clone, Copy)]
pub struct CasesQuery {
    pub window: Window,
    pub group_by: CaseGroup,
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub priority: Option<CasePriority>,
}

#[derive(Debug, Clone)]
pub struct CasesReport {
    pub as_of: DateTime<Utc>,
    pub query: CasesQuery,
    pub rows: Vec<CasesRow>,
    pub totals: CaseSummary,
}

#[derive(Debug, Clone)]
pub struct CasesRow {
    pub group: Group,
    pub figures: CaseSummary,
    /// The cases the row counts as opened.
    pub drill_down: DrillDown,
}

pub async fn cases(db: &DatabaseConnection, caller: &Caller, query: CasesQuery) -> Result<CasesReport, AppError> {
    let txn = db::snapshot(db).await?;
    let as_of = now();
    let filter = CaseReportFilter {
        team_id: query.team_id,
        assignee_id: query.assignee_id,
        priority: query.priority,
    };
    let mut statistics = CaseStatistics::new(query.group_by, query.window);
    case_reports::case_entries(&txn, caller.visibility(), query.window, filter, as_of, |case| {
        statistics.add(&case);
    })
    .await?;
    let directory = match query.group_by {
        CaseGroup::Team | CaseGroup::Assignee => reports::directory(&txn).await?,
        CaseGroup::Priority | CaseGroup::Month => reports::Directory::default(),
    };
    txn.commit().await?;
    let rows = statistics
        .rows
        .into_iter()
        .map(|(key, figures)| CasesRow {
            group: group(&directory, key),
            figures: figures.summary(),
            drill_down: opened(&query, key),
        })
        .collect();
    Ok(CasesReport {
        as_of,
        query,
        rows,
        totals: statistics.totals.summary(),
    })
}

/// The group of `key`, as a person reads it.
fn group(directory: &reports::Directory, key: CaseKey) -> Group {
    let (key, label) = match key {
        CaseKey::Team(Some(id)) => (id.to_string(), directory.teams.get(&id).cloned().unwrap_or_default()),
        CaseKey::Assignee(Some(id)) => (
            id.to_string(),
            directory.users.get(&id).map(|user| user.0.clone()).unwrap_or_default(),
        ),
        CaseKey::Team(None) | CaseKey::Assignee(None) => (String::new(), "(none)".to_owned()),
        CaseKey::Priority(priority) => (priority.as_str().to_owned(), priority.as_str().to_owned()),
        CaseKey::Month(month) => (month.label(), month.label()),
    };
    Group { key, label }
}

/// The case list of the cases a row counts as opened: created in the window (in the month, for a
/// month), of the row's group, narrowed by the report's filters.
fn opened(query: &CasesQuery, key: CaseKey) -> DrillDown {
    // The group's own field replaces the report's filter of that field (they agree: a group holds
    // only cases the filter let through); `Some(None)` is the group of the cases without one.
    let (mut team, mut assignee, mut priority) = (query.team_id.map(Some), query.assignee_id.map(Some), query.priority);
    let mut window = query.window;
    match key {
        CaseKey::Team(id) => team = Some(id),
        CaseKey::Assignee(id) => assignee = Some(id),
        CaseKey::Priority(level) => priority = Some(level),
        CaseKey::Month(month) => window = month.window().overlap(query.window).unwrap_or(query.window),
    }
    let list = DrillDown::new("/api/v1/cases")
        .with("created_from", window.from)
        .with("created_to", window.to);
    let list = match team {
        Some(Some(id)) => list.with("team_id", id),
        Some(None) => list.with("has_team", false),
        None => list,
    };
    let list = match assignee {
        Some(Some(id)) => list.with("assignee_id", id),
        Some(None) => list.with("has_assignee", false),
        None => list,
    };
    match priority {
        Some(priority) => list.with("priority", priority.as_str()),
        None => list,
    }
}
