//! Billing runs: every period due by a day and not done yet becomes a confirmed sales order
//! linked to its period (so invoice orders, invoices, flow, events and turnover follow as for any
//! order), or is skipped when it started while the subscription was paused. A client runs it
//! (`POST /subscription-runs {as_of}`); the server's daily job runs it every minute as of today,
//! for the periods starting on or after each subscription's activation.
//!
//! Exactly once per period: each subscription is billed in a transaction of its own, taken
//! locked (PostgreSQL skips one another run holds: that run bills it), and its periods done are
//! rows with a unique key on (subscription, start), written with their orders: a period a racing
//! run billed makes this one's transaction fail whole, billing nothing twice. What is due is
//! derived from stored cursors and dates, so a run after days of downtime bills every period
//! missed. A subscription that cannot be billed (an archived party, a line without a price) is
//! reported in the run and does not stop the others.

use std::time::Duration;

use chrono::{Days, NaiveDate};
use domain::subscription::period::Period;
use domain::subscription::{Biller, Outcome, Subscription};
use persistence::parties::Parties;
use persistence::subscription_periods::{self, DonePeriod};
use persistence::subscription_runs::{self, Failure, Run, Trigger};
use persistence::subscriptions::{self, Subscriptions};
use persistence::visibility::Visibility;
use persistence::{DatabaseConnection, DatabaseTransaction, StoreError, table};
use uuid::Uuid;

use super::{RESOURCE, orders, record};
use crate::caller::Caller;
use crate::clock::{Clock, now, today};
use crate::error::{AppError, ErrorCode};
use crate::history::{self, Change};
use crate::sales_orders;
use crate::versioned::Versioned;

/// How often the daily job looks: a period due today is billed within a minute of midnight (UTC),
/// or of the server coming back.
const EVERY: Duration = Duration::from_mins(1);
/// Subscriptions read per query of a run.
const PAGE: u64 = 100;
/// How far ahead a run may bill: a year (billing in advance of the period's day is allowed, a
/// run years ahead is a mistake that would make thousands of orders).
pub const MAX_DAYS_AHEAD: u64 = 366;

/// `POST /subscription-runs`: bills every period due by `as_of`, as `caller`.
pub async fn run(db: &DatabaseConnection, caller: &Caller, as_of: NaiveDate) -> Result<Run, AppError> {
    let latest = today()
        .checked_add_days(Days::new(MAX_DAYS_AHEAD))
        .unwrap_or(NaiveDate::MAX);
    if let Err(error) = domain::time::date(as_of) {
        return Err(AppError::invalid("as_of", "out_of_range", error.to_string()));
    }
    if as_of > latest {
        let message = format!("at most {MAX_DAYS_AHEAD} days ahead ({latest})");
        return Err(AppError::invalid("as_of", "too_far_ahead", message));
    }
    execute(db, Biller::Run, as_of, Trigger::Request, Some(caller.id)).await
}

/// A run the caller may read.
pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<(Run, Vec<DonePeriod>), AppError> {
    let run = subscription_runs::find(db, id)
        .await?
        .ok_or(AppError::not_found_named("subscription run"))?;
    let periods = subscription_periods::of_run(db, id).await?;
    Ok((run, periods))
}

/// Runs the daily job every minute in the background, under the server's clock.
pub fn start(db: DatabaseConnection, clock: Clock) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(EVERY);
        loop {
            interval.tick().await;
            if let Err(error) = clock.scope(round(&db)).await {
                tracing::warn!(%error, "the subscription billing round failed; trying again in a minute");
            }
        }
    });
}

/// One round of the daily job: what is due today. Its run is kept only when it billed or skipped
/// a period.
pub async fn round(db: &DatabaseConnection) -> Result<Run, AppError> {
    execute(db, Biller::Job, today(), Trigger::Schedule, None).await
}

async fn execute(
    db: &DatabaseConnection,
    who: Biller,
    as_of: NaiveDate,
    trigger: Trigger,
    actor: Option<Uuid>,
) -> Result<Run, AppError> {
    let mut run = Run {
        id: Uuid::now_v7(),
        as_of,
        trigger,
        requested_by: actor,
        started_at: now(),
        finished_at: now(),
        billed: 0,
        skipped: 0,
        failures: Vec::new(),
    };
    let day = today();
    // The job's work is due by today: bills, and subscriptions to end.
    let work_by = if who == Biller::Job { day } else { as_of };
    let mut after = None;
    loop {
        let ids = subscriptions::with_work(db, who, work_by, after, PAGE).await?;
        for &id in &ids {
            match bill_one(db, id, who, &run, day).await {
                Ok((billed, skipped)) => {
                    run.billed += billed;
                    run.skipped += skipped;
                }
                Err(error) => {
                    tracing::warn!(subscription = %id, %error, "a subscription could not be billed");
                    run.failures.push(Failure {
                        subscription_id: id,
                        code: error.code().as_str().to_owned(),
                        detail: error.to_string(),
                    });
                }
            }
        }
        match ids.last() {
            Some(&last) if ids.len() as u64 == PAGE => after = Some(last),
            _ => break,
        }
    }
    run.finished_at = now();
    // A job round is kept when it billed or skipped something: one that only met a failure again
    // (logged above) would add a run every minute until someone fixes the subscription.
    if trigger == Trigger::Request || run.billed + run.skipped > 0 {
        let txn = persistence::db::begin(db).await?;
        subscription_runs::insert(&txn, &run).await?;
        txn.commit().await?;
    }
    Ok(run)
}

/// Bills or skips every period of subscription `id` due for `who`, in one transaction; ends
/// it (the job) once past its end date. Returns how many periods were billed and skipped.
async fn bill_one(
    db: &DatabaseConnection,
    id: Uuid,
    who: Biller,
    run: &Run,
    day: NaiveDate,
) -> Result<(u32, u32), AppError> {
    let txn = persistence::db::begin(db).await?;
    let Some(mut subscription) = subscriptions::lock_for_billing(&txn, id).await? else {
        // Another instance's run holds it: that run bills it.
        return Ok((0, 0));
    };
    let (mut billed, mut skipped) = (0, 0);
    for (period, outcome) in subscription.due(who, run.as_of, day) {
        let sales_order_id = match outcome {
            Outcome::Bill => Some(bill(&txn, &subscription, &period, run.requested_by).await?),
            Outcome::Skip => None,
        };
        let done = DonePeriod {
            id: Uuid::now_v7(),
            subscription_id: id,
            index: period.index,
            start: period.start,
            end: period.end,
            due_on: period.due_on,
            outcome,
            sales_order_id,
            run_id: Some(run.id),
            created_at: now(),
        };
        subscription_periods::insert(&txn, &done)
            .await
            .map_err(|error| match error {
                StoreError::Duplicate(_) => AppError::conflict(
                    ErrorCode::Duplicate,
                    format!("the period from {} was billed by another run meanwhile", period.start),
                    None,
                ),
                other => other.into(),
            })?;
        match outcome {
            Outcome::Bill => billed += 1,
            Outcome::Skip => skipped += 1,
        }
        subscription = subscription.with_done(period.index);
    }
    if who == Biller::Job && subscription.has_ended(day) {
        end(&txn, &subscription).await?;
    } else {
        subscriptions::set_billed(&txn, &subscription).await?;
    }
    txn.commit().await?;
    Ok((billed, skipped))
}

/// The confirmed order of one period; its id.
async fn bill(
    txn: &DatabaseTransaction,
    subscription: &Subscription,
    period: &Period,
    actor: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let party = table::find::<Parties>(txn, subscription.fields.party_id, Visibility::All)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("the party of a subscription is gone")))?;
    if party.is_archived() {
        return Err(AppError::conflict(
            ErrorCode::PartyArchived,
            "the party is archived and takes no new orders: cancel the subscription",
            Some(party.id),
        ));
    }
    let fields = orders::order_for(txn, subscription, &party, period).await?;
    Ok(sales_orders::insert_confirmed(txn, actor, fields).await?.id)
}

/// Marks a subscription past its end date `ended`, as the server.
async fn end(txn: &DatabaseTransaction, subscription: &Subscription) -> Result<(), AppError> {
    let at = now();
    let next = Subscriptions::next_version(subscription.ended(), at);
    if Subscriptions::write(txn, &next, subscription.version).await? {
        let change = Change::of_status(subscription.state.status, next.state.status);
        history::record_by(
            txn,
            None,
            RESOURCE,
            next.id,
            change,
            Some(&record(subscription)),
            &record(&next),
        )
        .await?;
    }
    Ok(())
}
