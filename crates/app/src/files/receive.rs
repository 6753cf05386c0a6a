//! Receiving an upload: its chunks written to a staged file as they arrive, hashed, counted and
//! checked, never more than one chunk in memory, and cut off past the limit.

use std::io;

use domain::attachment::{TextCheck, content_type};
use futures::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::{FileStore, Staged};

/// How many first bytes the content type is sniffed from (every signature `infer` knows is
/// within them).
const SNIFF_BYTES: usize = 8192;

/// An upload received whole, not yet kept under its hash.
#[derive(Debug)]
pub struct Received {
    pub staged: Staged,
    /// Lowercase hex.
    pub sha256: String,
    pub size: u64,
    /// Sniffed from the bytes (see [`content_type`]).
    pub content_type: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReceiveError<E> {
    /// More than `limit` bytes: nothing was kept.
    #[error("the file exceeds {limit} bytes")]
    TooLarge { limit: u64 },
    /// The client's stream failed (cut short, malformed).
    #[error("the upload could not be read: {0}")]
    Stream(E),
    /// The store failed.
    #[error("the upload could not be stored: {0}")]
    Store(#[from] io::Error),
}

/// Receives `chunks` into a staged file of `store`, up to `limit` bytes. On any error the staged
/// file is removed.
pub async fn receive<S, B, E>(store: &dyn FileStore, mut chunks: S, limit: u64) -> Result<Received, ReceiveError<E>>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    let staged = store.stage().await?;
    let mut file = tokio::fs::OpenOptions::new().write(true).open(staged.path()).await?;
    let mut hasher = Sha256::new();
    let mut text = TextCheck::default();
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut size: u64 = 0;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(ReceiveError::Stream)?;
        let bytes = chunk.as_ref();
        size = size.saturating_add(bytes.len() as u64);
        if size > limit {
            return Err(ReceiveError::TooLarge { limit });
        }
        hasher.update(bytes);
        text.feed(bytes);
        let wanted = SNIFF_BYTES.saturating_sub(head.len()).min(bytes.len());
        head.extend_from_slice(&bytes[..wanted]);
        file.write_all(bytes).await?;
    }
    // On disk before an attachment may refer to it.
    file.sync_all().await?;
    drop(file);
    let sniffed = infer::get(&head).map(|kind| kind.mime_type());
    Ok(Received {
        staged,
        sha256: hex::encode(hasher.finalize()),
        size,
        content_type: content_type(sniffed, text.is_text()),
    })
}
