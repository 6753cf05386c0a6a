//! `/api/v1/webhooks`: subscriptions to the change feed, delivered by the server's worker
//! (`crate::delivery`), and their delivery logs.
//!
//! Webhook endpoints (admins and integrators).

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use domain::access::Permission;
use domain::webhook::WebhookInput;
use persistence::page::PageRequest;
use uuid::Uuid;

use self::dto::{
    DeliveryListQuery, DeliveryPage, DeliveryResponse, WebhookBody, WebhookListQuery, WebhookPage, WebhookPatch,
    WebhookResponse,
};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, if_match};
use crate::pagination::{self, KeyKind};
use crate::respond::etag;
use crate::state::AppState;
use crate::v1::kit::{self, Shown};
use app::caller::Caller;
use app::webhooks as service;
use domain::webhook::Webhook;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// A subscription read back: its secret is shown only when it is made or rotated.
impl Shown for Webhook {
    type Response = WebhookResponse;
    fn shown(self, _: &Caller) -> WebhookResponse {
        WebhookResponse::new(self, false)
    }
}

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/webhooks")
            .service(create_webhook)
            .service(list_webhooks)
            .service(get_webhook)
            .service(update_webhook)
            .service(delete_webhook)
            .service(list_webhook_deliveries)
            .service(get_webhook_delivery)
            .service(redeliver_webhook_delivery)
            .service(test_webhook),
    );
}

/// The sort of the delivery log: newest first.
const DELIVERY_SORT: &str = "-created_at";

/// Subscribe to events. Each matching event is sent to `url` in a POST as the feed shows it, signed in
/// `CRM-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`, with
/// `CRM-Event-Id`, `CRM-Event-Type` and `CRM-Delivery-Id`. A delivery succeeds on a 2xx within 10 s
/// (redirects are not followed); it is retried after 30 s, 1 min, 2 min, … at most an hour apart,
/// for a day. The subscription takes the events committed from its creation on (and, should the
/// server be catching up with its deliveries, the ones not yet handed out then). Deliveries stop
/// while it is inactive, or when its owner is deactivated or loses the role. The response shows
/// the secret; later reads never do. Delivery is at least once: a receiver deduplicates by
/// `CRM-Event-Id`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "create_webhook",
    request_body = WebhookBody,
    responses(
        (status = 201, description = "Subscribed; the secret is shown this once", body = WebhookResponse,
            headers(("Location" = String, description = "URL of the subscription"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ManageWebhooks)))
)]
#[post("")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: Authorized,
    body: Body<WebhookBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let input = WebhookInput {
        url: body.url,
        event_types: body.event_types,
        skip_own: body.skip_own,
        active: body.active,
    };
    let hook = service::create(&state.db, &caller, input, body.secret, state.webhooks.allow_private).await?;
    state.webhooks.wake();
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{}", hook.id)))
        .insert_header(etag(hook.version))
        .json(WebhookResponse::new(hook, true)))
}

/// List subscriptions, oldest first: all of them for admins, their own for integrators.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "list_webhooks",
    params(WebhookListQuery),
    responses(
        (status = 200, description = "A page of subscriptions", body = WebhookPage),
        crate::openapi::ListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ManageWebhooks)))
)]
#[get("")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    caller: Authorized,
    query: crate::query::Query<WebhookListQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = pagination::oldest_first(query.limit, query.cursor.as_deref(), &query.include)?;
    let page = service::list(&state.db, &caller, &request).await?;
    Ok(
        HttpResponse::Ok().json(WebhookPage::new(page, pagination::CREATED_AT, |hook| {
            WebhookResponse::new(hook, false)
        })),
    )
}

kit::get_endpoint!(
    /// Read a subscription (without its secret).
    get_webhook: Webhook => WebhookResponse, tag = "webhooks", id = "Subscription id",
    |db, caller, id| service::get(db, &caller, id)
);

/// Change a subscription: its URL, event types, `skip_own`, `active` (an inactive one keeps its
/// pending deliveries until it is active again), or its secret (rotation: the response shows the
/// new one, which signs every attempt from now on).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "update_webhook",
    params(("id" = Uuid, Path, description = "Subscription id"), IfMatch),
    request_body = WebhookPatch,
    responses(
        (status = 200, description = "The changed subscription", body = WebhookResponse, headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ManageWebhooks)))
)]
#[patch("/{id}")]
pub async fn update_webhook(
    state: web::Data<AppState>,
    caller: Authorized,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<WebhookPatch>,
) -> Result<HttpResponse, ApiError> {
    let (hook, rotated) = service::update(
        &state.db,
        &caller,
        id.into_inner(),
        if_match(&req)?,
        |input| body.0.apply(input),
        state.webhooks.allow_private,
    )
    .await?;
    state.webhooks.wake();
    Ok(HttpResponse::Ok()
        .insert_header(etag(hook.version))
        .json(WebhookResponse::new(hook, rotated)))
}

kit::remove_endpoint!(
    /// Unsubscribe: the subscription goes with its delivery log, and nothing pending is sent.
    delete_webhook: Webhook, tag = "webhooks", id = "Subscription id", done = "Deleted",
    |db, caller, id, if_match| service::delete(db, &caller, id, if_match)
);

/// The delivery log of a subscription, newest first: every delivery with its attempts, the
/// receiver's last status and error, and the body sent.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "list_webhook_deliveries",
    params(("id" = Uuid, Path, description = "Subscription id"), DeliveryListQuery),
    responses(
        (status = 200, description = "A page of deliveries", body = DeliveryPage),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ManageWebhooks)))
)]
#[get("/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
    query: crate::query::Query<DeliveryListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (_, direction) = pagination::direction(DELIVERY_SORT);
    let request = PageRequest {
        sort: (),
        direction,
        limit: pagination::limit(query.limit)?,
        after: pagination::after(DELIVERY_SORT, KeyKind::Time, query.cursor.as_deref())?,
        count: pagination::counts(&query.include),
    };
    let page = service::deliveries(
        &state.db,
        &caller,
        id.into_inner(),
        query.state.map(Into::into),
        &request,
    )
    .await?;
    Ok(HttpResponse::Ok().json(DeliveryPage::new(page, DELIVERY_SORT, DeliveryResponse::from)))
}

/// Read one delivery.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "get_webhook_delivery",
    params(
        ("id" = Uuid, Path, description = "Subscription id"),
        ("delivery_id" = Uuid, Path, description = "Delivery id"),
    ),
    responses(
        (status = 200, description = "The delivery", body = DeliveryResponse),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ManageWebhooks)))
)]
#[get("/{id}/deliveries/{delivery_id}")]
pub async fn get_webhook_delivery(
    state: web::Data<AppState>,
    caller: Authorized,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery_id) = path.into_inner();
    let delivery = service::delivery(&state.db, &caller, id, delivery_id).await?;
    Ok(HttpResponse::Ok().json(DeliveryResponse::from(delivery)))
}

/// Send a delivery's body again now, as a new delivery (the log keeps both; the event id is the
/// same, so a receiver that deduplicates by it sees a repeat). Works for any delivery, also one
/// that succeeded or was given up; an inactive subscription is a 409 `webhook_inactive`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "redeliver_webhook_delivery",
    params(
        ("id" = Uuid, Path, description = "Subscription id"),
        ("delivery_id" = Uuid, Path, description = "The delivery to repeat"),
    ),
    responses(
        (status = 202, description = "The new delivery, pending", body = DeliveryResponse,
            headers(("Location" = String, description = "URL of the new delivery"))),
        (status = 409, response = crate::openapi::Conflict),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ManageWebhooks)))
)]
#[post("/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook_delivery(
    state: web::Data<AppState>,
    caller: Authorized,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery_id) = path.into_inner();
    let delivery = service::redeliver(&state.db, &caller, id, delivery_id).await?;
    state.webhooks.wake();
    Ok(accepted(delivery))
}

/// Send a `webhook.test` event to the subscription now, whatever event types it takes, to check
/// the receiver and its signature check. Its outcome is in the delivery log. An inactive
/// subscription is a 409 `webhook_inactive`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "test_webhook",
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses(
        (status = 202, description = "The test delivery, pending", body = DeliveryResponse,
            headers(("Location" = String, description = "URL of the delivery"))),
        (status = 409, response = crate::openapi::Conflict),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ManageWebhooks)))
)]
#[post("/{id}/test")]
pub async fn test_webhook(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let delivery = service::test(&state.db, &caller, id.into_inner()).await?;
    state.webhooks.wake();
    Ok(accepted(delivery))
}

fn accepted(delivery: persistence::webhook_deliveries::Delivery) -> HttpResponse {
    HttpResponse::Accepted()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/webhooks/{}/deliveries/{}", delivery.webhook_id, delivery.id),
        ))
        .json(DeliveryResponse::from(delivery))
}
