//! `pipeline-changes`: what moved in the pipeline over a window (new, advanced, slipped, won,
//! lost), from the opportunities' history, valued as they stood at the end of the window.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveTime, Utc};
use domain::currency::Currency;
use domain::report::Window;
use domain::report::changes::{ChangeFigures, Movement, PipelineChanges, movements};
use persistence::{DatabaseConnection, db, reports};
use uuid::Uuid;

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
    let directory = reports::directory(&txn).await?;
    let open_stage_position = |id: Uuid| {
        let (position, _, open) = directory.stages.get(&id)?;
        open.then_some(*position)
    };
    let mut made: HashMap<Uuid, BTreeSet<Movement>> = HashMap::new();
    for (id, entries) in reports::opportunity_history_between(&txn, start, end).await? {
        let found = entries
            .iter()
            .flat_map(|(action, changes)| movements(*action, changes, open_stage_position));
        made.entry(id).or_default().extend(found);
    }
    // Valued at the end of the window: the changes after it undone.
    let later = if end < as_of {
        reports::opportunity_changes_after(&txn, end).await?
    } else {
        HashMap::default()
    };
    let mut changes = PipelineChanges::default();
    let mut undone = Ok(());
    reports::deals(&txn, caller.visibility(), Some(end), |mut deal| {
        let Some(made) = made.get(&deal.id) else { return };
        for change in later.get(&deal.id).into_iter().flatten() {
            if let Err(error) = deal.undo(&change.field, &change.from) {
                undone = Err(error);
            }
        }
        changes.add(&deal, made);
    })
    .await?;
    txn.commit().await?;
    undone.map_err(|error| persistence::StoreError::corrupt("history_entries", error))?;
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
