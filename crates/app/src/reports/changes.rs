//! `pipeline-changes`: what moved in the pipeline over a window (new, advanced, slipped, won,
//! lost), from the opportunities' states (the pipeline's rollup), valued as they stood at the end
//! of the window.

use std::collections::HashMap;

use chrono::{DateTime, NaiveTime, Utc};
use domain::currency::Currency;
use domain::report::Window;
use domain::report::changes::{ChangeFigures, Movements, PipelineChanges, Step, movements};
use persistence::{DatabaseConnection, db, opportunity_states, reports};
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
    // Per opportunity, what it went through in the window and the state it stood in at its end:
    // the one in force then began in the window too, or nothing moved.
    let mut moved: HashMap<Uuid, (Movements, Option<Step>)> = HashMap::new();
    opportunity_states::began_between(&txn, caller.visibility(), start, end, |step| {
        let (made, at_end) = moved.entry(step.opportunity_id).or_default();
        if step.valid_from < end {
            made.extend(movements(&step, open_stage_position));
        }
        if step.valid_to.is_none_or(|to| to > end) {
            *at_end = Some(step);
        }
    })
    .await?;
    txn.commit().await?;
    let mut changes = PipelineChanges::default();
    for (made, at_end) in moved.values() {
        if let Some(at_end) = at_end {
            changes.add(at_end, *made);
        }
    }
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
