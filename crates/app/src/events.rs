//! Reading the change feed. Cursors are opaque to clients: a feed position (see
//! `persistence::events`) in base64url.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use persistence::DatabaseConnection;
use persistence::events::{self, Event, Position};
use serde_json::{Value, json};

use crate::error::{AppError, ErrorCode};

const PREFIX: &str = "ev1";

/// A page of the feed. `next_cursor` is never empty: with nothing new it is the cursor given, so
/// a consumer always has one to resume from.
pub struct EventPage {
    pub items: Vec<Event>,
    pub next_cursor: String,
}

/// An event as the feed shows it and a webhook delivers it: the one wire form of an event.
pub fn wire_form(event: &Event) -> Value {
    json!({
        "id": event.id,
        "type": event.kind,
        "resource_type": event.resource_type,
        "resource_id": event.resource_id,
        "actor_id": event.actor_id,
        "occurred_at": event.occurred_at,
        "data": event.data,
    })
}

/// The page of committed events after `after` that `kinds` takes. Filtered, a page may hold
/// fewer than `limit`, none even, while its cursor still moves on (`events::SCAN`).
pub async fn page(
    db: &DatabaseConnection,
    after: Option<&str>,
    limit: u64,
    kinds: &events::Kinds,
) -> Result<EventPage, AppError> {
    let start = after
        .filter(|text| !text.is_empty())
        .map(decode)
        .transpose()?
        .unwrap_or_default();
    let (found, resume) = events::after_of_kinds(db, start, limit, kinds).await?;
    Ok(EventPage {
        items: found,
        next_cursor: encode(resume),
    })
}

fn encode(position: Position) -> String {
    URL_SAFE_NO_PAD.encode(format!("{PREFIX}.{}.{}", position.tx, position.seq))
}

fn decode(text: &str) -> Result<Position, AppError> {
    let bad = || {
        AppError::bad_request(
            ErrorCode::InvalidCursor,
            "the cursor is malformed: pass a next_cursor of this feed",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text.split('.');
    let (Some(PREFIX), Some(tx), Some(seq), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let (tx, seq) = (
        tx.parse::<i64>().map_err(|_| bad())?,
        seq.parse::<i64>().map_err(|_| bad())?,
    );
    if tx < 0 || seq < 0 {
        return Err(bad());
    }
    Ok(Position { tx, seq })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_forgeries_are_refused() {
        let position = Position { tx: 123_456, seq: 789 };
        assert_eq!(decode(&encode(position)).unwrap(), position);
        for forged in [
            "",
            "x",
            "ZXYxLjEuMg.",
            &URL_SAFE_NO_PAD.encode("ev1.-1.2"),
            &URL_SAFE_NO_PAD.encode("ev2.1.2"),
        ] {
            assert!(decode(forged).is_err(), "{forged}");
        }
    }
}
