//! Optimistic concurrency: every record has a version, +1 on each change.

use crate::error::AppError;

/// Refuses a stale `If-Match` (412, naming the current version); no `If-Match` means any version.
pub fn check_version(current_version: i32, if_match: Option<i32>) -> Result<(), AppError> {
    match if_match {
        Some(version) if version != current_version => Err(AppError::PreconditionFailed { current_version }),
        _ => Ok(()),
    }
}
