//! The two sides of a release's diffs: the latest revision against the
//! next render (`diff upgrade`), two revisions (`diff revision`), the
//! latest against an earlier one (`diff rollback`). A side read from the
//! store remembers where it was kept, so a stored manifest that cannot be
//! read is reported as a corrupt record with its path.

use super::{UpgradeRequest, corrupt_manifest, live, next_release};
use crate::diff::{DiffOptions, DiffReport, DiffSide, diff_manifests};
use crate::error::Error;
use crate::store::{Record, Store, StoreError};

/// One side of a diff: a name for messages and a manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    /// `revision 3`, `the new render`, a file name.
    pub label: String,
    pub manifest: String,
    /// Where the store keeps it, when it was read from the store.
    location: Option<String>,
}

impl Side {
    pub fn new(label: impl Into<String>, manifest: String) -> Side {
        Side {
            label: label.into(),
            manifest,
            location: None,
        }
    }

    /// A stored revision.
    pub fn of_record(store: &dyn Store, record: &Record) -> Side {
        Side {
            label: format!("revision {}", record.revision),
            manifest: record.manifest.clone(),
            location: Some(store.location(&record.namespace, &record.name, record.revision)),
        }
    }

    /// What is live now: the latest revision, or nothing once it was
    /// uninstalled (or when there is no revision at all).
    pub fn of_live(store: &dyn Store, latest: Option<&Record>, none_label: &str) -> Side {
        match (live(latest), latest) {
            (Some(record), _) => Side::of_record(store, record),
            (None, Some(record)) => Side::new(
                format!("revision {} (uninstalled)", record.revision),
                String::new(),
            ),
            (None, None) => Side::new(none_label, String::new()),
        }
    }
}

/// Diffs two sides; a stored side that cannot be read is a corrupt record.
pub fn diff(old: &Side, new: &Side, options: &DiffOptions) -> Result<DiffReport, Error> {
    diff_manifests(
        (&old.label, &old.manifest),
        (&new.label, &new.manifest),
        options,
    )
    .map_err(|error| {
        let side = match error.side() {
            DiffSide::Old => old,
            DiffSide::New => new,
        };
        match side.location.clone() {
            Some(location) => corrupt_manifest(location, &error).into(),
            None => error.into(),
        }
    })
}

/// `diff upgrade`: the latest revision against the next render.
#[derive(Debug, Clone)]
pub struct UpgradeSides {
    pub old: Side,
    pub new: Side,
    /// The release has no revision: the render is shown as a new install.
    pub new_install: bool,
    pub warnings: Vec<String>,
}

/// Renders the next revision without recording it. With `show_secrets`
/// false, an error in the rendered output comes without its lines, which
/// could be a Secret's values.
pub fn upgrade_sides(
    store: &dyn Store,
    request: &UpgradeRequest,
    show_secrets: bool,
) -> Result<UpgradeSides, Error> {
    crate::names::validate_release_name(request.name)?;
    let latest = match store.get(request.namespace, request.name, None) {
        Ok(record) => Some(record),
        Err(StoreError::ReleaseNotFound { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let release = next_release(request.name, request.namespace, latest.as_ref());
    let rendered = crate::pipeline::render_chart(
        request.chart,
        request.user_values.clone(),
        &release,
        request.capabilities,
    )
    .map_err(|error| match error {
        Error::Manifest(broken) if !show_secrets => Error::Manifest(broken.without_snippet()),
        other => other,
    })?;
    Ok(UpgradeSides {
        old: Side::of_live(store, latest.as_ref(), "no revision"),
        new: Side::new("the new render", rendered.manifest.to_text()),
        new_install: latest.is_none(),
        warnings: rendered.warnings,
    })
}

/// `diff revision`: revision `from` against `to` (default: the latest).
pub fn revision_sides(
    store: &dyn Store,
    namespace: &str,
    name: &str,
    from: u64,
    to: Option<u64>,
) -> Result<(Side, Side), Error> {
    let old = store.get(namespace, name, Some(from))?;
    let new = store.get(namespace, name, to)?;
    Ok((Side::of_record(store, &old), Side::of_record(store, &new)))
}

/// `diff rollback`: what is live now against revision `target`.
pub fn rollback_sides(
    store: &dyn Store,
    namespace: &str,
    name: &str,
    target: u64,
) -> Result<(Side, Side), Error> {
    let latest = store.get(namespace, name, None)?;
    let target = store.get(namespace, name, Some(target))?;
    Ok((
        Side::of_live(store, Some(&latest), "no revision"),
        Side::of_record(store, &target),
    ))
}
