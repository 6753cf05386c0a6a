//! The file store as a folder (`CRM_FILES_DIR`): content `ab/abcdef…` under the first two hex
//! digits of its hash, uploads received in `tmp/`, content retired by housekeeping in `trash/`.
//! Renames within one folder are atomic, so a reader sees a content whole or not at all, and two
//! uploads of the same bytes both end with it in place.

use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use uuid::Uuid;

use super::{Content, FileStore, Retired, Staged, Stored, is_sha256};

const STAGING: &str = "tmp";
const TRASH: &str = "trash";

#[derive(Debug, Clone)]
pub struct FolderStore {
    root: PathBuf,
}

impl FolderStore {
    /// The store in `root`, made if missing.
    pub fn open(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(root.join(STAGING))?;
        std::fs::create_dir_all(root.join(TRASH))?;
        Ok(Self { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn place(&self, sha256: &str) -> io::Result<PathBuf> {
        if !is_sha256(sha256) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a SHA-256"));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }

    /// Runs blocking file system work off the async workers.
    fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Path) -> io::Result<T> + Send + 'static,
    ) -> BoxFuture<'static, io::Result<T>> {
        let root = self.root.clone();
        async move {
            tokio::task::spawn_blocking(move || work(&root))
                .await
                .map_err(io::Error::other)?
        }
        .boxed()
    }
}

impl FileStore for FolderStore {
    fn stage(&self) -> BoxFuture<'_, io::Result<Staged>> {
        self.blocking(|root| {
            let path = root.join(STAGING).join(Uuid::now_v7().simple().to_string());
            std::fs::File::create_new(&path)?;
            Ok(Staged::new(path))
        })
    }

    fn put<'a>(&'a self, staged: Staged, sha256: &'a str, at: DateTime<Utc>) -> BoxFuture<'a, io::Result<()>> {
        let place = self.place(sha256);
        self.blocking(move |_| {
            let place = place?;
            std::fs::create_dir_all(place.parent().expect("a content lies in a folder"))?;
            std::fs::File::options()
                .append(true)
                .open(staged.path())?
                .set_modified(SystemTime::from(at))?;
            std::fs::rename(staged.path(), &place)?;
            staged.keep();
            Ok(())
        })
    }

    fn open<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<Option<Content>>> {
        let place = self.place(sha256);
        async move {
            let file = match tokio::fs::File::open(place?).await {
                Ok(file) => file,
                Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(error) => return Err(error),
            };
            let size = file.metadata().await?.len();
            Ok(Some(Content {
                size,
                reader: Box::pin(file),
            }))
        }
        .boxed()
    }

    fn list(&self) -> BoxFuture<'_, io::Result<Vec<Stored>>> {
        self.blocking(|root| {
            let mut stored = Vec::new();
            for folder in std::fs::read_dir(root)? {
                let folder = folder?;
                let name = folder.file_name();
                let Some(prefix) = name.to_str().filter(|n| n.len() == 2 && folder.path().is_dir()) else {
                    continue;
                };
                for file in std::fs::read_dir(folder.path())? {
                    let file = file?;
                    let name = file.file_name();
                    let Some(sha256) = name.to_str().filter(|n| is_sha256(n) && n.starts_with(prefix)) else {
                        continue;
                    };
                    stored.push(Stored {
                        sha256: sha256.to_owned(),
                        put_at: file.metadata()?.modified()?.into(),
                    });
                }
            }
            Ok(stored)
        })
    }

    fn retire<'a>(&'a self, sha256: &'a str, cutoff: DateTime<Utc>) -> BoxFuture<'a, io::Result<Option<Retired>>> {
        let place = self.place(sha256);
        let sha256 = sha256.to_owned();
        self.blocking(move |root| {
            let place = place?;
            let trashed = root.join(TRASH).join(format!("{sha256}.{}", Uuid::now_v7().simple()));
            match std::fs::rename(&place, &trashed) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(error) => return Err(error),
            }
            // Read after the rename: an upload that put it before is seen here, one after writes it anew.
            let put_at: DateTime<Utc> = std::fs::metadata(&trashed)?.modified()?.into();
            let retired = Retired { sha256, place: trashed };
            if put_at >= cutoff {
                restore_to(&retired.place, &place)?;
                return Ok(None);
            }
            Ok(Some(retired))
        })
    }

    fn restore(&self, retired: Retired) -> BoxFuture<'_, io::Result<()>> {
        let place = self.place(&retired.sha256);
        self.blocking(move |_| restore_to(&retired.place, &place?))
    }

    fn purge(&self, retired: Retired) -> BoxFuture<'_, io::Result<()>> {
        self.blocking(move |_| match std::fs::remove_file(&retired.place) {
            // Another server's sweep restored it meanwhile: it stays, for the next sweep.
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        })
    }

    fn tidy(&self, cutoff: DateTime<Utc>) -> BoxFuture<'_, io::Result<()>> {
        let store = self.clone();
        self.blocking(move |root| {
            for entry in std::fs::read_dir(root.join(STAGING))? {
                let entry = entry?;
                let modified: DateTime<Utc> = entry.metadata()?.modified()?.into();
                if modified < cutoff {
                    remove_if_there(&entry.path())?;
                }
            }
            for entry in std::fs::read_dir(root.join(TRASH))? {
                let entry = entry?;
                let name = entry.file_name();
                let sha256 = name.to_str().and_then(|n| n.split('.').next()).unwrap_or_default();
                match store.place(sha256) {
                    Ok(place) => restore_to(&entry.path(), &place)?,
                    // Not a content's: nothing of the store's.
                    Err(_) => remove_if_there(&entry.path())?,
                }
            }
            Ok(())
        })
    }
}

/// Moves retired content back to `place` (an upload may have put the same bytes there meanwhile:
/// either copy will do).
fn restore_to(retired: &Path, place: &Path) -> io::Result<()> {
    std::fs::create_dir_all(place.parent().expect("a content lies in a folder"))?;
    match std::fs::rename(retired, place) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

fn remove_if_there(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}
