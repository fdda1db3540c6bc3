//! Where release records live. Commands talk to the [`Store`] trait; the
//! [`FileStore`] keeps records as files, one per revision, under a folder per
//! namespace and release:
//!
//! ```text
//! STORE/web/shop/v1.yaml
//! STORE/web/shop/v2.yaml
//! ```
//!
//! Writes are atomic (a temporary file in the same folder, fsync, rename)
//! and serialized per release with a lock file beside the release folder
//! (`STORE/web/.shop.lock`, never deleted, so every writer locks the same
//! file), so concurrent `kinja release` runs get consecutive revisions, each
//! exactly once, none torn. Readers take no lock: a rename replaces a file
//! whole, and a revision pruned while `history` reads is left out of it.

use super::record::{Record, RecordProblem, Status, verified_body};
use super::{Listing, ReleaseLock, Store, StoreError};
use crate::names::{validate_namespace, validate_release_name};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Release names and namespaces become folder names: only valid
/// Kubernetes names pass, so no path can leave the store.
fn check_names(namespace: &str, name: &str) -> Result<(), StoreError> {
    validate_namespace(namespace)?;
    validate_release_name(name)?;
    Ok(())
}

/// The file-system store.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> FileStore {
        FileStore { root: root.into() }
    }

    fn release_dir(&self, namespace: &str, name: &str) -> PathBuf {
        self.root.join(namespace).join(name)
    }

    fn record_path(&self, namespace: &str, name: &str, revision: u64) -> PathBuf {
        self.release_dir(namespace, name)
            .join(format!("v{revision}.yaml"))
    }

    /// Revision numbers present on disk, ascending.
    fn revisions(&self, namespace: &str, name: &str) -> Result<Vec<u64>, StoreError> {
        let mut revisions: Vec<u64> = entries(&self.release_dir(namespace, name))?
            .into_iter()
            .filter_map(|e| {
                let file = e.file_name();
                let file = file.to_str()?;
                let revision: u64 = file
                    .strip_prefix('v')?
                    .strip_suffix(".yaml")?
                    .parse()
                    .ok()?;
                // Only the name kinja writes: `v01.yaml` is not revision 1.
                (file == format!("v{revision}.yaml")).then_some(revision)
            })
            .collect();
        revisions.sort_unstable();
        Ok(revisions)
    }

    fn read(&self, namespace: &str, name: &str, revision: u64) -> Result<Record, StoreError> {
        let path = self.record_path(namespace, name, revision);
        let text = read_record_text(&path)?;
        let record = Record::from_text(&text).map_err(|problem| corrupt(&path, problem))?;
        if record.revision != revision || record.name != name || record.namespace != namespace {
            return Err(corrupt(
                &path,
                RecordProblem::Unparsable(format!(
                    "it holds {}/{} revision {}, not what its path says",
                    record.namespace, record.name, record.revision
                )),
            ));
        }
        Ok(record)
    }

    /// Checks a record's checksum without parsing it (before pruning it).
    fn verify(&self, namespace: &str, name: &str, revision: u64) -> Result<(), StoreError> {
        let path = self.record_path(namespace, name, revision);
        let text = read_record_text(&path)?;
        verified_body(&text).map_err(|problem| corrupt(&path, problem))?;
        Ok(())
    }

    /// The status at the top of a record, from its first bytes only: a
    /// release must not read every old revision whole (each holds a manifest).
    fn peek_status(&self, namespace: &str, name: &str, revision: u64) -> Option<Status> {
        use std::io::Read;
        let path = self.record_path(namespace, name, revision);
        let mut head = [0u8; 1024];
        let read = File::open(&path).and_then(|mut f| f.read(&mut head)).ok()?;
        Record::peek_status(&String::from_utf8_lossy(&head[..read]))
    }

    /// Writes a record atomically: temporary file, fsync, rename, fsync the folder.
    fn write(&self, record: &Record) -> Result<(), StoreError> {
        let dir = self.release_dir(&record.namespace, &record.name);
        let path = self.record_path(&record.namespace, &record.name, record.revision);
        let temp = dir.join(format!(
            ".v{}.yaml.tmp-{}",
            record.revision,
            std::process::id()
        ));
        let result = (|| {
            // A temporary file left by a crashed run with this process id
            // would keep its old permissions: start from a new one.
            let _ = fs::remove_file(&temp);
            let mut file = private_file(&temp)?;
            file.write_all(record.to_text().as_bytes())?;
            file.sync_all()?;
            fs::rename(&temp, &path)?;
            File::open(&dir)?.sync_all()
        })();
        result.map_err(|e| {
            let _ = fs::remove_file(&temp);
            io_error(&path, &e)
        })
    }

    /// Holds the release's lock until dropped. The lock file sits beside the
    /// release folder and is never removed: deleting a lock file someone may
    /// be waiting on would let two writers in at once.
    fn lock_file(&self, namespace: &str, name: &str) -> Result<File, StoreError> {
        let dir = self.root.join(namespace);
        fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
        let path = dir.join(format!(".{name}.lock"));
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io_error(&path, &e))?;
        file.lock().map_err(|e| io_error(&path, &e))?;
        Ok(file)
    }
}

impl Store for FileStore {
    fn history(&self, namespace: &str, name: &str) -> Result<Vec<Record>, StoreError> {
        check_names(namespace, name)?;
        let mut records = Vec::new();
        for revision in self.revisions(namespace, name)? {
            match self.read(namespace, name, revision) {
                Ok(record) => records.push(record),
                // Pruned by a concurrent release after the folder was listed
                // (gone entirely: a dangling link is still an error).
                Err(_)
                    if fs::symlink_metadata(self.record_path(namespace, name, revision))
                        .is_err() => {}
                Err(e) => return Err(e),
            }
        }
        if records.is_empty() {
            return Err(not_found(namespace, name));
        }
        Ok(records)
    }

    fn get(
        &self,
        namespace: &str,
        name: &str,
        revision: Option<u64>,
    ) -> Result<Record, StoreError> {
        check_names(namespace, name)?;
        let revisions = self.revisions(namespace, name)?;
        let latest = *revisions.last().ok_or_else(|| not_found(namespace, name))?;
        match revision {
            None => self.read(namespace, name, latest),
            Some(wanted) if revisions.contains(&wanted) => self.read(namespace, name, wanted),
            Some(wanted) => Err(StoreError::RevisionNotFound {
                namespace: namespace.into(),
                name: name.into(),
                revision: wanted,
                available: revisions,
            }),
        }
    }

    fn list(&self, namespace: Option<&str>) -> Result<Listing, StoreError> {
        let namespaces: Vec<String> = match namespace {
            Some(ns) => {
                validate_namespace(ns)?;
                vec![ns.to_string()]
            }
            None => sorted_dirs(&self.root)?
                .into_iter()
                .filter(|ns| validate_namespace(ns).is_ok())
                .collect(),
        };
        let mut listing = Listing::default();
        for ns in namespaces {
            for name in sorted_dirs(&self.root.join(&ns))? {
                if check_names(&ns, &name).is_err() {
                    continue; // not a release folder kinja wrote
                }
                if let Some(&latest) = self.revisions(&ns, &name)?.last() {
                    match self.read(&ns, &name, latest) {
                        Ok(record) => listing.records.push(record),
                        Err(error) => listing.unreadable.push(error),
                    }
                }
            }
        }
        Ok(listing)
    }

    fn lock<'s>(
        &'s self,
        namespace: &str,
        name: &str,
        history_max: usize,
    ) -> Result<Box<dyn ReleaseLock + 's>, StoreError> {
        check_names(namespace, name)?;
        let file = self.lock_file(namespace, name)?;
        let revisions = self.revisions(namespace, name)?;
        let latest = match revisions.last() {
            Some(&latest) => Some(self.read(namespace, name, latest)?),
            None => None,
        };
        // Checked before anything is rendered or written: a corrupt record
        // stops the release rather than being pruned unseen.
        let kept = revisions.len() + 1;
        let pruned = if history_max == 0 {
            Vec::new()
        } else {
            revisions[..kept.saturating_sub(history_max).min(revisions.len())].to_vec()
        };
        for &old in &pruned {
            self.verify(namespace, name, old)?;
        }
        // Normally only the latest is deployed; a crash between writing a
        // revision and superseding the one before can leave an older one so.
        let mut still_deployed = Vec::new();
        for &old in revisions.iter().rev().skip(1) {
            if pruned.contains(&old) {
                continue;
            }
            match self.peek_status(namespace, name, old) {
                Some(status) if status != Status::Deployed => {}
                _ => {
                    let earlier = self.read(namespace, name, old)?;
                    if earlier.status == Status::Deployed {
                        still_deployed.push(earlier);
                    }
                }
            }
        }
        Ok(Box::new(FileLock {
            store: self,
            namespace: namespace.to_string(),
            name: name.to_string(),
            revisions,
            latest,
            pruned,
            still_deployed,
            _file: file,
        }))
    }

    fn uninstall(
        &self,
        namespace: &str,
        name: &str,
        keep_history: bool,
    ) -> Result<Record, StoreError> {
        // Refuse a missing release before the lock creates its namespace folder.
        self.get(namespace, name, None)?;
        let _lock = self.lock_file(namespace, name)?;
        let mut latest = self.get(namespace, name, None)?;
        if keep_history {
            if latest.status == Status::Uninstalled {
                return Err(StoreError::AlreadyUninstalled {
                    namespace: namespace.into(),
                    name: name.into(),
                });
            }
            latest.status = Status::Uninstalled;
            latest.description = "Uninstallation complete".into();
            latest.last_deployed = super::now_rfc3339();
            self.write(&latest)?;
        } else {
            for revision in self.revisions(namespace, name)? {
                let path = self.record_path(namespace, name, revision);
                fs::remove_file(&path).map_err(|e| io_error(&path, &e))?;
            }
            let _ = fs::remove_dir(self.release_dir(namespace, name));
        }
        Ok(latest)
    }

    fn location(&self, namespace: &str, name: &str, revision: u64) -> String {
        self.record_path(namespace, name, revision)
            .display()
            .to_string()
    }
}

/// A release of the file store, locked: the lock file stays locked until
/// this is dropped.
struct FileLock<'s> {
    store: &'s FileStore,
    namespace: String,
    name: String,
    /// The revisions on disk when the lock was taken (none can appear while it is held).
    revisions: Vec<u64>,
    latest: Option<Record>,
    /// Verified when the lock was taken: deleted after the append.
    pruned: Vec<u64>,
    /// Deployed revisions before the latest, to mark superseded after the
    /// append (the latest too, when deployed).
    still_deployed: Vec<Record>,
    _file: File,
}

impl ReleaseLock for FileLock<'_> {
    fn latest(&self) -> Option<&Record> {
        self.latest.as_ref()
    }

    fn get(&self, revision: u64) -> Result<Record, StoreError> {
        if !self.revisions.contains(&revision) {
            return Err(StoreError::RevisionNotFound {
                namespace: self.namespace.clone(),
                name: self.name.clone(),
                revision,
                available: self.revisions.clone(),
            });
        }
        self.store.read(&self.namespace, &self.name, revision)
    }

    fn append(self: Box<Self>, mut record: Record) -> Result<Record, StoreError> {
        // The lock file stays bound (and locked) until the append returns.
        let FileLock {
            store,
            namespace,
            name,
            revisions,
            latest,
            pruned,
            still_deployed,
            _file: _locked,
        } = *self;
        let (namespace, name) = (namespace.as_str(), name.as_str());
        record.name = name.to_string();
        record.namespace = namespace.to_string();
        record.revision = match revisions.last() {
            None => 1,
            Some(&latest) => {
                latest
                    .checked_add(1)
                    .ok_or_else(|| StoreError::RevisionsExhausted {
                        name: name.to_string(),
                        latest,
                    })?
            }
        };
        let dir = store.release_dir(namespace, name);
        let path = store.record_path(namespace, name, record.revision);
        if path.exists() {
            return Err(StoreError::RevisionExists {
                path: path.display().to_string(),
            });
        }
        fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
        store.write(&record)?;
        // After the new revision, so a crash in between leaves two deployed
        // revisions (which the next release repairs), never none.
        // The latest is taken from the lock, not copied when it was read.
        let latest = latest.filter(|p| p.status == Status::Deployed);
        for mut earlier in still_deployed.into_iter().chain(latest) {
            earlier.status = Status::Superseded;
            store.write(&earlier)?;
        }
        for &old in &pruned {
            let path = store.record_path(namespace, name, old);
            fs::remove_file(&path).map_err(|e| io_error(&path, &e))?;
        }
        Ok(record)
    }
}

/// A new file only its owner can read: records hold merged values, which
/// may include secrets.
fn private_file(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// A record file's text; bytes that are not UTF-8 make it corrupt.
fn read_record_text(path: &Path) -> Result<String, StoreError> {
    let bytes = fs::read(path).map_err(|e| io_error(path, &e))?;
    String::from_utf8(bytes)
        .map_err(|_| corrupt(path, RecordProblem::Unparsable("not UTF-8 text".into())))
}

fn corrupt(path: &Path, problem: RecordProblem) -> StoreError {
    StoreError::Corrupt {
        path: path.display().to_string(),
        problem,
    }
}

/// The entries of a folder; a missing folder has none.
fn entries(dir: &Path) -> Result<Vec<fs::DirEntry>, StoreError> {
    match fs::read_dir(dir) {
        Ok(entries) => Ok(entries.filter_map(Result::ok).collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(io_error(dir, &e)),
    }
}

fn sorted_dirs(dir: &Path) -> Result<Vec<String>, StoreError> {
    let mut names: Vec<String> = entries(dir)?
        .into_iter()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    Ok(names)
}

fn not_found(namespace: &str, name: &str) -> StoreError {
    StoreError::ReleaseNotFound {
        namespace: namespace.into(),
        name: name.into(),
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        reason: crate::input::io_reason(e),
    }
}
