//! Which of a party's contracts gives the conditions of a document: of those that apply on its
//! date, the one that started most recently (the latest `valid_from`; on the same day, the later
//! number). Each one considered gets a reason, for the pricing explanation.

use chrono::NaiveDate;

use super::Contract;

/// A contract considered for a date, and why it was or was not chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Considered<'a> {
    pub contract: &'a Contract,
    pub chosen: bool,
    /// `applied`, `not_valid_on_date`, `not_chosen`.
    pub code: &'static str,
    pub reason: String,
}

/// The contract whose conditions apply on `date` (if any), and every contract with a reason.
pub fn choose(contracts: &[Contract], date: NaiveDate) -> (Option<&Contract>, Vec<Considered<'_>>) {
    let chosen = contracts
        .iter()
        .filter(|c| c.applies_on(date))
        .max_by(|a, b| (a.fields.valid_from, &a.number).cmp(&(b.fields.valid_from, &b.number)));
    let considered = contracts
        .iter()
        .map(|contract| {
            let (code, reason) = match (chosen, contract.applies_on(date)) {
                (Some(winner), _) if winner.id == contract.id => ("applied", applied(contract, contracts.len(), date)),
                (Some(winner), true) => ("not_chosen", format!("{} started more recently", describe(winner))),
                _ => ("not_valid_on_date", not_running(contract, date)),
            };
            Considered {
                contract,
                chosen: code == "applied",
                code,
                reason,
            }
        })
        .collect();
    (chosen, considered)
}

fn applied(contract: &Contract, candidates: usize, date: NaiveDate) -> String {
    let mut reason = format!("{} applies on {date}: its conditions come first", describe(contract));
    if candidates > 1 {
        reason.push_str(" (of the party's contracts running then, it started most recently)");
    }
    reason
}

fn not_running(contract: &Contract, date: NaiveDate) -> String {
    let described = describe(contract);
    if date < contract.fields.valid_from {
        return format!("{described} starts on {}, after {date}", contract.fields.valid_from);
    }
    match contract.last_day() {
        Some(last) => format!("{described} applied until {last}, not on {date}"),
        None => format!("{described} is not active"),
    }
}

/// `CT-2026-000001 "Framework agreement"`.
pub(crate) fn describe(contract: &Contract) -> String {
    format!("contract {} \"{}\"", contract.number, contract.fields.title)
}
