//! The pipeline's rollup: each opportunity's successive states as the pipeline reads them
//! ([`Deal`]), each valid from the instant of a change until the next, and what it followed.
//! The server writes a new state with every change that moves a pipeline figure; [`replay`]
//! rebuilds the same states from scratch out of the opportunity's recorded history, to fill in
//! opportunities recorded before the rollup and to prove the rollup right.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::pipeline::Deal;
use crate::history::{Action, FieldChange};
use crate::opportunity::OpportunityStatus;

/// An opportunity as the pipeline saw it from `valid_from` until `valid_to` (none: now).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealState {
    pub deal: Deal,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    /// What the state followed; none for the state the opportunity was created in.
    pub previous: Option<Position>,
}

/// Where an opportunity stood in the pipeline: what a state keeps of the one before it, enough
/// to tell how the opportunity moved ([`super::changes::movements`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub stage_id: Uuid,
    pub status: OpportunityStatus,
    pub expected_close_date: Option<NaiveDate>,
}

impl Position {
    pub fn of(deal: &Deal) -> Position {
        Position {
            stage_id: deal.stage_id,
            status: deal.status,
            expected_close_date: deal.expected_close_date,
        }
    }
}

/// One recorded change of an opportunity: when, what kind, and each field's value before and after.
pub type Entry = (DateTime<Utc>, Action, Vec<FieldChange>);

/// The states of the opportunity that is `current` now and was created at `created_at`, oldest
/// first, from its history entries, latest first: each entry that changed what the pipeline
/// reads ends one state and begins the next. A recorded value not of its field's form is an error.
pub fn replay(current: Deal, created_at: DateTime<Utc>, latest_first: &[Entry]) -> Result<Vec<DealState>, String> {
    let mut later: Vec<(Deal, DateTime<Utc>, Option<DateTime<Utc>>)> = Vec::new();
    let (mut deal, mut valid_to) = (current, None);
    for (at, action, changes) in latest_first {
        if *action == Action::Created {
            break;
        }
        let mut before = deal.clone();
        for change in changes {
            before.undo(&change.field, &change.from)?;
        }
        if before != deal {
            later.push((deal, *at, valid_to));
            valid_to = Some(*at);
            deal = before;
        }
    }
    later.push((deal, created_at, valid_to));
    let mut states: Vec<DealState> = Vec::with_capacity(later.len());
    for (deal, valid_from, valid_to) in later.into_iter().rev() {
        let previous = states.last().map(|state| Position::of(&state.deal));
        states.push(DealState {
            deal,
            valid_from,
            valid_to,
            previous,
        });
    }
    Ok(states)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;
    use crate::fixtures::{cur, d};

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, hour, 0, 0).unwrap()
    }

    fn change(field: &str, from: serde_json::Value, to: serde_json::Value) -> FieldChange {
        FieldChange {
            field: field.to_owned(),
            from,
            to,
        }
    }

    #[test]
    fn each_change_of_a_pipeline_figure_begins_a_state_and_other_changes_do_not() {
        let (first, second) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let now = Deal {
            id: Uuid::from_u128(9),
            stage_id: second,
            owner_id: None,
            status: OpportunityStatus::Open,
            amount: Some(d("500.00")),
            currency: Some(cur("EUR")),
            probability: 40,
            expected_close_date: None,
        };
        let history = [
            (
                at(12),
                Action::Updated,
                vec![change("amount", json!("300.00"), json!("500.00"))],
            ),
            (at(11), Action::Updated, vec![change("title", json!("A"), json!("B"))]),
            (
                at(10),
                Action::Updated,
                vec![change("stage_id", json!(first.to_string()), json!(second.to_string()))],
            ),
            (at(9), Action::Created, vec![]),
        ];
        let states = replay(now.clone(), at(9), &history).unwrap();
        let by_stage: Vec<_> = states.iter().map(|s| (s.deal.stage_id, s.deal.amount)).collect();
        assert_eq!(
            by_stage,
            [
                (first, Some(d("300.00"))),
                (second, Some(d("300.00"))),
                (second, Some(d("500.00")))
            ]
        );
        let spans: Vec<_> = states.iter().map(|s| (s.valid_from, s.valid_to)).collect();
        assert_eq!(spans, [(at(9), Some(at(10))), (at(10), Some(at(12))), (at(12), None)]);
        assert_eq!(states[0].previous, None);
        assert_eq!(states[1].previous.map(|p| p.stage_id), Some(first));
        assert_eq!(states[2].deal, now);
    }

    #[test]
    fn a_recorded_value_not_of_its_form_is_an_error() {
        let now = Deal {
            id: Uuid::from_u128(9),
            stage_id: Uuid::from_u128(1),
            owner_id: None,
            status: OpportunityStatus::Open,
            amount: None,
            currency: None,
            probability: 10,
            expected_close_date: None,
        };
        let history = [(
            at(10),
            Action::Updated,
            vec![change("status", json!("pending"), json!("open"))],
        )];
        assert!(replay(now, at(9), &history).is_err());
    }
}
