//! Webhook subscriptions and their deliveries as they travel over HTTP.

use chrono::{DateTime, Utc};
use domain::webhook::{Webhook, WebhookInput};
use persistence::webhook_deliveries::{Delivery, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

fn yes() -> bool {
    true
}

/// A subscription.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct WebhookBody {
    /// Where deliveries are sent (POST): http or https, no credentials; private, loopback and
    /// link-local addresses are refused unless the server allows them.
    #[schema(example = "https://erp.example.com/crm-events", max_length = 2000)]
    pub url: String,
    /// `*`, `{resource}.*` or exact types such as `invoice.paid`.
    #[schema(example = json!(["offer.*", "invoice.paid"]), min_items = 1, max_items = 50)]
    pub event_types: Vec<String>,
    /// The HMAC-SHA256 key of the signatures, 24–100 characters; the server makes one when it
    /// is left out. Shown only in the response to this request.
    #[schema(min_length = 24, max_length = 100)]
    pub secret: Option<String>,
    /// Leave out the changes made with the subscriber's own token.
    #[serde(default)]
    pub skip_own: bool,
    #[serde(default = "yes")]
    #[schema(default = true)]
    pub active: bool,
}

/// Changes to a subscription; absent fields stay as they are. A new `secret` replaces the key
/// from the next delivery on.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    #[schema(min_items = 1, max_items = 50)]
    pub event_types: Option<Vec<String>>,
    #[schema(min_length = 24, max_length = 100)]
    pub secret: Option<String>,
    pub skip_own: Option<bool>,
    pub active: Option<bool>,
}

impl WebhookPatch {
    pub fn apply(self, mut input: WebhookInput) -> (WebhookInput, Option<String>) {
        if let Some(url) = self.url {
            input.url = url;
        }
        if let Some(event_types) = self.event_types {
            input.event_types = event_types;
        }
        if let Some(skip_own) = self.skip_own {
            input.skip_own = skip_own;
        }
        if let Some(active) = self.active {
            input.active = active;
        }
        (input, self.secret)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookResponse {
    pub id: Uuid,
    pub url: String,
    pub event_types: Vec<String>,
    pub skip_own: bool,
    pub active: bool,
    /// Who subscribed: `skip_own` leaves out their changes.
    pub owner_id: Uuid,
    /// Only in the response that created the subscription or set a new secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub secret: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookResponse {
    pub fn new(webhook: Webhook, show_secret: bool) -> Self {
        Self {
            id: webhook.id,
            url: webhook.fields.url.to_string(),
            event_types: webhook.fields.event_types,
            skip_own: webhook.fields.skip_own,
            active: webhook.fields.active,
            owner_id: webhook.owner_id,
            secret: show_secret.then_some(webhook.secret),
            version: webhook.version,
            created_at: webhook.created_at,
            updated_at: webhook.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WebhookListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
}

crate::pagination::page_of!(
    /// A page of webhook subscriptions.
    WebhookPage(WebhookResponse)
);

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its first attempt or its next retry.
    Pending,
    /// The receiver answered 2xx.
    Succeeded,
    /// Given up: a day of failed retries, or an address deliveries may not go to.
    Failed,
}

crate::dto::mirror_enum!(DeliveryState <-> State { Pending, Succeeded, Failed });

/// One delivery of an event to a subscription, with its last attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub id: Uuid,
    pub webhook_id: Uuid,
    /// The event delivered (the feed's event id); none for a test delivery.
    pub event_id: Option<Uuid>,
    #[schema(example = "invoice.paid")]
    pub event_type: String,
    pub state: DeliveryState,
    pub attempts: i32,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's status of the last attempt, if it answered.
    pub last_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The body sent, exactly as signed.
    pub payload: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Delivery> for DeliveryResponse {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id,
            webhook_id: d.webhook_id,
            event_id: d.event_id,
            event_type: d.event_type,
            state: d.state.into(),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error,
            delivered_at: d.delivered_at,
            payload: d.payload,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListQuery {
    pub state: Option<DeliveryState>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
}

crate::pagination::page_of!(
    /// A page of deliveries, newest first.
    DeliveryPage(DeliveryResponse)
);
