//! `receivables-aging`: what each party owed on a day, by how long it was overdue, per currency.

use chrono::{DateTime, NaiveDate, Utc};
use domain::currency::Currency;
use domain::report::aging::{Aging, AgingFigures, Receivable, balance_on};
use persistence::{DatabaseConnection, db, reports};

use super::{DrillDown, Group, end_of, party_names};
use crate::caller::Caller;
use crate::clock::{now, today};
use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct AgingReport {
    /// The instant the figures are of: now, or the end of a past day.
    pub as_of: DateTime<Utc>,
    /// The day looked at.
    pub day: NaiveDate,
    pub rows: Vec<AgingRow>,
    pub totals: Vec<(Currency, AgingFigures)>,
}

#[derive(Debug, Clone)]
pub struct AgingRow {
    pub group: Group,
    pub currency: Currency,
    pub figures: AgingFigures,
    /// The party's unpaid invoices in the currency, when the day is today: their balances due
    /// add up to the row's total. (A list shows the present, so a past day has none.)
    pub drill_down: Option<DrillDown>,
}

/// The aging as of `day` (today without one).
pub async fn receivables_aging(
    db: &DatabaseConnection,
    caller: &Caller,
    day: Option<NaiveDate>,
) -> Result<AgingReport, AppError> {
    let txn = db::snapshot(db).await?;
    let day = day.unwrap_or_else(today);
    let as_of = if day < today() { end_of(day) } else { now() };
    let mut aging = Aging::new(day);
    for invoice in reports::open_on(&txn, caller.visibility(), day).await? {
        aging.add(&Receivable {
            party_id: invoice.party_id,
            currency: invoice.currency,
            due_date: invoice.due_date,
            balance: balance_on(invoice.total, invoice.credited, invoice.paid),
        });
    }
    let names = party_names(&txn, aging.rows.keys().map(|(party, _)| *party).collect()).await?;
    txn.commit().await?;
    let current = day == today();
    let rows = aging
        .rows
        .into_iter()
        .map(|((party, currency), figures)| AgingRow {
            group: Group {
                key: party.to_string(),
                label: names.get(&party).cloned().unwrap_or_default(),
            },
            currency,
            figures,
            drill_down: current.then(|| {
                DrillDown::new("/api/v1/invoices")
                    .with("party_id", party)
                    .with("currency", currency.code())
                    .with("unpaid", true)
            }),
        })
        .collect();
    Ok(AgingReport {
        as_of,
        day,
        rows,
        totals: aging.totals.into_iter().collect(),
    })
}
