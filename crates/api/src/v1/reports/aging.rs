//! `GET /reports/receivables-aging`: what each party owed on a day, by how long it was overdue.

use actix_web::{HttpRequest, HttpResponse, get, web};
use app::reports::aging::{self as service, AgingReport, AgingRow};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::Permission;
use domain::currency::Currency;
use domain::report::aging::AgingFigures;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::csv_form::CsvRow;
use super::{DrillDown, ReportGroup, answer};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AgingParams {
    /// The day looked at (default today): invoices dated by then, less the payments and credit
    /// notes dated by then.
    pub as_of: Option<NaiveDate>,
}

/// A party's balances in one currency, or a currency's total, by how long they are overdue.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgingFiguresResponse {
    #[schema(example = "EUR")]
    pub currency: String,
    /// Not yet due.
    #[schema(value_type = String, example = "1000.00")]
    pub not_due: Decimal,
    /// 1 to 30 days past the due date.
    #[schema(value_type = String, example = "250.00")]
    pub days_1_30: Decimal,
    #[schema(value_type = String, example = "0.00")]
    pub days_31_60: Decimal,
    #[schema(value_type = String, example = "0.00")]
    pub days_61_90: Decimal,
    #[schema(value_type = String, example = "119.00")]
    pub over_90: Decimal,
    /// All of it.
    #[schema(value_type = String, example = "1369.00")]
    pub total: Decimal,
    /// Of it, overdue.
    #[schema(value_type = String, example = "369.00")]
    pub overdue: Decimal,
    /// Invoices with a balance.
    pub invoices: u64,
}

impl AgingFiguresResponse {
    fn new(currency: Currency, figures: AgingFigures) -> Self {
        let amount = |mut value: Decimal| {
            value.rescale(currency.exponent());
            value
        };
        AgingFiguresResponse {
            currency: currency.code().to_owned(),
            not_due: amount(figures.not_due),
            days_1_30: amount(figures.days_1_30),
            days_31_60: amount(figures.days_31_60),
            days_61_90: amount(figures.days_61_90),
            over_90: amount(figures.over_90),
            total: amount(figures.total()),
            overdue: amount(figures.overdue()),
            invoices: figures.invoices,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgingRowResponse {
    /// The party.
    pub group: ReportGroup,
    #[serde(flatten)]
    pub figures: AgingFiguresResponse,
    /// For today: the party's unpaid invoices in the currency, whose `balance_due` add up to
    /// `total`. `null` for a past day (a list shows the present).
    pub drill_down: Option<DrillDown>,
}

impl From<AgingRow> for AgingRowResponse {
    fn from(row: AgingRow) -> Self {
        AgingRowResponse {
            group: row.group.into(),
            figures: AgingFiguresResponse::new(row.currency, row.figures),
            drill_down: row.drill_down.map(Into::into),
        }
    }
}

/// Receivables by party and currency, by how long they are overdue.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgingReportResponse {
    /// The instant the figures are of: now, or the end of a past `day`.
    pub as_of: DateTime<Utc>,
    /// The day looked at.
    pub day: NaiveDate,
    pub currency_totals: Vec<AgingFiguresResponse>,
    /// Per party and currency.
    pub rows: Vec<AgingRowResponse>,
}

impl From<AgingReport> for AgingReportResponse {
    fn from(report: AgingReport) -> Self {
        AgingReportResponse {
            as_of: report.as_of,
            day: report.day,
            currency_totals: report
                .totals
                .into_iter()
                .map(|(currency, figures)| AgingFiguresResponse::new(currency, figures))
                .collect(),
            rows: report.rows.into_iter().map(Into::into).collect(),
        }
    }
}

impl CsvRow for AgingRowResponse {
    const HEADER: &'static [&'static str] = &[
        "group",
        "label",
        "currency",
        "not_due",
        "days_1_30",
        "days_31_60",
        "days_61_90",
        "over_90",
        "total",
        "overdue",
        "invoices",
        "drill_down",
    ];

    fn record(&self) -> Vec<String> {
        let f = &self.figures;
        vec![
            self.group.key.clone(),
            self.group.label.clone(),
            f.currency.clone(),
            f.not_due.to_string(),
            f.days_1_30.to_string(),
            f.days_31_60.to_string(),
            f.days_61_90.to_string(),
            f.over_90.to_string(),
            f.total.to_string(),
            f.overdue.to_string(),
            f.invoices.to_string(),
            self.drill_down.as_ref().map(|d| d.href.clone()).unwrap_or_default(),
        ]
    }
}

/// Receivables aging: what each party the caller sees owed on its issued invoices on a day
/// (their totals less the credit notes and payments dated by then), by days past the due date:
/// not due, 1–30, 31–60, 61–90, over 90; per currency. `Accept: text/csv` answers the rows as CSV.
#[utoipa::path(
    tag = "reports",
    operation_id = "receivables_aging_report",
    params(AgingParams),
    responses(
        (status = 200, description = "The report", content(
            (AgingReportResponse = "application/json"),
            (String = "text/csv", example = "group,label,currency,not_due,days_1_30,days_31_60,days_61_90,over_90,total,overdue,invoices,drill_down\n"),
        )),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadReports)))
)]
#[get("/receivables-aging")]
pub async fn receivables_aging_report(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized,
    params: crate::query::Query<AgingParams>,
) -> Result<HttpResponse, ApiError> {
    let day = crate::query::date("as_of", params.into_inner().as_of)?;
    let report = AgingReportResponse::from(service::receivables_aging(&state.db, &caller, day).await?);
    Ok(answer(&request, &report, &report.rows))
}
