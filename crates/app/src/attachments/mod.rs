//! Attachment use cases: upload, read, stream, list a record's, delete. Who may read a record
//! may read its attachments, and no one else (see [`holder`]); the content is kept in the
//! [`FileStore`] once per SHA-256, and only housekeeping removes what no attachment uses
//! ([`sweep_orphans`]).

mod holder;
mod sweep;

use domain::attachment::{Attachment, AttachmentInput};
use domain::resource::ResourceType;
use persistence::DatabaseConnection;
use persistence::attachments::{self, AttachmentSort, Attachments};
use persistence::page::{Page, PageRequest};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::AppError;
use crate::files::{Content, FileStore, Received};
use crate::history::{self, Change};
use crate::lookup;
use crate::transaction;
use crate::versions::check_version;
use holder::{Access, holder};

pub use sweep::sweep_orphans;

pub const RESOURCE: ResourceType = ResourceType::Attachment;

/// Attaches the content `received` (none when the request had no file) to the record `input`
/// names. The content is put in the store first, then the attachment is committed with its
/// history entry and event: a record never names content that is not there, and content a failed
/// commit leaves is housekeeping's.
pub async fn create(
    db: &DatabaseConnection,
    files: &dyn FileStore,
    caller: &Caller,
    input: AttachmentInput,
    received: Option<Received>,
) -> Result<Attachment, AppError> {
    let fields = input.validate()?;
    let received = received.ok_or_else(|| AppError::invalid("file", "required", "a part named `file`"))?;
    let size = i64::try_from(received.size).map_err(AppError::internal)?;
    let txn = persistence::db::begin(db).await?;
    holder(&txn, caller, fields.resource_type, fields.resource_id, Access::Write)
        .await?
        .check_open(fields.resource_type)?;
    let at = now();
    let attachment = Attachment {
        id: Uuid::now_v7(),
        resource_type: fields.resource_type,
        resource_id: fields.resource_id,
        filename: fields.filename,
        content_type: received.content_type,
        size,
        sha256: received.sha256,
        created_by: caller.id,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    files
        .put(received.staged, &attachment.sha256, at)
        .await
        .map_err(AppError::internal)?;
    attachments::insert(&txn, &attachment).await?;
    history::record(
        &txn,
        caller,
        RESOURCE,
        attachment.id,
        Change::Created,
        None,
        &record(&attachment),
    )
    .await?;
    transaction::commit(txn).await?;
    Ok(attachment)
}

/// The attachment `id`, if the caller may read its record and sees it.
pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<Attachment, AppError> {
    let attachment = lookup::any::<Attachments>(db, id).await?;
    let seen = holder(
        db,
        caller,
        attachment.resource_type,
        attachment.resource_id,
        Access::Read,
    )
    .await;
    match seen {
        Ok(_) => Ok(attachment),
        // Its record out of sight: so is the attachment.
        Err(AppError::NotFound { .. }) => Err(AppError::not_found(RESOURCE)),
        Err(error) => Err(error),
    }
}

/// The attachment `id` and its content, to stream.
pub async fn content(
    db: &DatabaseConnection,
    files: &dyn FileStore,
    caller: &Caller,
    id: Uuid,
) -> Result<(Attachment, Content), AppError> {
    let attachment = get(db, caller, id).await?;
    let content = files.open(&attachment.sha256).await.map_err(AppError::internal)?;
    let content = content.ok_or_else(|| {
        AppError::internal(anyhow::anyhow!(
            "the content {} of attachment {id} is missing",
            attachment.sha256
        ))
    })?;
    Ok((attachment, content))
}

/// A page of the attachments of a record the caller may read and sees, oldest first.
pub async fn list_of(
    db: &DatabaseConnection,
    caller: &Caller,
    resource: ResourceType,
    id: Uuid,
    request: &PageRequest<AttachmentSort>,
) -> Result<Page<Attachment>, AppError> {
    holder(db, caller, resource, id, Access::Read).await?;
    Ok(attachments::list_of(db, resource, id, request).await?)
}

/// Deletes the attachment `id` (after `If-Match`) with its history entry and event; its content
/// stays for housekeeping, which removes it once no attachment uses it.
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = lookup::for_update::<Attachments>(&txn, caller, id).await?;
    let seen = holder(&txn, caller, current.resource_type, current.resource_id, Access::Write).await;
    let holder = match seen {
        Err(AppError::NotFound { .. }) => return Err(AppError::not_found(RESOURCE)),
        other => other?,
    };
    check_version(current.version, if_match)?;
    holder.check_open(current.resource_type)?;
    attachments::delete(&txn, id).await?;
    history::record_deletion(&txn, caller, RESOURCE, id, &record(&current)).await?;
    transaction::commit(txn).await?;
    Ok(())
}

/// Whether the attachment `id` is there for the caller (for its history): its record seen.
pub(crate) async fn sees(db: &DatabaseConnection, caller: &Caller, attachment: &Attachment) -> Result<bool, AppError> {
    holder::sees(db, caller, attachment.resource_type, attachment.resource_id).await
}

/// An attachment as history and the change feed keep it.
pub fn record(attachment: &Attachment) -> Value {
    json!({
        "id": attachment.id,
        "resource_type": attachment.resource_type.as_str(),
        "resource_id": attachment.resource_id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "created_by": attachment.created_by,
        "version": attachment.version,
        "created_at": attachment.created_at,
        "updated_at": attachment.updated_at,
    })
}
