//! `/api/v1/reports/{name}`: read-only aggregates over the records the caller sees. Every report
//! answers one shape: `as_of` (when it was computed), the window, `currency_totals` (amounts are
//! never summed across currencies) and `rows`, each with its group, currency, figures and the
//! list query of its records (`drill_down`). `Accept: text/csv` gives the rows as CSV instead.

pub mod aging;
pub mod cases;
pub mod changes;
mod csv_form;
pub mod performance;
pub mod pipeline;
pub mod turnover;

use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use domain::report::Window;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

use crate::error::ApiError;

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/reports")
            .service(pipeline::pipeline_report)
            .service(changes::pipeline_changes_report)
            .service(aging::receivables_aging_report)
            .service(turnover::turnover_report)
            .service(performance::sales_performance_report)
            .service(cases::cases_report),
    );
}

/// A group of a report: a stable key (an id, `2026-03`, `2026-Q1`) and what a person reads.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportGroup {
    #[schema(example = "2026-03")]
    pub key: String,
    #[schema(example = "2026-03")]
    pub label: String,
}

impl From<app::reports::Group> for ReportGroup {
    fn from(group: app::reports::Group) -> Self {
        ReportGroup {
            key: group.key,
            label: group.label,
        }
    }
}

/// The list query that returns the records behind a row: their figures add up to the row's.
#[derive(Debug, Serialize, ToSchema)]
pub struct DrillDown {
    /// The path and query string, ready to GET (add `limit` and follow `next_cursor` as usual).
    #[schema(
        example = "/api/v1/invoices?issued=true&currency=EUR&invoice_date_from=2026-03-01&invoice_date_to=2026-03-31"
    )]
    pub href: String,
    #[schema(example = "/api/v1/invoices")]
    pub path: String,
    /// The query parameters, by name.
    pub params: std::collections::BTreeMap<String, String>,
}

impl From<app::reports::DrillDown> for DrillDown {
    fn from(drill_down: app::reports::DrillDown) -> Self {
        DrillDown {
            href: drill_down.href(),
            path: drill_down.path.to_owned(),
            params: drill_down
                .params
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        }
    }
}

/// The window of `from`/`to`: `to` defaults to today, `from` to the first of January of `to`'s
/// year; both within the years a record holds, `to` not before `from`, ten years at most.
fn window(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Window, ApiError> {
    use chrono::Datelike;
    let to = crate::query::date("to", to)?.unwrap_or_else(app::clock::today);
    let from = crate::query::date("from", from)?
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).expect("1 January exists"));
    Ok(Window::new(from, to)?)
}

/// The report as JSON, or its rows as CSV when the client asked for CSV.
fn answer<T: Serialize, R: csv_form::CsvRow>(request: &HttpRequest, report: &T, rows: &[R]) -> HttpResponse {
    if wants_csv(request) {
        csv_form::respond(rows)
    } else {
        HttpResponse::Ok().json(report)
    }
}

/// Whether the client asked for CSV rather than JSON.
fn wants_csv(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| {
            accept.split(',').any(|kind| {
                kind.split(';')
                    .next()
                    .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("text/csv"))
            })
        })
}
