//! `/api/v1/sla-policies`: how fast cases of a priority are answered and resolved, in the working
//! time of a business calendar.

pub mod dto;

use actix_web::{HttpResponse, delete, get, patch, post, web};
use domain::access::Permission;
use domain::case::policy::SlaPolicy;

use self::dto::{SlaPolicyBody, SlaPolicyListQuery, SlaPolicyPage, SlaPolicyPatch, SlaPolicyResponse};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::pagination::{self, KeyKind};
use crate::query;
use crate::state::AppState;
use crate::v1::kit;
use app::sla_policies as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

kit::shown_alike!(SlaPolicy => SlaPolicyResponse);

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/sla-policies")
            .service(create_sla_policy)
            .service(list_sla_policies)
            .service(get_sla_policy)
            .service(update_sla_policy)
            .service(delete_sla_policy)
            .service(list_sla_policy_history),
    );
}

kit::create_endpoint!(
    /// Create an SLA policy: one per priority and customer group (and one per priority for every
    /// party); a second is a 409.
    create_sla_policy: SlaPolicy => SlaPolicyResponse, tag = "cases", body = SlaPolicyBody,
    also = ((status = 409, response = crate::openapi::Conflict)),
    |db, caller, body| service::create(db, &caller, body.into())
);

/// List the SLA policies, oldest first (with `updated_since`, oldest change first).
#[utoipa::path(
    tag = "cases",
    operation_id = "list_sla_policies",
    params(SlaPolicyListQuery),
    responses(
        (status = 200, description = "A page of SLA policies", body = SlaPolicyPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadCases)))
)]
#[get("")]
pub async fn list_sla_policies(
    state: web::Data<AppState>,
    _caller: Authorized,
    query: crate::query::Query<SlaPolicyListQuery>,
) -> Result<HttpResponse, ApiError> {
    let updated_since = query::instant("updated_since", query.updated_since)?;
    let (request, sort) = pagination::natural_or_updated(
        pagination::CREATED_AT,
        KeyKind::Time,
        updated_since,
        query.limit,
        query.cursor.as_deref(),
        &query.include,
    )?;
    let page = service::list(&state.db, updated_since, &request).await?;
    Ok(HttpResponse::Ok().json(SlaPolicyPage::new(page, sort, SlaPolicyResponse::from)))
}

kit::get_endpoint!(
    /// Read an SLA policy.
    get_sla_policy: SlaPolicy => SlaPolicyResponse, tag = "cases", id = "SLA policy id",
    |db, caller, id| service::get(db, id)
);

kit::update_endpoint!(
    /// Change an SLA policy. Cases already measured keep their targets until their priority changes.
    update_sla_policy: SlaPolicy => SlaPolicyResponse, tag = "cases", id = "SLA policy id", body = SlaPolicyPatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, |input| patch.apply_to(input))
);

kit::remove_endpoint!(
    /// Delete an SLA policy; cases it measures keep their clocks.
    delete_sla_policy: SlaPolicy, tag = "cases", id = "SLA policy id", done = "Deleted",
    |db, caller, id, if_match| service::delete(db, &caller, id, if_match)
);

crate::v1::history::history_endpoint!(
    /// The history of an SLA policy, also of a deleted one.
    list_sla_policy_history,
    SlaPolicy,
    tag = "cases",
    id = "SLA policy id"
);
