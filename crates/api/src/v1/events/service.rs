//! Reading the change feed. Cursors are opaque to clients: a feed position (see
//! `persistence::events`) in base64url.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use persistence::DatabaseConnection;
use persistence::events::{self, Position};

use super::dto::{EventPage, EventResponse};
use crate::error::ApiError;

const PREFIX: &str = "ev1";

/// The page of committed events after `after`.
pub async fn page(db: &DatabaseConnection, after: Option<&str>, limit: u64) -> Result<EventPage, ApiError> {
    let start = after
        .filter(|text| !text.is_empty())
        .map(decode)
        .transpose()?
        .unwrap_or_default();
    let found = events::after(db, start, limit).await?;
    let last = found.last().map_or(start, |event| event.position);
    Ok(EventPage {
        items: found.into_iter().map(EventResponse::from).collect(),
        next_cursor: encode(last),
    })
}

fn encode(position: Position) -> String {
    URL_SAFE_NO_PAD.encode(format!("{PREFIX}.{}.{}", position.tx, position.seq))
}

fn decode(text: &str) -> Result<Position, ApiError> {
    let bad = || {
        ApiError::bad_request(
            "invalid_cursor",
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
