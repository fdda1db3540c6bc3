//! The release store: every recorded revision of every release. A revision
//! is a [`Record`] (what was rendered, from what, when); a [`Store`] keeps
//! them, and [`FileStore`] is the one backend today.
//!
//! Nothing here renders or diffs: the operations that do (`kinja release`,
//! `rollback`, ...) live in [`crate::release`] and talk to the store through
//! the [`Store`] trait, so another backend (Helm's own Kubernetes Secrets)
//! can be added without touching them.
//!
//! ```
//! use kinja::store::{FileStore, Store, StoreError};
//! # let dir = tempfile::tempdir().unwrap();
//! let store = FileStore::new(dir.path());
//! let lock = store.lock("web", "shop", 10).unwrap();
//! assert!(lock.latest().is_none(), "a new release has no revisions");
//! drop(lock);
//! assert!(matches!(
//!     store.get("web", "shop", None),
//!     Err(StoreError::ReleaseNotFound { .. })
//! ));
//! ```

mod file;
mod record;

pub use file::FileStore;
pub use record::{ChartInfo, Record, RecordProblem, Status, now_rfc3339};

use crate::names::NameError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("release {name:?} not found in namespace {namespace:?}")]
    ReleaseNotFound { namespace: String, name: String },
    #[error(
        "release {name:?} in namespace {namespace:?} has no revision {revision}{}",
        available_revisions(available)
    )]
    RevisionNotFound {
        namespace: String,
        name: String,
        revision: u64,
        available: Vec<u64>,
    },
    /// A record that cannot be trusted: cut short, edited, or not a record.
    #[error("{path}: {problem}")]
    Corrupt {
        path: String,
        problem: RecordProblem,
    },
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    /// A release name or namespace that cannot be a folder of the store.
    #[error(transparent)]
    InvalidName(#[from] NameError),
    #[error("release {name:?} is at revision {latest}, the last one there can be")]
    RevisionsExhausted { name: String, latest: u64 },
    #[error("{path}: this revision already exists; nothing was written")]
    RevisionExists { path: String },
    #[error(
        "release {name:?} in namespace {namespace:?} is already uninstalled (its history is kept); uninstall without --keep-history to delete the history"
    )]
    AlreadyUninstalled { namespace: String, name: String },
    /// `list` read every release it could; these could not be read.
    #[error(
        "{count} release(s) could not be read (named above) and are missing from the list; move an unreadable record out of the store, or restore it, to list its release again"
    )]
    UnreadableReleases { count: usize },
    #[error("no release store: HOME is not set; pass --store DIR or set KINJA_STORE")]
    NoLocation,
}

fn available_revisions(available: &[u64]) -> String {
    if available.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = available.iter().map(u64::to_string).collect();
        format!(" (it has {})", list.join(", "))
    }
}

/// A release's records, behind a small interface so another backend can be
/// added without touching the commands.
pub trait Store {
    /// Every revision of a release, oldest first. Unreadable records are errors.
    fn history(&self, namespace: &str, name: &str) -> Result<Vec<Record>, StoreError>;

    /// One revision, or the latest with `None`.
    fn get(&self, namespace: &str, name: &str, revision: Option<u64>)
    -> Result<Record, StoreError>;

    /// The latest revision of every release, in one namespace or all. A
    /// release whose latest record cannot be read does not hide the others:
    /// it is in [`Listing::unreadable`].
    fn list(&self, namespace: Option<&str>) -> Result<Listing, StoreError>;

    /// Takes the release's write lock for one new revision, held until the
    /// returned lock is dropped or appends: concurrent writers of one
    /// release take turns. The records the append will prune (beyond
    /// `history_max`, if non-zero) or supersede are verified here, before
    /// the caller renders anything: a corrupt one stops the write, and none
    /// is pruned unseen.
    fn lock<'s>(
        &'s self,
        namespace: &str,
        name: &str,
        history_max: usize,
    ) -> Result<Box<dyn ReleaseLock + 's>, StoreError>;

    /// Removes a release; with `keep_history`, marks its latest revision
    /// uninstalled instead (an error when it already is).
    fn uninstall(
        &self,
        namespace: &str,
        name: &str,
        keep_history: bool,
    ) -> Result<Record, StoreError>;

    /// Where a revision is kept, for messages about it (a path, for the file store).
    fn location(&self, namespace: &str, name: &str, revision: u64) -> String;
}

/// What `list` found: the readable releases, and the errors of the others.
#[derive(Debug, Default)]
pub struct Listing {
    pub records: Vec<Record>,
    pub unreadable: Vec<StoreError>,
}

/// A release locked for writing: what it holds now, read under the lock,
/// and the one write that ends the lock.
pub trait ReleaseLock {
    /// The latest revision, if the release has any.
    fn latest(&self) -> Option<&Record>;

    /// Any revision, read under the lock.
    fn get(&self, revision: u64) -> Result<Record, StoreError>;

    /// Writes `record` as the next revision (the store sets its name,
    /// namespace and revision number). Every earlier deployed revision
    /// becomes superseded and history beyond the lock's `history_max` is
    /// pruned, oldest first.
    fn append(self: Box<Self>, record: Record) -> Result<Record, StoreError>;
}

/// Resolves the store folder: `--store`, `$KINJA_STORE`, `$XDG_DATA_HOME/kinja`
/// (only an absolute one, as the XDG spec says), `~/.local/share/kinja`.
/// The flag wins over the environment, as in every common CLI.
pub fn store_root(
    flag: Option<PathBuf>,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Result<PathBuf, StoreError> {
    let non_empty = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    flag.or_else(|| non_empty("KINJA_STORE"))
        .or_else(|| {
            non_empty("XDG_DATA_HOME")
                .filter(|d| d.is_absolute())
                .map(|d| d.join("kinja"))
        })
        .or_else(|| non_empty("HOME").map(|h| h.join(".local/share/kinja")))
        .ok_or(StoreError::NoLocation)
}

#[cfg(test)]
mod tests;
