//! Turnover: the net of issued invoices less the net of issued credit notes, dated in a window,
//! by party or calendar period, per currency. The same rule as the turnover discount rules
//! measure (`persistence::turnover`), summed over groups.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::calendar::{Calendar, Period};
use crate::currency::Currency;
use crate::invoice::InvoiceKind;

/// What turnover is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnoverGroup {
    Party,
    Period(Calendar),
}

/// A group: a party, or a month, quarter or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupKey {
    Party(Uuid),
    Period(Period),
}

/// One issued invoice or credit note, as turnover sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnoverEntry {
    pub party_id: Uuid,
    pub kind: InvoiceKind,
    pub invoice_date: NaiveDate,
    pub currency: Currency,
    pub net: Decimal,
}

/// The figures of a group in one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TurnoverFigures {
    /// The net of the invoices.
    pub invoiced: Decimal,
    /// The net of the credit notes, positive.
    pub credited: Decimal,
    pub invoices: u64,
    pub credit_notes: u64,
}

impl TurnoverFigures {
    /// Invoiced less credited.
    pub fn net(&self) -> Decimal {
        self.invoiced - self.credited
    }

    fn add(&mut self, entry: &TurnoverEntry) {
        match entry.kind {
            InvoiceKind::Invoice => {
                self.invoiced += entry.net;
                self.invoices += 1;
            }
            InvoiceKind::CreditNote => {
                self.credited += entry.net;
                self.credit_notes += 1;
            }
        }
    }
}

/// Turnover being summed up, entry by entry: memory grows with the groups, not the entries.
#[derive(Debug, Clone)]
pub struct Turnover {
    group: TurnoverGroup,
    pub rows: BTreeMap<(GroupKey, Currency), TurnoverFigures>,
    pub totals: BTreeMap<Currency, TurnoverFigures>,
}

impl Turnover {
    pub fn new(group: TurnoverGroup) -> Self {
        Turnover {
            group,
            rows: BTreeMap::new(),
            totals: BTreeMap::new(),
        }
    }

    pub fn add(&mut self, entry: &TurnoverEntry) {
        let key = match self.group {
            TurnoverGroup::Party => GroupKey::Party(entry.party_id),
            TurnoverGroup::Period(calendar) => GroupKey::Period(calendar.period_of(entry.invoice_date)),
        };
        self.rows.entry((key, entry.currency)).or_default().add(entry);
        self.totals.entry(entry.currency).or_default().add(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{cur, d, day};

    fn entry(party: u128, kind: InvoiceKind, date: &str, currency: &str, net: Decimal) -> TurnoverEntry {
        let (party_id, invoice_date, currency) = (Uuid::from_u128(party), day(date), cur(currency));
        TurnoverEntry {
            party_id,
            kind,
            invoice_date,
            currency,
            net,
        }
    }

    #[test]
    fn credit_notes_lower_the_turnover_of_their_group_and_currencies_stay_apart() {
        let entries = [
            entry(1, InvoiceKind::Invoice, "2026-01-10", "EUR", d("100.00")),
            entry(1, InvoiceKind::CreditNote, "2026-02-01", "EUR", d("30.00")),
            entry(1, InvoiceKind::Invoice, "2026-02-15", "USD", d("50.00")),
            entry(2, InvoiceKind::Invoice, "2026-04-01", "EUR", d("0.10")),
        ];
        let mut by_quarter = Turnover::new(TurnoverGroup::Period(Calendar::Quarter));
        let mut by_party = Turnover::new(TurnoverGroup::Party);
        for entry in &entries {
            by_quarter.add(entry);
            by_party.add(entry);
        }
        let eur = cur("EUR");
        let q1 = GroupKey::Period(Calendar::Quarter.period_of(day("2026-01-01")));
        assert_eq!(by_quarter.rows[&(q1, eur)].net(), d("70.00"));
        assert_eq!(by_quarter.rows.len(), 3, "Q1 EUR, Q1 USD, Q2 EUR");
        assert_eq!(
            by_party.rows[&(GroupKey::Party(Uuid::from_u128(1)), eur)].credit_notes,
            1
        );
        assert_eq!(by_party.totals[&eur].net(), d("70.10"));
        assert_eq!(by_party.totals[&eur].invoices, 2);
        assert_eq!(by_party.totals.len(), 2);
    }
}
