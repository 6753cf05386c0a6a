//! Pipeline changes over a window: the opportunities that were new, advanced (moved to a later
//! open stage), slipped (their expected close date moved later), won or lost in it, read from
//! their recorded history. An opportunity counts once per kind of change however often it made
//! it, valued as it stood at the end of the window.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use super::pipeline::Deal;
use crate::currency::Currency;
use crate::history::{Action, FieldChange};

/// A kind of change, in the order a report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Movement {
    New,
    Advanced,
    Slipped,
    Won,
    Lost,
}

impl Movement {
    pub const ALL: [Movement; 5] = [
        Movement::New,
        Movement::Advanced,
        Movement::Slipped,
        Movement::Won,
        Movement::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Movement::New => "new",
            Movement::Advanced => "advanced",
            Movement::Slipped => "slipped",
            Movement::Won => "won",
            Movement::Lost => "lost",
        }
    }
}

/// What one history entry of an opportunity says it went through. `open_stage_position` gives
/// the pipeline position of an open stage (none for a won or lost stage, or an unknown one).
pub fn movements(
    action: Action,
    changes: &[FieldChange],
    open_stage_position: impl Fn(Uuid) -> Option<i32>,
) -> Vec<Movement> {
    if action == Action::Created {
        return vec![Movement::New];
    }
    let mut found = Vec::new();
    for change in changes {
        match change.field.as_str() {
            "status" if change.to == "won" => found.push(Movement::Won),
            "status" if change.to == "lost" => found.push(Movement::Lost),
            "stage_id" => {
                let position = |value: &Value| value.as_str()?.parse().ok().and_then(&open_stage_position);
                if let (Some(before), Some(after)) = (position(&change.from), position(&change.to))
                    && after > before
                {
                    found.push(Movement::Advanced);
                }
            }
            "expected_close_date" => {
                let date = |value: &Value| value.as_str()?.parse::<chrono::NaiveDate>().ok();
                if let (Some(before), Some(after)) = (date(&change.from), date(&change.to))
                    && after > before
                {
                    found.push(Movement::Slipped);
                }
            }
            _ => {}
        }
    }
    found
}

/// The count and amount of opportunities of one kind of change in one currency (none: those
/// without an amount).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeFigures {
    pub count: u64,
    pub amount: Decimal,
}

impl ChangeFigures {
    fn add(&mut self, deal: &Deal) {
        self.count += 1;
        self.amount += deal.amount.unwrap_or_default();
    }
}

/// The changes being summed up, deal by deal.
#[derive(Debug, Clone, Default)]
pub struct PipelineChanges {
    pub rows: BTreeMap<(Movement, Option<Currency>), ChangeFigures>,
    /// The opportunities with any change, each once.
    pub totals: BTreeMap<Option<Currency>, ChangeFigures>,
}

impl PipelineChanges {
    /// Counts `deal` (as it stood at the end of the window) under each kind of change it made.
    pub fn add(&mut self, deal: &Deal, made: &BTreeSet<Movement>) {
        if made.is_empty() {
            return;
        }
        let currency = deal.amount.and(deal.currency);
        for movement in made {
            self.rows.entry((*movement, currency)).or_default().add(deal);
        }
        self.totals.entry(currency).or_default().add(deal);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn change(field: &str, from: Value, to: Value) -> FieldChange {
        FieldChange {
            field: field.to_owned(),
            from,
            to,
        }
    }

    #[test]
    fn each_entry_says_which_changes_it_made() {
        let (first, second, won) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let position = |id: Uuid| {
            [(first, 1), (second, 2)]
                .into_iter()
                .find(|(s, _)| *s == id)
                .map(|(_, p)| p)
        };
        let stage = |id: Uuid| json!(id.to_string());
        assert_eq!(movements(Action::Created, &[], position), [Movement::New]);
        let forward = [change("stage_id", stage(first), stage(second))];
        assert_eq!(movements(Action::Updated, &forward, position), [Movement::Advanced]);
        let back = [change("stage_id", stage(second), stage(first))];
        assert_eq!(movements(Action::Updated, &back, position), []);
        let closing = [
            change("stage_id", stage(second), stage(won)),
            change("status", json!("open"), json!("won")),
        ];
        assert_eq!(movements(Action::Updated, &closing, position), [Movement::Won]);
        let later = [change("expected_close_date", json!("2026-03-31"), json!("2026-06-30"))];
        assert_eq!(movements(Action::Updated, &later, position), [Movement::Slipped]);
        let earlier = [change("expected_close_date", json!("2026-03-31"), json!("2026-02-28"))];
        assert_eq!(movements(Action::Updated, &earlier, position), []);
        let lost = [change("status", json!("open"), json!("lost"))];
        assert_eq!(movements(Action::Updated, &lost, position), [Movement::Lost]);
    }
}
