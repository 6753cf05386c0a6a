//! `/api/v1/discount-rules`: percentages and the conditions they apply under.
//!
//! Discount rule endpoints: everyone who prices reads them; managers, integrators and admins keep them.

pub mod dto;

use actix_web::{HttpResponse, delete, get, patch, post, web};
use domain::access::Permission;

use self::dto::{DiscountRuleBody, DiscountRulePage, DiscountRulePatch, DiscountRuleQuery, DiscountRuleResponse};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::pagination::{self, KeyKind};
use crate::query;
use crate::state::AppState;
use crate::v1::kit::{self};
use app::discount_rules as service;
use domain::pricing::DiscountRule;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

kit::shown_alike!(DiscountRule => DiscountRuleResponse);

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

kit::create_endpoint!(
    /// Create a discount rule: a percent and the conditions under which it applies.
    create_discount_rule: DiscountRule => DiscountRuleResponse, tag = "pricing", body = DiscountRuleBody,
    |db, caller, body| service::create(db, &caller, body.into())
);

/// List the discount rules by name; with `updated_since`, oldest change first.
#[utoipa::path(
    tag = "pricing",
    operation_id = "list_discount_rules",
    params(DiscountRuleQuery),
    responses(
        (status = 200, description = "A page of discount rules", body = DiscountRulePage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadPricing)))
)]
#[get("")]
pub async fn list_discount_rules(
    state: web::Data<AppState>,
    _caller: Authorized,
    query: crate::query::Query<DiscountRuleQuery>,
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
    Ok(HttpResponse::Ok().json(DiscountRulePage::new(page, sort, DiscountRuleResponse::from)))
}

kit::get_endpoint!(
    /// Read a discount rule.
    get_discount_rule: DiscountRule => DiscountRuleResponse, tag = "pricing", id = "Discount rule id",
    |db, caller, id| service::get(db, id)
);

kit::update_endpoint!(
    /// Change a discount rule; switch it off with `active: false`. Documents already priced keep their
    /// discounts.
    update_discount_rule: DiscountRule => DiscountRuleResponse, tag = "pricing", id = "Discount rule id", body = DiscountRulePatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, |input| patch.apply_to(input))
);

kit::remove_endpoint!(
    /// Delete a discount rule; documents priced with it keep their discounts.
    delete_discount_rule: DiscountRule, tag = "pricing", id = "Discount rule id", done = "Deleted",
    |db, caller, id, if_match| service::delete(db, &caller, id, if_match)
);

crate::v1::history::history_endpoint!(
    /// The history of a discount rule, also of a deleted one.
    list_discount_rule_history,
    DiscountRule,
    tag = "pricing",
    id = "Discount rule id"
);
