//! State machines as tables: each action names the states it is allowed from and the state it
//! leads to. Tests enumerate the table; the API turns a refusal into a 409 that names the current
//! state and the states the action is allowed from.

use std::fmt;

/// A status or an action, by its stable name in the API.
pub trait Named: Copy + PartialEq {
    fn name(self) -> &'static str;
}

/// One row of a transition table: `action` takes a record from any of `from` to `to`.
#[derive(Debug, Clone, Copy)]
pub struct Transition<S: 'static, A> {
    pub action: A,
    pub from: &'static [S],
    pub to: S,
}

/// An action the current state does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionError {
    pub from: &'static str,
    pub action: &'static str,
    pub allowed_from: Vec<&'static str>,
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot {} a record that is {}: allowed from {}",
            self.action,
            self.from,
            self.allowed_from.join(", ")
        )
    }
}

impl std::error::Error for TransitionError {}

/// The state `action` leads to from `current`, or why it cannot be taken.
pub fn apply<S: Named, A: Named>(table: &[Transition<S, A>], current: S, action: A) -> Result<S, TransitionError> {
    let row = table
        .iter()
        .find(|row| row.action == action)
        .expect("every action has a row in its table");
    if row.from.contains(&current) {
        Ok(row.to)
    } else {
        Err(TransitionError {
            from: current.name(),
            action: action.name(),
            allowed_from: row.from.iter().map(|s| s.name()).collect(),
        })
    }
}

/// The actions allowed from `current`, in table order: what a frontend shows as buttons.
pub fn allowed<S: Named, A: Named>(table: &[Transition<S, A>], current: S) -> Vec<A> {
    table
        .iter()
        .filter(|row| row.from.contains(&current))
        .map(|row| row.action)
        .collect()
}
