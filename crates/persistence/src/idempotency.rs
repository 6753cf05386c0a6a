//! `Idempotency-Key`: the first request with a key claims it; its response is kept for the
//! retries. The primary key (caller, key) decides which of two racing requests is first.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::entities::idempotency_key::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;

const TABLE: &str = "idempotency_keys";
const IN_FLIGHT: &str = "in_flight";
const COMPLETED: &str = "completed";

/// How long a key holds its response.
pub const RETENTION: TimeDelta = TimeDelta::hours(24);
/// A claim older than this whose request never finished is given to the next request with the
/// key. No request runs this long (the API cuts requests off at 30 s). A claim of a server
/// instance that is no longer seen (it was killed) is given at once.
pub const ABANDONED_AFTER: TimeDelta = TimeDelta::minutes(1);

/// Who claims: the server instance, and since when an instance must have been seen to be running.
#[derive(Debug, Clone, Copy)]
pub struct Claimant {
    pub instance_id: Uuid,
    pub live_since: DateTime<Utc>,
}

/// A response kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What a request finds when it claims its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is this request's: run it, then [`complete`] or [`release`].
    Claimed,
    /// The first request with the key is still running.
    InFlight,
    /// The key was used for another request.
    OtherRequest,
    /// The first request completed with this response.
    Completed(StoredResponse),
}

pub async fn claim(
    conn: &impl ConnectionTrait,
    caller_id: Uuid,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
    claimant: Claimant,
) -> Result<Claim, StoreError> {
    let row = ActiveModel {
        caller_id: Set(caller_id),
        key: Set(key.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        state: Set(IN_FLIGHT.to_owned()),
        response_status: Set(None),
        response_headers: Set(None),
        response_body: Set(None),
        created_at: Set(now),
        instance_id: Set(Some(claimant.instance_id)),
    };
    let inserted = Entity::insert(row)
        .on_conflict(
            OnConflict::columns([Column::CallerId, Column::Key])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    if inserted == 1 {
        return Ok(Claim::Claimed);
    }
    let Some(found) = Entity::find_by_id((caller_id, key.to_owned())).one(conn).await? else {
        // Released between our insert and this read: the caller may simply try again.
        return Ok(Claim::InFlight);
    };
    let expired = found.created_at < now - RETENTION;
    let in_flight = found.state == IN_FLIGHT;
    // The instance that claimed it is gone (killed, stopped): its request died with it.
    let dead_owner = match found.instance_id {
        Some(owner) if in_flight && owner != claimant.instance_id => {
            (!crate::instances::is_live(conn, owner, claimant.live_since).await?).then_some(owner)
        }
        _ => None,
    };
    let abandoned = in_flight && (found.created_at < now - ABANDONED_AFTER || dead_owner.is_some());
    if expired || abandoned {
        // Take it over only if it is still expired or abandoned: of two requests taking it over
        // at once, the first makes it fresh and the second finds it in flight. (Not by comparing
        // the instant read: an instant decoded and encoded again may be spelled otherwise.)
        let taken = Entity::update_many()
            .col_expr(Column::RequestHash, request_hash.into())
            .col_expr(Column::State, IN_FLIGHT.into())
            .col_expr(Column::ResponseStatus, Option::<i32>::None.into())
            .col_expr(Column::ResponseHeaders, Option::<String>::None.into())
            .col_expr(Column::ResponseBody, Option::<String>::None.into())
            .col_expr(Column::CreatedAt, now.into())
            .col_expr(Column::InstanceId, Some(claimant.instance_id).into())
            .filter(Column::CallerId.eq(caller_id))
            .filter(Column::Key.eq(key))
            .filter(
                Condition::any().add(Column::CreatedAt.lt(now - RETENTION)).add(
                    Condition::all().add(Column::State.eq(IN_FLIGHT)).add(
                        Condition::any()
                            .add(Column::CreatedAt.lt(now - ABANDONED_AFTER))
                            .add_option(dead_owner.map(|owner| Column::InstanceId.eq(owner))),
                    ),
                ),
            )
            .exec(conn)
            .await?;
        return Ok(if taken.rows_affected == 1 {
            Claim::Claimed
        } else {
            Claim::InFlight
        });
    }
    if found.request_hash != request_hash {
        return Ok(Claim::OtherRequest);
    }
    if found.state == COMPLETED {
        return Ok(Claim::Completed(stored(found)?));
    }
    Ok(Claim::InFlight)
}

/// Keeps the response of the request that claimed the key at `claimed_at`, in the transaction
/// of its change. False when the claim is no longer its own (it ran past [`ABANDONED_AFTER`] and
/// a retry took the key over): the caller then rolls its change back.
pub async fn complete(
    conn: &impl ConnectionTrait,
    caller_id: Uuid,
    key: &str,
    claimed_at: DateTime<Utc>,
    response: &StoredResponse,
) -> Result<bool, StoreError> {
    let headers = serde_json::to_string(&response.headers).expect("headers serialize");
    let result = Entity::update_many()
        .col_expr(Column::State, COMPLETED.into())
        .col_expr(Column::ResponseStatus, Some(i32::from(response.status)).into())
        .col_expr(Column::ResponseHeaders, Some(headers).into())
        .col_expr(Column::ResponseBody, Some(response.body.clone()).into())
        .filter(Column::CallerId.eq(caller_id))
        .filter(Column::Key.eq(key))
        .filter(Column::State.eq(IN_FLIGHT))
        .filter(Column::CreatedAt.eq(claimed_at))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Frees the key of a request that was refused and changed nothing: a corrected retry may use it.
/// Only the claim made at `claimed_at` is freed, never a later one a retry took over.
pub async fn release(
    conn: &impl ConnectionTrait,
    caller_id: Uuid,
    key: &str,
    claimed_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    Entity::delete_many()
        .filter(Column::CallerId.eq(caller_id))
        .filter(Column::Key.eq(key))
        .filter(Column::State.eq(IN_FLIGHT))
        .filter(Column::CreatedAt.eq(claimed_at))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes the keys older than `cutoff`; returns how many.
pub async fn delete_before(conn: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
    let result = Entity::delete_many()
        .filter(Column::CreatedAt.lt(cutoff))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

fn stored(m: Model) -> Result<StoredResponse, StoreError> {
    let corrupt = || StoreError::corrupt(TABLE, format!("completed key {} without its response", m.key));
    let status = m
        .response_status
        .and_then(|s| u16::try_from(s).ok())
        .ok_or_else(corrupt)?;
    let headers: Vec<(String, String)> = m
        .response_headers
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .ok_or_else(corrupt)?;
    let body = m.response_body.clone().ok_or_else(corrupt)?;
    Ok(StoredResponse { status, headers, body })
}
