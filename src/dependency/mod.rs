//! `kinja dependency update` and `build`: the charts `Chart.yaml` asks for,
//! fetched into `charts/` as archives, with the versions chosen written to
//! `Chart.lock` (Helm's format and digest, so `helm dependency build`
//! reads it).
//!
//! Where each comes from: `file://PATH` (a chart folder, relative to the
//! chart), an HTTP(S) chart repository (its `index.yaml`; the highest
//! version in the range, pre-releases only when the range names one), or no
//! repository (the chart must already be in `charts/`). Everything is
//! fetched into a staging folder first: a failure leaves `charts/` and
//! `Chart.lock` as they were.

pub mod lock;
mod repository;

pub use repository::{Fetch, HttpFetch};

use crate::chart::{Chart, ChartError, Dependency, source};
use crate::version::{Constraint, Version};
use lock::{Lock, Locked};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DependencyError {
    #[error("{0}")]
    Chart(#[from] ChartError),
    #[error("dependency {name}: {reason}")]
    Unresolved { name: String, reason: String },
    #[error(
        "{path} is out of date: Chart.yaml's dependencies changed since it was written; run `kinja dependency update`"
    )]
    LockOutOfDate { path: String },
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
}

/// What an update or a build did: each chart written into `charts/`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    pub name: String,
    pub version: String,
    /// Its file in `charts/`, or where it already was for an entry with no repository.
    pub file: String,
    pub from: String,
}

/// Resolves every entry of the chart folder `dir`, fetches the charts and
/// writes `Chart.lock`.
pub fn update(dir: &Path, fetch: &dyn Fetch, now: String) -> Result<Vec<Fetched>, DependencyError> {
    let chart = load_folder(dir)?;
    let mut locked = Vec::new();
    let mut staged = Vec::new();
    for dependency in &chart.dependencies {
        let (version, archive) = resolve(dir, &chart, dependency, None, fetch)?;
        locked.push(Locked {
            name: dependency.name.clone(),
            repository: dependency.repository.clone(),
            // As Helm: an entry with no repository keeps its range.
            version: if dependency.repository.is_empty() {
                dependency.version.clone()
            } else {
                version.clone()
            },
        });
        staged.push((dependency, version, archive));
    }
    let lock = Lock::new(&chart.dependencies, locked, now);
    install(dir, staged, Some(&lock))
}

/// Fetches the versions `Chart.lock` names, refusing a lock made for other
/// `Chart.yaml` entries.
pub fn build(dir: &Path, fetch: &dyn Fetch) -> Result<Vec<Fetched>, DependencyError> {
    let chart = load_folder(dir)?;
    let lock_path = dir.join("Chart.lock");
    let shown = lock_path.display().to_string();
    let text = std::fs::read_to_string(&lock_path).map_err(|e| DependencyError::Io {
        path: shown.clone(),
        reason: format!(
            "{} (`kinja dependency update` writes it)",
            crate::input::io_reason(&e)
        ),
    })?;
    let lock = Lock::from_yaml(&text).map_err(|reason| DependencyError::Io {
        path: shown.clone(),
        reason,
    })?;
    if !lock.matches(&chart.dependencies) {
        return Err(DependencyError::LockOutOfDate { path: shown });
    }
    let mut staged = Vec::new();
    for (dependency, locked) in chart.dependencies.iter().zip(&lock.dependencies) {
        let exact = (!dependency.repository.is_empty()).then_some(locked.version.as_str());
        let (version, archive) = resolve(dir, &chart, dependency, exact, fetch)?;
        staged.push((dependency, version, archive));
    }
    install(dir, staged, None)
}

/// The chart folder whose `charts/` is updated (an archive has none to write).
fn load_folder(dir: &Path) -> Result<Chart, DependencyError> {
    if !dir.is_dir() && dir.exists() {
        return Err(DependencyError::Io {
            path: dir.display().to_string(),
            reason: "dependencies are fetched into a chart folder's charts/, not into an archive"
                .into(),
        });
    }
    Ok(Chart::load(dir)?)
}

/// The version an entry resolves to and its archive's bytes (none for an
/// entry with no repository, which must already be in `charts/`). With
/// `exact`, that version or nothing.
fn resolve(
    dir: &Path,
    chart: &Chart,
    dependency: &Dependency,
    exact: Option<&str>,
    fetch: &dyn Fetch,
) -> Result<(String, Option<Vec<u8>>), DependencyError> {
    let unresolved = |reason: String| DependencyError::Unresolved {
        name: dependency.name.clone(),
        reason,
    };
    let range = Constraint::parse(&dependency.version).map_err(|reason| {
        unresolved(format!(
            "version {:?} is not a valid range: {reason}",
            dependency.version
        ))
    })?;
    let wanted = |version: &str| match exact {
        Some(exact) => version == exact,
        None => Version::parse_lenient(version).is_some_and(|v| range.matches(&v)),
    };
    let repository = dependency.repository.as_str();
    if repository.is_empty() {
        let present = chart
            .subcharts
            .iter()
            .find(|c| c.metadata.name == dependency.name && wanted(&c.metadata.version))
            .ok_or_else(|| {
                unresolved(format!(
                    "no repository, and charts/ holds no {} in {:?}; add `repository:` or put the chart in charts/",
                    dependency.name, dependency.version
                ))
            })?;
        return Ok((present.metadata.version.clone(), None));
    }
    if let Some(path) = repository.strip_prefix("file://") {
        let folder = if Path::new(path).is_absolute() {
            PathBuf::from(path)
        } else {
            dir.join(path)
        };
        let local = Chart::load(&folder)?;
        if local.metadata.name != dependency.name {
            return Err(unresolved(format!(
                "{} holds chart {}, not {}",
                folder.display(),
                local.metadata.name,
                dependency.name
            )));
        }
        if !wanted(&local.metadata.version) {
            return Err(unresolved(format!(
                "{} is version {}, not in {:?}",
                folder.display(),
                local.metadata.version,
                exact.unwrap_or(&dependency.version)
            )));
        }
        let source = source::read_folder(&folder)?;
        let bytes = crate::chart::package::archive_bytes(&source, &local.metadata.name)
            .map_err(|e| unresolved(e.to_string()))?;
        return Ok((local.metadata.version, Some(bytes)));
    }
    if repository.starts_with("http://") || repository.starts_with("https://") {
        let (version, bytes) =
            repository::fetch_chart(fetch, repository, &dependency.name, &wanted)
                .map_err(unresolved)?;
        return Ok((version, Some(bytes)));
    }
    if repository.starts_with("oci://") {
        return Err(unresolved(
            "OCI registries are not supported yet; use an HTTP(S) chart repository or file://"
                .into(),
        ));
    }
    Err(unresolved(format!(
        "repository {repository:?} is not a URL; kinja keeps no list of named repositories (Helm's `@name`): write the repository's URL"
    )))
}

/// Writes the fetched archives into `charts/` and the lock, as Helm's
/// `safeMoveDeps` does: everything is staged first (a failure leaves
/// `charts/` as it was), then moved in, then every other archive in
/// `charts/` is pruned, but those of entries with no repository.
fn install(
    dir: &Path,
    staged: Vec<(&Dependency, String, Option<Vec<u8>>)>,
    lock: Option<&Lock>,
) -> Result<Vec<Fetched>, DependencyError> {
    let charts = dir.join("charts");
    let io = |path: &Path, e: std::io::Error| DependencyError::Io {
        path: path.display().to_string(),
        reason: crate::input::io_reason(&e),
    };
    std::fs::create_dir_all(&charts).map_err(|e| io(&charts, e))?;
    // A fresh folder of our own: never one (or a link) already there.
    let staging = tempfile::Builder::new()
        .prefix(".kinja-staging-")
        .tempdir_in(&charts)
        .map_err(|e| io(&charts, e))?;
    let local: Vec<&str> = staged
        .iter()
        .filter(|(d, _, _)| d.repository.is_empty())
        .map(|(d, _, _)| d.name.as_str())
        .collect::<Vec<_>>();
    let mut fetched = Vec::new();
    let mut files: Vec<String> = Vec::new();
    for (dependency, version, archive) in &staged {
        let file = format!("{}-{version}.tgz", dependency.name);
        match archive {
            Some(bytes) => {
                // One chart listed twice (two aliases) is one archive.
                if !files.contains(&file) {
                    let path = staging.path().join(&file);
                    std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
                    files.push(file.clone());
                }
                fetched.push(Fetched {
                    name: dependency.name.clone(),
                    version: version.clone(),
                    file: format!("charts/{file}"),
                    from: dependency.repository.clone(),
                });
            }
            None => fetched.push(Fetched {
                name: dependency.name.clone(),
                version: version.clone(),
                file: "charts/ (already there)".into(),
                from: String::new(),
            }),
        }
    }
    for file in &files {
        let target = charts.join(file);
        std::fs::rename(staging.path().join(file), &target).map_err(|e| io(&target, e))?;
    }
    prune(&charts, &files, &local)?;
    if let Some(lock) = lock {
        let path = dir.join("Chart.lock");
        crate::output::replace_file(&path, lock.to_yaml().as_bytes()).map_err(|e| io(&path, e))?;
    }
    Ok(fetched)
}

/// Removes the chart archives in `charts/` that are not `kept`, unless the
/// chart inside (read, not guessed from the file name) is one of `local`.
fn prune(charts: &Path, kept: &[String], local: &[&str]) -> Result<(), DependencyError> {
    let Ok(entries) = std::fs::read_dir(charts) else {
        return Ok(());
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if !name.ends_with(".tgz") || kept.contains(&name) || !path.is_file() {
            continue;
        }
        let inner = std::fs::read(&path)
            .ok()
            .and_then(|bytes| source::read_archive(&bytes, &name).ok())
            .and_then(|s| Chart::from_source(&s, 0).ok());
        // An archive that is not a readable chart is not ours to delete.
        if let Some(chart) = inner
            && !local.contains(&chart.metadata.name.as_str())
        {
            std::fs::remove_file(&path).map_err(|e| DependencyError::Io {
                path: path.display().to_string(),
                reason: crate::input::io_reason(&e),
            })?;
        }
    }
    Ok(())
}
