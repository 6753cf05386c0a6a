//! Pipeline changes over a window: the opportunities that were new, advanced (moved to a later
//! open stage), slipped (their expected close date moved later), won or lost in it, read from
//! their states ([`super::states`]). An opportunity counts once per kind of change however often it made
//! it, valued as it stood at the end of the window.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::states::Position;
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

/// Kinds of change, as a set: what one opportunity made in a window, however often.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Movements(u8);

impl Movements {
    fn bit(movement: Movement) -> u8 {
        1 << movement as u8
    }

    pub fn insert(&mut self, movement: Movement) {
        self.0 |= Self::bit(movement);
    }

    pub fn extend(&mut self, other: Movements) {
        self.0 |= other.0;
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The kinds in the set, in the order a report lists them.
    pub fn iter(self) -> impl Iterator<Item = Movement> {
        Movement::ALL
            .into_iter()
            .filter(move |movement| self.0 & Self::bit(*movement) != 0)
    }
}

/// A state as `pipeline-changes` reads it (see [`super::states`]): the opportunity, when the
/// state held, where it stood and where it stood before, and what it was worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub opportunity_id: Uuid,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    pub position: Position,
    /// None: the opportunity was created in this state.
    pub previous: Option<Position>,
    pub amount: Option<Decimal>,
    pub currency: Option<Currency>,
}

/// How an opportunity moved into `step`: created, or from the position before it.
/// `open_stage_position` gives the pipeline position of an open stage (none for a won or lost
/// stage, or an unknown one).
pub fn movements(step: &Step, open_stage_position: impl Fn(Uuid) -> Option<i32>) -> Movements {
    let mut found = Movements::default();
    let Some(before) = step.previous else {
        found.insert(Movement::New);
        return found;
    };
    let after = &step.position;
    if before.status != after.status {
        match after.status {
            OpportunityStatus::Won => found.insert(Movement::Won),
            OpportunityStatus::Lost => found.insert(Movement::Lost),
            OpportunityStatus::Open => {}
        }
    }
    if let (Some(from), Some(to)) = (
        open_stage_position(before.stage_id),
        open_stage_position(after.stage_id),
    ) && to > from
    {
        found.insert(Movement::Advanced);
    }
    if let (Some(from), Some(to)) = (before.expected_close_date, after.expected_close_date)
        && to > from
    {
        found.insert(Movement::Slipped);
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
    fn add(&mut self, amount: Option<Decimal>) {
        self.count += 1;
        self.amount += amount.unwrap_or_default();
    }
}

/// The changes being summed up, opportunity by opportunity.
#[derive(Debug, Clone, Default)]
pub struct PipelineChanges {
    pub rows: BTreeMap<(Movement, Option<Currency>), ChangeFigures>,
    /// The opportunities with any change, each once.
    pub totals: BTreeMap<Option<Currency>, ChangeFigures>,
}

impl PipelineChanges {
    /// Counts the opportunity that made `made` in the window and was worth `at_end` at its end
    /// under each kind of change.
    pub fn add(&mut self, at_end: Worth, made: Movements) {
        if made.is_empty() {
            return;
        }
        for movement in made.iter() {
            self.rows
                .entry((movement, at_end.currency))
                .or_default()
                .add(at_end.amount);
        }
        self.totals.entry(at_end.currency).or_default().add(at_end.amount);
    }
}

/// What an opportunity was worth in a state: its amount, in its currency (none without an amount).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Worth {
    pub amount: Option<Decimal>,
    pub currency: Option<Currency>,
}

impl Step {
    pub fn worth(&self) -> Worth {
        Worth {
            amount: self.amount,
            currency: self.amount.and(self.currency),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(stage: u128, status: OpportunityStatus, close: Option<&str>) -> Position {
        Position {
            stage_id: Uuid::from_u128(stage),
            status,
            expected_close_date: close.map(|day| day.parse::<NaiveDate>().unwrap()),
        }
    }

    fn step(position: Position, previous: Option<Position>) -> Step {
        Step {
            opportunity_id: Uuid::from_u128(7),
            valid_from: DateTime::<Utc>::UNIX_EPOCH,
            valid_to: None,
            position,
            previous,
            amount: None,
            currency: None,
        }
    }

    fn moved(before: Position, after: Position) -> Vec<Movement> {
        // Stages 1 and 2 are open, in that order; 3 is the won stage.
        let found = movements(&step(after, Some(before)), |id| {
            [1, 2]
                .contains(&id.as_u128())
                .then(|| i32::try_from(id.as_u128()).unwrap())
        });
        found.iter().collect()
    }

    #[test]
    fn each_state_says_how_the_opportunity_moved_into_it() {
        use OpportunityStatus::{Lost, Open, Won};
        let created = step(at(1, Open, None), None);
        assert_eq!(
            movements(&created, |_| Some(1)).iter().collect::<Vec<_>>(),
            [Movement::New]
        );
        assert_eq!(moved(at(1, Open, None), at(2, Open, None)), [Movement::Advanced]);
        assert_eq!(moved(at(2, Open, None), at(1, Open, None)), []);
        assert_eq!(moved(at(2, Open, None), at(3, Won, None)), [Movement::Won]);
        let (march, june, feb) = (Some("2026-03-31"), Some("2026-06-30"), Some("2026-02-28"));
        assert_eq!(moved(at(1, Open, march), at(1, Open, june)), [Movement::Slipped]);
        assert_eq!(moved(at(1, Open, march), at(1, Open, feb)), []);
        assert_eq!(moved(at(1, Open, None), at(1, Lost, None)), [Movement::Lost]);
        assert_eq!(moved(at(1, Won, None), at(1, Won, None)), []);
        assert_eq!(
            moved(at(1, Open, march), at(2, Open, june)),
            [Movement::Advanced, Movement::Slipped]
        );
    }

    #[test]
    fn a_set_of_movements_lists_each_kind_once_in_report_order() {
        let mut made = Movements::default();
        assert!(made.is_empty());
        made.insert(Movement::Lost);
        made.insert(Movement::New);
        made.extend(movements(&step(at(1, OpportunityStatus::Open, None), None), |_| None));
        assert_eq!(made.iter().collect::<Vec<_>>(), [Movement::New, Movement::Lost]);
    }
}
