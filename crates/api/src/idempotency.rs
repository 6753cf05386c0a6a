//! `Idempotency-Key` on every POST (api.md, "Concurrency and retries"): the first completed
//! response is kept for 24 hours per caller and key and replayed to retries with
//! `Idempotent-Replayed: true`; the same key with another request is a 422, and while the first
//! is still running a 409. A request that was refused (any 4xx or 5xx) changed nothing and is not
//! kept, so a corrected retry with the same key goes through.
//!
//! The key is claimed before the handler runs, by a row whose primary key is (caller, key): of
//! twenty identical requests racing, one claims it and the others wait or replay. The use case's
//! transaction is handed back open (`app::transaction::holding`) and committed here with the
//! response kept for the retries: a server stopped between the two cannot leave a change whose
//! retry would make it again.
//!
//! An upload (a streamed body, `routes::STREAMED`) is not read here: its body may be up to
//! `CRM_MAX_UPLOAD_BYTES` and is not held in memory, and its multipart boundary differs from one
//! try to the next. Its request is told apart by its path and its `Content-Length` instead: a
//! retry of the same upload is replayed, another file under the same key is (almost always, by
//! its length) a 422, and a retry whose client changed the boundary's length is a 422 as well,
//! which doubles nothing.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use persistence::DatabaseTransaction;
use persistence::idempotency::{self, Claim, StoredResponse};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{ApiError, ErrorCode};
use crate::extract::BODY_LIMIT;
use crate::state::AppState;
use app::clock::now;

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED: &str = "idempotent-replayed";
/// The longest key accepted.
pub const MAX_KEY_LENGTH: usize = 255;
/// The response headers a replay repeats.
const KEPT_HEADERS: [header::HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(key) = req
        .headers()
        .get(HEADER)
        .cloned()
        .filter(|_| req.method() == Method::POST)
    else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let key = match key.to_str() {
        Ok(key) if (1..=MAX_KEY_LENGTH).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => {
            key.to_owned()
        }
        _ => {
            let error = ApiError::bad_request(
                ErrorCode::InvalidIdempotencyKey,
                format!("Idempotency-Key is 1 to {MAX_KEY_LENGTH} visible ASCII characters"),
            );
            return Ok(req.error_response(error));
        }
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(req.error_response(ApiError::internal(anyhow::anyhow!("AppState missing"))));
    };
    // Keys are kept per caller the guard authorized: a public operation (a login, whose
    // response holds tokens) keeps none.
    let caller_id = actix_web::HttpMessage::extensions(&req)
        .get::<crate::auth::Caller>()
        .map(|caller| caller.id);
    let Some(caller_id) = caller_id else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let hash = if crate::deadline::streams_body(&req) {
        let length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .map(|value| value.as_bytes().to_vec());
        request_hash(&req, &length.unwrap_or_default())
    } else {
        // Over the limit (or cut off): answered as the handler's extractor would have.
        let Ok(body) = req.extract::<web::Bytes>().await else {
            return Ok(req.error_response(ApiError::PayloadTooLarge { limit: BODY_LIMIT }));
        };
        req.set_payload(Payload::from(body.clone()));
        request_hash(&req, &body)
    };
    let claimed_at = now();
    let claimant = state.instance.claimant();
    let claim = idempotency::claim(&state.db, caller_id, &key, &hash, claimed_at, claimant).await;
    match claim.map_err(ApiError::from) {
        Err(error) => {
            // The claim may have been committed with no answer to tell (the connection died):
            // free it when the database is back, or the retries would wait a minute.
            let claim = Claimed {
                caller_id,
                key: &key,
                at: claimed_at,
            };
            free_later(state.db.clone(), &claim);
            Ok(req.error_response(error))
        }
        Ok(Claim::OtherRequest) => Ok(req.error_response(ApiError::invalid(
            "Idempotency-Key",
            "key_reused",
            "this key was used for another request: use a new key for a new request",
        ))),
        Ok(Claim::InFlight) => Ok(req.error_response(ApiError::conflict(
            ErrorCode::IdempotencyKeyInUse,
            "the first request with this key is still running: retry in a moment",
            None,
        ))),
        Ok(Claim::Completed(stored)) => Ok(req.into_response(replay(&stored))),
        Ok(Claim::Claimed) => {
            // The change's transaction is handed back open, to be committed with the response.
            let (response, held) = app::transaction::holding(next.call(req)).await;
            let claim = Claimed {
                caller_id,
                key: &key,
                at: claimed_at,
            };
            settle(&state, &claim, response?, held).await
        }
    }
}

/// Marks a successful response of a request that changed nothing (a batch whose every item
/// failed): like a refused request, it is not kept, so a corrected retry with the key runs.
pub struct ChangedNothing;

/// The key this request claimed.
struct Claimed<'a> {
    caller_id: Uuid,
    key: &'a str,
    at: DateTime<Utc>,
}

/// Keeps a successful response for the retries, in the transaction of the change when the request
/// made one (both commit together, or neither), or frees the key of a refused request.
async fn settle(
    state: &AppState,
    claim: &Claimed<'_>,
    response: ServiceResponse<impl MessageBody + 'static>,
    held: Option<DatabaseTransaction>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let status = response.status();
    let changed_nothing = response.response().extensions().contains::<ChangedNothing>();
    if !status.is_success() || changed_nothing {
        // Refused: whatever it began is not committed (before the key is freed: on SQLite the
        // transaction holds the one connection).
        drop(held);
        free(state, claim).await;
        return Ok(response.map_into_boxed_body());
    }
    let (req, response) = response.into_parts();
    let (response, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| ApiError::internal(anyhow::anyhow!("the response body could not be read")))?;
    let stored = StoredResponse {
        status: status.as_u16(),
        headers: KEPT_HEADERS
            .iter()
            .filter_map(|name| {
                let value = response.headers().get(name)?.to_str().ok()?;
                Some((name.as_str().to_owned(), value.to_owned()))
            })
            .collect(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let Some(txn) = held else {
        // Nothing to commit with it (a batch committed its items as they went): kept after.
        if let Err(error) = idempotency::complete(&state.db, claim.caller_id, claim.key, claim.at, &stored).await {
            tracing::error!(%error, "could not keep the response of an idempotent request");
        }
        return Ok(ServiceResponse::new(req, response.set_body(BoxBody::new(bytes))));
    };
    match commit_with_response(state, txn, claim, &stored).await {
        Ok(()) => Ok(ServiceResponse::new(req, response.set_body(BoxBody::new(bytes)))),
        Err(error) => Ok(ServiceResponse::new(
            req,
            actix_web::ResponseError::error_response(&error),
        )),
    }
}

/// Frees a refused request's key once the database answers again, trying for 45 s: well before
/// the claim's minute is over, after which a retry may take the key over and this must not free
/// that retry's claim. Meanwhile no retry can claim the key, since this server still runs.
fn free_later(db: persistence::DatabaseConnection, claim: &Claimed<'_>) {
    let (caller_id, key, at) = (claim.caller_id, claim.key.to_owned(), claim.at);
    tokio::spawn(async move {
        let give_up = tokio::time::Instant::now() + std::time::Duration::from_secs(45);
        let mut pause = std::time::Duration::from_millis(250);
        while tokio::time::Instant::now() + pause < give_up {
            tokio::time::sleep(pause).await;
            if idempotency::release(&db, caller_id, &key, at).await.is_ok() {
                return;
            }
            pause = (pause * 2).min(std::time::Duration::from_secs(5));
        }
        tracing::warn!("could not free an idempotency key; it frees itself in a minute");
    });
}

/// Commits the change with the response its retries will get. A claim that is no longer this
/// request's (a retry took it over after a minute) commits nothing: the retry makes the change.
async fn commit_with_response(
    state: &AppState,
    txn: DatabaseTransaction,
    claim: &Claimed<'_>,
    stored: &StoredResponse,
) -> Result<(), ApiError> {
    let committed = match idempotency::complete(&txn, claim.caller_id, claim.key, claim.at, stored).await {
        Ok(true) => txn.commit().await.map_err(ApiError::from),
        Ok(false) => {
            drop(txn);
            return Err(ApiError::conflict(
                ErrorCode::IdempotencyKeyInUse,
                "this request ran so long that a retry with its key took over: it changed nothing",
                None,
            ));
        }
        Err(error) => {
            drop(txn);
            Err(error.into())
        }
    };
    if let Err(error) = committed {
        // Nothing was committed, the claim included (a commit that went through although its
        // answer was lost completed the claim, which freeing leaves alone): the key is free.
        free(state, claim).await;
        return Err(error);
    }
    Ok(())
}

/// Frees the key of a request that changed nothing, now or, if the database does not answer,
/// as soon as it does again.
async fn free(state: &AppState, claim: &Claimed<'_>) {
    if let Err(error) = idempotency::release(&state.db, claim.caller_id, claim.key, claim.at).await {
        // Most likely the database is out of reach, as it was for the request (a 503 that tells
        // the client to retry in 2 s): the retry must not wait for the claim's minute.
        tracing::warn!(%error, "could not free an idempotency key; trying again in the background");
        free_later(state.db.clone(), claim);
    }
}

fn replay(stored: &StoredResponse) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    for (name, value) in &stored.headers {
        response.insert_header((name.as_str(), value.as_str()));
    }
    response.insert_header((REPLAYED, "true"));
    response.body(stored.body.clone())
}

/// What makes two requests the same: method, path with query, and body.
fn request_hash(req: &ServiceRequest, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str());
    hasher.update([0]);
    hasher.update(req.uri().path_and_query().map_or("", |p| p.as_str()));
    hasher.update([0]);
    hasher.update(body);
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}
