//! Pipeline changes over a window: the opportunities that were new, advanced (moved to a later
//! open stage), slipped (their expected close date moved later), won or lost in it, read from
//! their states ([`super::states`]). An opportunity counts once per kind of change however often it made
//! it, valued as it stood at the end of the window.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::pipeline::Deal;
use super::states::{DealState, Position};
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

    /// The set as stored: one bit per kind, `1 << kind` in report order.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// The set stored as `bits`; none when a bit names no kind.
    pub fn from_bits(bits: u8) -> Option<Movements> {
        (bits >> Movement::ALL.len() == 0).then_some(Movements(bits))
    }

    /// The kinds in the set, in the order a report lists them.
    pub fn iter(self) -> impl Iterator<Item = Movement> {
        Movement::ALL
            .into_iter()
            .filter(move |movement| self.0 & Self::bit(*movement) != 0)
    }
}

/// How an opportunity moved into the position `after` from the position `before` (none: it was
/// created there). `open_stage_position` gives the pipeline position of an open stage (none for
/// a won or lost stage, or an unknown one). Worked out when a state is written and stored with
/// it, so "advanced" compares the stages in the order they had at the time of the move.
pub fn movements(
    before: Option<&Position>,
    after: &Position,
    open_stage_position: impl Fn(Uuid) -> Option<i32>,
) -> Movements {
    let mut found = Movements::default();
    let Some(before) = before else {
        found.insert(Movement::New);
        return found;
    };
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

impl Worth {
    pub fn of(deal: &Deal) -> Worth {
        Worth {
            amount: deal.amount,
            currency: deal.amount.and(deal.currency),
        }
    }
}

/// The changes of a window computed from scratch out of every state of each opportunity, one
/// slice per opportunity: what the stored movements ([`movements`], written with each state)
/// summed up by the report must equal. `start` and `end` are the window's first instant and the
/// first instant after it.
pub fn changes_over<'a>(
    opportunities: impl IntoIterator<Item = &'a [DealState]>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    open_stage_position: impl Fn(Uuid) -> Option<i32>,
) -> PipelineChanges {
    let mut changes = PipelineChanges::default();
    for states in opportunities {
        let mut made = Movements::default();
        let mut at_end = None;
        for state in states.iter().filter(|s| s.valid_from >= start && s.valid_from <= end) {
            if state.valid_from < end {
                made.extend(movements(
                    state.previous.as_ref(),
                    &Position::of(&state.deal),
                    &open_stage_position,
                ));
            }
            if state.valid_to.is_none_or(|to| to > end) {
                at_end = Some(Worth::of(&state.deal));
            }
        }
        if let Some(at_end) = at_end {
            changes.add(at_end, made);
        }
    }
    changes
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

    fn moved(before: Position, after: Position) -> Vec<Movement> {
        // Stages 1 and 2 are open, in that order; 3 is the won stage.
        let found = movements(Some(&before), &after, |id| {
            [1, 2]
                .contains(&id.as_u128())
                .then(|| i32::try_from(id.as_u128()).unwrap())
        });
        found.iter().collect()
    }

    #[test]
    fn each_state_says_how_the_opportunity_moved_into_it() {
        use OpportunityStatus::{Lost, Open, Won};
        assert_eq!(
            movements(None, &at(1, Open, None), |_| Some(1))
                .iter()
                .collect::<Vec<_>>(),
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
        made.extend(movements(None, &at(1, OpportunityStatus::Open, None), |_| None));
        assert_eq!(made.iter().collect::<Vec<_>>(), [Movement::New, Movement::Lost]);
        assert_eq!(Movements::from_bits(made.bits()), Some(made));
        assert_eq!(Movements::from_bits(1 << 5), None);
    }
}
