//! Upserts by external id (`PUT /{resource}/by-external-id/{external_id}`): what every
//! resource's upsert shares. The body is the whole record; the external id names it.

use std::future::Future;

use domain::record::Record;
use persistence::table::{self, Table};
use persistence::{ConnectionTrait, DatabaseTransaction, TransactionTrait};

use domain::document::EXTERNAL_ID_MAX;
use domain::resource::ResourceType;
use persistence::StoreError;
use uuid::Uuid;

use crate::caller::Caller;
use crate::error::{AppError, ErrorCode};
use crate::transaction;

/// Whether an upsert created the record or replaced it.
pub enum Upserted<T> {
    Created(T),
    Replaced(T),
}

impl<T> Upserted<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Upserted<U> {
        match self {
            Upserted::Created(record) => Upserted::Created(f(record)),
            Upserted::Replaced(record) => Upserted::Replaced(f(record)),
        }
    }
}

/// The external id of the path, checked like the field it fills (PostgreSQL refuses a NUL byte
/// outright, so nothing unchecked reaches a query), and set on the body, which may leave it out
/// or repeat it but not name another.
pub fn claim_external_id(path: &str, body: &mut Option<String>, max: usize) -> Result<String, AppError> {
    let external_id = domain::text::required(path, max)
        .map_err(|e| AppError::invalid("external_id", domain::validation::CodedError::code(&e), e.to_string()))?;
    match body.as_deref().map(str::trim).filter(|id| !id.is_empty()) {
        Some(body_id) if body_id != external_id => Err(AppError::invalid(
            "external_id",
            "mismatch",
            "must be absent or equal the external id in the path",
        )),
        _ => {
            *body = Some(external_id.clone());
            Ok(external_id)
        }
    }
}

/// The external id of a create body, checked like any short text (trimmed, at most 200 characters,
/// no control characters); blank means none.
pub fn checked_external_id(raw: Option<&str>) -> Result<Option<String>, AppError> {
    domain::text::optional(raw, EXTERNAL_ID_MAX)
        .map_err(|e| AppError::invalid("external_id", domain::validation::CodedError::code(&e), e.to_string()))
}

/// The 409 for an external id that another record of the resource has (`existing_id` names it
/// when known; a lost race learns of it from the unique index only).
pub fn duplicate_external_id(resource: ResourceType, external_id: &str, existing_id: Option<Uuid>) -> AppError {
    AppError::conflict(
        ErrorCode::DuplicateExternalId,
        format!("another {} has the external id `{external_id}`", resource.noun()),
        existing_id,
    )
}

/// Refuses an external id the caller may not give (a sales user's: external ids are unique among
/// all records, so one would tell whether a record they cannot see has it), with a 422.
pub(crate) fn check_external_id_allowed(caller: &Caller, external_id: Option<&str>) -> Result<(), AppError> {
    if external_id.is_some() && !domain::access::may_set_external_ids(caller.role) {
        return Err(AppError::invalid(
            "external_id",
            "not_allowed",
            "sales users do not set external ids: they are the keys of systems that sync every record",
        ));
    }
    Ok(())
}

/// Refuses an external id the caller may not give, or that another record of the resource has
/// (a 409 naming it); the unique index is the backstop when two requests race.
pub(crate) async fn check_external_id_free<T: Table>(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    external_id: Option<&str>,
) -> Result<(), AppError> {
    check_external_id_allowed(caller, external_id)?;
    if let Some(external_id) = external_id
        && let Some(other) = table::find_by_external_id::<T>(conn, external_id).await?
    {
        return Err(duplicate_external_id(
            <T::Record as Record>::TYPE,
            external_id,
            Some(other.id()),
        ));
    }
    Ok(())
}

/// A failed insert or update of a record whose external id is `external_id`: a 409
/// `duplicate_external_id` when the external id's unique index refused it (a lost race), else
/// the store's error.
pub fn lost_external_id_race(error: StoreError, resource: ResourceType, external_id: Option<&str>) -> AppError {
    if error.is_duplicate_of("external_id") {
        duplicate_external_id(resource, external_id.unwrap_or_default(), None)
    } else {
        error.into()
    }
}

/// The 409 for an upsert whose external id names a record the caller may not see: replacing it
/// would change what they may not see, creating another would break the uniqueness. It does not
/// name the record: the caller may not know of it.
pub fn hidden_external_id(resource: ResourceType) -> AppError {
    AppError::conflict(
        ErrorCode::DuplicateExternalId,
        format!("a {} you cannot see already has this external id", resource.noun()),
        None,
    )
}

/// Gives `new` lines the ids of `old` when they are the same lines apart from their ids, so that
/// sending a document again as it is changes nothing (no new version, no new line ids).
pub fn keep_line_ids<L: Clone + PartialEq>(new: &mut Vec<L>, old: &[L], id: impl Fn(&mut L) -> &mut Uuid) {
    if new.len() != old.len() {
        return;
    }
    let mut renamed = new.clone();
    for (line, old_line) in renamed.iter_mut().zip(old) {
        *id(line) = *id(&mut old_line.clone());
    }
    if renamed == old {
        *new = renamed;
    }
}

/// Runs `attempt`, and once more if it may have lost a race for the first insert of the
/// external id.
///
/// Two first upserts of one external id may race: both find nothing and try to insert, and the
/// loser learns of the winner from a unique index (the external id's, or another one the record
/// has, such as a product's SKU) or from the check before its insert. The retry finds the winner's
/// row and replaces it, so a client that retries blindly never sees a spurious conflict; a real
/// duplicate is refused again by the retry.
pub async fn retrying_a_lost_race<T, F, Fut>(attempt: F) -> Result<T, AppError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    match attempt().await {
        Err(AppError::Conflict { code, .. }) if code.is_lost_race() => attempt().await,
        other => other,
    }
}

/// The upsert every resource shares, in one transaction: the record that has `external_id` is
/// looked up (and locked); with none, `create` makes it (unless `If-Match` expected one: 404); one
/// the caller sees is handed to `replace`; one they do not see is refused, because creating a
/// second record would break the uniqueness of external ids. A lost race for the first insert is
/// retried once ([`retrying_a_lost_race`]), so `create` and `replace` may run twice.
pub async fn by_external_id<T: Table>(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
    caller: &Caller,
    external_id: &str,
    if_match: Option<i32>,
    create: impl AsyncFn(&DatabaseTransaction) -> Result<T::Record, AppError>,
    replace: impl AsyncFn(&DatabaseTransaction, T::Record) -> Result<T::Record, AppError>,
) -> Result<Upserted<T::Record>, AppError> {
    let resource = <T::Record as Record>::TYPE;
    retrying_a_lost_race(|| async {
        let txn = persistence::db::begin(db).await?;
        let result = match table::find_by_external_id::<T>(&txn, external_id).await? {
            None if if_match.is_some() => return Err(AppError::not_found(resource)),
            None => Upserted::Created(create(&txn).await?),
            Some(current) => {
                if table::find::<T>(&txn, current.id(), caller.visibility())
                    .await?
                    .is_none()
                {
                    return Err(hidden_external_id(resource));
                }
                Upserted::Replaced(replace(&txn, current).await?)
            }
        };
        transaction::commit(txn).await?;
        Ok(result)
    })
    .await
}
