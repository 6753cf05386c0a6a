//! `GET /reports/sales-performance`: per sales representative or team, what they closed and
//! completed in a window, and how far their sales targets are reached.

use actix_web::{HttpRequest, HttpResponse, get, web};
use app::reports::performance::{self as service, PerformanceBy, PerformanceQuery, PerformanceReport, PerformanceRow};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::Permission;
use domain::currency::Currency;
use domain::report::performance::WonAmount;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::csv_form::CsvRow;
use super::{DrillDown, ReportGroup, answer, window};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::state::AppState;
use crate::v1::sales_targets::dto::SalesTargetResponse;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SalesPerformanceGroupBy {
    Owner,
    Team,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SalesPerformanceParams {
    /// First day counted (default: 1 January of `to`'s year).
    pub from: Option<NaiveDate>,
    /// Last day counted (default: today).
    pub to: Option<NaiveDate>,
    /// `owner` (default) or `team` (the current members of each; users without a team are left out).
    pub group_by: Option<SalesPerformanceGroupBy>,
    /// Only this user's records.
    pub owner_id: Option<Uuid>,
    /// Only the records of this team's current members.
    pub team_id: Option<Uuid>,
}

/// What a group (or everyone) won in one currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct WonAmountResponse {
    #[schema(example = "EUR")]
    pub currency: String,
    /// Won opportunities with an amount in this currency.
    pub won: u64,
    #[schema(value_type = String, example = "48000.00")]
    pub amount: Decimal,
}

impl WonAmountResponse {
    fn new(currency: Currency, won: WonAmount) -> Self {
        let mut amount = won.amount;
        amount.rescale(currency.exponent());
        WonAmountResponse {
            currency: currency.code().to_owned(),
            won: won.deals,
            amount,
        }
    }
}

/// A row's won amount in one currency, with the won opportunities behind it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowWonAmountResponse {
    #[serde(flatten)]
    pub amount: WonAmountResponse,
    pub drill_down: DrillDown,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SalesPerformanceRowResponse {
    pub group: ReportGroup,
    /// Opportunities won in the window (with or without an amount).
    pub won: u64,
    /// Opportunities lost in the window.
    pub lost: u64,
    /// `won` as a percent of `won + lost`, 2 decimals; null when none closed.
    #[schema(value_type = Option<String>, example = "40.00")]
    pub win_rate: Option<Decimal>,
    /// Mean days from an opportunity's creation to its winning, 1 decimal; null when none won.
    #[schema(value_type = Option<String>, example = "36.5")]
    pub average_days_to_win: Option<Decimal>,
    /// Activities assigned to the group completed in the window.
    pub completed_activities: u64,
    /// Per currency, in code order; never summed across currencies.
    pub won_amounts: Vec<RowWonAmountResponse>,
    /// The group's sales targets whose period meets the window, each measured over its whole
    /// period.
    pub targets: Vec<SalesTargetResponse>,
    /// The opportunities won or lost in the window: `won + lost` records.
    pub drill_down: DrillDown,
    /// The activities completed in the window: `completed_activities` records.
    pub activities_drill_down: DrillDown,
}

impl From<PerformanceRow> for SalesPerformanceRowResponse {
    fn from(row: PerformanceRow) -> Self {
        let f = row.figures;
        let (win_rate, average_days_to_win) = (
            f.win_rate().map(|r| places(r, 2)),
            f.average_days_to_win().map(|d| places(d, 1)),
        );
        SalesPerformanceRowResponse {
            group: row.group.into(),
            won: f.won,
            lost: f.lost,
            win_rate,
            average_days_to_win,
            completed_activities: f.completed_activities,
            won_amounts: row
                .won_amounts
                .into_iter()
                .map(|(currency, won, drill_down)| RowWonAmountResponse {
                    amount: WonAmountResponse::new(currency, won),
                    drill_down: drill_down.into(),
                })
                .collect(),
            targets: row.targets.into_iter().map(Into::into).collect(),
            drill_down: row.drill_down.into(),
            activities_drill_down: row.activities_drill_down.into(),
        }
    }
}

/// `value` written with exactly `scale` decimals (`3.0`, `100.00`), as a client displays it.
fn places(mut value: Decimal, scale: u32) -> Decimal {
    value.rescale(scale);
    value
}

/// Sales performance over a window, by owner or team.
#[derive(Debug, Serialize, ToSchema)]
pub struct SalesPerformanceReportResponse {
    /// When the report was computed.
    pub as_of: DateTime<Utc>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: SalesPerformanceGroupBy,
    /// Won amounts per currency over every row, in code order.
    pub currency_totals: Vec<WonAmountResponse>,
    /// Per group, by id.
    pub rows: Vec<SalesPerformanceRowResponse>,
}

impl SalesPerformanceReportResponse {
    fn new(report: PerformanceReport, group_by: SalesPerformanceGroupBy) -> Self {
        SalesPerformanceReportResponse {
            as_of: report.as_of,
            from: report.query.window.from,
            to: report.query.window.to,
            group_by,
            currency_totals: report
                .totals
                .into_iter()
                .map(|(currency, won)| WonAmountResponse::new(currency, won))
                .collect(),
            rows: report.rows.into_iter().map(Into::into).collect(),
        }
    }
}

impl CsvRow for SalesPerformanceRowResponse {
    const HEADER: &'static [&'static str] = &[
        "group",
        "label",
        "won",
        "lost",
        "win_rate",
        "average_days_to_win",
        "completed_activities",
        "won_amounts",
        "targets",
        "drill_down",
    ];

    /// Amounts per currency and targets as `EUR 1200.00; USD 50.00` and
    /// `won_amount 2026-Q1 EUR 50000.00: 1200.00 (2.40%)`: a spreadsheet line per group.
    fn record(&self) -> Vec<String> {
        let optional = |value: Option<Decimal>| value.map(|v| v.to_string()).unwrap_or_default();
        let won_amounts = self
            .won_amounts
            .iter()
            .map(|w| format!("{} {}", w.amount.currency, w.amount.amount))
            .collect::<Vec<_>>()
            .join("; ");
        let targets = self
            .targets
            .iter()
            .map(|t| {
                let metric = serde_json::to_value(t.metric).ok();
                let metric = metric.as_ref().and_then(|m| m.as_str()).unwrap_or_default();
                let currency = t.currency.as_deref().map(|c| format!(" {c}")).unwrap_or_default();
                let percent = t.achievement.percent.map(|p| format!(" ({p}%)")).unwrap_or_default();
                format!(
                    "{metric} {}{currency} {}: {}{percent}",
                    t.period_start, t.target, t.achievement.actual
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        vec![
            self.group.key.clone(),
            self.group.label.clone(),
            self.won.to_string(),
            self.lost.to_string(),
            optional(self.win_rate),
            optional(self.average_days_to_win),
            self.completed_activities.to_string(),
            won_amounts,
            targets,
            self.drill_down.href.clone(),
        ]
    }
}

/// Sales performance: per owner (or team) the opportunities won and lost from `from` to `to`,
/// won amounts per currency, win rate, average days to win and activities completed, with the
/// sales targets whose period meets the window and their achievement; over the records the
/// caller sees. `Accept: text/csv` answers the rows as CSV.
#[utoipa::path(
    tag = "reports",
    operation_id = "sales_performance_report",
    params(SalesPerformanceParams),
    responses(
        (status = 200, description = "The report", content(
            (SalesPerformanceReportResponse = "application/json"),
            (String = "text/csv", example = "group,label,won,lost,win_rate,average_days_to_win,completed_activities,won_amounts,targets,drill_down\n"),
        )),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadReports)))
)]
#[get("/sales-performance")]
pub async fn sales_performance_report(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized,
    params: crate::query::Query<SalesPerformanceParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let group_by = params.group_by.unwrap_or(SalesPerformanceGroupBy::Owner);
    let query = PerformanceQuery {
        window: window(params.from, params.to)?,
        group_by: match group_by {
            SalesPerformanceGroupBy::Owner => PerformanceBy::Owner,
            SalesPerformanceGroupBy::Team => PerformanceBy::Team,
        },
        owner_id: params.owner_id,
        team_id: params.team_id,
    };
    let report = service::sales_performance(&state.db, &caller, query).await?;
    let report = SalesPerformanceReportResponse::new(report, group_by);
    Ok(answer(&request, &report, &report.rows))
}
