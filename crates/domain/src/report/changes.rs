//! Pipeline changes over a window: the opportunities that were new, advanced (moved to a later
//! open stage), slipped (their expected close date moved later), won or lost in it, read from
//! their states ([`super::states`]). An opportunity counts once per kind of change however often it made
//! it, valued as it stood at the end of the window.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use uuid::Uuid;

use super::pipeline::Deal;
use super::states::DealState;
use crate::currency::Currency;
use crate::opportunity::OpportunityStatus;

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

/// How an opportunity moved into `state` (see [`super::states`]): created, or from the state
/// before it. `open_stage_position` gives the pipeline position of an open stage (none for a won
/// or lost stage, or an unknown one).
pub fn movements(state: &DealState, open_stage_position: impl Fn(Uuid) -> Option<i32>) -> Vec<Movement> {
    let Some(before) = state.previous else {
        return vec![Movement::New];
    };
    let after = &state.deal;
    let mut found = Vec::new();
    if before.status != after.status {
        match after.status {
            OpportunityStatus::Won => found.push(Movement::Won),
            OpportunityStatus::Lost => found.push(Movement::Lost),
            OpportunityStatus::Open => {}
        }
    }
    if let (Some(from), Some(to)) = (
        open_stage_position(before.stage_id),
        open_stage_position(after.stage_id),
    ) && to > from
    {
        found.push(Movement::Advanced);
    }
    if let (Some(from), Some(to)) = (before.expected_close_date, after.expected_close_date)
        && to > from
    {
        found.push(Movement::Slipped);
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
    use chrono::{DateTime, NaiveDate, Utc};

    use super::*;
    use crate::report::states::Previous;

    fn deal(stage: u128, status: OpportunityStatus, close: Option<&str>) -> Deal {
        Deal {
            id: Uuid::from_u128(7),
            stage_id: Uuid::from_u128(stage),
            owner_id: None,
            status,
            amount: None,
            currency: None,
            probability: 10,
            expected_close_date: close.map(|day| day.parse::<NaiveDate>().unwrap()),
        }
    }

    fn moved(before: &Deal, after: &Deal) -> Vec<Movement> {
        let state = DealState {
            deal: after.clone(),
            valid_from: DateTime::<Utc>::UNIX_EPOCH,
            valid_to: None,
            previous: Some(Previous::of(before)),
        };
        // Stages 1 and 2 are open, in that order; 3 is the won stage.
        movements(&state, |id| {
            [1, 2]
                .contains(&id.as_u128())
                .then(|| i32::try_from(id.as_u128()).unwrap())
        })
    }

    #[test]
    fn each_state_says_how_the_opportunity_moved_into_it() {
        use OpportunityStatus::{Lost, Open, Won};
        let created = DealState {
            deal: deal(1, Open, None),
            valid_from: DateTime::<Utc>::UNIX_EPOCH,
            valid_to: None,
            previous: None,
        };
        assert_eq!(movements(&created, |_| Some(1)), [Movement::New]);
        assert_eq!(moved(&deal(1, Open, None), &deal(2, Open, None)), [Movement::Advanced]);
        assert_eq!(moved(&deal(2, Open, None), &deal(1, Open, None)), []);
        assert_eq!(moved(&deal(2, Open, None), &deal(3, Won, None)), [Movement::Won]);
        let (march, june, feb) = (Some("2026-03-31"), Some("2026-06-30"), Some("2026-02-28"));
        assert_eq!(moved(&deal(1, Open, march), &deal(1, Open, june)), [Movement::Slipped]);
        assert_eq!(moved(&deal(1, Open, march), &deal(1, Open, feb)), []);
        assert_eq!(moved(&deal(1, Open, None), &deal(1, Lost, None)), [Movement::Lost]);
        assert_eq!(moved(&deal(1, Won, None), &deal(1, Won, None)), []);
    }
}
