//! `pipeline`: open opportunities by stage, owner, team or close month, per currency; now, or as
//! they stood at the end of a past day, read from the opportunities' states (the pipeline's rollup).

use chrono::{DateTime, NaiveDate, Utc};
use domain::currency::Currency;
use domain::report::pipeline::{Pipeline, PipelineFigures, PipelineGroup, PipelineKey};
use persistence::{DatabaseConnection, db, opportunity_states, reports};
use uuid::Uuid;

use super::{DrillDown, Group, end_of};
use crate::caller::Caller;
use crate::clock::{now, today};
use crate::error::AppError;

#[derive(Debug, Clone, Copy)]
pub struct PipelineQuery {
    pub group_by: PipelineGroup,
    /// The day whose end the pipeline is of; today (now) without it.
    pub as_of: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct PipelineReport {
    /// The instant the pipeline is of.
    pub as_of: DateTime<Utc>,
    pub rows: Vec<PipelineRow>,
    /// Per currency (none: the opportunities without an amount), in code order.
    pub totals: Vec<(Option<Currency>, PipelineFigures)>,
}

#[derive(Debug, Clone)]
pub struct PipelineRow {
    pub group: Group,
    pub currency: Option<Currency>,
    pub figures: PipelineFigures,
    /// The open opportunities of the row, when a list can name them: the pipeline as it stands
    /// now, of a group a list filters by.
    pub drill_down: Option<DrillDown>,
}

pub async fn pipeline(
    db: &DatabaseConnection,
    caller: &Caller,
    query: PipelineQuery,
) -> Result<PipelineReport, AppError> {
    let txn = db::snapshot(db).await?;
    let (as_of, past) = match query.as_of {
        Some(day) if day < today() => (end_of(day), true),
        _ => (now(), false),
    };
    let directory = reports::directory(&txn).await?;
    let team_of = |owner: Uuid| directory.users.get(&owner).and_then(|(_, team)| *team);
    let mut pipeline = Pipeline::new(query.group_by);
    opportunity_states::open_at(&txn, caller.visibility(), past.then_some(as_of), |deal| {
        pipeline.add(&deal, team_of);
    })
    .await?;
    txn.commit().await?;

    let mut rows: Vec<PipelineRow> = pipeline
        .rows
        .into_iter()
        .map(|((key, currency), figures)| {
            let (group, filter) = group(&directory, key);
            let drill_down = filter.filter(|_| !past).map(|filter| {
                let list = DrillDown::new("/api/v1/opportunities").with("status", "open");
                let list = filter
                    .into_iter()
                    .fold(list, |list, (name, value)| list.with(name, value));
                match currency {
                    Some(currency) => list.with("currency", currency.code()),
                    None => list.with("has_amount", false),
                }
            });
            PipelineRow {
                group,
                currency,
                figures,
                drill_down,
            }
        })
        .collect();
    if query.group_by == PipelineGroup::Stage {
        // Stages in pipeline order, as a board shows them.
        let position = |row: &PipelineRow| {
            row.group
                .key
                .parse()
                .ok()
                .and_then(|id| directory.stages.get(&id))
                .map(|s| s.0)
        };
        rows.sort_by_key(|row| (position(row), row.currency));
    }
    Ok(PipelineReport {
        as_of,
        rows,
        totals: pipeline.totals.into_iter().collect(),
    })
}

/// The group of `key`, and the list filters that select it (none where a list cannot: no owner,
/// no team, no close date).
fn group(directory: &reports::Directory, key: PipelineKey) -> (Group, Option<Vec<(&'static str, String)>>) {
    let none = || Group {
        key: String::new(),
        label: "(none)".to_owned(),
    };
    match key {
        PipelineKey::Stage(id) => {
            let label = directory
                .stages
                .get(&id)
                .map(|stage| stage.1.clone())
                .unwrap_or_default();
            (
                Group {
                    key: id.to_string(),
                    label,
                },
                Some(vec![("stage_id", id.to_string())]),
            )
        }
        PipelineKey::Owner(Some(id)) => {
            let label = directory.users.get(&id).map(|u| u.0.clone()).unwrap_or_default();
            (
                Group {
                    key: id.to_string(),
                    label,
                },
                Some(vec![("owner_id", id.to_string())]),
            )
        }
        PipelineKey::Team(Some(id)) => {
            let label = directory.teams.get(&id).cloned().unwrap_or_default();
            (
                Group {
                    key: id.to_string(),
                    label,
                },
                Some(vec![("team_id", id.to_string())]),
            )
        }
        PipelineKey::CloseMonth(Some(month)) => {
            let window = month.window();
            let filter = vec![
                ("close_from", window.from.to_string()),
                ("close_to", window.to.to_string()),
            ];
            (
                Group {
                    key: month.label(),
                    label: month.label(),
                },
                Some(filter),
            )
        }
        PipelineKey::Owner(None) | PipelineKey::Team(None) | PipelineKey::CloseMonth(None) => (none(), None),
    }
}
