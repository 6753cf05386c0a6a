//! `/api/v1/sales-targets`: what a user or team is to reach in a month, quarter or year, each
//! answered with its achievement computed from the records.

pub mod dto;

use actix_web::{HttpResponse, delete, get, patch, post, web};
use domain::access::Permission;
use domain::sales_target::MeasuredTarget;
use persistence::sales_targets::SalesTargetFilter;

use self::dto::{SalesTargetBody, SalesTargetListQuery, SalesTargetPage, SalesTargetPatch, SalesTargetResponse};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::pagination::{self, KeyKind};
use crate::query;
use crate::state::AppState;
use crate::v1::kit;
use app::sales_targets as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

kit::shown_alike!(MeasuredTarget => SalesTargetResponse);

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/sales-targets")
            .service(create_sales_target)
            .service(list_sales_targets)
            .service(get_sales_target)
            .service(update_sales_target)
            .service(delete_sales_target)
            .service(list_sales_target_history),
    );
}

kit::create_endpoint!(
    /// Set a target for a user or a team: one per subject, period, metric and currency (a second
    /// is a 409).
    create_sales_target: MeasuredTarget => SalesTargetResponse, tag = "reports", body = SalesTargetBody,
    also = ((status = 409, response = crate::openapi::Conflict)),
    |db, caller, body| service::create(db, &caller, body.into())
);

/// List the sales targets the caller sees (a sales user: their own, their teammates' and their
/// team's), oldest first (with `updated_since`, oldest change first), each with its achievement.
#[utoipa::path(
    tag = "reports",
    operation_id = "list_sales_targets",
    params(SalesTargetListQuery),
    responses(
        (status = 200, description = "A page of sales targets", body = SalesTargetPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadReports)))
)]
#[get("")]
pub async fn list_sales_targets(
    state: web::Data<AppState>,
    caller: Authorized,
    query: crate::query::Query<SalesTargetListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let filter = SalesTargetFilter {
        user_id: query.user_id,
        team_id: query.team_id,
        metric: query.metric.map(Into::into),
        period_from: query::date("period_from", query.period_from)?,
        period_to: query::date("period_to", query.period_to)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    };
    let (request, sort) = pagination::natural_or_updated(
        pagination::CREATED_AT,
        KeyKind::Time,
        filter.updated_since,
        query.limit,
        query.cursor.as_deref(),
        &query.include,
    )?;
    let page = service::list(&state.db, &caller, &filter, &request).await?;
    Ok(HttpResponse::Ok().json(SalesTargetPage::new(page, sort, SalesTargetResponse::from)))
}

kit::get_endpoint!(
    /// Read a sales target with its achievement so far.
    get_sales_target: MeasuredTarget => SalesTargetResponse, tag = "reports", id = "Sales target id",
    |db, caller, id| service::get(db, &caller, id)
);

kit::update_endpoint!(
    /// Change a sales target's period, metric, amount or currency (not whose it is).
    update_sales_target: MeasuredTarget => SalesTargetResponse, tag = "reports", id = "Sales target id", body = SalesTargetPatch,
    also = ((status = 409, response = crate::openapi::Conflict)),
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, |input| patch.apply_to(input))
);

kit::remove_endpoint!(
    /// Delete a sales target; its history stays.
    delete_sales_target: MeasuredTarget, tag = "reports", id = "Sales target id", done = "Deleted",
    |db, caller, id, if_match| service::delete(db, &caller, id, if_match)
);

crate::v1::history::history_endpoint!(
    /// The history of a sales target, also of a deleted one.
    list_sales_target_history,
    SalesTarget,
    tag = "reports",
    id = "Sales target id"
);
