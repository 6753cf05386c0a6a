//! `pipeline-changes`: what moved in the pipeline over a window (new, advanced, slipped, won,
//! lost), from the opportunities' states (the pipeline's rollup), valued as they stood at the end
//! of the window.

use chrono::{DateTime, NaiveTime, Utc};
use domain::currency::Currency;
use domain::report::Window;
use domain::report::changes::{ChangeFigures, Movements, PipelineChanges, Worth, movements};
use persistence::{DatabaseConnection, db, opportunity_states, reports};
use rustc_hash::{FxBuildHasher, FxHashMap};
use uuid::Uuid;

use super::{Group, end_of};
use crate::caller::Caller;
use crate::clock::now;
use crate::error::AppError;

/// How many opportunities the map of a report starts with room for.
const EXPECTED_OPPORTUNITIES: usize = 1 << 16;

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
    // A handful of stages, looked up twice per state read: a short list beats hashing.
    let open_stages: Vec<(Uuid, i32)> = directory
        .stages
        .iter()
        .filter(|(_, (_, _, open))| *open)
        .map(|(id, (position, _, _))| (*id, *position))
        .collect();
    let open_stage_position = |id: Uuid| {
        open_stages
            .iter()
            .find(|(stage, _)| *stage == id)
            .map(|(_, position)| *position)
    };
    // Per opportunity, what it went through in the window and what it was worth at its end (the
    // state in force then began in the window too, or nothing moved). A year holds a hundred
    // thousand opportunities or more: the map is sized up front, keeps only the worth, and
    // hashes with Fx (its keys are stored ids, not chosen by a client).
    let mut moved: FxHashMap<Uuid, (Movements, Option<Worth>)> =
        FxHashMap::with_capacity_and_hasher(EXPECTED_OPPORTUNITIES, FxBuildHasher);
    opportunity_states::began_between(&txn, caller.visibility(), start, end, |step| {
        let (made, at_end) = moved.entry(step.opportunity_id).or_default();
        if step.valid_from < end {
            made.extend(movements(&step, open_stage_position));
        }
        if step.valid_to.is_none_or(|to| to > end) {
            *at_end = Some(step.worth());
        }
    })
    .await?;
    txn.commit().await?;
    let mut changes = PipelineChanges::default();
    for (made, at_end) in moved.values() {
        if let Some(at_end) = at_end {
            changes.add(*at_end, *made);
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
