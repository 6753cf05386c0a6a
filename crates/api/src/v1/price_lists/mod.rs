//! `/api/v1/price-lists`: prices per party, with quantity tiers and validity.
//!
//! Price list endpoints: everyone who prices reads them; managers, integrators and admins keep them.

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use domain::access::Permission;
use uuid::Uuid;

use self::dto::{
    PriceListBody, PriceListPage, PriceListPatch, PriceListQuery, PriceListResponse, PriceListSummaryResponse,
};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, if_match};
use crate::pagination::{self, KeyKind};
use crate::query;
use crate::respond::etag;
use crate::state::AppState;
use app::price_lists as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/price-lists")
            .service(create_price_list)
            .service(list_price_lists)
            .service(get_price_list)
            .service(list_price_list_history)
            .service(update_price_list)
            .service(delete_price_list),
    );
}

const SORT: &str = "name";

/// Create a price list with its entries (tiers by minimum quantity). Parties point to it with
/// `price_list_id`.
#[utoipa::path(
    tag = "pricing",
    operation_id = "create_price_list",
    request_body = PriceListBody,
    responses(
        (status = 201, description = "Created", body = PriceListResponse,
            headers(("Location" = String, description = "URL of the new price list"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = []))
)]
#[post("")]
pub async fn create_price_list(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<PriceListBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ManagePricing)?;
    let list = service::create(&state.db, &caller, body.0.into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/price-lists/{}", list.id)))
        .insert_header(etag(list.version))
        .json(PriceListResponse::from(list)))
}

/// List the price lists by name (with `updated_since`, oldest change first), without their entries.
#[utoipa::path(
    tag = "pricing",
    operation_id = "list_price_lists",
    params(PriceListQuery),
    responses(
        (status = 200, description = "A page of price lists", body = PriceListPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = []))
)]
#[get("")]
pub async fn list_price_lists(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PriceListQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Permission::ReadPricing)?;
    let updated_since = query::instant("updated_since", query.updated_since)?;
    let (request, sort) =
        pagination::natural_or_updated(SORT, KeyKind::Text, updated_since, query.limit, query.cursor.as_deref())?;
    let page = service::list(&state.db, updated_since, &request).await?;
    Ok(HttpResponse::Ok().json(PriceListPage::new(page, sort, PriceListSummaryResponse::from)))
}

/// Read a price list with its entries.
#[utoipa::path(
    tag = "pricing",
    operation_id = "get_price_list",
    params(("id" = Uuid, Path, description = "Price list id")),
    responses(
        (status = 200, description = "The price list", body = PriceListResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}")]
pub async fn get_price_list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require(Permission::ReadPricing)?;
    let list = service::get(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(list.version))
        .json(PriceListResponse::from(list)))
}

/// Change a price list; `entries`, when present, replaces them all. Documents already priced keep
/// their prices.
#[utoipa::path(
    tag = "pricing",
    operation_id = "update_price_list",
    params(("id" = Uuid, Path, description = "Price list id"), IfMatch),
    request_body = PriceListPatch,
    responses(
        (status = 200, description = "The changed price list", body = PriceListResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[patch("/{id}")]
pub async fn update_price_list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<PriceListPatch>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ManagePricing)?;
    let patch = body.0;
    let list = service::update(&state.db, &caller, id.into_inner(), if_match(&req)?, |input| {
        patch.apply_to(input);
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(list.version))
        .json(PriceListResponse::from(list)))
}

/// Delete a price list no party is priced by; one in use is a 409 `price_list_in_use`.
#[utoipa::path(
    tag = "pricing",
    operation_id = "delete_price_list",
    params(("id" = Uuid, Path, description = "Price list id"), IfMatch),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, response = crate::openapi::Conflict),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = []))
)]
#[delete("/{id}")]
pub async fn delete_price_list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ManagePricing)?;
    service::delete(&state.db, &caller, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

crate::v1::history::history_endpoint!(
    /// The history of a price list, also of a deleted one.
    list_price_list_history,
    PriceList,
    tag = "pricing",
    id = "Price list id"
);
