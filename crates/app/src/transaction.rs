//! Committing a change. A use case ends its transaction with [`commit`]; outside a request that
//! keeps its response (`Idempotency-Key`), that simply commits.
//!
//! Inside one, the API runs the request [`holding`] its commit: the transaction is handed back
//! open, the API writes the response for the key's retries into it, and only then commits. The
//! change and the response a retry replays are committed together or not at all: a server that
//! dies after the commit leaves nothing a retry would do a second time, and a request that lost
//! its key to a retry (it ran past the claim's minute) commits nothing.

use std::cell::RefCell;
use std::future::Future;

use persistence::DatabaseTransaction;

use crate::error::AppError;

/// What [`commit`] does inside [`holding`].
enum Slot {
    /// Waiting for the request's transaction.
    Open,
    /// The request's transaction, committed but for the response.
    Held(DatabaseTransaction),
    /// Transactions commit at once (nested work such as the items of a batch).
    Direct,
}

tokio::task_local! {
    static SLOT: RefCell<Slot>;
}

/// Commits `txn`, or, inside [`holding`], hands it over open. A request that commits twice
/// commits the first at once: only its last change is kept with its response.
pub async fn commit(txn: DatabaseTransaction) -> Result<(), AppError> {
    match SLOT.try_with(|slot| std::mem::replace(&mut *slot.borrow_mut(), Slot::Direct)) {
        Err(_) | Ok(Slot::Direct) => txn.commit().await?,
        Ok(Slot::Open) => SLOT.with(|slot| *slot.borrow_mut() = Slot::Held(txn)),
        Ok(Slot::Held(earlier)) => {
            earlier.commit().await?;
            SLOT.with(|slot| *slot.borrow_mut() = Slot::Held(txn));
        }
    }
    Ok(())
}

/// Runs `work` (a request), holding the commit of its transaction; returns what it returned and
/// the transaction left to commit, if it made one.
pub async fn holding<F: Future>(work: F) -> (F::Output, Option<DatabaseTransaction>) {
    SLOT.scope(RefCell::new(Slot::Open), async {
        let output = work.await;
        let held = SLOT.with(|slot| match std::mem::replace(&mut *slot.borrow_mut(), Slot::Direct) {
            Slot::Held(txn) => Some(txn),
            Slot::Open | Slot::Direct => None,
        });
        (output, held)
    })
    .await
}

/// Runs `work` with its transactions committed at once, also inside [`holding`]: for work of
/// many transactions (a batch's items), where holding one open would keep the others waiting.
pub async fn direct<F: Future>(work: F) -> F::Output {
    SLOT.scope(RefCell::new(Slot::Direct), work).await
}
