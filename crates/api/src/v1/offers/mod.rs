//! `/api/v1/offers`: quotes with lines, optional lines, revisions and exact totals.
//!
//! Offer endpoints: extract, check the permission, call the service, respond.

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use domain::access::Permission;
use domain::offer::{Offer, OfferAction};
use persistence::offers::{OfferFilter, OfferSort};
use uuid::Uuid;

use self::dto::{AcceptBody, OfferBody, OfferListQuery, OfferPage, OfferPatch, OfferResponse, PartyOfferQuery};
use crate::auth::{AuthUser, Caller};
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, OptionalBody, if_match};
use crate::pagination::{self};
use crate::query;
use crate::respond::etag;
use crate::state::AppState;
use app::offers as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/offers")
            .service(create_offer)
            .service(list_offers)
            .service(upsert_offer_by_external_id)
            .service(get_offer)
            .service(update_offer)
            .service(delete_offer)
            .service(send_offer)
            .service(accept_offer)
            .service(reject_offer)
            .service(cancel_offer)
            .service(revise_offer)
            .service(list_offer_history)
            .service(crate::v1::flow::get_offer_flow),
    );
}

const SORTS: &[(&str, OfferSort)] = &[
    ("created_at", OfferSort::CreatedAt),
    ("updated_at", OfferSort::UpdatedAt),
    ("number", OfferSort::Number),
];

fn respond(caller: &Caller, offer: Offer) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(etag(offer.version))
        .json(OfferResponse::new(offer, service::today(), service::may_act(caller)))
}

fn created(caller: &Caller, offer: Offer) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/offers/{}", offer.id)))
        .insert_header(etag(offer.version))
        .json(OfferResponse::new(offer, service::today(), service::may_act(caller)))
}

/// Create an offer with its lines: numbered at once, a draft. Lines without a price are priced
/// for the party; totals follow the Money rules to the minor unit.
#[utoipa::path(
    tag = "offers",
    operation_id = "create_offer",
    request_body = OfferBody,
    responses(
        (status = 201, description = "Created, `draft`", body = OfferResponse,
            headers(("Location" = String, description = "URL of the new offer"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = []))
)]
#[post("")]
pub async fn create_offer(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<OfferBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOffers)?;
    let (input, external_id) = body.0.into_input();
    let offer = service::create(&state.db, &caller, input, external_id).await?;
    Ok(created(&caller, offer))
}

/// Create or replace the offer with this external id: the body is the whole draft, as for
/// `POST /offers` (omitted fields get their defaults; lines are priced again). Only a draft is
/// replaced: another status is a 409 `document_immutable`.
#[utoipa::path(
    tag = "offers",
    operation_id = "upsert_offer_by_external_id",
    params(
        ("external_id" = String, Path, description = "The offer's id in the integrator's system"),
        IfMatch,
    ),
    request_body = OfferBody,
    responses(
        (status = 200, description = "Replaced", body = OfferResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 201, description = "Created, `draft`", body = OfferResponse,
            headers(("Location" = String, description = "URL of the new offer"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[put("/by-external-id/{external_id}")]
pub async fn upsert_offer_by_external_id(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    external_id: web::Path<String>,
    body: Body<OfferBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOffers)?;
    let (input, body_external_id) = body.0.into_input();
    let upserted = service::upsert(
        &state.db,
        &caller,
        &external_id,
        input,
        body_external_id,
        if_match(&req)?,
    )
    .await?;
    let may_act = service::may_act(&caller);
    Ok(crate::v1::upsert::respond(
        upserted,
        |offer| format!("/api/v1/offers/{}", offer.id),
        |offer| offer.version,
        |offer| OfferResponse::new(offer, service::today(), may_act),
    ))
}

/// List offers, each with its lines and totals.
#[utoipa::path(
    tag = "offers",
    operation_id = "list_offers",
    params(OfferListQuery),
    responses(
        (status = 200, description = "A page of offers", body = OfferPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = []))
)]
#[get("")]
pub async fn list_offers(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<OfferListQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadOffers)?;
    let query = query.into_inner();
    let default_sort = if query.updated_since.is_some() {
        "updated_at"
    } else {
        "created_at"
    };
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        default_sort,
        SORTS,
        query.limit,
        query.cursor.as_deref(),
    )?;
    let today = service::today();
    let filter = OfferFilter {
        party_id: query.party_id,
        owner_id: query.owner_id,
        opportunity_id: query.opportunity_id,
        status: query.status.map(Into::into),
        today,
        number: query.number,
        external_id: query.external_id,
        q: query::search(query.q)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    };
    let page = service::list(&state.db, &caller, &filter, &request).await?;
    let may_act = service::may_act(&caller);
    Ok(HttpResponse::Ok().json(OfferPage::new(page, &sort, |o| OfferResponse::new(o, today, may_act))))
}

/// The offers of a party, newest first.
#[utoipa::path(
    tag = "offers",
    operation_id = "list_party_offers",
    params(("id" = Uuid, Path, description = "Party id"), PartyOfferQuery),
    responses(
        (status = 200, description = "A page of offers", body = OfferPage),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}/offers")]
pub async fn list_party_offers(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    query: web::Query<PartyOfferQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadOffers)?;
    let query = query.into_inner();
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        "-created_at",
        SORTS,
        query.limit,
        query.cursor.as_deref(),
    )?;
    let today = service::today();
    let filter = OfferFilter {
        party_id: None,
        owner_id: None,
        opportunity_id: None,
        status: query.status.map(Into::into),
        today,
        number: None,
        external_id: None,
        q: None,
        updated_since: None,
    };
    let page = service::list_of_party(&state.db, &caller, id.into_inner(), filter, &request).await?;
    let may_act = service::may_act(&caller);
    Ok(HttpResponse::Ok().json(OfferPage::new(page, &sort, |o| OfferResponse::new(o, today, may_act))))
}

/// Read an offer with its lines, totals and the actions allowed now.
#[utoipa::path(
    tag = "offers",
    operation_id = "get_offer",
    params(("id" = Uuid, Path, description = "Offer id")),
    responses(
        (status = 200, description = "The offer", body = OfferResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}")]
pub async fn get_offer(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadOffers)?;
    let offer = service::get(&state.db, &caller, id.into_inner()).await?;
    Ok(respond(&caller, offer))
}

/// Change a draft; `lines`, when present, replaces them all. Anything but a draft is a 409
/// `document_immutable`.
#[utoipa::path(
    tag = "offers",
    operation_id = "update_offer",
    params(("id" = Uuid, Path, description = "Offer id"), IfMatch),
    request_body = OfferPatch,
    responses(
        (status = 200, description = "The changed offer", body = OfferResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[patch("/{id}")]
pub async fn update_offer(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<OfferPatch>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOffers)?;
    let patch = body.0;
    let offer = service::update(&state.db, &caller, id.into_inner(), if_match(&req)?, |input| {
        patch.apply_to(input);
    })
    .await?;
    Ok(respond(&caller, offer))
}

/// Delete a draft: its activities stay, unlinked; its history stays readable. A draft revision
/// goes alone (the offer it revises stays superseded). Anything but a draft is a 409
/// `document_immutable`.
#[utoipa::path(
    tag = "offers",
    operation_id = "delete_offer",
    params(("id" = Uuid, Path, description = "Offer id"), IfMatch),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, response = crate::openapi::Conflict),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = []))
)]
#[delete("/{id}")]
pub async fn delete_offer(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOffers)?;
    service::delete(&state.db, &caller, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn transition(
    state: &AppState,
    user: AuthUser,
    req: &HttpRequest,
    id: Uuid,
    action: OfferAction,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOffers)?;
    let offer = service::act(&state.db, &caller, id, if_match(req)?, action).await?;
    Ok(respond(&caller, offer))
}

/// Send a draft to the customer: `draft` → `sent`. It needs lines, and a `valid_until` not past.
#[utoipa::path(
    tag = "offers",
    operation_id = "send_offer",
    params(("id" = Uuid, Path, description = "Offer id"), IfMatch),
    responses(
        (status = 200, description = "The offer, `sent`", body = OfferResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[post("/{id}/send")]
pub async fn send_offer(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    transition(&state, user, &req, id.into_inner(), OfferAction::Send).await
}

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
    security(("bearer" = []))
)]
#[post("/{id}/accept")]
pub async fn accept_offer(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: OptionalBody<AcceptBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOffers)?;
    let selected = body.0.map(|b| b.selected_optional_line_ids).unwrap_or_default();
    let offer = service::accept(&state.db, &caller, id.into_inner(), if_match(&req)?, &selected).await?;
    Ok(respond(&caller, offer))
}

/// The customer declines: `sent` → `rejected`.
#[utoipa::path(
    tag = "offers",
    operation_id = "reject_offer",
    params(("id" = Uuid, Path, description = "Offer id"), IfMatch),
    responses(
        (status = 200, description = "The offer, `rejected`", body = OfferResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::TransitionErrors,
    ),
    security(("bearer" = []))
)]
#[post("/{id}/reject")]
pub async fn reject_offer(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    transition(&state, user, &req, id.into_inner(), OfferAction::Reject).await
}

/// Withdraw a draft or a sent offer: → `cancelled`.
#[utoipa::path(
    tag = "offers",
    operation_id = "cancel_offer",
    params(("id" = Uuid, Path, description = "Offer id"), IfMatch),
    responses(
        (status = 200, description = "The offer, `cancelled`", body = OfferResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::TransitionErrors,
    ),
    security(("bearer" = []))
)]
#[post("/{id}/cancel")]
pub async fn cancel_offer(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    transition(&state, user, &req, id.into_inner(), OfferAction::Cancel).await
}

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
    security(("bearer" = []))
)]
#[post("/{id}/revise")]
pub async fn revise_offer(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteOffers)?;
    let offer = service::revise(&state.db, &caller, id.into_inner(), if_match(&req)?).await?;
    Ok(created(&caller, offer))
}

crate::v1::history::history_endpoint!(
    /// The history of an offer: who changed which fields, from what to what, oldest first.
    list_offer_history,
    Offer,
    tag = "offers",
    id = "Offer id"
);
