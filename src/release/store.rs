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
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
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
    #[error("{path}: {problem}")]
    Corrupt {
        path: String,
        problem: RecordProblem,
    },
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    #[error("{0}")]
    InvalidName(String),
    #[error(
        "release {name:?} in namespace {namespace:?} is already uninstalled (its history is kept); uninstall without --keep-history to delete the history"
    )]
    AlreadyUninstalled { namespace: String, name: String },
}

/// Release names and namespaces become folder names: only valid
/// Kubernetes names pass, so no path can leave the store.
fn check_names(namespace: &str, name: &str) -> Result<(), StoreError> {
    super::validate_namespace(namespace).map_err(StoreError::InvalidName)?;
    super::validate_release_name(name).map_err(StoreError::InvalidName)
}

fn available_revisions(available: &[u64]) -> String {
    if available.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = available.iter().map(u64::to_string).collect();
        format!(" (it has {})", list.join(", "))
    }
}

/// A release's records, behind a small interface so another backend (Helm's
/// own Kubernetes Secrets) can be added without touching the commands.
pub trait Store {
    /// Every revision of a release, oldest first. Unreadable records are errors.
    fn history(&self, namespace: &str, name: &str) -> Result<Vec<Record>, StoreError>;

    /// One revision, or the latest with `None`.
    fn get(&self, namespace: &str, name: &str, revision: Option<u64>)
    -> Result<Record, StoreError>;

    /// The latest revision of every release, in one namespace or all.
    fn list(&self, namespace: Option<&str>) -> Result<Vec<Record>, StoreError>;

    /// Writes the next revision under the release's lock: `build` sees the
    /// latest record (if any) and returns the new one, whose revision number
    /// the store sets; an error from `build` writes nothing. Every earlier
    /// deployed revision becomes superseded and history beyond `history_max`
    /// (if non-zero) is pruned, oldest first. The latest record and those to
    /// be pruned or superseded are verified first: a corrupt one stops the
    /// write, and none is pruned unseen.
    fn append(
        &self,
        namespace: &str,
        name: &str,
        history_max: usize,
        build: &mut dyn FnMut(Option<&Record>) -> Result<Record, crate::Error>,
    ) -> Result<Record, crate::Error>;

    /// Removes a release; with `keep_history`, marks its latest revision
    /// uninstalled instead (an error when it already is).
    fn uninstall(
        &self,
        namespace: &str,
        name: &str,
        keep_history: bool,
    ) -> Result<Record, StoreError>;
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

    pub fn root(&self) -> &Path {
        &self.root
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
    fn lock(&self, namespace: &str, name: &str) -> Result<File, StoreError> {
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

    fn list(&self, namespace: Option<&str>) -> Result<Vec<Record>, StoreError> {
        let namespaces: Vec<String> = match namespace {
            Some(ns) => {
                super::validate_namespace(ns).map_err(StoreError::InvalidName)?;
                vec![ns.to_string()]
            }
            None => sorted_dirs(&self.root)?
                .into_iter()
                .filter(|ns| super::validate_namespace(ns).is_ok())
                .collect(),
        };
        let mut records = Vec::new();
        for ns in namespaces {
            for name in sorted_dirs(&self.root.join(&ns))? {
                if check_names(&ns, &name).is_err() {
                    continue; // not a release folder kinja wrote
                }
                if let Some(&latest) = self.revisions(&ns, &name)?.last() {
                    records.push(self.read(&ns, &name, latest)?);
                }
            }
        }
        Ok(records)
    }

    fn append(
        &self,
        namespace: &str,
        name: &str,
        history_max: usize,
        build: &mut dyn FnMut(Option<&Record>) -> Result<Record, crate::Error>,
    ) -> Result<Record, crate::Error> {
        check_names(namespace, name)?;
        let _lock = self.lock(namespace, name)?;
        let revisions = self.revisions(namespace, name)?;
        let previous = match revisions.last() {
            Some(&latest) => Some(self.read(namespace, name, latest)?),
            None => None,
        };
        // Checked before anything is written: a corrupt record stops the
        // release rather than being pruned unseen.
        let kept = revisions.len() + 1;
        let pruned = &revisions[..kept.saturating_sub(history_max).min(revisions.len())];
        let pruned = if history_max == 0 { &[][..] } else { pruned };
        for &old in pruned {
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
                    let record = self.read(namespace, name, old)?;
                    if record.status == Status::Deployed {
                        still_deployed.push(record);
                    }
                }
            }
        }
        still_deployed.extend(previous.clone().filter(|p| p.status == Status::Deployed));

        let mut record = build(previous.as_ref())?;
        record.name = name.to_string();
        record.namespace = namespace.to_string();
        record.revision = match revisions.last() {
            None => 1,
            Some(&latest) => latest.checked_add(1).ok_or_else(|| {
                StoreError::InvalidName(format!(
                    "release {name:?} is at revision {latest}, the last one there can be"
                ))
            })?,
        };
        let dir = self.release_dir(namespace, name);
        let path = self.record_path(namespace, name, record.revision);
        if path.exists() {
            let exists = std::io::Error::other("this revision already exists; nothing was written");
            return Err(io_error(&path, &exists).into());
        }
        fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
        self.write(&record)?;
        // After the new revision, so a crash in between leaves two deployed
        // revisions (which the next release repairs), never none.
        for mut earlier in still_deployed {
            earlier.status = Status::Superseded;
            self.write(&earlier)?;
        }
        for &old in pruned {
            let path = self.record_path(namespace, name, old);
            fs::remove_file(&path).map_err(|e| io_error(&path, &e))?;
        }
        Ok(record)
    }

    fn uninstall(
        &self,
        namespace: &str,
        name: &str,
        keep_history: bool,
    ) -> Result<Record, StoreError> {
        // Refuse a missing release before the lock creates its namespace folder.
        self.get(namespace, name, None)?;
        let _lock = self.lock(namespace, name)?;
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
            latest.last_deployed = super::record::now_rfc3339();
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
        reason: crate::values::io_reason(e),
    }
}
