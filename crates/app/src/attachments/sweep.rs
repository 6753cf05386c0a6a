//! Removing content no attachment uses (housekeeping): left by a deleted attachment, or by an
//! upload whose commit failed after its content was put.
//!
//! Only content put longer than [`ORPHAN_GRACE`] ago is removed, judged by the server's clock:
//! an upload puts (and so stamps) its content before it commits its attachment, so content an
//! upload in flight is about to use is never that old. What is left is a race with an upload of
//! the same bytes between the look-up and the removal; retiring the content first closes it
//! (see [`FileStore::retire`]): an upload that put it before is seen by its stamp, one after
//! writes it anew, and an attachment committed meanwhile is seen by the second look-up.

use std::collections::HashSet;

use persistence::DatabaseConnection;
use persistence::attachments;

use crate::clock::now;
use crate::error::AppError;
use crate::files::{FileStore, ORPHAN_GRACE};

/// Removes the content no attachment uses that was put before the grace period; how many.
pub async fn sweep_orphans(db: &DatabaseConnection, files: &dyn FileStore) -> Result<usize, AppError> {
    let cutoff = now() - ORPHAN_GRACE;
    files.tidy(cutoff).await.map_err(AppError::internal)?;
    let old: Vec<String> = files
        .list()
        .await
        .map_err(AppError::internal)?
        .into_iter()
        .filter(|stored| stored.put_at < cutoff)
        .map(|stored| stored.sha256)
        .collect();
    let used: HashSet<String> = attachments::used_contents(db, &old).await?.into_iter().collect();
    let mut removed = 0;
    for sha256 in old.into_iter().filter(|sha256| !used.contains(sha256)) {
        let Some(retired) = files.retire(&sha256, cutoff).await.map_err(AppError::internal)? else {
            continue;
        };
        let used = attachments::used_contents(db, std::slice::from_ref(&sha256)).await;
        match used {
            Ok(used) if used.is_empty() => {
                files.purge(retired).await.map_err(AppError::internal)?;
                removed += 1;
            }
            // In use after all, or unknown: it stays.
            other => {
                files.restore(retired).await.map_err(AppError::internal)?;
                other?;
            }
        }
    }
    Ok(removed)
}
