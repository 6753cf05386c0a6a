//! Contracts: what a client has signed, and the conditions it buys under while the contract runs.
//!
//! ```text
//!   draft ──activate──▶ active ──terminate {effective_date}──▶ terminated
//!                          │  ▲
//!                          │  └── renewed: reaching valid_to with auto_renew extends it
//!                          └──── reaching valid_to without renewal ──▶ expired
//! ```
//! Renewal, expiry and a termination dated ahead happen on their dates, by the server
//! ([`Contract::next_step`]); whether a contract's conditions apply on a day is a function of its
//! dates ([`Contract::applies_on`]), so a price is right even before the server has moved it.

mod choice;
mod input;

use chrono::{Days, Months, NaiveDate};
use uuid::Uuid;

pub use self::choice::{Considered, choose};
pub use self::input::{
    ContractFields, ContractInput, MAX_NOTICE_DAYS, MAX_RENEWAL_MONTHS, Renewal, TERMS_MAX, TITLE_MAX,
};
use crate::transition::{self, Transition, TransitionError};
use crate::validation::ValidationErrors;
use crate::{text, time};

/// The number series of contracts: `CT-2026-000001`.
pub const SERIES: &str = "CT";
pub const REASON_MAX: usize = 2_000;
/// The last day a record holds (`time::MAX_YEAR`).
const LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(time::MAX_YEAR, 12, 31).expect("a date");

/// The number of the `sequence`th contract of `year`.
pub fn number(year: i32, sequence: i64) -> String {
    format!("{SERIES}-{year}-{sequence:06}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContractStatus {
    Draft,
    Active,
    Terminated,
    Expired,
}

str_enum!(ContractStatus {
    Draft => "draft",
    Active => "active",
    Terminated => "terminated",
    Expired => "expired",
});

/// What a client does to a contract; renewal and expiry are the server's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContractAction {
    Activate,
    Terminate,
}

str_enum!(ContractAction {
    Activate => "activate",
    Terminate => "terminate",
});

/// Every transition a client asks for. `terminate` with an effective date ahead leaves the
/// contract `active` until that date.
pub const TRANSITIONS: &[Transition<ContractStatus, ContractAction>] = &[
    Transition {
        action: ContractAction::Activate,
        from: &[ContractStatus::Draft],
        to: ContractStatus::Active,
    },
    Transition {
        action: ContractAction::Terminate,
        from: &[ContractStatus::Active],
        to: ContractStatus::Terminated,
    },
];

/// A termination given: from `effective_date` on the contract no longer applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Termination {
    pub effective_date: NaiveDate,
    pub reason: Option<String>,
    /// The day it was given: before the notice date it stops the renewal.
    pub given_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractState {
    pub status: ContractStatus,
    pub activated_on: Option<NaiveDate>,
    pub termination: Option<Termination>,
    /// The first day it no longer applied, once `terminated` or `expired`.
    pub ended_on: Option<NaiveDate>,
}

impl ContractState {
    pub const DRAFT: ContractState = ContractState {
        status: ContractStatus::Draft,
        activated_on: None,
        termination: None,
        ended_on: None,
    };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub id: Uuid,
    /// `CT-2026-000001`, drawn at creation.
    pub number: String,
    pub fields: ContractFields,
    pub state: ContractState,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// What the server does to an active contract when a date is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `valid_to` reached with auto-renewal and no termination in time: the new `valid_to`.
    Renewed { valid_to: NaiveDate },
    /// `valid_to` reached without renewal.
    Expired,
    /// The termination's effective date reached.
    Terminated,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    State(TransitionError),
    Invalid(ValidationErrors),
}

impl Contract {
    /// The actions the contract's status allows, for `allowed_actions`.
    pub fn allowed_actions(&self) -> Vec<ContractAction> {
        transition::allowed(TRANSITIONS, self.state.status)
    }

    /// Whether its content may still change: a draft or a running contract (an amendment);
    /// a terminated or expired one is a record of the past.
    pub fn is_editable(&self) -> bool {
        matches!(self.state.status, ContractStatus::Draft | ContractStatus::Active)
    }

    /// Whether it may be deleted: only a draft; once activated it is a record of what was agreed.
    pub fn is_deletable(&self) -> bool {
        self.state.status == ContractStatus::Draft
    }

    /// Whether its conditions apply to a document dated `date`: it was activated, and `date` lies
    /// in its term, counting the renewals it will get and a termination given.
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        self.state.status != ContractStatus::Draft
            && self.fields.valid_from <= date
            && self.last_day().is_none_or(|last| date <= last)
    }

    /// The last day its conditions apply; None while it runs open-ended or keeps renewing.
    pub fn last_day(&self) -> Option<NaiveDate> {
        let day_before = |date: NaiveDate| date.pred_opt().unwrap_or(date);
        match self.state.status {
            ContractStatus::Terminated | ContractStatus::Expired => self.state.ended_on.map(day_before),
            ContractStatus::Draft | ContractStatus::Active => {
                let terminated = self.state.termination.as_ref().map(|t| day_before(t.effective_date));
                let expires = self.fields.valid_to.filter(|_| !self.renews());
                terminated.into_iter().chain(expires).min()
            }
        }
    }

    /// The last day a termination stops the coming renewal: `valid_to` − `notice_days`.
    pub fn notice_date(&self) -> Option<NaiveDate> {
        let (renewal, valid_to) = self.fields.renewal.zip(self.fields.valid_to)?;
        valid_to.checked_sub_days(Days::new(renewal.notice_days.into()))
    }

    /// Whether reaching `valid_to` renews it: auto-renewal, and no termination given by the notice date.
    pub fn renews(&self) -> bool {
        match (self.notice_date(), &self.state.termination) {
            (Some(notice_date), Some(termination)) => termination.given_on > notice_date,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// The day the server next has something to do with it (renew, expire, terminate), if any.
    pub fn next_step_on(&self) -> Option<NaiveDate> {
        if self.state.status != ContractStatus::Active {
            return None;
        }
        // The day after 31 December 9999 is no day a record holds: such a contract runs on.
        let end = self
            .fields
            .valid_to
            .and_then(|to| to.succ_opt())
            .filter(|day| time::date(*day).is_ok());
        let terminated = self.state.termination.as_ref().map(|t| t.effective_date);
        end.into_iter().chain(terminated).min()
    }

    /// What happens to it by `today`, one step at a time (a renewal may be followed by another
    /// after downtime); None when nothing is due.
    pub fn next_step(&self, today: NaiveDate) -> Option<Step> {
        let due = self.next_step_on().filter(|&on| on <= today)?;
        if self.state.termination.as_ref().is_some_and(|t| t.effective_date <= due) {
            return Some(Step::Terminated);
        }
        match (self.renews(), self.fields.renewal) {
            (true, Some(renewal)) => {
                let next_end = due
                    .checked_add_months(Months::new(renewal.months))
                    .and_then(|d| d.pred_opt());
                // Past the year 9999 it renews up to the last day a record holds.
                let valid_to = next_end.filter(|d| time::date(*d).is_ok()).unwrap_or(LAST_DAY);
                Some(Step::Renewed { valid_to })
            }
            _ => Some(Step::Expired),
        }
    }

    /// The contract after `step`.
    #[must_use]
    pub fn after(&self, step: Step) -> Contract {
        let mut next = self.clone();
        match step {
            Step::Renewed { valid_to } => next.fields.valid_to = Some(valid_to),
            Step::Expired => {
                next.state.status = ContractStatus::Expired;
                next.state.ended_on = self.fields.valid_to.and_then(|to| to.succ_opt());
            }
            Step::Terminated => {
                next.state.status = ContractStatus::Terminated;
                next.state.ended_on = self.state.termination.as_ref().map(|t| t.effective_date);
            }
        }
        next
    }

    /// `draft` → `active` on `today`. A contract whose term ended before today cannot start.
    pub fn activate(&self, today: NaiveDate) -> Result<Contract, ActionError> {
        transition::apply(TRANSITIONS, self.state.status, ContractAction::Activate).map_err(ActionError::State)?;
        if let Some(valid_to) = self
            .fields
            .valid_to
            .filter(|&to| to < today && self.fields.renewal.is_none())
        {
            let mut errors = ValidationErrors::new();
            let message = format!("the contract ended on {valid_to}: it cannot be activated");
            errors.add("valid_to", "in_past", message);
            return Err(ActionError::Invalid(errors));
        }
        let mut next = self.clone();
        next.state.status = ContractStatus::Active;
        next.state.activated_on = Some(today);
        Ok(next)
    }

    /// Gives notice on `today`: from `effective_date` on the contract no longer applies. Dated
    /// today it is `terminated` at once; dated ahead it stays `active` until then (a second notice
    /// replaces the first). A notice given after the notice date does not stop the coming
    /// renewal; one given in time cannot take effect after the term it ends.
    pub fn terminate(
        &self,
        today: NaiveDate,
        effective_date: NaiveDate,
        reason: Option<&str>,
    ) -> Result<Contract, ActionError> {
        transition::apply(TRANSITIONS, self.state.status, ContractAction::Terminate).map_err(ActionError::State)?;
        let mut errors = ValidationErrors::new();
        let reason = errors
            .check("reason", text::optional_multiline(reason, REASON_MAX))
            .flatten();
        if effective_date < today {
            errors.add(
                "effective_date",
                "in_past",
                format!("must not be before today ({today})"),
            );
        }
        errors.check("effective_date", time::date(effective_date));
        let mut next = self.clone();
        next.state.termination = Some(Termination {
            effective_date,
            reason,
            given_on: today,
        });
        if let Some(valid_to) = self.fields.valid_to.filter(|_| !next.renews())
            && valid_to.succ_opt().is_some_and(|end| effective_date > end)
        {
            let message = format!("the contract ends on {valid_to} anyway: terminate it no later than the day after");
            errors.add("effective_date", "after_end", message);
        }
        if !errors.is_empty() {
            return Err(ActionError::Invalid(errors));
        }
        if effective_date <= today {
            next = next.after(Step::Terminated);
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests;
