//! `POST /{resource}/batch`: up to 100 upserts by external id in one request, shared by every
//! resource that has one. Each item is the body of `PUT …/by-external-id/{external_id}` with a
//! required `external_id`, and gets the result that request would have had.
//!
//! The items' transactions are `app::batch`'s. Without `all_or_none`, the answer is a 200
//! listing every item's result. With `all_or_none`, if any item fails, nothing is committed and
//! the answer is a 422 `batch_failed` whose `items` list the problems, the items that would have
//! succeeded being `rolled_back`.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use app::batch::ItemOutcome;
use persistence::{DatabaseConnection, DatabaseTransaction};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, AppError, ErrorCode, PROBLEM_JSON, Problem};
use crate::v1::upsert::Upserted;

/// The most items one batch takes.
pub const MAX_ITEMS: usize = 100;

/// What happened to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Created,
    Updated,
    Error,
    /// `all_or_none` only: the item went through, but another failed, so it was not committed.
    RolledBack,
}

/// The result of one item, in the order of the request.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchItemResult {
    /// The item's position in `items`, from 0.
    pub index: usize,
    pub status: ItemStatus,
    /// The record created or updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub id: Option<Uuid>,
    /// Its version now.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub version: Option<i32>,
    /// `error` only: the problem document the single upsert would have answered (its `status`
    /// is the HTTP status it would have had).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub problem: Option<Problem>,
}

/// The results of a batch: one per item, and how many were created, updated or failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    pub items: Vec<BatchItemResult>,
    pub created: usize,
    pub updated: usize,
    pub failed: usize,
}

/// The 422 of a batch: a problem document. For `batch_failed` (an `all_or_none` batch in which
/// an item failed, so nothing was committed) it carries every item's result and the counts; for
/// `validation_failed` (`items` empty or over 100) only `errors`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchProblem {
    #[serde(flatten)]
    pub problem: Problem,
    /// `batch_failed`: one result per item; those that went through are `rolled_back`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub items: Option<Vec<BatchItemResult>>,
    /// `batch_failed`: always 0, nothing was committed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub created: Option<usize>,
    /// `batch_failed`: always 0, nothing was committed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub updated: Option<usize>,
    /// `batch_failed`: how many items failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub failed: Option<usize>,
}

/// Runs the batch of `items`, still as JSON (an item that does not parse is an error of that
/// item, not of the whole batch): each item is parsed and checked like the body of the single upsert, a later
/// item with an external id an earlier one has is refused (422 `duplicate_in_batch`: which of
/// the two should win is not ours to guess), and `upsert` runs the rest within `txn`.
pub async fn run<T: DeserializeOwned + Validate>(
    db: &DatabaseConnection,
    items: &[Value],
    all_or_none: bool,
    external_id: impl Fn(&T) -> Option<&str>,
    upsert: impl AsyncFn(&DatabaseTransaction, T) -> ItemOutcome,
) -> Result<HttpResponse, ApiError> {
    if items.is_empty() {
        return Err(ApiError::invalid("items", "required", "a batch has at least one item"));
    }
    if items.len() > MAX_ITEMS {
        return Err(ApiError::invalid(
            "items",
            "too_many",
            format!("a batch has at most {MAX_ITEMS} items"),
        ));
    }
    let mut seen: Vec<(String, usize)> = Vec::new();
    let parsed: Vec<Result<T, AppError>> = items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let body: T = crate::extract::checked(&serde_json::to_vec(item).unwrap_or_default()).map_err(app_error)?;
            if let Some(id) = external_id(&body).map(str::trim).filter(|id| !id.is_empty()) {
                if let Some((_, first)) = seen.iter().find(|(seen_id, _)| seen_id == id) {
                    return Err(AppError::invalid(
                        "external_id",
                        "duplicate_in_batch",
                        format!("items[{first}] has this external id already"),
                    ));
                }
                seen.push((id.to_owned(), index));
            }
            Ok(body)
        })
        .collect();
    let (outcomes, committed) = app::batch::run(db, parsed, all_or_none, upsert).await?;
    let results: Vec<BatchItemResult> = outcomes
        .into_iter()
        .enumerate()
        .map(|(index, outcome)| result(index, outcome))
        .collect();
    if !committed {
        return Ok(failed(results));
    }
    let summary = summary(results);
    let mut response = HttpResponse::Ok().json(&summary);
    if summary.created + summary.updated == 0 {
        // Every item failed: nothing changed, so an Idempotency-Key is not spent on it.
        response.extensions_mut().insert(crate::idempotency::ChangedNothing);
    }
    Ok(response)
}

/// A body's error as an item's: parsing answers only the use-case errors (400, 422).
fn app_error(error: ApiError) -> AppError {
    match error {
        ApiError::App(error) => error,
        other => AppError::internal(anyhow::anyhow!("an item failed to parse: {other}")),
    }
}

fn result(index: usize, outcome: ItemOutcome) -> BatchItemResult {
    let (status, record, problem) = match outcome {
        Ok(Upserted::Created(record)) => (ItemStatus::Created, Some(record), None),
        Ok(Upserted::Replaced(record)) => (ItemStatus::Updated, Some(record), None),
        Err(error) => (ItemStatus::Error, None, Some(ApiError::App(error).problem())),
    };
    BatchItemResult {
        index,
        status,
        id: record.map(|(id, _)| id),
        version: record.map(|(_, version)| version),
        problem,
    }
}

fn summary(items: Vec<BatchItemResult>) -> BatchResponse {
    let count = |status| items.iter().filter(|item| item.status == status).count();
    BatchResponse {
        created: count(ItemStatus::Created),
        updated: count(ItemStatus::Updated),
        failed: count(ItemStatus::Error),
        items,
    }
}

/// The 422 of an `all_or_none` batch that failed: the items that went through were rolled back.
fn failed(mut items: Vec<BatchItemResult>) -> HttpResponse {
    for item in &mut items {
        if item.status != ItemStatus::Error {
            *item = BatchItemResult {
                index: item.index,
                status: ItemStatus::RolledBack,
                id: None,
                version: None,
                problem: None,
            };
        }
    }
    let results = summary(items);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let detail = format!(
        "{} of {} items failed: nothing was committed",
        results.failed,
        results.items.len()
    );
    let problem = Problem::new(status, "Batch failed", detail, ErrorCode::BatchFailed);
    HttpResponse::build(status)
        .content_type(PROBLEM_JSON)
        .json(BatchProblem {
            problem,
            items: Some(results.items),
            created: Some(results.created),
            updated: Some(results.updated),
            failed: Some(results.failed),
        })
}
