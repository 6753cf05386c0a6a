//! `GET /reports/cases`: cases opened, resolved and left, how fast they were answered and
//! resolved, and how many met their SLA; by team, assignee, priority or month.

use actix_web::{HttpRequest, HttpResponse, get, web};
use app::reports::cases::{self as service, CasesQuery, CasesReport, CasesRow};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::Permission;
use domain::case::{CasePriority as Priority, CaseStatus as Status};
use domain::report::cases::{Backlog, CaseGroup, CaseSummary, Percentiles};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::csv_form::CsvRow;
use super::{DrillDown, ReportGroup, answer, window};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::state::AppState;
use crate::v1::cases::dto::CasePriority;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CasesGroupBy {
    Team,
    Assignee,
    Priority,
    Month,
}

impl From<CasesGroupBy> for CaseGroup {
    fn from(by: CasesGroupBy) -> Self {
        match by {
            CasesGroupBy::Team => CaseGroup::Team,
            CasesGroupBy::Assignee => CaseGroup::Assignee,
            CasesGroupBy::Priority => CaseGroup::Priority,
            CasesGroupBy::Month => CaseGroup::Month,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CasesParams {
    /// First day counted (UTC; default: 1 January of `to`'s year).
    pub from: Option<NaiveDate>,
    /// Last day counted (UTC; default: today); the backlog is taken at its end.
    pub to: Option<NaiveDate>,
    /// `team`, `assignee`, `priority` or `month` (default `month`).
    pub group_by: Option<CasesGroupBy>,
    /// Only the cases of this team.
    pub team_id: Option<Uuid>,
    /// Only the cases of this assignee.
    pub assignee_id: Option<Uuid>,
    /// Only the cases of this priority.
    pub priority: Option<CasePriority>,
}

/// The backlog by priority: every priority, with its count.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct BacklogByPriority {
    pub low: u64,
    pub normal: u64,
    pub high: u64,
    pub urgent: u64,
}

impl From<&Backlog> for BacklogByPriority {
    fn from(backlog: &Backlog) -> Self {
        let mut by = BacklogByPriority::default();
        for (priority, count) in backlog.by_priority() {
            match priority {
                Priority::Low => by.low = count,
                Priority::Normal => by.normal = count,
                Priority::High => by.high = count,
                Priority::Urgent => by.urgent = count,
            }
        }
        by
    }
}

/// The backlog by the status its cases have now (the report is not replayed from history): a
/// case resolved after the end of the window is in its backlog as `resolved` or `closed`.
/// Cancelled cases are in no backlog.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct BacklogByStatus {
    pub new: u64,
    pub open: u64,
    pub pending: u64,
    pub resolved: u64,
    pub closed: u64,
}

impl From<&Backlog> for BacklogByStatus {
    fn from(backlog: &Backlog) -> Self {
        let mut by = BacklogByStatus::default();
        for (status, count) in backlog.by_status() {
            match status {
                Status::New => by.new = count,
                Status::Open => by.open = count,
                Status::Pending => by.pending = count,
                Status::Resolved => by.resolved = count,
                Status::Closed => by.closed = count,
                Status::Cancelled => {}
            }
        }
        by
    }
}

/// Durations in whole minutes (rounded down), by nearest rank: each is the duration of a case.
/// `null` when no case was measured.
#[derive(Debug, Serialize, ToSchema)]
pub struct MinutesPercentiles {
    #[schema(example = 45)]
    pub median: Option<i64>,
    #[schema(example = 180)]
    pub p90: Option<i64>,
}

impl From<Percentiles> for MinutesPercentiles {
    fn from(percentiles: Percentiles) -> Self {
        MinutesPercentiles {
            median: percentiles.median,
            p90: percentiles.p90,
        }
    }
}

/// A group's figures, or the report's totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseFiguresResponse {
    /// Cases created in the window (in the month, by month).
    pub opened: u64,
    /// Cases whose (last) resolution was in the window: a reopen takes a resolution back.
    pub resolved: u64,
    /// Cases created by the end of the window (of the month, by month) and not resolved by then.
    pub backlog: u64,
    pub backlog_by_priority: BacklogByPriority,
    pub backlog_by_status: BacklogByStatus,
    /// From creation to the first response, over the cases opened that were answered.
    pub first_response_minutes: MinutesPercentiles,
    /// From creation to resolution, over the cases resolved.
    pub resolution_minutes: MinutesPercentiles,
    /// Of the cases resolved that had an SLA policy, the percent that missed no target; `null`
    /// when there were none.
    #[schema(value_type = Option<String>, example = "87.50")]
    pub sla_met_percent: Option<Decimal>,
}

impl From<CaseSummary> for CaseFiguresResponse {
    fn from(summary: CaseSummary) -> Self {
        CaseFiguresResponse {
            opened: summary.opened,
            resolved: summary.resolved,
            backlog: summary.backlog.total,
            backlog_by_priority: (&summary.backlog).into(),
            backlog_by_status: (&summary.backlog).into(),
            first_response_minutes: summary.first_response_minutes.into(),
            resolution_minutes: summary.resolution_minutes.into(),
            sla_met_percent: summary.sla_met_percent,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CasesRowResponse {
    /// The team or assignee (key `""`, label `(none)` for cases without one), the priority or
    /// the month.
    pub group: ReportGroup,
    #[serde(flatten)]
    pub figures: CaseFiguresResponse,
    /// The cases the row counts as `opened`.
    pub drill_down: DrillDown,
}

impl From<CasesRow> for CasesRowResponse {
    fn from(row: CasesRow) -> Self {
        CasesRowResponse {
            group: row.group.into(),
            figures: row.figures.into(),
            drill_down: row.drill_down.into(),
        }
    }
}

/// Cases over a window, by group.
#[derive(Debug, Serialize, ToSchema)]
pub struct CasesReportResponse {
    /// When the report was computed.
    pub as_of: DateTime<Utc>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: CasesGroupBy,
    /// Over all the cases counted.
    pub totals: CaseFiguresResponse,
    /// Per group, in group order (teams and assignees by id, none first; priorities from low;
    /// months by date).
    pub rows: Vec<CasesRowResponse>,
}

impl CasesReportResponse {
    fn new(report: CasesReport, group_by: CasesGroupBy) -> Self {
        CasesReportResponse {
            as_of: report.as_of,
            from: report.query.window.from,
            to: report.query.window.to,
            group_by,
            totals: report.totals.into(),
            rows: report.rows.into_iter().map(Into::into).collect(),
        }
    }
}

impl CsvRow for CasesRowResponse {
    const HEADER: &'static [&'static str] = &[
        "group",
        "label",
        "opened",
        "resolved",
        "backlog",
        "backlog_low",
        "backlog_normal",
        "backlog_high",
        "backlog_urgent",
        "backlog_new",
        "backlog_open",
        "backlog_pending",
        "backlog_resolved",
        "backlog_closed",
        "first_response_median_minutes",
        "first_response_p90_minutes",
        "resolution_median_minutes",
        "resolution_p90_minutes",
        "sla_met_percent",
        "drill_down",
    ];

    fn record(&self) -> Vec<String> {
        let f = &self.figures;
        let (priority, status) = (&f.backlog_by_priority, &f.backlog_by_status);
        let text = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
        vec![
            self.group.key.clone(),
            self.group.label.clone(),
            f.opened.to_string(),
            f.resolved.to_string(),
            f.backlog.to_string(),
            priority.low.to_string(),
            priority.normal.to_string(),
            priority.high.to_string(),
            priority.urgent.to_string(),
            status.new.to_string(),
            status.open.to_string(),
            status.pending.to_string(),
            status.resolved.to_string(),
            status.closed.to_string(),
            text(f.first_response_minutes.median),
            text(f.first_response_minutes.p90),
            text(f.resolution_minutes.median),
            text(f.resolution_minutes.p90),
            f.sla_met_percent.map(|p| p.to_string()).unwrap_or_default(),
            self.drill_down.href.clone(),
        ]
    }
}

/// Cases: how many the caller sees were opened (created) and resolved from `from` to `to`, how
/// many were left unresolved at its end (by month: at the end of each month), the median and
/// 90th percentile of the minutes to the first response and to resolution, and the percent of
/// the cases resolved with an SLA policy that met it; by team, assignee, priority or month.
/// Counted from the cases as they are now: a reopened case counts as resolved only once it is
/// resolved again, at that time. `Accept: text/csv` answers the rows as CSV.
#[utoipa::path(
    tag = "reports",
    operation_id = "cases_report",
    params(CasesParams),
    responses(
        (status = 200, description = "The report", content(
            (CasesReportResponse = "application/json"),
            (String = "text/csv", example = "group,label,opened,resolved,backlog,backlog_low,backlog_normal,backlog_high,backlog_urgent,backlog_new,backlog_open,backlog_pending,backlog_resolved,backlog_closed,first_response_median_minutes,first_response_p90_minutes,resolution_median_minutes,resolution_p90_minutes,sla_met_percent,drill_down\n"),
        )),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadCases)))
)]
#[get("/cases")]
pub async fn cases_report(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized,
    params: crate::query::Query<CasesParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let group_by = params.group_by.unwrap_or(CasesGroupBy::Month);
    let query = CasesQuery {
        window: window(params.from, params.to)?,
        group_by: group_by.into(),
        team_id: params.team_id,
        assignee_id: params.assignee_id,
        priority: params.priority.map(Into::into),
    };
    let report = CasesReportResponse::new(service::cases(&state.db, &caller, query).await?, group_by);
    Ok(answer(&request, &report, &report.rows))
}
