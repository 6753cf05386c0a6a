//! `/api/v1/opportunities`: sales prospects moving through the pipeline.
//!
//! Opportunity endpoints: extract, check the permission, call the service, respond.

pub mod dto;

use actix_web::{HttpResponse, get, patch, post, web};
use domain::access::Permission;
use persistence::opportunities::{OpportunityFilter, OpportunitySort};
use uuid::Uuid;

use self::dto::{
    OpportunityBody, OpportunityListQuery, OpportunityPage, OpportunityPatch, OpportunityResponse,
    PartyOpportunityQuery,
};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::pagination::{self};
use crate::query;
use crate::state::AppState;
use crate::v1::kit::{self};
use app::opportunities as service;
use domain::opportunity::Opportunity;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/opportunities")
            .service(create_opportunity)
            .service(list_opportunities)
            .service(get_opportunity)
            .service(update_opportunity)
            .service(list_opportunity_history)
            .service(crate::v1::attachments::list_opportunity_attachments),
    );
}

kit::shown_alike!(Opportunity => OpportunityResponse);

const SORTS: &[(&str, OpportunitySort)] = &[
    ("created_at", OpportunitySort::CreatedAt),
    ("updated_at", OpportunitySort::UpdatedAt),
    ("title", OpportunitySort::Title),
];

kit::create_endpoint!(
    /// Create an opportunity; it starts in the stage named or the pipeline's first open stage.
    create_opportunity: Opportunity => OpportunityResponse, tag = "opportunities", body = OpportunityBody,
    |db, caller, body| service::create(db, &caller, body.into())
);

kit::list_endpoint!(
    /// List opportunities: the pipeline, filtered by owner, party, stage, status and close date.
    list_opportunities: Opportunity => OpportunityPage, tag = "opportunities", query = OpportunityListQuery, sorts = SORTS, default = "created_at",
    filter(query) = OpportunityFilter {
        owner_id: query.owner_id,
        party_id: query.party_id,
        stage_id: query.stage_id,
        status: query.status.into_iter().map(Into::into).collect(),
        close_from: query::date("close_from", query.close_from)?,
        close_to: query::date("close_to", query.close_to)?,
        closed_from: query::date("closed_from", query.closed_from)?,
        closed_to: query::date("closed_to", query.closed_to)?,
        team_id: query.team_id,
        currency: query::currency("currency", query.currency.as_deref())?,
        has_amount: query.has_amount,
        q: query::search(query.q)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    },
    |db, caller, filter, request| service::list(db, &caller, &filter, &request)
);

/// The opportunities of a party, newest first.
#[utoipa::path(
    tag = "opportunities",
    operation_id = "list_party_opportunities",
    params(("id" = Uuid, Path, description = "Party id"), PartyOpportunityQuery),
    responses(
        (status = 200, description = "A page of opportunities", body = OpportunityPage),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadOpportunities)))
)]
#[get("/{id}/opportunities")]
pub async fn list_party_opportunities(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
    query: crate::query::Query<PartyOpportunityQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        "-created_at",
        SORTS,
        query.limit,
        query.cursor.as_deref(),
        &query.include,
    )?;
    let filter = OpportunityFilter {
        stage_id: query.stage_id,
        status: query.status.into_iter().map(Into::into).collect(),
        ..OpportunityFilter::default()
    };
    let page = service::list_of_party(&state.db, &caller, id.into_inner(), filter, &request).await?;
    Ok(HttpResponse::Ok().json(OpportunityPage::new(page, &sort, OpportunityResponse::from)))
}

kit::get_endpoint!(
    /// Read an opportunity.
    get_opportunity: Opportunity => OpportunityResponse, tag = "opportunities", id = "Opportunity id",
    |db, caller, id| service::get(db, &caller, id)
);

kit::update_endpoint!(
    /// Change an opportunity, or move it through the pipeline (`{"stage_id", "lost_reason"}`): its
    /// status follows the stage's kind; a lost stage needs `lost_reason`.
    update_opportunity: Opportunity => OpportunityResponse, tag = "opportunities", id = "Opportunity id",
    body = OpportunityPatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, |input| patch.apply_to(input))
);

crate::v1::history::history_endpoint!(
    /// The history of an opportunity: every change, stage changes included (from, to, by, at).
    list_opportunity_history,
    Opportunity,
    tag = "opportunities",
    id = "Opportunity id"
);
