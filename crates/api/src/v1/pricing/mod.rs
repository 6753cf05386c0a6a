//! `/api/v1/pricing`: resolving prices; the rules live in `/price-lists` and `/discount-rules`.
//!
//! `GET /pricing/resolve`: why a price is what it is.

pub mod dto;

use actix_web::{HttpResponse, get, web};
use domain::access::Permission;
use domain::currency::Currency;
use domain::validation::ValidationErrors;
use rust_decimal::Decimal;

use self::dto::{ResolutionResponse, ResolveQuery};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::state::AppState;
use app::pricing::PricingContext;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(scope("/pricing").service(resolve_price));
}

/// Resolve the unit price and discount of a product for a party: the price list tier or the list
/// price, the single best discount rule, and an explanation of every rule considered.
#[utoipa::path(
    tag = "pricing",
    operation_id = "resolve_price",
    params(ResolveQuery),
    responses(
        (status = 200, description = "The price and why", body = ResolutionResponse),
        crate::openapi::FilteredReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadPricing)))
)]
#[get("/resolve")]
pub async fn resolve_price(
    state: web::Data<AppState>,
    caller: Authorized,
    query: crate::query::Query<ResolveQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let mut errors = ValidationErrors::new();
    let quantity = match query.quantity.as_deref() {
        None => Some(Decimal::ONE),
        Some(text) => {
            let quantity = crate::query::decimal("quantity", text)?;
            errors.check("quantity", domain::money::check_quantity(quantity))
        }
    };
    let wanted = match query.currency.as_deref() {
        Some(code) => errors.check("currency", Currency::parse(code)),
        None => None,
    };
    let quantity = errors.finish(|| quantity.expect("checked"))?;
    let date = crate::query::date("date", query.date)?.unwrap_or_else(app::clock::today);
    let party = app::parties::get(&state.db, &caller, query.party_id).await?;
    let product = app::products::get(&state.db, query.product_id).await?;
    let currency = wanted.or(party.fields.currency).unwrap_or(product.fields.currency);
    let context = PricingContext::load(&state.db, &party, &[product.id], date).await?;
    let resolution = context.resolve(&product, quantity, currency);
    Ok(HttpResponse::Ok().json(ResolutionResponse::new(
        party.id, product.id, quantity, date, resolution,
    )))
}
