//! `GET /reports/pipeline`: open opportunities by stage, owner, team or close month.

use actix_web::{HttpRequest, HttpResponse, get, web};
use app::reports::pipeline::{self as service, PipelineQuery, PipelineReport, PipelineRow};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::Permission;
use domain::currency::Currency;
use domain::report::pipeline::{PipelineFigures, PipelineGroup};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::csv_form::CsvRow;
use super::{DrillDown, ReportGroup, answer};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PipelineGroupBy {
    Stage,
    Owner,
    Team,
    CloseMonth,
}

impl From<PipelineGroupBy> for PipelineGroup {
    fn from(by: PipelineGroupBy) -> Self {
        match by {
            PipelineGroupBy::Stage => PipelineGroup::Stage,
            PipelineGroupBy::Owner => PipelineGroup::Owner,
            PipelineGroupBy::Team => PipelineGroup::Team,
            PipelineGroupBy::CloseMonth => PipelineGroup::CloseMonth,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PipelineParams {
    /// `stage`, `owner`, `team` (the owner's) or `close_month` (default `stage`).
    pub group_by: Option<PipelineGroupBy>,
    /// The pipeline as it stood at the end of this past day (UTC), rebuilt from the history of
    /// the opportunities; today or later is the pipeline now.
    pub as_of: Option<NaiveDate>,
}

/// A group's open opportunities in one currency, or a currency's total.
#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineFiguresResponse {
    /// `null` for the opportunities without an amount (counted, not summed).
    #[schema(example = "EUR")]
    pub currency: Option<String>,
    pub count: u64,
    #[schema(value_type = String, example = "12000.00")]
    pub amount: Decimal,
    /// Each amount × its probability, rounded to the currency's minor unit, summed.
    #[schema(value_type = String, example = "3600.00")]
    pub weighted_amount: Decimal,
}

impl PipelineFiguresResponse {
    fn new(currency: Option<Currency>, figures: PipelineFigures) -> Self {
        let amount = |mut value: Decimal| {
            if let Some(currency) = currency {
                value.rescale(currency.exponent());
            }
            value
        };
        PipelineFiguresResponse {
            currency: currency.map(|c| c.code().to_owned()),
            count: figures.count,
            amount: amount(figures.amount),
            weighted_amount: amount(figures.weighted),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineRowResponse {
    /// The stage, owner, team or close month (`2026-03`); key `""` for no owner, team or date.
    pub group: ReportGroup,
    #[serde(flatten)]
    pub figures: PipelineFiguresResponse,
    /// The open opportunities of the row; `null` for a past `as_of` (a list shows the present)
    /// and for a group without owner, team or close date.
    pub drill_down: Option<DrillDown>,
}

impl From<PipelineRow> for PipelineRowResponse {
    fn from(row: PipelineRow) -> Self {
        PipelineRowResponse {
            group: row.group.into(),
            figures: PipelineFiguresResponse::new(row.currency, row.figures),
            drill_down: row.drill_down.map(Into::into),
        }
    }
}

/// The open opportunities, by group and currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineReportResponse {
    /// The instant the pipeline is of: now, or the end of the `as_of` day.
    pub as_of: DateTime<Utc>,
    pub group_by: PipelineGroupBy,
    /// Per currency, in code order; `currency: null` counts the opportunities without an amount.
    pub currency_totals: Vec<PipelineFiguresResponse>,
    /// Per group and currency: stages in pipeline order, others by key.
    pub rows: Vec<PipelineRowResponse>,
}

impl PipelineReportResponse {
    fn new(report: PipelineReport, group_by: PipelineGroupBy) -> Self {
        PipelineReportResponse {
            as_of: report.as_of,
            group_by,
            currency_totals: report
                .totals
                .into_iter()
                .map(|(currency, figures)| PipelineFiguresResponse::new(currency, figures))
                .collect(),
            rows: report.rows.into_iter().map(Into::into).collect(),
        }
    }
}

impl CsvRow for PipelineRowResponse {
    const HEADER: &'static [&'static str] = &[
        "group",
        "label",
        "currency",
        "count",
        "amount",
        "weighted_amount",
        "drill_down",
    ];

    fn record(&self) -> Vec<String> {
        let f = &self.figures;
        vec![
            self.group.key.clone(),
            self.group.label.clone(),
            f.currency.clone().unwrap_or_default(),
            f.count.to_string(),
            f.amount.to_string(),
            f.weighted_amount.to_string(),
            self.drill_down.as_ref().map(|d| d.href.clone()).unwrap_or_default(),
        ]
    }
}

/// The pipeline: open opportunities by stage, owner, team or expected close month, per
/// currency, with their amounts weighted by probability; now or `as_of` the end of a past day.
/// Over the opportunities the caller sees. `Accept: text/csv` answers the rows as CSV.
#[utoipa::path(
    tag = "reports",
    operation_id = "pipeline_report",
    params(PipelineParams),
    responses(
        (status = 200, description = "The report", content(
            (PipelineReportResponse = "application/json"),
            (String = "text/csv", example = "group,label,currency,count,amount,weighted_amount,drill_down\n"),
        )),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadReports)))
)]
#[get("/pipeline")]
pub async fn pipeline_report(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized,
    params: crate::query::Query<PipelineParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let group_by = params.group_by.unwrap_or(PipelineGroupBy::Stage);
    let query = PipelineQuery {
        group_by: group_by.into(),
        as_of: crate::query::date("as_of", params.as_of)?,
    };
    let report = PipelineReportResponse::new(service::pipeline(&state.db, &caller, query).await?, group_by);
    Ok(answer(&request, &report, &report.rows))
}
