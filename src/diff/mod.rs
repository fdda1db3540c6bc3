//! Resource-level diffs between two manifests: what the next render would
//! change against the last revision, or between any two revisions or files.
//!
//! Resources are matched by identity (API group, kind, namespace, name; the
//! release namespace where a document has none) and each is added, removed,
//! changed or unchanged; a removed one annotated `helm.sh/resource-policy:
//! keep` is kept instead (Helm leaves it in the cluster). Documents are
//! compared by their text first, and only the ones that differ are parsed,
//! normalized (keys sorted, comments dropped) and diffed, so a large
//! manifest with few changes is cheap and reordering keys or documents is
//! never a change.
//!
//! ```text
//! web, shop-seedapp, Deployment (apps) changed
//! @@ -22,7 +22,7 @@
//!          - containerPort: 80
//!            name: http
//! -  replicas: 3
//! +  replicas: 5
//! 0 to add, 1 to change, 0 to remove
//! ```
//!
//! Changes are listed in the new manifest's order, then removed resources
//! in the old manifest's order. Secret values are never shown unless asked.

mod error;
mod format;
mod mask;
mod normalize;
mod read;
mod renames;
mod replace;

pub use error::{DiffError, DiffSide};
pub use format::{format_diff, format_json, format_simple, summary_line};

use crate::manifest::Document;

/// How to compare and what to leave out.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Lines of context around each change.
    pub context: usize,
    /// Show Secrets whole; by default only their apiVersion, kind,
    /// metadata, type and immutable fields are shown (see `mask.rs`).
    pub show_secrets: bool,
    /// Kinds whose diffs are not shown (case-insensitive); their changes
    /// are still listed and counted, so `--detailed-exitcode` sees them.
    pub suppress: Vec<String>,
    /// Pair a removed and an added resource of one kind as a rename when
    /// the fraction of lines changed between them is below this (helm-diff's
    /// `--find-renames`; 0.0 to 1.0).
    pub find_renames: Option<f64>,
    /// Changed lines matching any of these are left out of the diffs
    /// (helm-diff's `--suppress-output-line-regex`); the change still counts.
    pub suppress_lines: Vec<regex::Regex>,
    /// The namespace of documents that name none (the release namespace).
    pub default_namespace: String,
    /// List unchanged resources in the report (for `-o json`); otherwise
    /// they are only counted, and documents identical on both sides are
    /// paired by text without being parsed.
    pub list_unchanged: bool,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            context: 3,
            show_secrets: false,
            suppress: Vec::new(),
            find_renames: None,
            suppress_lines: Vec::new(),
            default_namespace: "default".to_string(),
            list_unchanged: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
    Unchanged,
    Renamed,
    /// Gone from the manifest but annotated `helm.sh/resource-policy: keep`:
    /// Helm leaves it in the cluster, so it is no removal.
    Kept,
}

/// One resource's fate.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceChange {
    pub change: Change,
    pub api_version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// The old namespace and name, for renames.
    pub old_namespace: Option<String>,
    pub old_name: Option<String>,
    /// Unified diff hunks (no colour); `None` for unchanged resources and suppressed kinds.
    pub diff: Option<String>,
    /// The kind was named by `--suppress`: the change is listed, its diff is not.
    pub suppressed: bool,
    /// What Kubernetes will do that an update would not: a rename deletes
    /// and creates, an immutable field's change is rejected.
    pub warnings: Vec<String>,
}

impl ResourceChange {
    /// The API group: `apps` for `apps/v1`, empty for the core `v1`.
    pub fn group(&self) -> &str {
        group_of(&self.api_version)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub remove: usize,
    pub unchanged: usize,
    /// Pairs found by `--find-renames`: a deletion and a creation each.
    #[serde(skip_serializing_if = "is_zero")]
    pub rename: usize,
    /// Resources left out of the manifest that Helm keeps (`helm.sh/resource-policy: keep`).
    #[serde(skip_serializing_if = "is_zero")]
    pub kept: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiffReport {
    pub changes: Vec<ResourceChange>,
    pub summary: Summary,
    /// For stderr: options that had nothing to act on (`--suppress` of a
    /// kind neither manifest holds).
    pub warnings: Vec<String>,
}

impl DiffReport {
    pub fn has_changes(&self) -> bool {
        self.summary.add + self.summary.change + self.summary.remove + self.summary.rename > 0
    }
}

/// What identifies a resource across manifests.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Identity {
    group: String,
    kind: String,
    namespace: String,
    name: String,
    /// Tells nameless documents (`generateName`) of one kind apart, in order.
    ordinal: usize,
}

fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// Compares two manifest streams, each given as (name for errors, text).
///
/// ```
/// use kinja::diff::{Change, DiffOptions, diff_manifests, summary_line};
///
/// let old = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  size: '1'\n";
/// let new = old.replace("'1'", "'2'");
/// let report = diff_manifests(("old.yaml", old), ("new.yaml", &new), &DiffOptions::default()).unwrap();
/// assert_eq!(report.changes[0].change, Change::Changed);
/// // Both sides are normalized (keys sorted, one quoting style) before they are compared.
/// assert!(report.changes[0].diff.as_deref().unwrap().contains("-  size: \"1\"\n+  size: \"2\""));
/// assert_eq!(summary_line(&report.summary), "0 to add, 1 to change, 0 to remove");
/// ```
pub fn diff_manifests(
    old: (&str, &str),
    new: (&str, &str),
    options: &DiffOptions,
) -> Result<DiffReport, DiffError> {
    let read = read::read(old, new, options)?;
    let mut report = diff_documents(&read, options);
    report.summary.unchanged += read.identical;
    for kind in &options.suppress {
        if !holds_kind(old.1, kind) && !holds_kind(new.1, kind) {
            report.warnings.push(format!(
                "--suppress {kind}: neither manifest holds a resource of that kind, so it hides nothing"
            ));
        }
    }
    Ok(report)
}

/// Whether a manifest has a `kind: KIND` line (any case, any quoting).
fn holds_kind(text: &str, kind: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start().trim_start_matches("- ");
        line.strip_prefix("kind:").is_some_and(|value| {
            value
                .trim()
                .trim_matches(['"', '\''])
                .eq_ignore_ascii_case(kind)
        })
    })
}

fn diff_documents(read: &read::Read, options: &DiffOptions) -> DiffReport {
    let (old_docs, new_docs) = (&read.old_docs, &read.new_docs);
    let mut matched = vec![false; old_docs.len()];
    let mut changes = Vec::with_capacity(new_docs.len());
    let mut added = Vec::new();
    for (position, doc) in new_docs.iter().enumerate() {
        match read.old_index.by_id.get(&read.new_index.ids[position]) {
            Some(&old_position) => {
                matched[old_position] = true;
                changes.push(compare(&old_docs[old_position], doc, options));
            }
            None => {
                added.push((changes.len(), position));
                changes.push(whole(doc, Change::Added, options));
            }
        }
    }
    // A kept resource stays in the cluster: it is neither removed nor renamed.
    let (kept, removed): (Vec<usize>, Vec<usize>) = (0..old_docs.len())
        .filter(|&i| !matched[i])
        .partition(|&i| old_docs[i].head.is_kept());
    let mut removed_changes: Vec<Option<ResourceChange>> = removed
        .iter()
        .map(|&i| Some(whole(&old_docs[i], Change::Removed, options)))
        .collect();

    if let Some(threshold) = options.find_renames {
        for (added_at, removed_at) in
            renames::pair_renames((old_docs, &removed), (new_docs, &added), threshold)
        {
            let old_doc = &old_docs[removed[removed_at]];
            let new_doc = &new_docs[added[added_at].1];
            let mut renamed = compare(old_doc, new_doc, options);
            renamed.change = Change::Renamed;
            let old_id = &read.old_index.ids[removed[removed_at]];
            // A new object: its immutable fields are new too.
            renamed.warnings = vec![replace::rename_warning(
                &renamed.kind,
                &format!("{}/{}", old_id.namespace, old_id.name),
                &format!("{}/{}", renamed.namespace, renamed.name),
            )];
            renamed.old_namespace = Some(old_id.namespace.clone());
            renamed.old_name = Some(old_id.name.clone());
            changes[added[added_at].0] = renamed;
            removed_changes[removed_at] = None;
        }
    }
    changes.extend(removed_changes.into_iter().flatten());
    changes.extend(
        kept.iter()
            .map(|&i| change_of(&old_docs[i], Change::Kept, options, None)),
    );

    let mut summary = Summary::default();
    for change in &changes {
        match change.change {
            Change::Added => summary.add += 1,
            Change::Removed => summary.remove += 1,
            Change::Changed => summary.change += 1,
            Change::Renamed => summary.rename += 1,
            Change::Unchanged => summary.unchanged += 1,
            Change::Kept => summary.kept += 1,
        }
    }
    if !options.list_unchanged {
        changes.retain(|c| c.change != Change::Unchanged);
    }
    DiffReport {
        changes,
        summary,
        warnings: Vec::new(),
    }
}

fn identity(doc: &Document, options: &DiffOptions) -> Identity {
    Identity {
        group: group_of(&doc.head.api_version).to_string(),
        kind: doc.head.kind.clone(),
        // `namespace: ""` is no namespace, to Kubernetes and to Helm.
        namespace: match doc.head.namespace.as_deref() {
            Some(namespace) if !namespace.is_empty() => namespace.to_string(),
            _ => options.default_namespace.clone(),
        },
        name: doc.head.name.clone(),
        ordinal: 0,
    }
}

fn change_of(
    doc: &Document,
    change: Change,
    options: &DiffOptions,
    diff: Option<String>,
) -> ResourceChange {
    let id = identity(doc, options);
    let suppressed = is_suppressed(&id.kind, options);
    ResourceChange {
        change,
        api_version: doc.head.api_version.clone(),
        kind: id.kind,
        namespace: id.namespace,
        name: id.name,
        old_namespace: None,
        old_name: None,
        diff: diff.filter(|_| !suppressed),
        suppressed,
        warnings: Vec::new(),
    }
}

fn is_suppressed(kind: &str, options: &DiffOptions) -> bool {
    options
        .suppress
        .iter()
        .any(|k| k.eq_ignore_ascii_case(kind))
}

/// A matched pair: identical text is unchanged without parsing; otherwise
/// the normalized forms decide.
fn compare(old: &Document, new: &Document, options: &DiffOptions) -> ResourceChange {
    if old.text == new.text {
        return change_of(new, Change::Unchanged, options, None);
    }
    let pair = normalize::pair(old, new, options.show_secrets);
    if pair.old_text == pair.new_text {
        return change_of(new, Change::Unchanged, options, None);
    }
    let mut change = change_of(
        new,
        Change::Changed,
        options,
        Some(hunks(&pair.old_text, &pair.new_text, options)),
    );
    change.warnings = replace::immutable_changes(
        change.group(),
        &change.kind,
        &pair.old_value,
        &pair.new_value,
    );
    change
}

/// An added or removed resource, shown whole.
fn whole(doc: &Document, change: Change, options: &DiffOptions) -> ResourceChange {
    let text = normalize::single(doc, options.show_secrets);
    let diff = match change {
        Change::Removed => hunks(&text, "", options),
        _ => hunks("", &text, options),
    };
    change_of(doc, change, options, Some(diff))
}

/// The unified diff of two normalized texts; lines `--suppress-output-line-regex`
/// matches are dropped from both first, so they show neither as changes nor as context.
fn hunks(old: &str, new: &str, options: &DiffOptions) -> String {
    let keep = |text: &str| -> String {
        text.split_inclusive('\n')
            .filter(|line| {
                !options
                    .suppress_lines
                    .iter()
                    .any(|re| re.is_match(line.trim_end_matches('\n')))
            })
            .collect()
    };
    let (old, new) = if options.suppress_lines.is_empty() {
        (
            std::borrow::Cow::Borrowed(old),
            std::borrow::Cow::Borrowed(new),
        )
    } else {
        (
            std::borrow::Cow::Owned(keep(old)),
            std::borrow::Cow::Owned(keep(new)),
        )
    };
    similar::TextDiff::from_lines(old.as_ref(), new.as_ref())
        .unified_diff()
        .context_radius(options.context)
        .to_string()
}

#[cfg(test)]
mod tests;
