//! `/api/v1/subscriptions`: agreements for periodic delivery and billing, their preview, and
//! `/api/v1/subscription-runs`, the billing runs that turn due periods into orders.

pub mod dto;
pub mod runs;

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use domain::access::Permission;
use domain::subscription::{CancelAt, Subscription, SubscriptionAction};
use persistence::subscriptions::{SubscriptionFilter, SubscriptionSort};
use uuid::Uuid;

use self::dto::{
    CancelBody, PreviewQuery, PreviewResponse, SubscriptionBody, SubscriptionListQuery, SubscriptionPage,
    SubscriptionPatch, SubscriptionResponse,
};
use crate::auth::{Authorized, Caller};
use crate::error::ApiError;
use crate::query;
use crate::state::AppState;
use crate::v1::kit::{self, Shown};
use app::subscriptions as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/subscriptions")
            .service(create_subscription)
            .service(list_subscriptions)
            .service(upsert_subscription_by_external_id)
            .service(get_subscription_by_external_id)
            .service(get_subscription)
            .service(update_subscription)
            .service(delete_subscription)
            .service(list_subscription_history)
            .service(preview_subscription)
            .service(crate::v1::flow::get_subscription_flow)
            .service(activate_subscription)
            .service(pause_subscription)
            .service(resume_subscription)
            .service(cancel_subscription),
    );
    config.service(
        scope("/subscription-runs")
            .service(runs::run_billing)
            .service(runs::get_subscription_run),
    );
}

const SORTS: &[(&str, SubscriptionSort)] = &[
    ("created_at", SubscriptionSort::CreatedAt),
    ("updated_at", SubscriptionSort::UpdatedAt),
    ("number", SubscriptionSort::Number),
];

impl Shown for Subscription {
    type Response = SubscriptionResponse;
    fn shown(self, caller: &Caller) -> SubscriptionResponse {
        SubscriptionResponse::new(self, caller.may(Permission::WriteContracts))
    }
}

kit::create_endpoint!(
    /// Agree a subscription, as a `draft`: its lines are checked by pricing its first period (a
    /// line without a price in the currency is a 422 on that line). It bills once activated.
    create_subscription: Subscription => SubscriptionResponse, tag = "subscriptions", body = SubscriptionBody,
    |db, caller, body| service::create(db, &caller, body.into())
);

kit::upsert_endpoint!(
    /// Create or replace the subscription with this external id: the body is the whole
    /// subscription, as for `POST /subscriptions`.
    upsert_subscription_by_external_id: Subscription => SubscriptionResponse, tag = "subscriptions",
    body = SubscriptionBody,
    |db, caller, external_id, if_match, body| service::upsert(db, &caller, external_id, body.into(), if_match)
);

fn filter(query: &SubscriptionListQuery) -> Result<SubscriptionFilter, ApiError> {
    Ok(SubscriptionFilter {
        status: query.status.iter().copied().map(Into::into).collect(),
        party_id: query.party_id,
        contract_id: query.contract_id,
        external_id: query.external_id.clone(),
        q: query::search(query.q.clone())?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    })
}

kit::list_endpoint!(
    /// List subscriptions, newest first.
    list_subscriptions: Subscription => SubscriptionPage, tag = "subscriptions", query = SubscriptionListQuery,
    sorts = SORTS, default = "-created_at",
    filter(query) = filter(&query)?,
    |db, caller, filter, request| service::list(db, &caller, filter, &request)
);

kit::nested_list_endpoint!(
    /// The subscriptions of a party, newest first.
    list_party_subscriptions: Subscription => SubscriptionPage, tag = "subscriptions", path = "/{id}/subscriptions",
    of = "Party id", query = SubscriptionListQuery, sorts = SORTS,
    default = "-created_at", filter(query) = filter(&query)?,
    |db, caller, party_id, filter, request| service::list_of_party(db, &caller, party_id, filter, &request)
);

kit::get_endpoint!(
    /// Read a subscription, with the day its next period falls due.
    get_subscription: Subscription => SubscriptionResponse, tag = "subscriptions", id = "Subscription id",
    external = get_subscription_by_external_id in persistence::subscriptions::Subscriptions,
    |db, caller, id| service::get(db, &caller, id)
);

kit::update_endpoint!(
    /// Change a subscription: new lines and a new end date apply from the next unbilled period.
    /// Once activated its party, currency, start, interval and billing are fixed (422
    /// `unchangeable`); a cancelled or ended one is a 409 `document_immutable`.
    update_subscription: Subscription => SubscriptionResponse, tag = "subscriptions", id = "Subscription id",
    body = SubscriptionPatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, |input| patch.apply_to(input))
);

kit::remove_endpoint!(
    /// Delete a draft; one activated stays with what it billed (409 `document_immutable`).
    delete_subscription: Subscription, tag = "subscriptions", id = "Subscription id", done = "Deleted",
    also = ((status = 409, response = crate::openapi::Conflict)),
    |db, caller, id, if_match| service::delete(db, &caller, id, if_match)
);

kit::transition_endpoint!(
    /// Start billing: `draft` → `active`. The server's daily job bills the periods starting on or
    /// after today; earlier periods of a backdated start are billed by an explicit run.
    activate_subscription: Subscription => SubscriptionResponse, tag = "subscriptions", id = "Subscription id",
    path = "/{id}/activate", done = "The subscription, `active`",
    |db, caller, id, if_match| service::act(db, &caller, id, if_match, SubscriptionAction::Activate, CancelAt::PeriodEnd)
);

kit::transition_endpoint!(
    /// Pause from today: `active` → `paused`. A period starting while paused is skipped, not billed.
    pause_subscription: Subscription => SubscriptionResponse, tag = "subscriptions", id = "Subscription id",
    path = "/{id}/pause", done = "The subscription, `paused`",
    |db, caller, id, if_match| service::act(db, &caller, id, if_match, SubscriptionAction::Pause, CancelAt::PeriodEnd)
);

kit::transition_endpoint!(
    /// Resume from today: `paused` → `active`; a period starting today is billed.
    resume_subscription: Subscription => SubscriptionResponse, tag = "subscriptions", id = "Subscription id",
    path = "/{id}/resume", done = "The subscription, `active`",
    |db, caller, id, if_match| service::act(db, &caller, id, if_match, SubscriptionAction::Resume, CancelAt::PeriodEnd)
);

kit::transition_endpoint!(
    /// Cancel: `active` or `paused` → `cancelled`. At `period_end` the period under way is the last
    /// billed; `now` makes today the last day billed (no pro rata credit: a credit note does that).
    cancel_subscription: Subscription => SubscriptionResponse, tag = "subscriptions", id = "Subscription id",
    path = "/{id}/cancel", done = "The subscription, `cancelled`", body = CancelBody,
    |db, caller, id, if_match, body| service::act(db, &caller, id, if_match, SubscriptionAction::Cancel, body.at.into())
);

crate::v1::history::history_endpoint!(
    /// The history of a subscription: its changes and status, oldest first. The periods it billed
    /// are orders (its flow).
    list_subscription_history,
    Subscription,
    tag = "subscriptions",
    id = "Subscription id"
);

/// The next periods not billed yet, priced as a run would bill them on their start (with the
/// prices, contracts and rules known today). Writes nothing.
#[utoipa::path(
    tag = "subscriptions",
    operation_id = "preview_subscription",
    params(("id" = Uuid, Path, description = "Subscription id"), PreviewQuery),
    responses(
        (status = 200, description = "The periods ahead", body = PreviewResponse),
        (status = 409, response = crate::openapi::Conflict),
        crate::openapi::FilteredReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadContracts)))
)]
#[get("/{id}/preview")]
pub async fn preview_subscription(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
    query: crate::query::Query<PreviewQuery>,
) -> Result<HttpResponse, ApiError> {
    let count = query.periods.unwrap_or(service::DEFAULT_PREVIEW_PERIODS);
    let (subscription, periods) = service::preview(&state.db, &caller, id.into_inner(), count).await?;
    Ok(HttpResponse::Ok().json(PreviewResponse {
        subscription_id: subscription.id,
        currency: subscription.fields.currency.code().to_owned(),
        periods: periods.into_iter().map(Into::into).collect(),
    }))
}
