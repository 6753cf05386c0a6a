//! The change feed as it travels over HTTP.

use chrono::{DateTime, Utc};
use persistence::events::Event;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Like every list's, an unknown parameter is refused: a misspelt filter must not read as "all".
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// A `next_cursor` from an earlier page; none starts at the oldest event kept.
    pub after: Option<String>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Only events of these types (`offer.accepted`). A filtered page may hold fewer events than
    /// `limit`, or none, while `next_cursor` moves on: keep paging until a page comes back empty
    /// with the cursor you sent.
    #[serde(default, rename = "type")]
    #[param(rename = "type", max_items = 50)]
    pub types: Vec<String>,
    /// Only events of these resource types (`invoice`, `sales_order`).
    #[serde(default)]
    #[param(max_items = 50)]
    pub resource_type: Vec<String>,
}

/// One committed change.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventResponse {
    pub id: Uuid,
    /// `{resource_type}.{what}`: `created`, `updated`, `archived`, `deleted`, or the status a
    /// change reached (`offer.accepted`, `invoice.issued`, `invoice.paid`).
    #[serde(rename = "type")]
    #[schema(example = "offer.accepted")]
    pub kind: String,
    #[schema(example = "offer")]
    pub resource_type: String,
    pub resource_id: Uuid,
    /// The user whose request made the change; null for the server's own changes (the first
    /// admin, users made with the `create-user` command).
    pub actor_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    /// The record as `GET` shows it after the change (before it, for a deletion), without
    /// `allowed_actions`.
    #[schema(value_type = Object)]
    pub data: Value,
}

/// A page of the feed. `next_cursor` is never null: with nothing new it is the cursor given, so
/// a consumer always has one to resume from.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<EventResponse>,
    pub next_cursor: String,
}

impl From<Event> for EventResponse {
    fn from(event: Event) -> Self {
        Self {
            id: event.id,
            kind: event.kind,
            resource_type: event.resource_type,
            resource_id: event.resource_id,
            actor_id: event.actor_id,
            occurred_at: event.occurred_at,
            data: event.data,
        }
    }
}

impl From<app::events::EventPage> for EventPage {
    fn from(page: app::events::EventPage) -> Self {
        Self {
            items: page.items.into_iter().map(EventResponse::from).collect(),
            next_cursor: page.next_cursor,
        }
    }
}
