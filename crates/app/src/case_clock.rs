//! The server's own work on cases, without a request: raising the SLA alerts that came due
//! (`case.sla_at_risk`, `case.sla_breached`, once per case and target) and closing resolved cases
//! whose reopen window passed.
//!
//! Safe with several instances on one database and idempotent: a round takes the due cases locked
//! (PostgreSQL skips those another instance holds), and a case's raised alerts are part of its
//! row, written with the version it read as condition, so an alert is raised by exactly one round.
//! Due times are stored, so a round after downtime finds everything that came due meanwhile.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::case::{Case, CaseAction, CaseStatus};
use persistence::cases::{self, Cases};
use persistence::{ConnectionTrait, DatabaseConnection};

use crate::cases::{RESOURCE, record};
use crate::clock::{Clock, now};
use crate::error::AppError;
use crate::history::{self, Change};
use crate::versioned::Versioned;

/// How often the server looks for alerts that came due: the delay of an alert at most.
const EVERY: Duration = Duration::from_secs(10);
/// Cases handled per transaction; a round goes on until none is due.
const BATCH: u64 = 100;

/// Runs [`round`] every few seconds in the background, under the server's clock.
pub fn start(db: DatabaseConnection, clock: Clock) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(EVERY);
        loop {
            interval.tick().await;
            if let Err(error) = clock.scope(round(&db)).await {
                tracing::warn!(%error, "the case clock round failed; trying again in a few seconds");
            }
        }
    });
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub alerts_raised: usize,
    pub cases_closed: usize,
}

/// Raises every alert due by now and closes every case past its reopen window.
pub async fn round(db: &DatabaseConnection) -> Result<Round, AppError> {
    let mut done = Round::default();
    loop {
        let txn = persistence::db::begin(db).await?;
        let at = now();
        let due = cases::due_for_escalation(&txn, at, BATCH).await?;
        let mut raised = 0;
        for case in &due {
            raised += raise_alerts(&txn, case, at).await?;
        }
        let closing = cases::past_reopen_window(&txn, at, BATCH).await?;
        for case in &closing {
            close(&txn, case, at).await?;
        }
        txn.commit().await?;
        done.alerts_raised += raised;
        done.cases_closed += closing.len();
        if (due.len() as u64) < BATCH && (closing.len() as u64) < BATCH {
            return Ok(done);
        }
    }
}

/// Raises the alerts of `case` due by `at`, each with its history entry and event, in one new
/// version of the case. Returns how many.
async fn raise_alerts(conn: &impl ConnectionTrait, case: &Case, at: DateTime<Utc>) -> Result<usize, AppError> {
    let Some(sla) = &case.sla else { return Ok(0) };
    let alerts = sla.due_alerts(at);
    if alerts.is_empty() {
        // The stored instant is not the clock's (a row an older server wrote): store the clock's,
        // or the case would come back every round.
        tracing::warn!(case = %case.id, "a case was due for an SLA alert, but its clock has none due");
        cases::set_next_alert_at(conn, case.id, sla.next_alert_at()).await?;
        return Ok(0);
    }
    let mut next = Cases::next_version(case.clone(), at);
    let mut before = record(case);
    let mut recorded = Vec::with_capacity(alerts.len());
    for alert in &alerts {
        if let Some(sla) = &mut next.sla {
            sla.alerts.insert(*alert);
        }
        let after = record(&next);
        recorded.push((alert.kind.as_str(), before, after.clone()));
        before = after;
    }
    // Changed since it was read (SQLite, where rows are not locked): the next round looks again.
    if !Cases::write(conn, &next, case.version).await? {
        return Ok(0);
    }
    for (what, before, after) in &recorded {
        history::record_by(
            conn,
            None,
            RESOURCE,
            case.id,
            Change::Reached(what),
            Some(before),
            after,
        )
        .await?;
    }
    Ok(alerts.len())
}

/// Closes a resolved case whose reopen window passed, as the server.
async fn close(conn: &impl ConnectionTrait, case: &Case, at: DateTime<Utc>) -> Result<(), AppError> {
    let Ok(closed) = case.act(CaseAction::Close, at, 0) else {
        return Ok(());
    };
    let next = Cases::next_version(closed, at);
    if Cases::write(conn, &next, case.version).await? {
        let change = Change::of_status(case.state.status, CaseStatus::Closed);
        history::record_by(
            conn,
            None,
            RESOURCE,
            case.id,
            change,
            Some(&record(case)),
            &record(&next),
        )
        .await?;
    }
    Ok(())
}
