//! One error type for the whole API, rendered as RFC 9457 problem+json with a stable `code`.
//!
//! The `code` table below is the contract clients switch on: codes are never renamed. 5xx bodies say
//! nothing about the cause; the cause chain goes to the log.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use domain::transition::TransitionError;
use domain::validation::{FieldError, ValidationErrors};
use persistence::StoreError;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: malformed JSON, an unknown field, a bad query parameter, path or cursor.
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// 401: no token, or one that does not validate.
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// 403: authenticated, but the role may not do this.
    #[error("your role may not perform this operation")]
    Forbidden,
    /// 404: no such record, or one the caller may not see.
    #[error("no {resource} with this id")]
    NotFound { resource: &'static str },
    /// 404: no endpoint at this path.
    #[error("no endpoint at this path; see /api-docs/openapi.json")]
    NoRoute,
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: the record's state, or another record, forbids it.
    #[error("{detail}")]
    Conflict {
        code: &'static str,
        detail: String,
        existing_id: Option<Uuid>,
    },
    /// 409: the action is not allowed from the record's current status.
    #[error(
        "cannot {action} the {resource}: it is {from}, and `{action}` is allowed from {allowed}",
        action = .error.action, from = .error.from, allowed = .error.allowed_from.join(", ")
    )]
    InvalidTransition {
        resource: &'static str,
        error: TransitionError,
    },
    /// 412: `If-Match` named another version than the current one.
    #[error("the record is at version {current_version}, not the one in If-Match")]
    PreconditionFailed { current_version: i32 },
    /// 413: body over the limit.
    #[error("the request body exceeds {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// 415: a body that is not JSON.
    #[error("the request body must be application/json")]
    UnsupportedMediaType,
    /// 422: well-formed input with invalid values, every one of them.
    #[error("invalid fields: {}", describe_fields(.0))]
    Validation(Vec<FieldError>),
    /// 429: past the caller's rate limit; `Retry-After` seconds until the next request passes.
    #[error("too many requests: retry in {retry_after} s")]
    RateLimited { retry_after: u64 },
    /// 503: the change kept colliding with concurrent ones; a retry after `Retry-After` will do.
    #[error("the records are busy with other changes: retry in a moment")]
    Busy,
    /// 503: the database is unreachable (for `/ready`) or saturated.
    #[error("service unavailable")]
    Unavailable,
    /// 500: a bug or a failure of a dependency. The client learns nothing more.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>, existing_id: Option<Uuid>) -> Self {
        ApiError::Conflict {
            code,
            detail: detail.into(),
            existing_id,
        }
    }

    /// A write lost to another one that committed first (a backstop: rows are locked when read for
    /// a change); a retry reads the new state.
    pub fn concurrent_update() -> Self {
        ApiError::conflict(
            "concurrent_update",
            "the record was changed by another request meanwhile: read it again and retry",
            None,
        )
    }

    pub fn invalid_transition(resource: &'static str, error: TransitionError) -> Self {
        ApiError::InvalidTransition { resource, error }
    }

    /// A single invalid field.
    pub fn invalid(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }])
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(error.into())
    }

    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. }
            | ApiError::Unauthorized { code, .. }
            | ApiError::Conflict { code, .. } => code,
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound { .. } | ApiError::NoRoute => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::InvalidTransition { .. } => "invalid_state_transition",
            ApiError::PreconditionFailed { .. } => "version_mismatch",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Validation(_) => "validation_failed",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Busy => "resource_busy",
            ApiError::Unavailable => "service_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "Bad request",
            ApiError::Unauthorized { .. } => "Unauthorized",
            ApiError::Forbidden => "Forbidden",
            ApiError::NotFound { .. } | ApiError::NoRoute => "Not found",
            ApiError::MethodNotAllowed => "Method not allowed",
            ApiError::Conflict { .. } | ApiError::InvalidTransition { .. } => "Conflict",
            ApiError::PreconditionFailed { .. } => "Precondition failed",
            ApiError::PayloadTooLarge { .. } => "Payload too large",
            ApiError::UnsupportedMediaType => "Unsupported media type",
            ApiError::Validation(_) => "Validation failed",
            ApiError::RateLimited { .. } => "Too many requests",
            ApiError::Busy | ApiError::Unavailable => "Service unavailable",
            ApiError::Internal(_) => "Internal server error",
        }
    }
}

/// `name: must not be empty; addresses[0].country: unknown country code…`
fn describe_fields(errors: &[FieldError]) -> String {
    let described: Vec<String> = errors
        .iter()
        .map(|e| {
            if e.field.is_empty() {
                e.message.clone()
            } else {
                format!("{}: {}", e.field, e.message)
            }
        })
        .collect();
    described.join("; ")
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type (`about:blank` or a tag URI).
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, e.g. `validation_failed`, `version_mismatch`.
    pub code: String,
    /// Every invalid field (422).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(default = json!([]))]
    pub errors: Vec<FieldProblem>,
    /// The record the request collided with (409).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<Uuid>,
    /// The record's current version (412).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i32>,
    /// The record's current status (409 `invalid_state_transition`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_status: Option<String>,
    /// The statuses the refused action is allowed from (409 `invalid_state_transition`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_from: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// JSON path of the field, e.g. `addresses[0].country`.
    pub field: String,
    pub code: String,
    pub message: String,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } | ApiError::NoRoute => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } | ApiError::InvalidTransition { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy | ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let problem = self.problem();
        let mut response = HttpResponse::build(status);
        response.content_type(PROBLEM_JSON);
        match self {
            ApiError::Unauthorized { .. } => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::PreconditionFailed { current_version } => {
                response.insert_header((header::ETAG, format!("\"{current_version}\"")));
            }
            ApiError::Busy => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            ApiError::RateLimited { retry_after } => {
                response.insert_header((header::RETRY_AFTER, *retry_after));
            }
            _ => {}
        }
        response.json(problem)
    }
}

impl ApiError {
    /// The problem document of this error: the body of its response, or of one item of a batch.
    /// An internal error's cause goes to the log here, never into the document.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = ?cause, "request failed");
        }
        Problem {
            type_: "about:blank".to_owned(),
            title: self.title().to_owned(),
            status: status.as_u16(),
            detail: self.to_string(),
            code: self.code().to_owned(),
            errors: match self {
                ApiError::Validation(errors) => errors
                    .iter()
                    .map(|e| FieldProblem {
                        field: e.field.clone(),
                        code: e.code.to_owned(),
                        message: e.message.clone(),
                    })
                    .collect(),
                _ => Vec::new(),
            },
            existing_id: match self {
                ApiError::Conflict { existing_id, .. } => *existing_id,
                _ => None,
            },
            current_version: match self {
                ApiError::PreconditionFailed { current_version } => Some(*current_version),
                _ => None,
            },
            current_status: match self {
                ApiError::InvalidTransition { error, .. } => Some(error.from.to_owned()),
                _ => None,
            },
            allowed_from: match self {
                ApiError::InvalidTransition { error, .. } => {
                    Some(error.allowed_from.iter().map(|s| (*s).to_owned()).collect())
                }
                _ => None,
            },
        }
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        ApiError::Validation(errors.into_errors())
    }
}

impl From<StoreError> for ApiError {
    /// Constraint violations that a service did not anticipate still must not be a 500: the
    /// request conflicts with stored state, and it changed nothing (its transaction rolls back).
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Duplicate(_) => {
                ApiError::conflict("duplicate", "a record with these unique values already exists", None)
            }
            StoreError::ForeignKey(_) => ApiError::conflict(
                "reference_conflict",
                "a referenced record does not exist or is still referenced",
                None,
            ),
            StoreError::Retryable(error) => {
                tracing::warn!(%error, "transaction aborted by the database; the client is told to retry");
                ApiError::Busy
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<persistence::DbErr> for ApiError {
    fn from(error: persistence::DbErr) -> Self {
        StoreError::from(error).into()
    }
}
