//! List pages: `limit` and an opaque `cursor`, and the `{items, next_cursor}` envelope.
//!
//! A cursor is the sort key and id of the last row seen, tagged with the sort it belongs to, in
//! base64url JSON. Clients must treat it as opaque; a cursor from another sort is a 400.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use persistence::page::{Cursor, Direction, Page, PageRequest, SortKey, SyncOrder};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiError, ErrorCode};

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;

/// What a list adds to its page on request (`include=total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Include {
    /// `total`: how many items the filters select, on all pages.
    Total,
}

/// Whether `include` asks for the total.
pub fn counts(include: &[Include]) -> bool {
    include.contains(&Include::Total)
}

/// The items of a page and the cursor of the next one (none on the last page).
pub fn parts<D, T>(page: Page<D>, sort: &str, map: impl FnMut(D) -> T) -> (Vec<T>, Option<String>) {
    let next_cursor = page.next.as_ref().map(|cursor| encode(sort, cursor));
    (page.items.into_iter().map(map).collect(), next_cursor)
}

/// Declares the page type of one resource's list, `{items, next_cursor}`: a named schema per
/// resource, so generated clients get typed pages (a generic page type would be one schema).
macro_rules! page_of {
    ($(#[$doc:meta])* $name:ident($item:ty)) => {
        $(#[$doc])*
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Pass as `cursor` to get the next page; null on the last page.
            pub next_cursor: Option<String>,
            /// How many items the filters select, on all pages: only with `include=total`.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schema(nullable = false)]
            pub total: Option<u64>,
        }

        impl $name {
            pub fn new<D>(page: persistence::page::Page<D>, sort: &str, map: impl FnMut(D) -> $item) -> Self {
                let total = page.total;
                let (items, next_cursor) = $crate::pagination::parts(page, sort, map);
                Self { items, next_cursor, total }
            }
        }
    };
}
pub(crate) use page_of;

#[derive(Serialize, Deserialize)]
struct Token {
    /// The sort the cursor belongs to, e.g. `-name`.
    s: String,
    /// Text key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<String>,
    /// Time key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    d: Option<DateTime<Utc>>,
    /// Integer key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<i64>,
    i: Uuid,
}

pub fn encode(sort: &str, cursor: &Cursor) -> String {
    let (t, d, n) = match &cursor.key {
        SortKey::Text(text) => (Some(text.clone()), None, None),
        SortKey::Time(time) => (None, Some(*time), None),
        SortKey::Int(number) => (None, None, Some(*number)),
    };
    let token = Token {
        s: sort.to_owned(),
        t,
        d,
        n,
        i: cursor.id,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&token).expect("a cursor serializes"))
}

/// The type of a sort's key. A cursor must carry a key of its sort's type, and one that a
/// stored row could have: a forged cursor is a 400, never a query the database refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Text,
    Time,
    Int,
}

/// A list's sort, as far as cursors go.
pub trait Keyed: Copy {
    fn key_kind(self) -> KeyKind;
}

/// The cursor of a list request; absent or empty means the first page.
pub fn after(sort: &str, kind: KeyKind, cursor: Option<&str>) -> Result<Option<Cursor>, ApiError> {
    cursor
        .filter(|text| !text.is_empty())
        .map(|text| decode(sort, kind, text))
        .transpose()
}

pub fn decode(sort: &str, kind: KeyKind, text: &str) -> Result<Cursor, ApiError> {
    let bad = || {
        ApiError::bad_request(
            ErrorCode::InvalidCursor,
            "the cursor is malformed or belongs to another sort",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let token: Token = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if token.s != sort {
        return Err(bad());
    }
    let key = match (kind, token.t, token.d, token.n) {
        (KeyKind::Text, Some(text), None, None) if !text.contains(char::is_control) => SortKey::Text(text),
        (KeyKind::Time, None, Some(time), None) if domain::time::instant(time).is_ok() => SortKey::Time(time),
        (KeyKind::Int, None, None, Some(number)) => SortKey::Int(number),
        _ => return Err(bad()),
    };
    Ok(Cursor { key, id: token.i })
}

/// The sort of lists that have only one: oldest first.
pub const CREATED_AT: &str = "created_at";

/// A page request for a list that is always oldest first (users, teams).
pub fn oldest_first(
    limit: Option<u64>,
    cursor: Option<&str>,
    include: &[Include],
) -> Result<PageRequest<()>, ApiError> {
    oldest_first_by(CREATED_AT, KeyKind::Time, limit, cursor, include)
}

/// A page request for a list that is always in ascending order of `sort` (history: `occurred_at`).
pub fn oldest_first_by(
    sort: &str,
    kind: KeyKind,
    limit: Option<u64>,
    cursor: Option<&str>,
    include: &[Include],
) -> Result<PageRequest<()>, ApiError> {
    Ok(PageRequest {
        sort: (),
        direction: Direction::Asc,
        limit: self::limit(limit)?,
        after: after(sort, kind, cursor)?,
        count: counts(include),
    })
}

/// The sort that tags the cursors of a list in the order of an incremental sync.
pub const UPDATED_AT: &str = "updated_at";

/// The page request of a list with one natural order (`sort`, with keys of `kind`), which
/// `updated_since` replaces by the order of an incremental sync: oldest change first. Returns the
/// request and the sort that tags its cursors.
pub fn natural_or_updated(
    sort: &'static str,
    kind: KeyKind,
    updated_since: Option<DateTime<Utc>>,
    limit: Option<u64>,
    cursor: Option<&str>,
    include: &[Include],
) -> Result<(PageRequest<SyncOrder>, &'static str), ApiError> {
    let (order, sort, kind) = match updated_since {
        Some(_) => (SyncOrder::Updated, UPDATED_AT, KeyKind::Time),
        None => (SyncOrder::Natural, sort, kind),
    };
    let request = PageRequest {
        sort: order,
        direction: Direction::Asc,
        limit: self::limit(limit)?,
        after: after(sort, kind, cursor)?,
        count: counts(include),
    };
    Ok((request, sort))
}

/// Checks `limit` (1–200, default 50).
pub fn limit(limit: Option<u64>) -> Result<u64, ApiError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

/// The page request of a list with several sorts: `sort` (`field` or `-field`, else `default`)
/// must name one of `fields`; the cursor must belong to that sort. Returns the request and the
/// sort's text, which tags the cursors of the page.
pub fn sorted<S: Keyed>(
    sort: Option<&str>,
    default: &str,
    fields: &[(&str, S)],
    limit: Option<u64>,
    cursor: Option<&str>,
    include: &[Include],
) -> Result<(PageRequest<S>, String), ApiError> {
    let text = sort.unwrap_or(default).to_owned();
    let (field, direction) = self::direction(&text);
    let Some((_, key)) = fields.iter().find(|(name, _)| *name == field) else {
        let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("sort must be one of {}, optionally prefixed with -", names.join(", ")),
        ));
    };
    let request = PageRequest {
        sort: *key,
        direction,
        limit: self::limit(limit)?,
        after: after(&text, key.key_kind(), cursor)?,
        count: counts(include),
    };
    Ok((request, text))
}

/// The sort of a list without `sort`: `updated_at` while syncing (`updated_since` given, so that
/// the changes come oldest first), else the list's own.
pub fn default_sort(syncing: bool, otherwise: &'static str) -> &'static str {
    if syncing { "updated_at" } else { otherwise }
}

/// Splits `sort=-name` into the field and its direction.
pub fn direction(sort: &str) -> (&str, Direction) {
    match sort.strip_prefix('-') {
        Some(field) => (field, Direction::Desc),
        None => (sort, Direction::Asc),
    }
}

impl Keyed for persistence::parties::PartySort {
    fn key_kind(self) -> KeyKind {
        match self {
            Self::Name => KeyKind::Text,
            Self::CreatedAt | Self::UpdatedAt => KeyKind::Time,
        }
    }
}

impl Keyed for persistence::products::ProductSort {
    fn key_kind(self) -> KeyKind {
        match self {
            Self::Name | Self::Sku => KeyKind::Text,
            Self::CreatedAt | Self::UpdatedAt => KeyKind::Time,
        }
    }
}

impl Keyed for persistence::offers::OfferSort {
    fn key_kind(self) -> KeyKind {
        match self {
            Self::Number => KeyKind::Text,
            Self::CreatedAt | Self::UpdatedAt => KeyKind::Time,
        }
    }
}

impl Keyed for persistence::sales_orders::SalesOrderSort {
    fn key_kind(self) -> KeyKind {
        match self {
            Self::Number => KeyKind::Text,
            Self::CreatedAt | Self::UpdatedAt => KeyKind::Time,
        }
    }
}

impl Keyed for persistence::invoice_orders::InvoiceOrderSort {
    fn key_kind(self) -> KeyKind {
        KeyKind::Time
    }
}

impl Keyed for persistence::invoices::InvoiceSort {
    fn key_kind(self) -> KeyKind {
        KeyKind::Time
    }
}

impl Keyed for persistence::activities::ActivitySort {
    fn key_kind(self) -> KeyKind {
        KeyKind::Time
    }
}

impl Keyed for persistence::attachments::AttachmentSort {
    fn key_kind(self) -> KeyKind {
        KeyKind::Time
    }
}

impl Keyed for persistence::opportunities::OpportunitySort {
    fn key_kind(self) -> KeyKind {
        match self {
            Self::Title => KeyKind::Text,
            Self::CreatedAt | Self::UpdatedAt => KeyKind::Time,
        }
    }
}

impl Keyed for persistence::cases::CaseSort {
    fn key_kind(self) -> KeyKind {
        match self {
            Self::Number => KeyKind::Text,
            Self::CreatedAt | Self::UpdatedAt => KeyKind::Time,
        }
    }
}

impl Keyed for persistence::contracts::ContractSort {
    fn key_kind(self) -> KeyKind {
        match self {
            Self::Number => KeyKind::Text,
            Self::CreatedAt | Self::UpdatedAt => KeyKind::Time,
        }
    }
}

impl Keyed for persistence::subscriptions::SubscriptionSort {
    fn key_kind(self) -> KeyKind {
        match self {
            Self::Number => KeyKind::Text,
            Self::CreatedAt | Self::UpdatedAt => KeyKind::Time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_for_its_sort_only() {
        let cursor = Cursor {
            key: SortKey::Text("Acme \"GmbH\"".into()),
            id: Uuid::now_v7(),
        };
        let text = encode("-name", &cursor);
        assert_eq!(decode("-name", KeyKind::Text, &text).unwrap(), cursor);
        assert!(decode("name", KeyKind::Text, &text).is_err());
        assert!(decode("-name", KeyKind::Text, "garbage!").is_err());
    }

    /// A forged cursor would reach the database as a comparison it refuses (text against a
    /// timestamp, a year PostgreSQL cannot store, a NUL byte): it is a 400 instead.
    #[test]
    fn a_cursor_must_carry_a_key_a_row_could_have() {
        let id = Uuid::now_v7();
        let text_key = encode(
            "created_at",
            &Cursor {
                key: SortKey::Text("x".into()),
                id,
            },
        );
        assert!(decode("created_at", KeyKind::Time, &text_key).is_err());
        let far = DateTime::parse_from_rfc3339("9999-12-31T00:00:00Z").unwrap().to_utc() + chrono::TimeDelta::days(400);
        let far_key = encode(
            "created_at",
            &Cursor {
                key: SortKey::Time(far),
                id,
            },
        );
        assert!(decode("created_at", KeyKind::Time, &far_key).is_err());
        let nul_key = encode(
            "name",
            &Cursor {
                key: SortKey::Text("a\0b".into()),
                id,
            },
        );
        assert!(decode("name", KeyKind::Text, &nul_key).is_err());
    }
}
