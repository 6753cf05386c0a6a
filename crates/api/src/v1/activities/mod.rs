//! `/api/v1/activities`: calls, meetings, emails, tasks, appointments, visits and notes.
//!
//! Activity endpoints: extract, check the permission, call the service, respond.

pub mod dto;

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use domain::access::Permission;
use domain::activity::ActivityAction;
use persistence::activities::{ActivityFilter, ActivitySort};
use uuid::Uuid;

use self::dto::{
    ActivityBody, ActivityListQuery, ActivityPage, ActivityPatch, ActivityResponse, CompleteBody, ContactHistoryQuery,
};
use crate::auth::{Authorized, Caller};
use crate::error::ApiError;
use crate::extract::{IfMatch, OptionalBody, if_match};
use crate::pagination::{self};
use crate::query;
use crate::state::AppState;
use crate::v1::kit::{self, Shown};
use app::activities as service;
use domain::activity::Activity;
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
            .service(list_activity_history)
            .service(crate::v1::attachments::list_activity_attachments),
    );
}

const SORTS: &[(&str, ActivitySort)] = &[
    ("occurs_at", ActivitySort::OccursAt),
    ("created_at", ActivitySort::CreatedAt),
    ("updated_at", ActivitySort::UpdatedAt),
];

impl Shown for Activity {
    type Response = ActivityResponse;
    fn shown(self, caller: &Caller) -> ActivityResponse {
        ActivityResponse::new(self, service::may_act(caller))
    }
}

kit::create_endpoint!(
    /// Log or plan an activity: a call, meeting, email, task, appointment, visit or note. It starts `planned`.
    create_activity: Activity => ActivityResponse, tag = "activities", body = ActivityBody,
    |db, caller, body| service::create(db, &caller, body.into())
);

kit::list_endpoint!(
    /// List activities. A user's agenda: `assignee_id` with a window `from`–`to`, sorted by `occurs_at`.
    list_activities: Activity => ActivityPage, tag = "activities", query = ActivityListQuery, sorts = SORTS, default = "occurs_at",
    filter(query) = ActivityFilter {
        party_id: query.party_id,
        contact_id: query.contact_id,
        involving: None,
        assignee_id: query.assignee_id,
        kind: query.kind.into_iter().map(Into::into).collect(),
        status: query.status.into_iter().map(Into::into).collect(),
        opportunity_id: query.opportunity_id,
        offer_id: query.offer_id,
        sales_order_id: query.sales_order_id,
        invoice_id: query.invoice_id,
        from: query::instant("from", query.from)?,
        to: query::instant("to", query.to)?,
        completed_from: query::date("completed_from", query.completed_from)?,
        completed_to: query::date("completed_to", query.completed_to)?,
        team_id: query.team_id,
        updated_since: query::instant("updated_since", query.updated_since)?,
    },
    |db, caller, filter, request| service::list(db, &caller, &filter, &request)
);

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
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadActivities)))
)]
#[get("/{id}/activities")]
pub async fn list_party_activities(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
    query: crate::query::Query<ContactHistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        "-occurs_at",
        SORTS,
        query.limit,
        query.cursor.as_deref(),
        &query.include,
    )?;
    let filter = ActivityFilter {
        kind: query.kind.into_iter().map(Into::into).collect(),
        status: query.status.into_iter().map(Into::into).collect(),
        from: query::instant("from", query.from)?,
        to: query::instant("to", query.to)?,
        ..ActivityFilter::default()
    };
    let page = service::list_of_party(&state.db, &caller, id.into_inner(), filter, &request).await?;
    let may_act = service::may_act(&caller);
    Ok(HttpResponse::Ok().json(ActivityPage::new(page, &sort, |a| ActivityResponse::new(a, may_act))))
}

kit::get_endpoint!(
    /// Read an activity.
    get_activity: Activity => ActivityResponse, tag = "activities", id = "Activity id",
    |db, caller, id| service::get(db, &caller, id)
);

kit::update_endpoint!(
    /// Change an activity's content (its status changes by transitions only).
    update_activity: Activity => ActivityResponse, tag = "activities", id = "Activity id", body = ActivityPatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, |input| patch.apply_to(input))
);

kit::transition_endpoint!(
    /// Start a planned activity: `planned` → `in_progress`.
    start_activity: Activity => ActivityResponse, tag = "activities", id = "Activity id", path = "/{id}/start",
    done = "The activity, `in_progress`",
    |db, caller, id, if_match| service::act(db, &caller, id, if_match, ActivityAction::Start, None)
);

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
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::WriteActivities)))
)]
#[post("/{id}/complete")]
pub async fn complete_activity(
    state: web::Data<AppState>,
    caller: Authorized,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: OptionalBody<CompleteBody>,
) -> Result<HttpResponse, ApiError> {
    let outcome = body.0.and_then(|b| b.outcome).map(Into::into);
    let activity = service::act(
        &state.db,
        &caller,
        id.into_inner(),
        if_match(&req)?,
        ActivityAction::Complete,
        outcome,
    )
    .await?;
    Ok(kit::current(&caller, activity))
}

kit::transition_endpoint!(
    /// Cancel an activity: `planned` or `in_progress` → `cancelled`.
    cancel_activity: Activity => ActivityResponse, tag = "activities", id = "Activity id", path = "/{id}/cancel",
    done = "The activity, `cancelled`",
    |db, caller, id, if_match| service::act(db, &caller, id, if_match, ActivityAction::Cancel, None)
);

kit::transition_endpoint!(
    /// Reopen a completed or cancelled activity: back to `planned`, its outcome forgotten.
    reopen_activity: Activity => ActivityResponse, tag = "activities", id = "Activity id", path = "/{id}/reopen",
    done = "The activity, `planned`",
    |db, caller, id, if_match| service::act(db, &caller, id, if_match, ActivityAction::Reopen, None)
);

crate::v1::history::history_endpoint!(
    /// The history of an activity: who changed which fields, from what to what, oldest first.
    list_activity_history,
    Activity,
    tag = "activities",
    id = "Activity id"
);
