//! The one place where errors become RFC 9457 problem+json: a use case's [`AppError`], or a
//! failure only HTTP knows (no token, no route, a body over the limit, the rate limit).
//!
//! Every `code` is an [`ErrorCode`] of the one table in `app::codes`; the OpenAPI document lists
//! them. 5xx bodies say nothing about the cause; the cause chain goes to the log.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
pub use app::error::{AppError, ErrorCode};
use domain::transition::TransitionError;
use domain::validation::ValidationErrors;
use persistence::StoreError;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// What a use case refused, or failed at.
    #[error(transparent)]
    App(#[from] AppError),
    /// 404: no endpoint at this path.
    #[error("no endpoint at this path; see /api-docs/openapi.json")]
    NoRoute,
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 413: body over the limit.
    #[error("the request body exceeds {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// 415: a body that is not JSON.
    #[error("the request body must be application/json")]
    UnsupportedMediaType,
    /// 415: an upload that is not `multipart/form-data`.
    #[error("the request body must be multipart/form-data")]
    NotMultipart,
    /// 413: an upload's file over the limit (`CRM_MAX_UPLOAD_BYTES`).
    #[error("the file exceeds {limit} bytes")]
    FileTooLarge { limit: u64 },
    /// 429: past the caller's rate limit; `Retry-After` seconds until the next request passes.
    #[error("too many requests: retry in {retry_after} s")]
    RateLimited { retry_after: u64 },
    /// 503: the database is unreachable (for `/ready`) or saturated.
    #[error("service unavailable")]
    Unavailable,
    /// 408: the body did not arrive in time.
    #[error("the request body did not arrive within {seconds} s")]
    BodyTimeout { seconds: u64 },
    /// 400: the body could not be read (cut short, or a damaged `Content-Encoding`).
    #[error("the request body could not be read: {0}")]
    MalformedBody(String),
    /// 400: query parameters that do not parse, or that the operation does not know, each named.
    #[error("invalid query parameters: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    InvalidQuery(Vec<domain::validation::FieldError>),
}

impl ApiError {
    pub fn bad_request(code: ErrorCode, detail: impl Into<String>) -> Self {
        AppError::bad_request(code, detail).into()
    }

    pub fn conflict(code: ErrorCode, detail: impl Into<String>, existing_id: Option<Uuid>) -> Self {
        AppError::conflict(code, detail, existing_id).into()
    }

    /// A single invalid field.
    pub fn invalid(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        AppError::invalid(field, code, message).into()
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        AppError::internal(error).into()
    }

    /// The stable code clients switch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::App(error) => error.code(),
            ApiError::NoRoute => ErrorCode::NotFound,
            ApiError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ApiError::PayloadTooLarge { .. } | ApiError::FileTooLarge { .. } => ErrorCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType | ApiError::NotMultipart => ErrorCode::UnsupportedMediaType,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::Unavailable => ErrorCode::DatabaseUnavailable,
            ApiError::BodyTimeout { .. } => ErrorCode::RequestTimeout,
            ApiError::MalformedBody(_) => ErrorCode::MalformedBody,
            ApiError::InvalidQuery(_) => ErrorCode::InvalidQuery,
        }
    }

    fn app(&self) -> Option<&AppError> {
        match self {
            ApiError::App(error) => Some(error),
            _ => None,
        }
    }
}

/// The problem's `title`: the same for every problem of a status.
fn title(status: u16) -> &'static str {
    match status {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        408 => "Request timeout",
        409 => "Conflict",
        412 => "Precondition failed",
        413 => "Payload too large",
        415 => "Unsupported media type",
        422 => "Validation failed",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => "Internal server error",
    }
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
    /// Stable machine-readable code, e.g. `validation_failed`, `version_mismatch`: one of the
    /// table of codes (`code` values never change meaning).
    #[schema(schema_with = error_code_schema)]
    pub code: String,
    /// Every invalid field (422).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(default = json!([]))]
    pub errors: Vec<FieldProblem>,
    /// The record the request collided with (409).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub existing_id: Option<Uuid>,
    /// The record's current version (412).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub current_version: Option<i32>,
    /// The record's current status (409 `invalid_state_transition`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub current_status: Option<String>,
    /// The statuses the refused action is allowed from (409 `invalid_state_transition`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub allowed_from: Option<Vec<String>>,
    /// The path of the request this problem answers (RFC 9457 `instance`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "/api/v1/parties/0193c1d2-7e4f-7a00-8000-000000000001")]
    pub instance: Option<String>,
    /// The request's id, as in the answer's `X-Request-Id` header and the server's log (the
    /// client's own when it sent a plain one): quote it when reporting the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub request_id: Option<String>,
}

/// The schema of `Problem.code`: the enum of every stable code (`app::codes`).
pub fn error_code_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(ErrorCode::ALL.iter().map(|code| code.as_str())))
        .description(Some(
            "Stable machine-readable code: switch on it, not on `title` or `detail`. The responses of \
             each status list the codes they carry.",
        ))
        .build()
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
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let problem = self.problem();
        let mut response = HttpResponse::build(status);
        response.content_type(PROBLEM_JSON);
        match self {
            ApiError::App(AppError::Unauthorized { .. }) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::App(AppError::PreconditionFailed { current_version }) => {
                response.insert_header((header::ETAG, format!("\"{current_version}\"")));
            }
            ApiError::App(AppError::Busy) => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            ApiError::App(AppError::Unavailable) | ApiError::Unavailable => {
                response.insert_header((header::RETRY_AFTER, "2"));
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
        if let Some(AppError::Internal(cause)) = self.app() {
            tracing::error!(error = ?cause, "request failed");
        }
        let transition = match self.app() {
            Some(AppError::InvalidTransition { error, .. }) => Some(error),
            _ => None,
        };
        Problem {
            errors: match (self, self.app()) {
                (ApiError::InvalidQuery(errors), _) | (_, Some(AppError::Validation(errors))) => errors
                    .iter()
                    .map(|e| FieldProblem {
                        field: e.field.clone(),
                        code: e.code.to_owned(),
                        message: e.message.clone(),
                    })
                    .collect(),
                _ => Vec::new(),
            },
            existing_id: match self.app() {
                Some(AppError::Conflict { existing_id, .. }) => *existing_id,
                _ => None,
            },
            current_version: match self.app() {
                Some(AppError::PreconditionFailed { current_version }) => Some(*current_version),
                _ => None,
            },
            current_status: transition.map(|error: &TransitionError| error.from.to_owned()),
            allowed_from: transition.map(|error| error.allowed_from.iter().map(|s| (*s).to_owned()).collect()),
            ..Problem::new(status, title(status.as_u16()), self.to_string(), self.code())
        }
    }
}

impl Problem {
    /// A problem of the request being answered (named by its path and id), without the members
    /// only some problems have.
    pub fn new(status: StatusCode, title: &str, detail: String, code: ErrorCode) -> Problem {
        let request = crate::request_id::current();
        Problem {
            type_: "about:blank".to_owned(),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            code: code.as_str().to_owned(),
            errors: Vec::new(),
            existing_id: None,
            current_version: None,
            current_status: None,
            allowed_from: None,
            instance: request.as_ref().map(|r| r.path.clone()),
            request_id: request.map(|r| r.id),
        }
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        AppError::from(errors).into()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        AppError::from(error).into()
    }
}

impl From<persistence::DbErr> for ApiError {
    fn from(error: persistence::DbErr) -> Self {
        AppError::from(error).into()
    }
}
