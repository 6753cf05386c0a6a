//! `/api/v1/discount-rules`: percentages and the conditions they apply under.
//!
//! Discount rule endpoints: everyone who prices reads them; managers, integrators and admins keep them.

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use domain::access::Permission;
use uuid::Uuid;

use self::dto::{DiscountRuleBody, DiscountRulePage, DiscountRulePatch, DiscountRuleQuery, DiscountRuleResponse};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, if_match};
use crate::pagination::{self, KeyKind};
use crate::query;
use crate::respond::etag;
use crate::state::AppState;
use app::discount_rules as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/discount-rules")
            .service(create_discount_rule)
            .service(list_discount_rules)
            .service(get_discount_rule)
            .service(list_discount_rule_history)
            .service(update_discount_rule)
            .service(delete_discount_rule),
    );
}

const SORT: &str = "name";

/// Create a discount rule: a percent and the conditions under which it applies.
#[utoipa::path(
    tag = "pricing",
    operation_id = "create_discount_rule",
    request_body = DiscountRuleBody,
    responses(
        (status = 201, description = "Created", body = DiscountRuleResponse,
            headers(("Location" = String, description = "URL of the new discount rule"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = []))
)]
#[post("")]
pub async fn create_discount_rule(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<DiscountRuleBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ManagePricing)?;
    let list = service::create(&state.db, &caller, body.0.into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/discount-rules/{}", list.id)))
        .insert_header(etag(list.version))
        .json(DiscountRuleResponse::from(list)))
}

/// List the discount rules by name; with `updated_since`, oldest change first.
#[utoipa::path(
    tag = "pricing",
    operation_id = "list_discount_rules",
    params(DiscountRuleQuery),
    responses(
        (status = 200, description = "A page of discount rules", body = DiscountRulePage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = []))
)]
#[get("")]
pub async fn list_discount_rules(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<DiscountRuleQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Permission::ReadPricing)?;
    let updated_since = query::instant("updated_since", query.updated_since)?;
    let (request, sort) =
        pagination::natural_or_updated(SORT, KeyKind::Text, updated_since, query.limit, query.cursor.as_deref())?;
    let page = service::list(&state.db, updated_since, &request).await?;
    Ok(HttpResponse::Ok().json(DiscountRulePage::new(page, sort, DiscountRuleResponse::from)))
}

/// Read a discount rule.
#[utoipa::path(
    tag = "pricing",
    operation_id = "get_discount_rule",
    params(("id" = Uuid, Path, description = "Discount rule id")),
    responses(
        (status = 200, description = "The discount rule", body = DiscountRuleResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}")]
pub async fn get_discount_rule(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require(Permission::ReadPricing)?;
    let list = service::get(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(list.version))
        .json(DiscountRuleResponse::from(list)))
}

/// Change a discount rule; switch it off with `active: false`. Documents already priced keep their
/// discounts.
#[utoipa::path(
    tag = "pricing",
    operation_id = "update_discount_rule",
    params(("id" = Uuid, Path, description = "Discount rule id"), IfMatch),
    request_body = DiscountRulePatch,
    responses(
        (status = 200, description = "The changed discount rule", body = DiscountRuleResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[patch("/{id}")]
pub async fn update_discount_rule(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<DiscountRulePatch>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::ManagePricing)?;
    let patch = body.0;
    let list = service::update(&state.db, &caller, id.into_inner(), if_match(&req)?, |input| {
        patch.apply_to(input);
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(list.version))
        .json(DiscountRuleResponse::from(list)))
}

/// Delete a discount rule; documents priced with it keep their discounts.
#[utoipa::path(
    tag = "pricing",
    operation_id = "delete_discount_rule",
    params(("id" = Uuid, Path, description = "Discount rule id"), IfMatch),
    responses(
        (status = 204, description = "Deleted"),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = []))
)]
#[delete("/{id}")]
pub async fn delete_discount_rule(
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
    /// The history of a discount rule, also of a deleted one.
    list_discount_rule_history,
    DiscountRule,
    tag = "pricing",
    id = "Discount rule id"
);
