//! Changing a versioned record, written once: lock it, refuse a stale `If-Match`, write its next
//! version only if the stored one is still the one read, record the change in history, commit. A
//! resource says how its records are written and kept ([`Versioned`]); its use cases keep only
//! their own rules.

use chrono::{DateTime, Utc};
use domain::record::Record;
use persistence::table::Table;
use persistence::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};
use serde_json::Value;
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::AppError;
use crate::history::{self, Change};
use crate::lookup;
use crate::transaction;
use crate::versions::check_version;

/// A table whose records the kit writes new versions of.
pub(crate) trait Versioned: Table<Record: Clone> {
    /// The record as history and the change feed keep it (the resource's `record`).
    const FORM: fn(&Self::Record) -> Value;

    /// `record` as the version after its own, changed `at`.
    fn next_version(record: Self::Record, at: DateTime<Utc>) -> Self::Record;

    /// What a change from `before` to `after` is in history: an update, unless the resource's
    /// status or archiving says more.
    fn change(_before: &Self::Record, _after: &Self::Record) -> Change {
        Change::Updated
    }

    /// Writes `record` if the stored version is still `expected_version`; false when not.
    async fn write(conn: &impl ConnectionTrait, record: &Self::Record, expected_version: i32)
    -> Result<bool, AppError>;
}

/// Writes `changed` as the next version of `current` (locked), changed `at`, and records the
/// change, in the caller's transaction.
pub(crate) async fn write_next<T: Versioned>(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: &T::Record,
    changed: T::Record,
    at: DateTime<Utc>,
) -> Result<T::Record, AppError> {
    write_next_by::<T>(conn, caller, current, changed, at, async |next, expected_version| {
        T::write(conn, next, expected_version).await
    })
    .await
}

/// [`write_next`] for a resource whose row is written with more than the record (a new password
/// hash, whether the lines changed).
pub(crate) async fn write_next_by<T: Versioned>(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: &T::Record,
    changed: T::Record,
    at: DateTime<Utc>,
    write: impl AsyncFnOnce(&T::Record, i32) -> Result<bool, AppError>,
) -> Result<T::Record, AppError> {
    let changed = T::next_version(changed, at);
    if !write(&changed, current.version()).await? {
        // The row was locked when read, so only a writer bypassing that lock gets here.
        return Err(AppError::concurrent_update());
    }
    let change = T::change(current, &changed);
    let (before, after) = ((T::FORM)(current), (T::FORM)(&changed));
    history::record(
        conn,
        caller,
        <T::Record as Record>::TYPE,
        changed.id(),
        change,
        Some(&before),
        &after,
    )
    .await?;
    Ok(changed)
}

/// Records the creation of `created`, in the caller's transaction.
pub(crate) async fn record_creation<T: Versioned>(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    created: &T::Record,
) -> Result<(), AppError> {
    let after = (T::FORM)(created);
    history::record(
        conn,
        caller,
        <T::Record as Record>::TYPE,
        created.id(),
        Change::Created,
        None,
        &after,
    )
    .await
}

/// A change of the record `id` in its own transaction. `validate` checks the request against the
/// record (locked) before `If-Match` is: invalid input is reported as such even with a stale
/// `If-Match`, fixing it being the first step. Then `apply` checks what needs the version to be
/// current and gives the changed record, whose version and instant `at` are stamped here; none
/// when nothing changes, which writes nothing (a client resending a record doubles nothing).
pub(crate) async fn change<T: Versioned, V>(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    validate: impl AsyncFnOnce(&DatabaseTransaction, &T::Record) -> Result<V, AppError>,
    apply: impl AsyncFnOnce(&DatabaseTransaction, &T::Record, V, DateTime<Utc>) -> Result<Option<T::Record>, AppError>,
) -> Result<T::Record, AppError> {
    change_by::<T, V>(
        db,
        caller,
        id,
        if_match,
        validate,
        apply,
        async |txn, next, expected_version| T::write(txn, next, expected_version).await,
    )
    .await
}

/// [`change`] for a resource whose row is written with more than the record ([`write_next_by`]).
pub(crate) async fn change_by<T: Versioned, V>(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    validate: impl AsyncFnOnce(&DatabaseTransaction, &T::Record) -> Result<V, AppError>,
    apply: impl AsyncFnOnce(&DatabaseTransaction, &T::Record, V, DateTime<Utc>) -> Result<Option<T::Record>, AppError>,
    write: impl AsyncFnOnce(&DatabaseTransaction, &T::Record, i32) -> Result<bool, AppError>,
) -> Result<T::Record, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = lookup::for_update::<T>(&txn, caller, id).await?;
    let valid = validate(&txn, &current).await?;
    check_version(current.version(), if_match)?;
    let at = now();
    let Some(changed) = apply(&txn, &current, valid, at).await? else {
        return Ok(current);
    };
    let written = write_next_by::<T>(&txn, caller, &current, changed, at, async |next, expected_version| {
        write(&txn, next, expected_version).await
    })
    .await?;
    transaction::commit(txn).await?;
    Ok(written)
}

/// Deletes the record `id` in its own transaction, after `If-Match`: `delete` checks what may
/// keep it and deletes its row; its history outlives it.
pub(crate) async fn delete<T: Versioned>(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    delete: impl AsyncFnOnce(&DatabaseTransaction, &T::Record) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = lookup::for_update::<T>(&txn, caller, id).await?;
    check_version(current.version(), if_match)?;
    delete(&txn, &current).await?;
    history::record_deletion(&txn, caller, <T::Record as Record>::TYPE, id, &(T::FORM)(&current)).await?;
    transaction::commit(txn).await?;
    Ok(())
}
