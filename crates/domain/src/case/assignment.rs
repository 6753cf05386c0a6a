//! Who gets a case that arrives in a team without an assignee: the active member with the fewest
//! open cases; of equally loaded members, the one whose last assignment is oldest (never assigned
//! counts as oldest), then the lower user id, so the choice is the same on every server.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A member of the team who could take the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub user_id: Uuid,
    /// Cases assigned to them that are `new`, `open` or `pending`.
    pub open_cases: i64,
    /// When they were last given a case; none if never.
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// The candidate who gets the case; none when the team has no active member.
pub fn choose(candidates: &[Candidate]) -> Option<Uuid> {
    candidates
        .iter()
        .min_by_key(|c| (c.open_cases, c.last_assigned_at, c.user_id))
        .map(|c| c.user_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: i64) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(hour * 3600, 0)
    }

    fn candidate(n: u128, open_cases: i64, last_assigned_at: Option<DateTime<Utc>>) -> Candidate {
        Candidate {
            user_id: Uuid::from_u128(n),
            open_cases,
            last_assigned_at,
        }
    }

    #[test]
    fn the_least_loaded_then_the_longest_waiting_then_the_lowest_id_gets_the_case() {
        let cases = [
            (vec![candidate(1, 3, at(1)), candidate(2, 1, at(5))], 2),
            (vec![candidate(1, 2, at(4)), candidate(2, 2, at(3))], 2),
            (vec![candidate(1, 2, at(4)), candidate(2, 2, None)], 2),
            (vec![candidate(2, 0, None), candidate(1, 0, None)], 1),
        ];
        for (candidates, expected) in cases {
            assert_eq!(choose(&candidates), Some(Uuid::from_u128(expected)), "{candidates:?}");
        }
        assert_eq!(choose(&[]), None);
    }
}
