//! `/api/v1/offers`: quotes with lines, optional lines, revisions and exact totals.
//!
//! Offer endpoints: extract, check the permission, call the service, respond.

pub mod dto;

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use domain::access::Permission;
use domain::offer::{Offer, OfferAction};
use persistence::offers::{OfferFilter, OfferSort};
use uuid::Uuid;

use self::dto::{AcceptBody, OfferBody, OfferListQuery, OfferPage, OfferPatch, OfferResponse, PartyOfferQuery};
use crate::auth::{Authorized, Caller};
use crate::error::ApiError;
use crate::extract::{IfMatch, OptionalBody, if_match};
use crate::pagination::{self};
use crate::query;
use crate::state::AppState;
use crate::v1::kit::{self, Shown};
use app::offers as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/offers")
            .service(create_offer)
            .service(list_offers)
            .service(upsert_offer_by_external_id)
            .service(get_offer_by_external_id)
            .service(get_offer)
            .service(update_offer)
            .service(delete_offer)
            .service(send_offer)
            .service(accept_offer)
            .service(reject_offer)
            .service(cancel_offer)
            .service(revise_offer)
            .service(list_offer_history)
            .service(crate::v1::attachments::list_offer_attachments)
            .service(crate::v1::flow::get_offer_flow),
    );
}

const SORTS: &[(&str, OfferSort)] = &[
    ("created_at", OfferSort::CreatedAt),
    ("updated_at", OfferSort::UpdatedAt),
    ("number", OfferSort::Number),
];

impl Shown for Offer {
    type Response = OfferResponse;
    fn shown(self, caller: &Caller) -> OfferResponse {
        OfferResponse::new(self, service::today(), service::may_act(caller), may_convert(caller))
    }
}

/// Whether the caller may make orders: converting an accepted offer is one.
fn may_convert(caller: &Caller) -> bool {
    app::sales_orders::may_act(caller)
}

kit::create_endpoint!(
    /// Create an offer with its lines: numbered at once, a `draft`. Lines without a price are priced
    /// for the party; totals follow the Money rules to the minor unit.
    create_offer: Offer => OfferResponse, tag = "offers", body = OfferBody,
    |db, caller, body| {
        let (input, external_id) = body.into_input();
        service::create(db, &caller, input, external_id)
    }
);

kit::upsert_endpoint!(
    /// Create or replace the offer with this external id: the body is the whole draft, as for
    /// `POST /offers` (omitted fields get their defaults; lines are priced again). Only a draft is
    /// replaced: another status is a 409 `document_immutable`.
    upsert_offer_by_external_id: Offer => OfferResponse, tag = "offers", body = OfferBody,
    |db, caller, external_id, if_match, body| {
        let (input, body_external_id) = body.into_input();
        service::upsert(db, &caller, external_id, input, body_external_id, if_match)
    }
);

kit::list_endpoint!(
    /// List offers, each with its lines and totals.
    list_offers: Offer => OfferPage, tag = "offers", query = OfferListQuery, sorts = SORTS, default = "created_at",
    filter(query) = OfferFilter {
        party_id: query.party_id,
        owner_id: query.owner_id,
        opportunity_id: query.opportunity_id,
        status: query.status.into_iter().map(Into::into).collect(),
        today: service::today(),
        number: query.number,
        external_id: query.external_id,
        q: query::search(query.q)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    },
    |db, caller, filter, request| service::list(db, &caller, &filter, &request)
);

/// The offers of a party, newest first.
#[utoipa::path(
    tag = "offers",
    operation_id = "list_party_offers",
    params(("id" = Uuid, Path, description = "Party id"), PartyOfferQuery),
    responses(
        (status = 200, description = "A page of offers", body = OfferPage),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadOffers)))
)]
#[get("/{id}/offers")]
pub async fn list_party_offers(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
    query: crate::query::Query<PartyOfferQuery>,
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
    let today = service::today();
    let filter = OfferFilter {
        party_id: None,
        owner_id: None,
        opportunity_id: None,
        status: query.status.into_iter().map(Into::into).collect(),
        today,
        number: None,
        external_id: None,
        q: None,
        updated_since: None,
    };
    let page = service::list_of_party(&state.db, &caller, id.into_inner(), filter, &request).await?;
    let (may_act, may_convert) = (service::may_act(&caller), may_convert(&caller));
    Ok(HttpResponse::Ok().json(OfferPage::new(page, &sort, |o| {
        OfferResponse::new(o, today, may_act, may_convert)
    })))
}

kit::get_endpoint!(
    /// Read an offer with its lines, totals and the actions allowed now.
    get_offer: Offer => OfferResponse, tag = "offers", id = "Offer id",
    external = get_offer_by_external_id in persistence::offers::Offers,
    |db, caller, id| service::get(db, &caller, id)
);

kit::update_endpoint!(
    /// Change a draft; `lines`, when present, replaces them all. Anything but a draft is a 409
    /// `document_immutable`.
    update_offer: Offer => OfferResponse, tag = "offers", id = "Offer id", body = OfferPatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, |input| patch.apply_to(input))
);

kit::remove_endpoint!(
    /// Delete a draft: its activities stay, unlinked; its history stays readable. A draft revision
    /// goes alone (the offer it revises stays superseded). Anything but a draft is a 409
    /// `document_immutable`.
    delete_offer: Offer, tag = "offers", id = "Offer id", done = "Deleted",
    also = ((status = 409, response = crate::openapi::Conflict)),
    |db, caller, id, if_match| service::delete(db, &caller, id, if_match)
);

kit::transition_endpoint!(
    /// Send a draft to the customer: `draft` → `sent`. It needs lines, and a `valid_until` not past.
    send_offer: Offer => OfferResponse, tag = "offers", id = "Offer id", path = "/{id}/send", done = "The offer, `sent`",
    also = ((status = 422, response = crate::openapi::UnprocessableEntity)),
    |db, caller, id, if_match| service::act(db, &caller, id, if_match, OfferAction::Send)
);

/// The customer accepts: `sent` → `accepted`, with the optional lines they chose; the
/// opportunity the offer is for is won.
#[utoipa::path(
    tag = "offers",
    operation_id = "accept_offer",
    params(("id" = Uuid, Path, description = "Offer id"), IfMatch),
    request_body(content = Option<AcceptBody>, description = "The optional lines chosen; none when left out"),
    responses(
        (status = 200, description = "The offer, `accepted`", body = OfferResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::WriteOffers)))
)]
#[post("/{id}/accept")]
pub async fn accept_offer(
    state: web::Data<AppState>,
    caller: Authorized,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: OptionalBody<AcceptBody>,
) -> Result<HttpResponse, ApiError> {
    let selected = body.0.map(|b| b.selected_optional_line_ids).unwrap_or_default();
    let offer = service::accept(&state.db, &caller, id.into_inner(), if_match(&req)?, &selected).await?;
    Ok(kit::current(&caller, offer))
}

kit::transition_endpoint!(
    /// The customer declines: `sent` → `rejected`.
    reject_offer: Offer => OfferResponse, tag = "offers", id = "Offer id", path = "/{id}/reject",
    done = "The offer, `rejected`",
    |db, caller, id, if_match| service::act(db, &caller, id, if_match, OfferAction::Reject)
);

kit::transition_endpoint!(
    /// Withdraw a draft or a sent offer: → `cancelled`.
    cancel_offer: Offer => OfferResponse, tag = "offers", id = "Offer id", path = "/{id}/cancel",
    done = "The offer, `cancelled`",
    |db, caller, id, if_match| service::act(db, &caller, id, if_match, OfferAction::Cancel)
);

/// Revise a sent, rejected or expired offer: it becomes `superseded`, and a new draft with the
/// same number and content, revision + 1, is created and returned.
#[utoipa::path(
    tag = "offers",
    operation_id = "revise_offer",
    params(("id" = Uuid, Path, description = "Offer id"), IfMatch),
    responses(
        (status = 201, description = "The new draft", body = OfferResponse,
            headers(("Location" = String, description = "URL of the new draft"), ("ETag" = String, description = "Its version, quoted"))),
        crate::openapi::TransitionErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::WriteOffers)))
)]
#[post("/{id}/revise")]
pub async fn revise_offer(
    state: web::Data<AppState>,
    caller: Authorized,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let offer = service::revise(&state.db, &caller, id.into_inner(), if_match(&req)?).await?;
    Ok(kit::created(&caller, offer))
}

crate::v1::history::history_endpoint!(
    /// The history of an offer: who changed which fields, from what to what, oldest first.
    list_offer_history,
    Offer,
    tag = "offers",
    id = "Offer id"
);
