//! Receivables aging: what each party owes on its issued invoices as of a day, by how long it is
//! overdue (not due, 1–30, 31–60, 61–90, over 90 days), per currency.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;

/// How long an amount is overdue on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Overdue {
    NotDue,
    Days1To30,
    Days31To60,
    Days61To90,
    Over90,
}

impl Overdue {
    /// Due on `due_date`, looked at on `day`: due that day is not yet overdue.
    pub fn on(due_date: NaiveDate, day: NaiveDate) -> Self {
        match (day - due_date).num_days() {
            ..=0 => Overdue::NotDue,
            1..=30 => Overdue::Days1To30,
            31..=60 => Overdue::Days31To60,
            61..=90 => Overdue::Days61To90,
            _ => Overdue::Over90,
        }
    }
}

/// What was still owed on an invoice on a day: its total, less its credit notes dated by then
/// (never more than the total: see `Invoice::credit`) and its payments dated by then.
pub fn balance_on(total: Decimal, credited: Decimal, paid: Decimal) -> Decimal {
    total - credited.min(total) - paid
}

/// An invoice with a balance on the day looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receivable {
    pub party_id: Uuid,
    pub currency: Currency,
    pub due_date: NaiveDate,
    pub balance: Decimal,
}

/// A party's balances in one currency, by how long they are overdue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AgingFigures {
    pub not_due: Decimal,
    pub days_1_30: Decimal,
    pub days_31_60: Decimal,
    pub days_61_90: Decimal,
    pub over_90: Decimal,
    pub invoices: u64,
}

impl AgingFigures {
    pub fn total(&self) -> Decimal {
        self.not_due + self.days_1_30 + self.days_31_60 + self.days_61_90 + self.over_90
    }

    /// Of it, overdue.
    pub fn overdue(&self) -> Decimal {
        self.total() - self.not_due
    }

    fn add(&mut self, receivable: &Receivable, overdue: Overdue) {
        let bucket = match overdue {
            Overdue::NotDue => &mut self.not_due,
            Overdue::Days1To30 => &mut self.days_1_30,
            Overdue::Days31To60 => &mut self.days_31_60,
            Overdue::Days61To90 => &mut self.days_61_90,
            Overdue::Over90 => &mut self.over_90,
        };
        *bucket += receivable.balance;
        self.invoices += 1;
    }
}

/// The aging as of a day, receivable by receivable.
#[derive(Debug, Clone)]
pub struct Aging {
    day: NaiveDate,
    pub rows: BTreeMap<(Uuid, Currency), AgingFigures>,
    pub totals: BTreeMap<Currency, AgingFigures>,
}

impl Aging {
    pub fn new(day: NaiveDate) -> Self {
        Aging {
            day,
            rows: BTreeMap::new(),
            totals: BTreeMap::new(),
        }
    }

    /// Counts `receivable` when something is still owed on it.
    pub fn add(&mut self, receivable: &Receivable) {
        if receivable.balance <= Decimal::ZERO {
            return;
        }
        let overdue = Overdue::on(receivable.due_date, self.day);
        let key = (receivable.party_id, receivable.currency);
        self.rows.entry(key).or_default().add(receivable, overdue);
        self.totals
            .entry(receivable.currency)
            .or_default()
            .add(receivable, overdue);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{cur, d, day};

    #[test]
    fn overdue_days_fall_in_their_buckets() {
        let due = day("2026-01-31");
        let cases = [
            ("2026-01-01", Overdue::NotDue),
            ("2026-01-31", Overdue::NotDue),
            ("2026-02-01", Overdue::Days1To30),
            ("2026-03-02", Overdue::Days1To30),
            ("2026-03-03", Overdue::Days31To60),
            ("2026-04-01", Overdue::Days31To60),
            ("2026-04-02", Overdue::Days61To90),
            ("2026-05-01", Overdue::Days61To90),
            ("2026-05-02", Overdue::Over90),
        ];
        for (on, expected) in cases {
            assert_eq!(Overdue::on(due, day(on)), expected, "{on}");
        }
    }

    #[test]
    fn a_balance_is_the_total_less_credits_up_to_it_and_payments() {
        assert_eq!(balance_on(d("119.00"), d("23.80"), d("50.00")), d("45.20"));
        assert_eq!(
            balance_on(d("0.35"), d("0.36"), d("0")),
            d("0"),
            "credit notes rounded one by one"
        );
    }

    #[test]
    fn settled_invoices_are_left_out_and_the_rest_summed_per_party_and_currency() {
        let party = Uuid::from_u128(1);
        let owed = |due: &str, balance: &str, currency: &str| Receivable {
            party_id: party,
            currency: cur(currency),
            due_date: day(due),
            balance: d(balance),
        };
        let mut aging = Aging::new(day("2026-06-30"));
        for receivable in [
            owed("2026-07-15", "100.00", "EUR"),
            owed("2026-06-15", "20.00", "EUR"),
            owed("2026-01-15", "5.00", "EUR"),
            owed("2026-01-15", "0.00", "EUR"),
            owed("2026-06-01", "7.00", "USD"),
        ] {
            aging.add(&receivable);
        }
        let eur = aging.rows[&(party, cur("EUR"))];
        assert_eq!(
            (eur.not_due, eur.days_1_30, eur.over_90),
            (d("100.00"), d("20.00"), d("5.00"))
        );
        assert_eq!((eur.total(), eur.overdue(), eur.invoices), (d("125.00"), d("25.00"), 3));
        assert_eq!(aging.totals[&cur("USD")].days_1_30, d("7.00"));
    }
}
