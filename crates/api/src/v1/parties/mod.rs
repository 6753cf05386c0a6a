//! `/api/v1/parties`: customers, prospects, suppliers, competitors and partners.
//!
//! Party endpoints: extract, check the permission, call the service, respond.

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use domain::access::Permission;
use persistence::parties::{PartyFilter, PartySort};
use uuid::Uuid;

use self::dto::{PartyBatchBody, PartyBody, PartyListQuery, PartyPage, PartyPatch, PartyResponse};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, if_match};
use crate::pagination::{self};
use crate::respond::etag;
use crate::state::AppState;
use crate::v1::batch::{self, BatchProblem, BatchResponse};
use app::parties as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/parties")
            .service(create_party)
            .service(list_parties)
            .service(batch_upsert_parties)
            .service(upsert_party_by_external_id)
            .service(get_party)
            .service(list_party_history)
            .service(crate::v1::activities::list_party_activities)
            .service(crate::v1::opportunities::list_party_opportunities)
            .service(crate::v1::offers::list_party_offers)
            .service(update_party)
            .service(archive_party),
    );
}

/// Create a party.
#[utoipa::path(
    tag = "parties",
    operation_id = "create_party",
    request_body = PartyBody,
    responses(
        (status = 201, description = "Created", body = PartyResponse,
            headers(("Location" = String, description = "URL of the new party"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = []))
)]
#[post("")]
pub async fn create_party(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<PartyBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteParties)?;
    let party = service::create(&state.db, &caller, body.0.into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/parties/{}", party.id)))
        .insert_header(etag(party.version))
        .json(PartyResponse::from(party)))
}

/// List parties, filtered, sorted and paginated by cursor.
#[utoipa::path(
    tag = "parties",
    operation_id = "list_parties",
    params(PartyListQuery),
    responses(
        (status = 200, description = "A page of parties", body = PartyPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = []))
)]
#[get("")]
pub async fn list_parties(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PartyListQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadParties)?;
    let query = query.into_inner();
    let default_sort = if query.updated_since.is_some() {
        "updated_at"
    } else {
        "name"
    };
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        default_sort,
        &[
            ("name", PartySort::Name),
            ("created_at", PartySort::CreatedAt),
            ("updated_at", PartySort::UpdatedAt),
        ],
        query.limit,
        query.cursor.as_deref(),
    )?;
    let filter = PartyFilter {
        kind: query.kind.map(Into::into),
        role: query.role.map(Into::into),
        owner_id: query.owner_id,
        organization_id: query.organization_id,
        customer_group: query.customer_group,
        tag: query.tag.map(|tag| tag.trim().to_owned()),
        external_id: query.external_id,
        q: crate::query::search(query.q)?,
        updated_since: crate::query::instant("updated_since", query.updated_since)?,
        include_archived: query.include_archived.unwrap_or(false),
    };
    let page = service::list(&state.db, &caller, &filter, &request).await?;
    Ok(HttpResponse::Ok().json(PartyPage::new(page, &sort, PartyResponse::from)))
}

/// Read a party (archived ones too).
#[utoipa::path(
    tag = "parties",
    operation_id = "get_party",
    params(("id" = Uuid, Path, description = "Party id")),
    responses(
        (status = 200, description = "The party", body = PartyResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}")]
pub async fn get_party(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ReadParties)?;
    let party = service::get(&state.db, &caller, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(party.version))
        .json(PartyResponse::from(party)))
}

/// Change a party: fields present are set, `null` clears, absent fields are kept.
#[utoipa::path(
    tag = "parties",
    operation_id = "update_party",
    params(
        ("id" = Uuid, Path, description = "Party id"),
        IfMatch,
    ),
    request_body = PartyPatch,
    responses(
        (status = 200, description = "The changed party", body = PartyResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[patch("/{id}")]
pub async fn update_party(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<PartyPatch>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteParties)?;
    let patch = body.0;
    let party = service::update(&state.db, &caller, id.into_inner(), if_match(&req)?, |input| {
        patch.apply_to(input);
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(party.version))
        .json(PartyResponse::from(party)))
}

/// Archive a party: it stays readable by id, leaves the lists and takes no new documents.
#[utoipa::path(
    tag = "parties",
    operation_id = "archive_party",
    params(
        ("id" = Uuid, Path, description = "Party id"),
        IfMatch,
    ),
    responses(
        (status = 204, description = "Archived"),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = []))
)]
#[delete("/{id}")]
pub async fn archive_party(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteParties)?;
    service::archive(&state.db, &caller, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Create or replace the party with this external id (the body is the whole record).
#[utoipa::path(
    tag = "parties",
    operation_id = "upsert_party_by_external_id",
    params(
        ("external_id" = String, Path, description = "The party's id in the integrator's system"),
        IfMatch,
    ),
    request_body = PartyBody,
    responses(
        (status = 200, description = "Replaced", body = PartyResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 201, description = "Created", body = PartyResponse,
            headers(("Location" = String, description = "URL of the new party"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[put("/by-external-id/{external_id}")]
pub async fn upsert_party_by_external_id(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    external_id: web::Path<String>,
    body: Body<PartyBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteParties)?;
    let upserted = service::upsert(&state.db, &caller, &external_id, body.0.into(), if_match(&req)?).await?;
    Ok(crate::v1::upsert::respond(
        upserted,
        |party| format!("/api/v1/parties/{}", party.id),
        |party| party.version,
        PartyResponse::from,
    ))
}

crate::v1::history::history_endpoint!(
    /// The history of a party: who changed which fields, from what to what, oldest first.
    list_party_history,
    Party,
    tag = "parties",
    id = "Party id"
);

/// Create or replace up to 100 parties by external id, each item as
/// `PUT /parties/by-external-id/{external_id}` would (same rules, same permission). Without
/// `all_or_none`, each item is its own transaction and the answer is a 200 with every item's
/// result, errors included (`problem` is the problem document the single request would have
/// answered). With `all_or_none`, nothing is committed if any item fails: a 422 `batch_failed`
/// lists every item's result, those that went through as `rolled_back`.
#[utoipa::path(
    tag = "parties",
    operation_id = "batch_upsert_parties",
    request_body = PartyBatchBody,
    responses(
        (status = 200, description = "Every item's result", body = BatchResponse),
        (status = 422, description = "`items` empty or over 100 (`validation_failed`), or an `all_or_none` batch in which an item failed (`batch_failed`): nothing was committed", body = BatchProblem, content_type = "application/problem+json"),
        crate::openapi::BatchErrors,
    ),
    security(("bearer" = []))
)]
#[post("/batch")]
pub async fn batch_upsert_parties(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<PartyBatchBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteParties)?;
    let body = body.0;
    batch::run(
        &state.db,
        &body.items,
        body.all_or_none,
        |item: &PartyBody| item.external_id.as_deref(),
        async |txn, item: PartyBody| {
            let external_id = item.external_id.clone().unwrap_or_default();
            let upserted = service::upsert(txn, &caller, &external_id, item.into(), None).await?;
            Ok(upserted.map(|party| (party.id, party.version)))
        },
    )
    .await
}
