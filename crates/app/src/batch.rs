//! Batches of upserts (`POST /{resource}/batch`): the transactions of their items.
//!
//! Without `all_or_none`, each item is its own transaction: a failed item changes nothing and the
//! others go through. With `all_or_none`, the items run in one transaction, each in a savepoint
//! (the upsert begins one within the transaction it is given), so that every failure is found
//! and reported; if any fails, nothing is committed.

use persistence::{DatabaseConnection, DatabaseTransaction};
use uuid::Uuid;

use crate::error::AppError;
use crate::upsert::Upserted;

/// What an item's upsert made: the record's id and version.
pub type ItemOutcome = Result<Upserted<(Uuid, i32)>, AppError>;

/// Runs `upsert` on each item that parsed (an item that did not is its error), in the order
/// given. Returns each item's outcome, and whether what went through was committed (always, but
/// for an `all_or_none` batch with a failed item).
pub async fn run<T>(
    db: &DatabaseConnection,
    items: Vec<Result<T, AppError>>,
    all_or_none: bool,
    upsert: impl AsyncFn(&DatabaseTransaction, T) -> ItemOutcome,
) -> Result<(Vec<ItemOutcome>, bool), AppError> {
    // Many transactions (or savepoints), each committed as it ends: a batch's response is kept
    // after them, and its items are upserts, which a retry repeats harmlessly.
    Box::pin(crate::transaction::direct(run_items(db, items, all_or_none, upsert))).await
}

async fn run_items<T>(
    db: &DatabaseConnection,
    items: Vec<Result<T, AppError>>,
    all_or_none: bool,
    upsert: impl AsyncFn(&DatabaseTransaction, T) -> ItemOutcome,
) -> Result<(Vec<ItemOutcome>, bool), AppError> {
    let mut outcomes = Vec::with_capacity(items.len());
    if all_or_none {
        let txn = persistence::db::begin(db).await?;
        for item in items {
            outcomes.push(match item {
                Ok(item) => upsert(&txn, item).await,
                Err(error) => Err(error),
            });
        }
        if outcomes.iter().any(Result::is_err) {
            txn.rollback().await?;
            return Ok((outcomes, false));
        }
        txn.commit().await?;
    } else {
        for item in items {
            outcomes.push(match item {
                Ok(item) => alone(db, item, &upsert).await,
                Err(error) => Err(error),
            });
        }
    }
    Ok((outcomes, true))
}

/// One item in a transaction of its own.
async fn alone<T>(
    db: &DatabaseConnection,
    item: T,
    upsert: &impl AsyncFn(&DatabaseTransaction, T) -> ItemOutcome,
) -> ItemOutcome {
    let txn = persistence::db::begin(db).await?;
    let outcome = upsert(&txn, item).await?;
    txn.commit().await?;
    Ok(outcome)
}
