//! `GET /reports/turnover`: invoiced net less credit notes, by party or calendar period.

use actix_web::{HttpRequest, HttpResponse, get, web};
use app::reports::turnover::{self as service, TurnoverQuery, TurnoverReport, TurnoverRow};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::Permission;
use domain::report::calendar::Calendar;
use domain::report::turnover::{TurnoverFigures, TurnoverGroup};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::csv_form::CsvRow;
use super::{DrillDown, ReportGroup, answer, window};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TurnoverGroupBy {
    Party,
    Month,
    Quarter,
    Year,
}

impl From<TurnoverGroupBy> for TurnoverGroup {
    fn from(by: TurnoverGroupBy) -> Self {
        match by {
            TurnoverGroupBy::Party => TurnoverGroup::Party,
            TurnoverGroupBy::Month => TurnoverGroup::Period(Calendar::Month),
            TurnoverGroupBy::Quarter => TurnoverGroup::Period(Calendar::Quarter),
            TurnoverGroupBy::Year => TurnoverGroup::Period(Calendar::Year),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TurnoverParams {
    /// First invoice date counted (default: 1 January of `to`'s year).
    pub from: Option<NaiveDate>,
    /// Last invoice date counted (default: today).
    pub to: Option<NaiveDate>,
    /// `party`, `month`, `quarter` or `year` (default `month`).
    pub group_by: Option<TurnoverGroupBy>,
    /// Only this party's invoices.
    pub party_id: Option<Uuid>,
}

/// A group's turnover in one currency, or a currency's total.
#[derive(Debug, Serialize, ToSchema)]
pub struct TurnoverFiguresResponse {
    #[schema(example = "EUR")]
    pub currency: String,
    /// The net of the invoices.
    #[schema(value_type = String, example = "1200.00")]
    pub invoiced: Decimal,
    /// The net of the credit notes.
    #[schema(value_type = String, example = "200.00")]
    pub credited: Decimal,
    /// `invoiced` less `credited`.
    #[schema(value_type = String, example = "1000.00")]
    pub net: Decimal,
    pub invoices: u64,
    pub credit_notes: u64,
}

impl TurnoverFiguresResponse {
    fn new(currency: domain::currency::Currency, figures: TurnoverFigures) -> Self {
        // Written in the currency's minor unit ("0.00", not "0"): every net summed already is.
        let amount = |mut value: Decimal| {
            value.rescale(currency.exponent());
            value
        };
        TurnoverFiguresResponse {
            currency: currency.code().to_owned(),
            invoiced: amount(figures.invoiced),
            credited: amount(figures.credited),
            net: amount(figures.net()),
            invoices: figures.invoices,
            credit_notes: figures.credit_notes,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TurnoverRowResponse {
    pub group: ReportGroup,
    #[serde(flatten)]
    pub figures: TurnoverFiguresResponse,
    /// The invoices and credit notes of the row: their nets, credit notes subtracted, are `net`.
    pub drill_down: DrillDown,
}

impl From<TurnoverRow> for TurnoverRowResponse {
    fn from(row: TurnoverRow) -> Self {
        TurnoverRowResponse {
            group: row.group.into(),
            figures: TurnoverFiguresResponse::new(row.currency, row.figures),
            drill_down: row.drill_down.into(),
        }
    }
}

/// Turnover over a window, by group and currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct TurnoverReportResponse {
    /// When the report was computed.
    pub as_of: DateTime<Utc>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: TurnoverGroupBy,
    /// Per currency, in code order.
    pub currency_totals: Vec<TurnoverFiguresResponse>,
    /// Per group and currency, in group order (parties by id, periods by date).
    pub rows: Vec<TurnoverRowResponse>,
}

impl TurnoverReportResponse {
    fn new(report: TurnoverReport, group_by: TurnoverGroupBy) -> Self {
        TurnoverReportResponse {
            as_of: report.as_of,
            from: report.query.window.from,
            to: report.query.window.to,
            group_by,
            currency_totals: report
                .totals
                .into_iter()
                .map(|(currency, figures)| TurnoverFiguresResponse::new(currency, figures))
                .collect(),
            rows: report.rows.into_iter().map(Into::into).collect(),
        }
    }
}

impl CsvRow for TurnoverRowResponse {
    const HEADER: &'static [&'static str] = &[
        "group",
        "label",
        "currency",
        "invoiced",
        "credited",
        "net",
        "invoices",
        "credit_notes",
        "drill_down",
    ];

    fn record(&self) -> Vec<String> {
        let f = &self.figures;
        vec![
            self.group.key.clone(),
            self.group.label.clone(),
            f.currency.clone(),
            f.invoiced.to_string(),
            f.credited.to_string(),
            f.net.to_string(),
            f.invoices.to_string(),
            f.credit_notes.to_string(),
            self.drill_down.href.clone(),
        ]
    }
}

/// Turnover: the net of issued invoices less that of issued credit notes dated from `from` to
/// `to`, by party, month, quarter or year, per currency; over the parties the caller sees.
/// `Accept: text/csv` answers the rows as CSV.
#[utoipa::path(
    tag = "reports",
    operation_id = "turnover_report",
    params(TurnoverParams),
    responses(
        (status = 200, description = "The report", content(
            (TurnoverReportResponse = "application/json"),
            (String = "text/csv", example = "group,label,currency,invoiced,credited,net,invoices,credit_notes,drill_down\n"),
        )),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadReports)))
)]
#[get("/turnover")]
pub async fn turnover_report(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authorized,
    params: crate::query::Query<TurnoverParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let group_by = params.group_by.unwrap_or(TurnoverGroupBy::Month);
    let query = TurnoverQuery {
        window: window(params.from, params.to)?,
        group_by: group_by.into(),
        party_id: params.party_id,
    };
    let report = TurnoverReportResponse::new(service::turnover(&state.db, &caller, query).await?, group_by);
    Ok(answer(&request, &report, &report.rows))
}
