//! `/api/v1/subscription-runs`: billing runs, which turn every period due into a confirmed sales
//! order once, and what each billed.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::Permission;
use persistence::subscription_periods::DonePeriod;
use persistence::subscription_runs::{Run, Trigger};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::dto::PeriodOutcome;
use crate::auth::{Authorized, Caller};
use crate::error::ApiError;
use crate::state::AppState;
use app::subscriptions::billing;

/// `POST /subscription-runs`: bill every period due by `as_of`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RunBody {
    /// At most a year ahead; periods due on or before it are billed.
    pub as_of: NaiveDate,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunTrigger {
    /// `POST /subscription-runs`.
    Request,
    /// The server's daily job.
    Schedule,
}

/// A period a run billed or skipped.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunPeriod {
    pub subscription_id: Uuid,
    pub index: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub due_on: NaiveDate,
    pub outcome: PeriodOutcome,
    /// The confirmed order that bills it.
    pub sales_order_id: Option<Uuid>,
}

/// A subscription a run could not bill, and why (its periods stay due for the next run).
#[derive(Debug, Serialize, ToSchema)]
pub struct RunFailure {
    pub subscription_id: Uuid,
    /// The problem's `code`, as the request would have answered it.
    pub code: String,
    pub detail: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunResponse {
    pub id: Uuid,
    pub as_of: NaiveDate,
    pub trigger: RunTrigger,
    pub requested_by: Option<Uuid>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub billed_count: u32,
    pub skipped_count: u32,
    /// What it billed and skipped, by subscription and start.
    pub periods: Vec<RunPeriod>,
    pub failures: Vec<RunFailure>,
}

impl RunResponse {
    pub fn new(run: Run, periods: Vec<DonePeriod>) -> Self {
        Self {
            id: run.id,
            as_of: run.as_of,
            trigger: match run.trigger {
                Trigger::Request => RunTrigger::Request,
                Trigger::Schedule => RunTrigger::Schedule,
            },
            requested_by: run.requested_by,
            started_at: run.started_at,
            finished_at: run.finished_at,
            billed_count: run.billed,
            skipped_count: run.skipped,
            periods: periods
                .into_iter()
                .map(|p| RunPeriod {
                    subscription_id: p.subscription_id,
                    index: p.index,
                    start: p.start,
                    end: p.end,
                    due_on: p.due_on,
                    outcome: p.outcome.into(),
                    sales_order_id: p.sales_order_id,
                })
                .collect(),
            failures: run
                .failures
                .into_iter()
                .map(|f| RunFailure {
                    subscription_id: f.subscription_id,
                    code: f.code,
                    detail: f.detail,
                })
                .collect(),
        }
    }
}

/// Bill every period due by `as_of` (at most a year ahead) that is not billed yet: each becomes
/// a confirmed sales order linked to its period, or is skipped when it started while paused.
/// Running it again, or twice at once, bills nothing twice. The run goes on to its end if the
/// client goes away; a subscription it cannot bill is listed in `failures` and stays due.
#[utoipa::path(
    tag = "subscriptions",
    operation_id = "run_billing",
    request_body = RunBody,
    responses(
        (status = 201, description = "The run, with what it billed", body = RunResponse,
            headers(("Location" = String, description = "The run"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::RunBilling)))
)]
#[post("")]
pub async fn run_billing(
    state: web::Data<AppState>,
    caller: Authorized,
    body: crate::extract::Body<RunBody>,
) -> Result<HttpResponse, ApiError> {
    let caller: Caller = *caller;
    let (db, clock, as_of) = (state.db.clone(), state.clock.clone(), body.0.as_of);
    let task = tokio::spawn(async move { clock.scope(billing::run(&db, &caller, as_of)).await });
    let run = task
        .await
        .map_err(|error| app::error::AppError::internal(anyhow::anyhow!("the billing run stopped: {error}")))??;
    let (run, periods) = billing::get(&state.db, run.id).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/subscription-runs/{}", run.id)))
        .json(RunResponse::new(run, periods)))
}

/// A billing run: when, as of which day, what it billed and skipped, and what it could not bill.
#[utoipa::path(
    tag = "subscriptions",
    operation_id = "get_subscription_run",
    params(("id" = Uuid, Path, description = "Run id")),
    responses(
        (status = 200, description = "The run", body = RunResponse),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::RunBilling)))
)]
#[get("/{id}")]
pub async fn get_subscription_run(
    state: web::Data<AppState>,
    _caller: Authorized,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (run, periods) = billing::get(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(RunResponse::new(run, periods)))
}
