//! `/api/v1/cases`: support cases, their messages and SLA clocks.

pub mod clock;
pub mod dto;

use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use domain::access::Permission;
use domain::case::Case;
use persistence::cases::{CaseFilter, CaseSort};
use uuid::Uuid;

use self::clock::SlaResponse;
use self::dto::{
    CaseBody, CaseListQuery, CasePage, CasePatch, CaseResponse, MessageBody, MessagePage, MessageResponse,
};
use crate::auth::{Authorized, Caller};
use crate::error::ApiError;
use crate::extract::{IfMatch, if_match};
use crate::pagination;
use crate::query;
use crate::state::AppState;
use crate::v1::kit::{self, Shown};
use app::cases as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/cases")
            .service(create_case)
            .service(list_cases)
            .service(upsert_case_by_external_id)
            .service(get_case_by_external_id)
            .service(get_case)
            .service(update_case)
            .service(get_case_sla)
            .service(list_case_messages)
            .service(add_case_message)
            .service(list_case_history)
            .service(crate::v1::attachments::list_case_attachments)
            .service(start_case)
            .service(wait_on_case)
            .service(resume_case)
            .service(resolve_case)
            .service(close_case)
            .service(reopen_case)
            .service(cancel_case),
    );
}

const SORTS: &[(&str, CaseSort)] = &[
    ("created_at", CaseSort::CreatedAt),
    ("updated_at", CaseSort::UpdatedAt),
    ("number", CaseSort::Number),
];

impl Shown for Case {
    type Response = CaseResponse;
    fn shown(self, caller: &Caller) -> CaseResponse {
        CaseResponse::new(self, caller.may(Permission::WriteCases), app::clock::now())
    }
}

kit::create_endpoint!(
    /// Open a case for a customer. It starts `new` with its number; the SLA policy of its priority
    /// starts the clock, and in a team without an assignee it goes to the least loaded member.
    create_case: Case => CaseResponse, tag = "cases", body = CaseBody,
    |db, caller, body| service::create(db, &caller, body.into())
);

kit::upsert_endpoint!(
    /// Create or replace the case with this external id (a help desk's ticket): the body is the
    /// whole case, as for `POST /cases`. A replaced case keeps its status, clock, messages and, when
    /// the body names none, its assignee.
    upsert_case_by_external_id: Case => CaseResponse, tag = "cases", body = CaseBody,
    |db, caller, external_id, if_match, body| service::upsert(db, &caller, external_id, body.into(), if_match)
);

fn filter(query: &CaseListQuery) -> Result<CaseFilter, ApiError> {
    Ok(CaseFilter {
        status: query.status.iter().copied().map(Into::into).collect(),
        priority: query.priority.iter().copied().map(Into::into).collect(),
        team_id: query.team_id,
        assignee_id: query.assignee_id,
        party_id: query.party_id,
        has_team: query.has_team,
        has_assignee: query.has_assignee,
        created_from: query::date("created_from", query.created_from)?,
        created_to: query::date("created_to", query.created_to)?,
        external_id: query.external_id.clone(),
        sla_status: query.sla_status.map(Into::into),
        breached: query.breached,
        q: query::search(query.q.clone())?,
        updated_since: query::instant("updated_since", query.updated_since)?,
        now: None,
    })
}

kit::list_endpoint!(
    /// List cases, newest first: a team's queue (`team_id`, `status`), an agent's (`assignee_id`),
    /// the ones in danger (`sla_status=at_risk`, `breached=true`).
    list_cases: Case => CasePage, tag = "cases", query = CaseListQuery, sorts = SORTS, default = "-created_at",
    filter(query) = filter(&query)?,
    |db, caller, filter, request| service::list(db, &caller, filter, &request)
);

kit::nested_list_endpoint!(
    /// The cases of a party, newest first.
    list_party_cases: Case => CasePage, tag = "cases", path = "/{id}/cases", of = "Party id", query = CaseListQuery, sorts = SORTS,
    default = "-created_at", filter(query) = filter(&query)?,
    |db, caller, party_id, filter, request| service::list_of_party(db, &caller, party_id, filter, &request)
);

kit::get_endpoint!(
    /// Read a case, with its SLA due times and status now.
    get_case: Case => CaseResponse, tag = "cases", id = "Case id",
    external = get_case_by_external_id in persistence::cases::Cases,
    |db, caller, id| service::get(db, &caller, id)
);

kit::update_endpoint!(
    /// Change a case's content (its status changes by actions only). A new priority measures the
    /// SLA clock against that priority's policy.
    update_case: Case => CaseResponse, tag = "cases", id = "Case id", body = CasePatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, |input| patch.apply_to(input))
);

/// `POST /cases/{id}/{action}`: one operation per action, each calling `service::act` with the
/// server's reopen window (which the kit's transition endpoint has no access to).
macro_rules! case_action {
    ($(#[doc = $doc:literal])* $name:ident, $action:ident, $path:literal, done = $done:literal) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = "cases",
            params(("id" = Uuid, Path, description = "Case id"), IfMatch),
            responses(
                (status = 200, description = $done, body = CaseResponse,
                    headers(("ETag" = String, description = "The new version, quoted"))),
                crate::openapi::TransitionErrors,
            ),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(Permission::WriteCases)))
        )]
        #[post($path)]
        pub async fn $name(
            state: web::Data<AppState>,
            caller: Authorized,
            req: HttpRequest,
            id: web::Path<Uuid>,
        ) -> Result<HttpResponse, ApiError> {
            let action = domain::case::CaseAction::$action;
            let if_match = if_match(&req)?;
            let case = service::act(&state.db, &caller, id.into_inner(), if_match, action, state.case_reopen_days).await?;
            Ok(kit::current(&caller, case))
        }
    };
}

case_action!(
    /// Start working on a new case: `new` → `open`.
    start_case, Start, "/{id}/start", done = "The case, `open`"
);
case_action!(
    /// Wait on the customer: `open` → `pending`; the SLA clock pauses.
    wait_on_case, Wait, "/{id}/wait", done = "The case, `pending`"
);
case_action!(
    /// The customer answered: `pending` → `open`; the SLA clock runs again.
    resume_case, Resume, "/{id}/resume", done = "The case, `open`"
);
case_action!(
    /// Resolve the case: `open` → `resolved`; the resolution target is met. It may be reopened
    /// until `reopen_until` (`CRM_CASE_REOPEN_DAYS`), then the server closes it.
    resolve_case, Resolve, "/{id}/resolve", done = "The case, `resolved`"
);
case_action!(
    /// Close a resolved case: `resolved` → `closed`.
    close_case, Close, "/{id}/close", done = "The case, `closed`"
);
case_action!(
    /// Reopen a resolved case within its reopen window: `resolved` → `open`; the resolution clock
    /// runs again. After the window: 409 `reopen_window_passed`.
    reopen_case, Reopen, "/{id}/reopen", done = "The case, `open`"
);
case_action!(
    /// Cancel a case: `new`, `open` or `pending` → `cancelled`; its clocks stop.
    cancel_case, Cancel, "/{id}/cancel", done = "The case, `cancelled`"
);

/// The SLA clock of a case: each target's segments (running, paused), the working time used, the
/// due times and why; 404 for a case no policy measures.
#[utoipa::path(
    tag = "cases",
    operation_id = "get_case_sla",
    params(("id" = Uuid, Path, description = "Case id")),
    responses(
        (status = 200, description = "The clock", body = SlaResponse),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadCases)))
)]
#[get("/{id}/sla")]
pub async fn get_case_sla(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let case = service::get(&state.db, &caller, id.into_inner()).await?;
    let sla = case.sla.as_ref().ok_or(app::error::AppError::not_found_named(
        "SLA clock (no policy applies to the case)",
    ))?;
    Ok(HttpResponse::Ok().json(SlaResponse::new(case.id, sla, app::clock::now())))
}

/// The messages of a case, oldest first.
#[utoipa::path(
    tag = "cases",
    operation_id = "list_case_messages",
    params(("id" = Uuid, Path, description = "Case id"), crate::v1::history::HistoryQuery),
    responses(
        (status = 200, description = "A page of messages", body = MessagePage),
        crate::openapi::FilteredReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadCases)))
)]
#[get("/{id}/messages")]
pub async fn list_case_messages(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
    query: crate::query::Query<crate::v1::history::HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = pagination::oldest_first(query.limit, query.cursor.as_deref(), &query.include)?;
    let page = service::messages(&state.db, &caller, id.into_inner(), &request).await?;
    Ok(HttpResponse::Ok().json(MessagePage::new(page, pagination::CREATED_AT, MessageResponse::from)))
}

/// Add a message: the first public outbound message is the first response (and opens a new case).
#[utoipa::path(
    tag = "cases",
    operation_id = "add_case_message",
    params(("id" = Uuid, Path, description = "Case id")),
    request_body = MessageBody,
    responses(
        (status = 201, description = "The message", body = MessageResponse),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::WriteCases)))
)]
#[post("/{id}/messages")]
pub async fn add_case_message(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
    body: crate::extract::Body<MessageBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let fields = domain::case::message::validate(&body.body, body.visibility.into(), body.direction.into())
        .map_err(app::error::AppError::from)?;
    let (_, message) = service::add_message(&state.db, &caller, id.into_inner(), fields).await?;
    Ok(HttpResponse::Created().json(MessageResponse::from(message)))
}

crate::v1::history::history_endpoint!(
    /// The history of a case: who changed which fields, its messages and SLA alerts, oldest first.
    list_case_history,
    Case,
    tag = "cases",
    id = "Case id"
);
