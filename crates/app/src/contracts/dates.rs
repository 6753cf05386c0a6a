//! The server's own work on contracts, on their dates and without a request: renewing a contract
//! that reaches `valid_to` with auto-renewal (each renewal its own version, history entry and
//! `contract.renewed` event), expiring one without, and ending one whose termination takes effect.
//!
//! Safe with several instances on one database and idempotent, as the case clock: each contract
//! stores the day of its next step (`next_step_on`, derived when it is written), a round takes the
//! contracts due locked (PostgreSQL skips those another instance holds), and each step is written
//! with the version it read as condition. After downtime a round catches up every step missed,
//! in order (a contract renewed monthly and down for a quarter is renewed three times).

use std::time::Duration;

use chrono::NaiveDate;
use domain::contract::{Contract, Step};
use persistence::contracts::{self, Contracts};
use persistence::{ConnectionTrait, DatabaseConnection};

use super::{RESOURCE, record};
use crate::clock::{Clock, now, today};
use crate::error::AppError;
use crate::history::{self, Change};
use crate::versioned::Versioned;

/// How often the server looks for contracts due: a date is a day long, a minute late is on time.
const EVERY: Duration = Duration::from_mins(1);
/// Contracts handled per transaction; a round goes on until none is due.
const BATCH: u64 = 100;
/// The steps of one contract in one round: even a monthly renewal missed for a century is fewer.
const MAX_STEPS: usize = 1_500;

/// Runs [`round`] every minute in the background, under the server's clock.
pub fn start(db: DatabaseConnection, clock: Clock) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(EVERY);
        loop {
            interval.tick().await;
            if let Err(error) = clock.scope(round(&db)).await {
                tracing::warn!(%error, "the contract dates round failed; trying again in a minute");
            }
        }
    });
}

/// Takes every contract due by today through its steps; returns how many steps were taken.
pub async fn round(db: &DatabaseConnection) -> Result<usize, AppError> {
    let mut steps = 0;
    loop {
        let txn = persistence::db::begin(db).await?;
        let day = today();
        let due = contracts::due_by(&txn, day, BATCH).await?;
        for contract in &due {
            steps += catch_up(&txn, contract.clone(), day).await?;
        }
        txn.commit().await?;
        if (due.len() as u64) < BATCH {
            return Ok(steps);
        }
    }
}

/// Takes `contract` through every step due by `day`, each as a version of its own.
async fn catch_up(conn: &impl ConnectionTrait, mut contract: Contract, day: NaiveDate) -> Result<usize, AppError> {
    let mut taken = 0;
    while let Some(step) = contract.next_step(day) {
        if taken == MAX_STEPS {
            break;
        }
        let at = now();
        let next = Contracts::next_version(contract.after(step), at);
        // Changed since it was read (SQLite, where rows are not locked): the next round looks again.
        if !Contracts::write(conn, &next, contract.version).await? {
            break;
        }
        let change = match step {
            Step::Renewed { .. } => Change::Reached("renewed"),
            Step::Expired | Step::Terminated => Contracts::change(&contract, &next),
        };
        history::record_by(
            conn,
            None,
            RESOURCE,
            next.id,
            change,
            Some(&record(&contract)),
            &record(&next),
        )
        .await?;
        contract = next;
        taken += 1;
    }
    Ok(taken)
}
