//! `PUT /{resource}/by-external-id/{external_id}`: what every resource's upsert shares. The body
//! is the whole record; the external id in the path names it.

use std::future::Future;

use actix_web::HttpResponse;
use actix_web::http::header;
use serde::Serialize;

use crate::error::ApiError;
use crate::respond::etag;

/// Whether an upsert created the record or replaced it.
pub enum Upserted<T> {
    Created(T),
    Replaced(T),
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
