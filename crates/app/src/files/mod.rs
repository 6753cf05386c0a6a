//! Where the content of attachments lives: one [`FileStore`], a folder by default
//! ([`FolderStore`]), replaceable by an object store. Content is kept once per SHA-256: an upload
//! is received into a staged file while it is hashed, counted and sniffed ([`receive`]), then put
//! under its hash. Nothing here knows HTTP or the database.
//!
//! Content is never deleted by a request: deleting an attachment, or an upload that failed after
//! its content was put, leaves content no attachment names, which housekeeping removes once it is
//! older than [`ORPHAN_GRACE`] (`crate::attachments::sweep_orphans`). `put` stamps the content with
//! the upload's time, so content an upload is about to refer to is never that old.

mod folder;
mod receive;

use std::io;
use std::path::PathBuf;
use std::pin::Pin;

use chrono::{DateTime, TimeDelta, Utc};
use futures::future::BoxFuture;
use tokio::io::AsyncRead;

pub use folder::FolderStore;
pub use receive::{ReceiveError, Received, receive};

/// How long unused content is kept: far longer than any request may take (an upload is cut off
/// after `api::deadline`'s few minutes), so content an upload put is referred to by its record,
/// or the upload failed, long before housekeeping may remove it.
pub const ORPHAN_GRACE: TimeDelta = TimeDelta::hours(24);

/// A store of content by SHA-256 (lowercase hex). Its futures are boxed so the server holds any
/// store as `Arc<dyn FileStore>`.
pub trait FileStore: Send + Sync {
    /// A new empty file to receive an upload into, before its hash is known.
    fn stage(&self) -> BoxFuture<'_, io::Result<Staged>>;

    /// Keeps `staged` as the content `sha256`, stamped `at` (content already there is replaced by
    /// the same bytes, and so stamped anew).
    fn put<'a>(&'a self, staged: Staged, sha256: &'a str, at: DateTime<Utc>) -> BoxFuture<'a, io::Result<()>>;

    /// The content `sha256`, to stream; none when it is not there.
    fn open<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<Option<Content>>>;

    /// Every content kept, with when it was last put.
    fn list(&self) -> BoxFuture<'_, io::Result<Vec<Stored>>>;

    /// Takes the content `sha256` out of reach (of `open`, and of `put`, which then writes it
    /// anew) if it was last put before `cutoff`; none when it was put since, or is not there.
    fn retire<'a>(&'a self, sha256: &'a str, cutoff: DateTime<Utc>) -> BoxFuture<'a, io::Result<Option<Retired>>>;

    /// Puts retired content back (an attachment came to refer to it meanwhile).
    fn restore(&self, retired: Retired) -> BoxFuture<'_, io::Result<()>>;

    /// Deletes retired content for good.
    fn purge(&self, retired: Retired) -> BoxFuture<'_, io::Result<()>>;

    /// Drops staged files older than `cutoff` (of uploads a stopped server left) and restores
    /// content a stopped sweep retired without deciding its fate.
    fn tidy(&self, cutoff: DateTime<Utc>) -> BoxFuture<'_, io::Result<()>>;
}

/// Content read from the store.
pub struct Content {
    pub size: u64,
    pub reader: Pin<Box<dyn AsyncRead + Send>>,
}

/// A content the store keeps, and when it was last put.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub put_at: DateTime<Utc>,
}

/// Content taken out of reach by [`FileStore::retire`], to restore or purge.
#[derive(Debug)]
pub struct Retired {
    pub sha256: String,
    /// Where the store keeps it meanwhile.
    pub(crate) place: PathBuf,
}

/// A local file an upload is received into; removed when dropped unless the store took it.
#[derive(Debug)]
pub struct Staged {
    path: PathBuf,
    kept: bool,
}

impl Staged {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self { path, kept: false }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The store took the file: dropping this leaves it alone.
    pub(crate) fn keep(mut self) -> PathBuf {
        self.kept = true;
        std::mem::take(&mut self.path)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.kept {
            // A refused or failed upload leaves nothing behind (`tidy` catches what a crash leaves).
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether `text` is a content name: 64 lowercase hex digits (never a path).
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
