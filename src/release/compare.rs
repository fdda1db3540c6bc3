//! The two sides of a release's diffs: the latest revision against the
//! next render (`diff upgrade`), two revisions (`diff revision`), the
//! latest against an earlier one (`diff rollback`). A side read from the
//! store remembers where it was kept, so a stored manifest that cannot be
//! read is reported as a corrupt record with its path.

use super::{UpgradeRequest, live, next_release};
use crate::diff::{DiffError, DiffOptions, DiffReport, DiffSide, diff_manifests};
use crate::error::Error;
use crate::store::{Record, RecordProblem, Store, StoreError};
use std::borrow::Cow;

/// One side of a diff: a name for messages and a manifest, borrowed from a
/// record where one is at hand (a manifest can run to megabytes).
#[derive(Debug, Clone, PartialEq)]
pub struct Side<'a> {
    /// `revision 3`, `the new render`, a file name.
    pub label: String,
    pub manifest: Cow<'a, str>,
    /// Where the store keeps it, when it was read from the store.
    location: Option<String>,
}

impl<'a> Side<'a> {
    pub fn new(label: impl Into<String>, manifest: impl Into<Cow<'a, str>>) -> Side<'a> {
        Side {
            label: label.into(),
            manifest: manifest.into(),
            location: None,
        }
    }

    /// A stored revision.
    pub fn of_record(store: &dyn Store, record: &'a Record) -> Side<'a> {
        Side::stored(store, record, Cow::Borrowed(&record.manifest))
    }

    /// A stored revision, taking its manifest.
    pub fn from_record(store: &dyn Store, mut record: Record) -> Side<'static> {
        let manifest = std::mem::take(&mut record.manifest);
        Side::stored(store, &record, Cow::Owned(manifest))
    }

    fn stored(store: &dyn Store, record: &Record, manifest: Cow<'a, str>) -> Side<'a> {
        Side {
            label: format!("revision {}", record.revision),
            manifest,
            location: Some(store.location(&record.namespace, &record.name, record.revision)),
        }
    }

    /// What is live now: the latest revision, or nothing once it was
    /// uninstalled (or when there is no revision at all).
    pub fn of_live(store: &dyn Store, latest: Option<&'a Record>, none_label: &str) -> Side<'a> {
        match (live(latest), latest) {
            (Some(record), _) => Side::of_record(store, record),
            (None, Some(record)) => {
                Side::new(format!("revision {} (uninstalled)", record.revision), "")
            }
            (None, None) => Side::new(none_label, ""),
        }
    }

    /// The same side, owning its manifest.
    pub fn into_owned(self) -> Side<'static> {
        Side {
            label: self.label,
            manifest: Cow::Owned(self.manifest.into_owned()),
            location: self.location,
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

/// A stored manifest that is not a valid manifest: the record is corrupt,
/// and the error names its file (the checksum only proves kinja wrote it).
fn corrupt_manifest(location: String, error: &DiffError) -> StoreError {
    let (line, message) = match error {
        DiffError::Manifest { error, .. } => (error.line, error.message.clone()),
        DiffError::DuplicateResource { line, resource, .. } => {
            (*line, format!("it holds one resource twice ({resource})"))
        }
    };
    StoreError::Corrupt {
        path: location,
        problem: RecordProblem::InvalidManifest { line, message },
    }
}

/// `diff upgrade`: the latest revision against the next render.
#[derive(Debug, Clone)]
pub struct UpgradeSides {
    pub old: Side<'static>,
    pub new: Side<'static>,
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
    let (rendered, _) =
        super::render_next(request, &release, latest.as_ref()).map_err(|error| match error {
            Error::Manifest(broken) if !show_secrets => Error::Manifest(broken.without_snippet()),
            other => other,
        })?;
    Ok(UpgradeSides {
        old: Side::of_live(store, latest.as_ref(), "no revision").into_owned(),
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
) -> Result<(Side<'static>, Side<'static>), Error> {
    let old = store.get(namespace, name, Some(from))?;
    let new = store.get(namespace, name, to)?;
    Ok((Side::from_record(store, old), Side::from_record(store, new)))
}

/// `diff rollback`: what is live now against revision `target`.
pub fn rollback_sides(
    store: &dyn Store,
    namespace: &str,
    name: &str,
    target: u64,
) -> Result<(Side<'static>, Side<'static>), Error> {
    let latest = store.get(namespace, name, None)?;
    let target = store.get(namespace, name, Some(target))?;
    Ok((
        Side::of_live(store, Some(&latest), "no revision").into_owned(),
        Side::from_record(store, target),
    ))
}
