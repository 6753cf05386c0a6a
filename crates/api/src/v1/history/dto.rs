use chrono::{DateTime, Utc};
use domain::history::{Action, FieldChange};
use persistence::history::Entry;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The one sort of a history: oldest first, by when the change happened.
pub const HISTORY_SORT: &str = "occurred_at";

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    Created,
    Updated,
    Archived,
    Deleted,
}

/// One field's change: its value before (null on creation) and after.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeResponse {
    pub field: String,
    pub from: Value,
    pub to: Value,
}

/// One change of a record: who, when, and which fields from what to what.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntryResponse {
    pub id: Uuid,
    pub action: HistoryAction,
    /// The user who made the change.
    pub actor_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    pub changes: Vec<FieldChangeResponse>,
}

impl From<Entry> for HistoryEntryResponse {
    fn from(entry: Entry) -> Self {
        Self {
            id: entry.id,
            action: match entry.action {
                Action::Created => HistoryAction::Created,
                Action::Updated => HistoryAction::Updated,
                Action::Archived => HistoryAction::Archived,
                Action::Deleted => HistoryAction::Deleted,
            },
            actor_id: entry.actor_id,
            occurred_at: entry.occurred_at,
            changes: entry
                .changes
                .into_iter()
                .map(|FieldChange { field, from, to }| FieldChangeResponse { field, from, to })
                .collect(),
        }
    }
}

crate::pagination::page_of!(
    /// A page of history entries, oldest first.
    HistoryPage(HistoryEntryResponse)
);

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
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
