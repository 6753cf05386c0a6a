//! `pipeline-changes`: what moved in the pipeline over a window (new, advanced, slipped, won,
//! lost), from the opportunities' states (the pipeline's rollup, which stores how each state was
//! reached), valued as they stood at the end of the window.

use chrono::{DateTime, NaiveTime, Utc};
use domain::currency::Currency;
use domain::report::Window;
use domain::report::changes::{ChangeFigures, PipelineChanges};
use persistence::{DatabaseConnection, db, opportunity_states};

use super::{Group, end_of};
use crate::caller::Caller;
use crate::clock::now;
use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct ChangesReport {
    /// When the report was computed.
    pub as_of: DateTime<Utc>,
    pub window: Window,
    pub rows: Vec<ChangesRow>,
    /// The opportunities with any change, each once, per currency.
    pub totals: Vec<(Option<Currency>, ChangeFigures)>,
}

#[derive(Debug, Clone)]
pub struct ChangesRow {
    pub group: Group,
    pub currency: Option<Currency>,
    pub figures: ChangeFigures,
}

pub async fn pipeline_changes(
    db: &DatabaseConnection,
    caller: &Caller,
    window: Window,
) -> Result<ChangesReport, AppError> {
    let txn = db::snapshot(db).await?;
    let as_of = now();
    let (start, end) = (window.from.and_time(NaiveTime::MIN).and_utc(), end_of(window.to));
    let mut changes = PipelineChanges::default();
    opportunity_states::changed_between(&txn, caller.visibility(), start, end, |made, at_end| {
        changes.add(at_end, made);
    })
    .await?;
    txn.commit().await?;
    let rows = changes
        .rows
        .into_iter()
        .map(|((movement, currency), figures)| ChangesRow {
            group: Group {
                key: movement.as_str().to_owned(),
                label: movement.as_str().to_owned(),
            },
            currency,
            figures,
        })
        .collect();
    Ok(ChangesReport {
        as_of,
        window,
        rows,
        totals: changes.totals.into_iter().collect(),
    })
}
