//! `/api/v1/activities`: calls, meetings, emails, tasks, appointments, visits and notes.
//!
//! Activity endpoints: extract, check the permission, call the service, respond.

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use domain::access::Permission;
use domain::activity::ActivityAction;
use persistence::activities::{ActivityFilter, ActivitySort};
use uuid::Uuid;

use self::dto::{
    ActivityBody, ActivityListQuery, ActivityPage, ActivityPatch, ActivityResponse, CompleteBody, ContactHistoryQuery,
};
use crate::auth::{AuthUser, Caller};
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, OptionalBody, if_match};
use crate::pagination::{self};
use crate::query;
use crate::respond::etag;
use crate::state::AppState;
use app::activities as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/activities")
            .service(create_activity)
            .service(list_activities)
            .service(get_activity)
            .service(update_activity)
            .service(start_activity)
            .service(complete_activity)
            .service(cancel_activity)
            .service(reopen_activity)
            .service(list_activity_history),
    );
}

const SORTS: &[(&str, ActivitySort)] = &[
    ("occurs_at", ActivitySort::OccursAt),
    ("created_at", ActivitySort::CreatedAt),
    ("updated_at", ActivitySort::UpdatedAt),
];

fn respond(caller: &Caller, activity: domain::activity::Activity) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(etag(activity.version))
        .json(ActivityResponse::new(activity, service::may_act(caller)))
}

/// Log or plan an activity: a call, meeting, email, task, appointment, visit or note.
#[utoipa::path(
    tag = "activities",
    operation_id = "create_activity",
    request_body = ActivityBody,
    responses(
        (status = 201, description = "Created, `planned`", body = ActivityResponse,
            headers(("Location" = String, description = "URL of the new activity"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = []))
)]
#[post("")]
pub async fn create_activity(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<ActivityBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteActivities)?;
    let activity = service::create(&state.db, &caller, body.0.into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/activities/{}", activity.id)))
        .insert_header(etag(activity.version))
        .json(ActivityResponse::new(activity, true)))
}

/// List activities. A user's agenda: `assignee_id` with a window `from`–`to`, sorted by `occurs_at`.
#[utoipa::path(
    tag = "activities",
    operation_id = "list_activities",
    params(ActivityListQuery),
    responses(
        (status = 200, description = "A page of activities", body = ActivityPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = []))
)]
#[get("")]
pub async fn list_activities(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ActivityListQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadActivities)?;
    let query = query.into_inner();
    let default_sort = if query.updated_since.is_some() {
        "updated_at"
    } else {
        "occurs_at"
    };
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        default_sort,
        SORTS,
        query.limit,
        query.cursor.as_deref(),
    )?;
    let filter = ActivityFilter {
        party_id: query.party_id,
        contact_id: query.contact_id,
        involving: None,
        assignee_id: query.assignee_id,
        kind: query.kind.map(Into::into),
        status: query.status.map(Into::into),
        opportunity_id: query.opportunity_id,
        offer_id: query.offer_id,
        sales_order_id: query.sales_order_id,
        invoice_id: query.invoice_id,
        from: query::instant("from", query.from)?,
        to: query::instant("to", query.to)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    };
    let page = service::list(&state.db, &caller, &filter, &request).await?;
    let may_act = service::may_act(&caller);
    Ok(HttpResponse::Ok().json(ActivityPage::new(page, &sort, |a| ActivityResponse::new(a, may_act))))
}

/// The contact history of a party: its activities and those with it as the contact person,
/// latest first.
#[utoipa::path(
    tag = "activities",
    operation_id = "list_party_activities",
    params(("id" = Uuid, Path, description = "Party id"), ContactHistoryQuery),
    responses(
        (status = 200, description = "A page of activities", body = ActivityPage),
        crate::openapi::FilteredReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}/activities")]
pub async fn list_party_activities(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    query: web::Query<ContactHistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadActivities)?;
    let query = query.into_inner();
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        "-occurs_at",
        SORTS,
        query.limit,
        query.cursor.as_deref(),
    )?;
    let filter = ActivityFilter {
        kind: query.kind.map(Into::into),
        status: query.status.map(Into::into),
        from: query::instant("from", query.from)?,
        to: query::instant("to", query.to)?,
        ..ActivityFilter::default()
    };
    let page = service::list_of_party(&state.db, &caller, id.into_inner(), filter, &request).await?;
    let may_act = service::may_act(&caller);
    Ok(HttpResponse::Ok().json(ActivityPage::new(page, &sort, |a| ActivityResponse::new(a, may_act))))
}

/// Read an activity.
#[utoipa::path(
    tag = "activities",
    operation_id = "get_activity",
    params(("id" = Uuid, Path, description = "Activity id")),
    responses(
        (status = 200, description = "The activity", body = ActivityResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}")]
pub async fn get_activity(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadActivities)?;
    let activity = service::get(&state.db, &caller, id.into_inner()).await?;
    Ok(respond(&caller, activity))
}

/// Change an activity's content (its status changes by transitions only).
#[utoipa::path(
    tag = "activities",
    operation_id = "update_activity",
    params(("id" = Uuid, Path, description = "Activity id"), IfMatch),
    request_body = ActivityPatch,
    responses(
        (status = 200, description = "The changed activity", body = ActivityResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[patch("/{id}")]
pub async fn update_activity(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<ActivityPatch>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteActivities)?;
    let patch = body.0;
    let activity = service::update(&state.db, &caller, id.into_inner(), if_match(&req)?, |input| {
        patch.apply_to(input);
    })
    .await?;
    Ok(respond(&caller, activity))
}

async fn transition(
    state: &AppState,
    user: AuthUser,
    req: &HttpRequest,
    id: Uuid,
    action: ActivityAction,
    outcome: Option<domain::activity::Outcome>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteActivities)?;
    let activity = service::act(&state.db, &caller, id, if_match(req)?, action, outcome).await?;
    Ok(respond(&caller, activity))
}

/// Start a planned activity: `planned` → `in_progress`.
#[utoipa::path(
    tag = "activities",
    operation_id = "start_activity",
    params(("id" = Uuid, Path, description = "Activity id"), IfMatch),
    responses(
        (status = 200, description = "The activity, `in_progress`", body = ActivityResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::TransitionErrors,
    ),
    security(("bearer" = []))
)]
#[post("/{id}/start")]
pub async fn start_activity(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    transition(&state, user, &req, id.into_inner(), ActivityAction::Start, None).await
}

/// Complete an activity: `planned` or `in_progress` → `completed`. A task records its `outcome`.
#[utoipa::path(
    tag = "activities",
    operation_id = "complete_activity",
    params(("id" = Uuid, Path, description = "Activity id"), IfMatch),
    request_body(content = Option<CompleteBody>, description = "Required for tasks (the outcome); optional otherwise"),
    responses(
        (status = 200, description = "The activity, `completed`", body = ActivityResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[post("/{id}/complete")]
pub async fn complete_activity(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: OptionalBody<CompleteBody>,
) -> Result<HttpResponse, ApiError> {
    let outcome = body.0.and_then(|b| b.outcome).map(Into::into);
    transition(&state, user, &req, id.into_inner(), ActivityAction::Complete, outcome).await
}

/// Cancel an activity: `planned` or `in_progress` → `cancelled`.
#[utoipa::path(
    tag = "activities",
    operation_id = "cancel_activity",
    params(("id" = Uuid, Path, description = "Activity id"), IfMatch),
    responses(
        (status = 200, description = "The activity, `cancelled`", body = ActivityResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::TransitionErrors,
    ),
    security(("bearer" = []))
)]
#[post("/{id}/cancel")]
pub async fn cancel_activity(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    transition(&state, user, &req, id.into_inner(), ActivityAction::Cancel, None).await
}

/// Reopen a completed or cancelled activity: back to `planned`, its outcome forgotten.
#[utoipa::path(
    tag = "activities",
    operation_id = "reopen_activity",
    params(("id" = Uuid, Path, description = "Activity id"), IfMatch),
    responses(
        (status = 200, description = "The activity, `planned`", body = ActivityResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::TransitionErrors,
    ),
    security(("bearer" = []))
)]
#[post("/{id}/reopen")]
pub async fn reopen_activity(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    transition(&state, user, &req, id.into_inner(), ActivityAction::Reopen, None).await
}

crate::v1::history::history_endpoint!(
    /// The history of an activity: who changed which fields, from what to what, oldest first.
    list_activity_history,
    Activity,
    tag = "activities",
    id = "Activity id"
);
