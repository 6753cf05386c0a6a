//! `/api/v1/price-lists`: prices per party, with quantity tiers and validity.
//!
//! Price list endpoints: everyone who prices reads them; managers, integrators and admins keep them.

pub mod dto;

use actix_web::{HttpResponse, delete, get, patch, post, web};
use domain::access::Permission;

use self::dto::{
    PriceListBody, PriceListPage, PriceListPatch, PriceListQuery, PriceListResponse, PriceListSummaryResponse,
};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::pagination::{self, KeyKind};
use crate::query;
use crate::state::AppState;
use crate::v1::kit::{self};
use app::price_lists as service;
use domain::pricing::PriceList;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

kit::shown_alike!(PriceList => PriceListResponse);

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

kit::create_endpoint!(
    /// Create a price list with its entries (tiers by minimum quantity). Parties point to it with
    /// `price_list_id`.
    create_price_list: PriceList => PriceListResponse, tag = "pricing", body = PriceListBody,
    |db, caller, body| service::create(db, &caller, body.into())
);

/// List the price lists by name (with `updated_since`, oldest change first), without their entries.
#[utoipa::path(
    tag = "pricing",
    operation_id = "list_price_lists",
    params(PriceListQuery),
    responses(
        (status = 200, description = "A page of price lists", body = PriceListPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadPricing)))
)]
#[get("")]
pub async fn list_price_lists(
    state: web::Data<AppState>,
    _caller: Authorized,
    query: crate::query::Query<PriceListQuery>,
) -> Result<HttpResponse, ApiError> {
    let updated_since = query::instant("updated_since", query.updated_since)?;
    let (request, sort) = pagination::natural_or_updated(
        SORT,
        KeyKind::Text,
        updated_since,
        query.limit,
        query.cursor.as_deref(),
        &query.include,
    )?;
    let page = service::list(&state.db, updated_since, &request).await?;
    Ok(HttpResponse::Ok().json(PriceListPage::new(page, sort, PriceListSummaryResponse::from)))
}

kit::get_endpoint!(
    /// Read a price list with its entries.
    get_price_list: PriceList => PriceListResponse, tag = "pricing", id = "Price list id",
    |db, caller, id| service::get(db, id)
);

kit::update_endpoint!(
    /// Change a price list; `entries`, when present, replaces them all. Documents already priced keep
    /// their prices.
    update_price_list: PriceList => PriceListResponse, tag = "pricing", id = "Price list id", body = PriceListPatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, |input| patch.apply_to(input))
);

kit::remove_endpoint!(
    /// Delete a price list no party is priced by; one in use is a 409 `price_list_in_use`.
    delete_price_list: PriceList, tag = "pricing", id = "Price list id", done = "Deleted",
    also = ((status = 409, response = crate::openapi::Conflict)),
    |db, caller, id, if_match| service::delete(db, &caller, id, if_match)
);

crate::v1::history::history_endpoint!(
    /// The history of a price list, also of a deleted one.
    list_price_list_history,
    PriceList,
    tag = "pricing",
    id = "Price list id"
);
