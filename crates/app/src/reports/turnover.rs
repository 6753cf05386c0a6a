//! `turnover`: invoiced net less credit notes, by party or calendar period, per currency.

use chrono::{DateTime, Utc};
use domain::currency::Currency;
use domain::report::Window;
use domain::report::turnover::{GroupKey, Turnover, TurnoverFigures, TurnoverGroup};
use persistence::{db, reports};
use uuid::Uuid;

use super::{DrillDown, Group, party_names};
use crate::caller::Caller;
use crate::clock::now;
use crate::error::AppError;
use persistence::DatabaseConnection;

/// What the report is asked for.
#[derive(Debug, Clone, Copy)]
pub struct TurnoverQuery {
    pub window: Window,
    pub group_by: TurnoverGroup,
    pub party_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct TurnoverReport {
    pub as_of: DateTime<Utc>,
    pub query: TurnoverQuery,
    pub rows: Vec<TurnoverRow>,
    /// Per currency, in code order.
    pub totals: Vec<(Currency, TurnoverFigures)>,
}

#[derive(Debug, Clone)]
pub struct TurnoverRow {
    pub group: Group,
    pub currency: Currency,
    pub figures: TurnoverFigures,
    /// The invoices and credit notes of the row: their nets, credit notes subtracted, are its net.
    pub drill_down: DrillDown,
}

pub async fn turnover(
    db: &DatabaseConnection,
    caller: &Caller,
    query: TurnoverQuery,
) -> Result<TurnoverReport, AppError> {
    let txn = db::snapshot(db).await?;
    let as_of = now();
    let mut turnover = Turnover::new(query.group_by);
    reports::turnover_entries(&txn, caller.visibility(), query.window, query.party_id, |entry| {
        turnover.add(&entry);
    })
    .await?;
    let parties = turnover.rows.keys().filter_map(|(key, _)| match key {
        GroupKey::Party(id) => Some(*id),
        GroupKey::Period(_) => None,
    });
    let names = party_names(&txn, parties.collect()).await?;
    txn.commit().await?;
    let rows = turnover
        .rows
        .into_iter()
        .map(|((key, currency), figures)| {
            let mut drill_down = DrillDown::new("/api/v1/invoices")
                .with("issued", true)
                .with("currency", currency.code());
            let (group, window) = match key {
                GroupKey::Party(id) => {
                    let label = names.get(&id).cloned().unwrap_or_default();
                    drill_down = drill_down.with("party_id", id);
                    (
                        Group {
                            key: id.to_string(),
                            label,
                        },
                        query.window,
                    )
                }
                GroupKey::Period(period) => {
                    if let Some(party_id) = query.party_id {
                        drill_down = drill_down.with("party_id", party_id);
                    }
                    let label = period.label();
                    let window = period.window().overlap(query.window).unwrap_or(query.window);
                    (
                        Group {
                            key: label.clone(),
                            label,
                        },
                        window,
                    )
                }
            };
            let drill_down = drill_down
                .with("invoice_date_from", window.from)
                .with("invoice_date_to", window.to);
            TurnoverRow {
                group,
                currency,
                figures,
                drill_down,
            }
        })
        .collect();
    Ok(TurnoverReport {
        as_of,
        query,
        rows,
        totals: turnover.totals.into_iter().collect(),
    })
}
