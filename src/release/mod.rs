//! Release operations: rendering a chart as the next revision of a release
//! ([`upgrade`]), returning to an earlier one ([`rollback`]), and the two
//! sides of a release's diffs ([`compare`]). They sit on a [`Store`] and
//! the render pipeline; the commands are thin shells over them.
//!
//! ```
//! use kinja::chart::Chart;
//! use kinja::release::{UpgradeRequest, upgrade};
//! use kinja::render::Capabilities;
//! use kinja::store::{FileStore, Status};
//! # let dir = tempfile::tempdir().unwrap();
//! let store = FileStore::new(dir.path());
//! let chart = Chart::load("charts/seedapp".as_ref()).unwrap();
//! let capabilities = Capabilities::default();
//! let request = UpgradeRequest::new("shop", "web", &chart, &capabilities);
//! let first = upgrade(&store, &request).unwrap();
//! assert_eq!((first.record.revision, first.record.status), (1, Status::Deployed));
//! assert_eq!(first.record.description, "Install complete");
//! assert!(first.summary.add > 0, "an install adds every resource");
//! let second = upgrade(&store, &request).unwrap();
//! assert_eq!(second.record.description, "Upgrade complete");
//! assert_eq!(second.summary.change, 0, "the same render changes nothing");
//! ```

pub mod compare;
mod error;
pub mod listing;
mod reuse;

pub use error::ReleaseError;
pub use reuse::{UpgradeValues, ValuesRule, upgrade_values};

use crate::chart::Chart;
use crate::diff::{DiffOptions, Summary};
use crate::error::Error;
use crate::render::{Capabilities, ReleaseInfo};
use crate::store::{ChartInfo, Record, Status, Store, now_rfc3339};
use crate::values::Values;

/// The latest revision if it is live: not uninstalled with its history kept.
pub fn live(latest: Option<&Record>) -> Option<&Record> {
    latest.filter(|record| record.status != Status::Uninstalled)
}

/// The release a render for the next revision sees: an upgrade of a live
/// release, an install otherwise.
pub fn next_release(name: &str, namespace: &str, previous: Option<&Record>) -> ReleaseInfo {
    let upgrade = live(previous).is_some();
    ReleaseInfo {
        name: name.to_string(),
        namespace: namespace.to_string(),
        revision: previous.map_or(1, |p| p.revision.saturating_add(1)),
        is_install: !upgrade,
        is_upgrade: upgrade,
        service: "kinja".into(),
    }
}

/// What `kinja release` renders and records.
#[derive(Debug, Clone)]
pub struct UpgradeRequest<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub chart: &'a Chart,
    /// The values the user supplied (files and `--set` flags, merged).
    pub user_values: Values,
    pub capabilities: &'a Capabilities,
    /// The revision's description; by default "Install complete" or "Upgrade complete".
    pub description: Option<String>,
    /// Revisions to keep; older ones are deleted (0 keeps all).
    pub history_max: usize,
    /// Which of an install and an upgrade the caller accepts.
    pub mode: Mode,
    /// Whether the last revision's values are used again (Helm's rules).
    pub values_rule: ValuesRule,
}

/// What a request may do, as Helm's commands decide it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// `kinja release`, `kinja upgrade --install`: install a new name,
    /// upgrade a live release.
    #[default]
    InstallOrUpgrade,
    /// `kinja install`: only a name with no history.
    Install,
    /// `kinja upgrade`: only a release with a live revision.
    Upgrade,
}

impl<'a> UpgradeRequest<'a> {
    /// A request with no user values, the default description and Helm's
    /// default history limit (10).
    pub fn new(
        name: &'a str,
        namespace: &'a str,
        chart: &'a Chart,
        capabilities: &'a Capabilities,
    ) -> Self {
        UpgradeRequest {
            name,
            namespace,
            chart,
            user_values: Values::new(),
            capabilities,
            description: None,
            history_max: DEFAULT_HISTORY_MAX,
            mode: Mode::InstallOrUpgrade,
            values_rule: ValuesRule::Default,
        }
    }
}

/// Helm's default for `--history-max`.
pub const DEFAULT_HISTORY_MAX: usize = 10;

/// A revision just written, with what it changed against the one it replaced.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub record: Record,
    pub summary: Summary,
    /// For stderr: merge conflicts resolved in the user's favour, hooks left out.
    pub warnings: Vec<String>,
}

/// Renders the chart as the next revision of the release and records it.
/// The render happens under the release's lock, so concurrent runs get
/// consecutive revisions; nothing is written when the render fails or
/// holds one resource twice.
pub fn upgrade(store: &dyn Store, request: &UpgradeRequest) -> Result<Recorded, Error> {
    crate::names::validate_release_name(request.name)?;
    let lock = store.lock(request.namespace, request.name, request.history_max)?;
    let previous = lock.latest();
    check_mode(request, previous)?;
    let release = next_release(request.name, request.namespace, previous);
    let (rendered, user_values) = render_next(request, &release, previous)?;
    let now = now_rfc3339();
    let metadata = &request.chart.metadata;
    let record = Record {
        name: release.name,
        namespace: release.namespace,
        revision: release.revision,
        status: Status::Deployed,
        first_deployed: previous.map_or_else(|| now.clone(), |p| p.first_deployed.clone()),
        last_deployed: now,
        description: request.description.clone().unwrap_or_else(|| {
            if release.is_upgrade {
                "Upgrade complete"
            } else {
                "Install complete"
            }
            .to_string()
        }),
        chart: ChartInfo {
            name: metadata.name.clone(),
            version: metadata.version.clone(),
            app_version: metadata.app_version.clone(),
        },
        config: user_values,
        values: rendered.values,
        notes: rendered.notes,
        manifest: rendered.manifest.to_text(),
    };
    // Before anything is written: a manifest the diff refuses (one
    // resource twice) must not become a revision.
    let new = compare::Side::new("this revision", record.manifest.as_str());
    let summary = change_summary(store, previous, &new, &record.namespace)?;
    let record = lock.append(record)?;
    Ok(Recorded {
        record,
        summary,
        warnings: rendered.warnings,
    })
}

/// Renders the request as `release`, the revision after `previous`, with
/// the values Helm's upgrade rules give; returns the user values used too.
fn render_next(
    request: &UpgradeRequest,
    release: &ReleaseInfo,
    previous: Option<&Record>,
) -> Result<(crate::pipeline::RenderOutput, Values), Error> {
    let values = upgrade_values(
        request.values_rule,
        request.user_values.clone(),
        live(previous),
    );
    let defaults = values
        .defaults
        .as_ref()
        .unwrap_or(&request.chart.default_values);
    let mut rendered = crate::pipeline::render_chart_over(
        request.chart,
        defaults,
        values.user.clone(),
        release,
        request.capabilities,
    )?;
    if let Some(duplicate) = rendered
        .manifest
        .duplicates(&release.namespace)
        .into_iter()
        .next()
    {
        return Err(ReleaseError::DuplicateResource(duplicate).into());
    }
    if let Some(note) = values.note {
        rendered.warnings.insert(0, note);
    }
    Ok((rendered, values.user))
}

/// Helm's rules: `install` takes only a name with no history, `upgrade`
/// only a release that is live.
fn check_mode(request: &UpgradeRequest, latest: Option<&Record>) -> Result<(), ReleaseError> {
    match (request.mode, latest) {
        (Mode::Install, Some(record)) => Err(ReleaseError::NameInUse {
            namespace: request.namespace.to_string(),
            name: request.name.to_string(),
            revision: record.revision,
        }),
        (Mode::Upgrade, latest) if live(latest).is_none() => Err(ReleaseError::NotInstalled {
            namespace: request.namespace.to_string(),
            name: request.name.to_string(),
        }),
        _ => Ok(()),
    }
}

/// A rollback just written: the new revision, and the one it copies.
#[derive(Debug, Clone)]
pub struct RolledBack {
    pub record: Record,
    pub target: u64,
    pub summary: Summary,
}

/// Records a new revision whose manifest and values are those of
/// `revision` (by default, or with 0, the one before the latest).
pub fn rollback(
    store: &dyn Store,
    namespace: &str,
    name: &str,
    revision: Option<u64>,
    history_max: usize,
) -> Result<RolledBack, Error> {
    // Refuse a missing release before the lock creates its folder.
    store.get(namespace, name, None)?;
    let lock = store.lock(namespace, name, history_max)?;
    let previous = lock.latest();
    // Under the lock: a release landing meanwhile cannot shift "the previous one".
    let latest = previous.map_or(0, |p| p.revision);
    // Revision 0, as in Helm, is "the previous one".
    let target = match revision.filter(|&r| r != 0) {
        Some(r) => r,
        None if latest > 1 => latest - 1,
        None => {
            return Err(ReleaseError::NothingToRollBack {
                name: name.to_string(),
                only: latest,
            }
            .into());
        }
    };
    let mut record = lock.get(target)?;
    record.status = Status::Deployed;
    record.first_deployed = previous.map_or_else(now_rfc3339, |p| p.first_deployed.clone());
    record.last_deployed = now_rfc3339();
    record.description = format!("Rollback to {target}");
    // The manifest comes from the target's record: a broken one is that record's fault.
    let new = compare::Side::of_record(store, &record);
    let summary = change_summary(store, previous, &new, namespace)?;
    let record = lock.append(record)?;
    Ok(RolledBack {
        record,
        target,
        summary,
    })
}

/// What `new` changes against the live manifest of `previous`.
fn change_summary(
    store: &dyn Store,
    previous: Option<&Record>,
    new: &compare::Side,
    namespace: &str,
) -> Result<Summary, Error> {
    let options = DiffOptions {
        default_namespace: namespace.to_string(),
        ..DiffOptions::default()
    };
    let old = compare::Side::of_live(store, previous, "previous revision");
    Ok(compare::diff(&old, new, &options)?.summary)
}

#[cfg(test)]
mod tests;
