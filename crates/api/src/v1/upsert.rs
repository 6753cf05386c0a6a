//! `PUT /{resource}/by-external-id/{external_id}`: what every resource's upsert shares. The body
//! is the whole record; the external id in the path names it.

use std::future::Future;

use actix_web::HttpResponse;
use actix_web::http::header;
use domain::document::EXTERNAL_ID_MAX;
use serde::Serialize;
use uuid::Uuid;

use crate::error::ApiError;
use crate::respond::etag;

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
pub fn claim_external_id(path: &str, body: &mut Option<String>, max: usize) -> Result<String, ApiError> {
    let external_id = domain::text::required(path, max)
        .map_err(|e| ApiError::invalid("external_id", domain::validation::CodedError::code(&e), e.to_string()))?;
    match body.as_deref().map(str::trim).filter(|id| !id.is_empty()) {
        Some(body_id) if body_id != external_id => Err(ApiError::invalid(
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
pub fn checked_external_id(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    domain::text::optional(raw, EXTERNAL_ID_MAX)
        .map_err(|e| ApiError::invalid("external_id", domain::validation::CodedError::code(&e), e.to_string()))
}

/// The 409 for an external id that another record of the resource has (`existing_id` names it
/// when known; a lost race learns of it from the unique index only).
pub fn duplicate_external_id(resource: &str, external_id: &str, existing_id: Option<Uuid>) -> ApiError {
    ApiError::conflict(
        "duplicate_external_id",
        format!("another {resource} has the external id `{external_id}`"),
        existing_id,
    )
}

/// The 409 for an upsert whose external id names a record the caller may not see: replacing it
/// would change what they may not see, creating another would break the uniqueness. It does not
/// name the record: the caller may not know of it.
pub fn hidden_external_id(resource: &str) -> ApiError {
    ApiError::conflict(
        "duplicate_external_id",
        format!("a {resource} you cannot see already has this external id"),
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
pub async fn retrying_a_lost_race<T, F, Fut>(attempt: F) -> Result<T, ApiError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    match attempt().await {
        Err(ApiError::Conflict { code, .. }) if code.starts_with("duplicate") => attempt().await,
        other => other,
    }
}

/// 201 with `Location` for a created record, 200 for a replaced one; both with `ETag`.
pub fn respond<T, R: Serialize>(
    upserted: Upserted<T>,
    location: impl FnOnce(&T) -> String,
    version: impl Fn(&T) -> i32,
    response: impl FnOnce(T) -> R,
) -> HttpResponse {
    match upserted {
        Upserted::Created(record) => HttpResponse::Created()
            .insert_header((header::LOCATION, location(&record)))
            .insert_header(etag(version(&record)))
            .json(response(record)),
        Upserted::Replaced(record) => HttpResponse::Ok()
            .insert_header(etag(version(&record)))
            .json(response(record)),
    }
}
