//! The errors of the use cases, each with a stable [`ErrorCode`]. The API renders them as
//! problem+json in one place (`api::error`); a background job logs them.

use domain::resource::ResourceType;
use domain::transition::TransitionError;
use domain::validation::{FieldError, ValidationErrors};
use persistence::StoreError;
use uuid::Uuid;

pub use crate::codes::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such record, or one the caller may not see.
    #[error("no {noun} with this id")]
    NotFound { noun: &'static str },
    /// Who is calling is unknown: wrong credentials, or a token that does not validate.
    #[error("{detail}")]
    Unauthorized { code: ErrorCode, detail: String },
    /// The caller's role may not do this.
    #[error("your role may not perform this operation")]
    Forbidden,
    /// A request the use case cannot read (an unknown sort key handed down, …).
    #[error("{detail}")]
    BadRequest { code: ErrorCode, detail: String },
    /// The record's state, or another record, forbids it.
    #[error("{detail}")]
    Conflict {
        code: ErrorCode,
        detail: String,
        existing_id: Option<Uuid>,
    },
    /// The action is not allowed from the record's current status.
    #[error(
        "cannot {action} the {resource}: it is {from}, and `{action}` is allowed from {allowed}",
        resource = .resource.noun(), action = .error.action, from = .error.from,
        allowed = .error.allowed_from.join(", ")
    )]
    InvalidTransition {
        resource: ResourceType,
        error: TransitionError,
    },
    /// `If-Match` named another version than the current one.
    #[error("the record is at version {current_version}, not the one in If-Match")]
    PreconditionFailed { current_version: i32 },
    /// Well-formed input with invalid values, every one of them.
    #[error("invalid fields: {}", describe_fields(.0))]
    Validation(Vec<FieldError>),
    /// The change kept colliding with concurrent ones; a retry in a moment will do.
    #[error("the records are busy with other changes: retry in a moment")]
    Busy,
    /// The database cannot be reached just now; nothing was committed.
    #[error("the database is unavailable: retry in a moment")]
    Unavailable,
    /// A bug or a failure of a dependency. The client learns nothing more.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AppError {
    pub fn not_found(resource: ResourceType) -> Self {
        AppError::NotFound { noun: resource.noun() }
    }

    /// No such thing that is not a resource of its own (a webhook's delivery).
    pub fn not_found_named(noun: &'static str) -> Self {
        AppError::NotFound { noun }
    }

    pub fn unauthorized(code: ErrorCode, detail: impl Into<String>) -> Self {
        AppError::Unauthorized {
            code,
            detail: detail.into(),
        }
    }

    pub fn bad_request(code: ErrorCode, detail: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    pub fn conflict(code: ErrorCode, detail: impl Into<String>, existing_id: Option<Uuid>) -> Self {
        AppError::Conflict {
            code,
            detail: detail.into(),
            existing_id,
        }
    }

    /// A write lost to another one that committed first (a backstop: rows are locked when read for
    /// a change); a retry reads the new state.
    pub fn concurrent_update() -> Self {
        AppError::conflict(
            ErrorCode::ConcurrentUpdate,
            "the record was changed by another request meanwhile: read it again and retry",
            None,
        )
    }

    pub fn invalid_transition(resource: ResourceType, error: TransitionError) -> Self {
        AppError::InvalidTransition { resource, error }
    }

    /// A single invalid field.
    pub fn invalid(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }])
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(error.into())
    }

    /// The stable code clients switch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::BadRequest { code, .. }
            | AppError::Conflict { code, .. }
            | AppError::Unauthorized { code, .. } => *code,
            AppError::NotFound { .. } => ErrorCode::NotFound,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::InvalidTransition { .. } => ErrorCode::InvalidStateTransition,
            AppError::PreconditionFailed { .. } => ErrorCode::VersionMismatch,
            AppError::Validation(_) => ErrorCode::ValidationFailed,
            AppError::Busy => ErrorCode::ResourceBusy,
            AppError::Unavailable => ErrorCode::DatabaseUnavailable,
            AppError::Internal(_) => ErrorCode::InternalError,
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

impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        AppError::Validation(errors.into_errors())
    }
}

impl From<StoreError> for AppError {
    /// Constraint violations that a use case did not anticipate still must not be a 500: the
    /// request conflicts with stored state, and it changed nothing (its transaction rolls back).
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Duplicate(_) => AppError::conflict(
                ErrorCode::Duplicate,
                "a record with these unique values already exists",
                None,
            ),
            StoreError::ForeignKey(_) => AppError::conflict(
                ErrorCode::ReferenceConflict,
                "a referenced record does not exist or is still referenced",
                None,
            ),
            StoreError::Retryable(error) => {
                tracing::warn!(%error, "transaction aborted by the database; the client is told to retry");
                AppError::Busy
            }
            StoreError::Unavailable(error) => {
                tracing::warn!(%error, "the database is unavailable; the client is told to retry");
                AppError::Unavailable
            }
            other => AppError::internal(other),
        }
    }
}

impl From<persistence::DbErr> for AppError {
    fn from(error: persistence::DbErr) -> Self {
        StoreError::from(error).into()
    }
}
