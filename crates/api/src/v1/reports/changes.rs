//! `GET /reports/pipeline-changes`: what moved in the pipeline between two days.

use actix_web::{HttpRequest, HttpResponse, get, web};
use app::reports::changes::{self as service, ChangesReport, ChangesRow};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::Permission;
use domain::currency::Currency;
use domain::report::changes::ChangeFigures;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::csv_form::CsvRow;
use super::{ReportGroup, answer, window};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// First day (default: 1 January of `to`'s year).
    pub from: Option<NaiveDate>,
    /// Last day (default: today).
    pub to: Option<NaiveDate>,
}

/// The opportunities of one kind of change in one currency, or a currency's total.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeFiguresResponse {
    /// `null` for the opportunities without an amount (counted, not summed).
    #[schema(example = "EUR")]
    pub currency: Option<String>,
    pub count: u64,
    /// Their amounts as they stood at the end of the window.
    #[schema(value_type = String, example = "12000.00")]
    pub amount: Decimal,
}

impl ChangeFiguresResponse {
    fn new(currency: Option<Currency>, figures: ChangeFigures) -> Self {
        let mut amount = figures.amount;
        if let Some(currency) = currency {
            amount.rescale(currency.exponent());
        }
        ChangeFiguresResponse {
            currency: currency.map(|c| c.code().to_owned()),
            count: figures.count,
            amount,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesRowResponse {
    /// The kind of change: `new`, `advanced` (to a later open stage), `slipped` (expected close
    /// date moved later), `won` or `lost`.
    pub group: ReportGroup,
    #[serde(flatten)]
    pub figures: ChangeFiguresResponse,
}

impl From<ChangesRow> for ChangesRowResponse {
    fn from(row: ChangesRow) -> Self {
        ChangesRowResponse {
            group: row.group.into(),
            figures: ChangeFiguresResponse::new(row.currency, row.figures),
        }
    }
}

/// What moved in the pipeline over a window.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesReportResponse {
    /// When the report was computed.
    pub as_of: DateTime<Utc>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The opportunities with any change, each once, per currency.
    pub currency_totals: Vec<ChangeFiguresResponse>,
    /// Per kind of change (in the order new, advanced, slipped, won, lost) and currency.
    pub rows: Vec<ChangesRowResponse>,
}

impl From<ChangesReport> for ChangesReportResponse {
    fn from(report: ChangesReport) -> Self {
        ChangesReportResponse {
            as_of: report.as_of,
            from: report.window.from,
            to: report.window.to,
            currency_totals: report
                .totals
                .into_iter()
                .map(|(currency, figures)| ChangeFiguresResponse::new(currency, figures))
                .collect(),
            rows: report.rows.into_iter().map(Into::into).collect(),
        }
    }
}

impl CsvRow for ChangesRowResponse {
    const HEADER: &'static [&'static str] = &["group", "label", "currency", "count", "amount"];

    fn record(&self) -> Vec<String> {
        let f = &self.figures;
        vec![
            self.group.key.clone(),
            self.group.label.clone(),
            f.currency.clone().unwrap_or_default(),
            f.count.to_string(),
            f.amount.to_string(),
        ]
    }
}

/// Pipeline changes: the opportunities the caller sees that were new, advanced to a later open
/// stage (in the stage order of the moment of the move), slipped (expected close date moved
/// later), won or lost from `from` to `to`, read from their history; each counted once per kind,
/// valued as it stood at the end of `to`.
/// `Accept: text/csv` answers the rows as CSV.
#[utoipa::path(
    tag = "reports",
    operation_id = "pipeline_changes_report",
    params(ChangesParams),
    responses(
        (status = 200, description = "The report", content(
            (ChangesReportResponse = "application/json"),
            (String = "text/csv", example = "group,label,currency,count,amount\n"),
        )),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadReports)))
)]
#[get("/pipeline-changes")]
pub async fn pipeline_changes_report(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized,
    params: crate::query::Query<ChangesParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let window = window(params.from, params.to)?;
    let report = ChangesReportResponse::from(service::pipeline_changes(&state.db, &caller, window).await?);
    Ok(answer(&request, &report, &report.rows))
}
