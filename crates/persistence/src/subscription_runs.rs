//! Billing runs: when one ran, as of which day, for whom, and what it could not bill. The periods
//! it billed or skipped name it (`subscription_periods.run_id`).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entities::subscription_run::{ActiveModel, Entity, Model};
use crate::error::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `POST /subscription-runs`.
    Request,
    /// The server's daily job.
    Schedule,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Request => "request",
            Trigger::Schedule => "schedule",
        }
    }
}

/// A subscription a run could not bill, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub subscription_id: Uuid,
    pub code: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub id: Uuid,
    pub as_of: NaiveDate,
    pub trigger: Trigger,
    pub requested_by: Option<Uuid>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub billed: u32,
    pub skipped: u32,
    pub failures: Vec<Failure>,
}

pub async fn insert(conn: &impl ConnectionTrait, run: &Run) -> Result<(), StoreError> {
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let model = ActiveModel {
        id: Set(run.id),
        as_of: Set(run.as_of),
        trigger: Set(run.trigger.as_str().to_owned()),
        requested_by: Set(run.requested_by),
        started_at: Set(run.started_at),
        finished_at: Set(run.finished_at),
        billed: Set(count(run.billed as usize)),
        skipped: Set(count(run.skipped as usize)),
        failed: Set(count(run.failures.len())),
        failures: Set(serde_json::to_string(&run.failures).expect("failures serialize")),
    };
    Entity::insert(model).exec_without_returning(conn).await?;
    Ok(())
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Run>, StoreError> {
    Entity::find_by_id(id).one(conn).await?.map(to_run).transpose()
}

fn to_run(m: Model) -> Result<Run, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt("subscription_runs", format!("{what} in row {}", m.id));
    let trigger = match m.trigger.as_str() {
        "request" => Trigger::Request,
        "schedule" => Trigger::Schedule,
        _ => return Err(corrupt("trigger")),
    };
    Ok(Run {
        id: m.id,
        as_of: m.as_of,
        trigger,
        requested_by: m.requested_by,
        started_at: m.started_at,
        finished_at: m.finished_at,
        billed: u32::try_from(m.billed).map_err(|_| corrupt("billed"))?,
        skipped: u32::try_from(m.skipped).map_err(|_| corrupt("skipped"))?,
        failures: serde_json::from_str(&m.failures).map_err(|_| corrupt("failures"))?,
    })
}
