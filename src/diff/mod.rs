//! Resource-level diffs between two manifests: what the next render would
//! change against the last revision, or between any two revisions or files.
//!
//! Resources are matched by identity (API group, kind, namespace, name; the
//! release namespace where a document has none) and each is added, removed,
//! changed or unchanged. Documents are compared by their text first, and
//! only the ones that differ are parsed, normalized (keys sorted, comments
//! dropped) and diffed, so a large manifest with few changes is cheap and
//! reordering keys or documents is never a change.
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

mod format;
mod normalize;

pub use format::{format_diff, format_json, format_simple, summary_line};

use crate::manifest::{Document, Piece, split_stream};
use crate::render::RenderError;
use std::collections::HashMap;

/// How to compare and what to leave out.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Lines of context around each change.
    pub context: usize,
    /// Show the values of Secrets' `data` and `stringData`.
    pub show_secrets: bool,
    /// Kinds whose diffs are not shown (case-insensitive); their changes
    /// are still listed and counted, so `--detailed-exitcode` sees them.
    pub suppress: Vec<String>,
    /// Pair a removed and an added resource of one kind as a rename when
    /// their contents are at least this similar (0.0 to 1.0).
    pub find_renames: Option<f64>,
    /// The namespace of documents that name none (the release namespace).
    pub default_namespace: String,
    /// List unchanged resources in the report (for `-o json`); otherwise
    /// they are only counted, and identical documents are never even read.
    pub list_unchanged: bool,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            context: 3,
            show_secrets: false,
            suppress: Vec::new(),
            find_renames: None,
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
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiffReport {
    pub changes: Vec<ResourceChange>,
    pub summary: Summary,
}

impl DiffReport {
    pub fn has_changes(&self) -> bool {
        self.summary.add + self.summary.change + self.summary.remove > 0
    }
}

/// What identifies a resource across manifests.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Identity {
    group: String,
    kind: String,
    namespace: String,
    name: String,
}

fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// Compares two manifest streams, each given as (name for errors, text).
pub fn diff_manifests(
    old: (&str, &str),
    new: (&str, &str),
    options: &DiffOptions,
) -> Result<DiffReport, RenderError> {
    let old_pieces = split_stream(old.1);
    let new_pieces = split_stream(new.1);
    // Identical documents are unchanged: pair them by text before reading
    // anything, so a big manifest with few changes costs little. Listing
    // unchanged resources needs every head, so then every document is read.
    let pairs = if options.list_unchanged {
        Vec::new()
    } else {
        pair_identical(old, &old_pieces, new, &new_pieces, options)?
    };
    let mut old_paired = vec![false; old_pieces.len()];
    let mut new_paired = vec![false; new_pieces.len()];
    for &(o, n) in &pairs {
        old_paired[o] = true;
        new_paired[n] = true;
    }
    let old_docs = read_documents(old, &old_pieces, &old_paired, options)?;
    let new_docs = read_documents(new, &new_pieces, &new_paired, options)?;
    let old_index = index_by_identity(&old_docs, old.0, options)?;
    let new_index = index_by_identity(&new_docs, new.0, options)?;
    check_pairs_are_not_read_twice(
        (old, &old_pieces, &old_index),
        (new, &new_pieces, &new_index),
        &pairs,
        options,
    )?;
    let mut report = diff_documents(&old_docs, &new_docs, &old_index, options);
    report.summary.unchanged += pairs.len();
    Ok(report)
}

/// Pairs documents whose text is the same on both sides. The same text twice
/// on one side is one resource twice: an error, as for any duplicate.
fn pair_identical(
    old: (&str, &str),
    old_pieces: &[Piece],
    new: (&str, &str),
    new_pieces: &[Piece],
    options: &DiffOptions,
) -> Result<Vec<(usize, usize)>, RenderError> {
    // text -> (its position in old, in new), `usize::MAX` for absent.
    let mut by_text: HashMap<&str, (usize, usize)> = HashMap::with_capacity(old_pieces.len());
    for (i, piece) in old_pieces.iter().enumerate() {
        let slot = by_text
            .entry(piece.text)
            .or_insert((usize::MAX, usize::MAX));
        if slot.0 != usize::MAX {
            return Err(duplicate(old, piece, options));
        }
        slot.0 = i;
    }
    let mut pairs = Vec::new();
    for (i, piece) in new_pieces.iter().enumerate() {
        let slot = by_text
            .entry(piece.text)
            .or_insert((usize::MAX, usize::MAX));
        if slot.1 != usize::MAX {
            return Err(duplicate(new, piece, options));
        }
        slot.1 = i;
        if slot.0 != usize::MAX {
            pairs.push((slot.0, i));
        }
    }
    Ok(pairs)
}

/// The error for a document that repeats an earlier one on its side.
fn duplicate(input: (&str, &str), piece: &Piece, options: &DiffOptions) -> RenderError {
    match piece.to_document(input.1, input.0) {
        Ok(doc) => duplicate_error(&doc, input.0, options),
        Err(unreadable) => unreadable,
    }
}

/// Paired documents were not read; one of them may still share its identity
/// with a document that was (the same resource twice, with different
/// contents). Only paired documents whose plainly written name matches a
/// read one, or whose name is not plainly written, are read to make sure.
fn check_pairs_are_not_read_twice(
    (old, old_pieces, old_index): ((&str, &str), &[Piece], &HashMap<Identity, usize>),
    (new, new_pieces, new_index): ((&str, &str), &[Piece], &HashMap<Identity, usize>),
    pairs: &[(usize, usize)],
    options: &DiffOptions,
) -> Result<(), RenderError> {
    if old_index.is_empty() && new_index.is_empty() {
        return Ok(());
    }
    let read_names: std::collections::HashSet<&str> = old_index
        .keys()
        .chain(new_index.keys())
        .map(|id| id.name.as_str())
        .collect();
    for &(o, n) in pairs {
        let piece = &old_pieces[o];
        if piece
            .name_hint()
            .is_some_and(|name| !read_names.contains(name))
        {
            continue;
        }
        let doc = piece.to_document(old.1, old.0)?;
        let id = identity(&doc, options);
        if old_index.contains_key(&id) {
            return Err(duplicate_error(&doc, old.0, options));
        }
        if new_index.contains_key(&id) {
            let doc = new_pieces[n].to_document(new.1, new.0)?;
            return Err(duplicate_error(&doc, new.0, options));
        }
    }
    Ok(())
}

/// Reads the documents not already paired by text; a `List` stands for its items.
fn read_documents(
    (name, text): (&str, &str),
    pieces: &[Piece],
    already_paired: &[bool],
    options: &DiffOptions,
) -> Result<Vec<Document>, RenderError> {
    let mut documents = Vec::new();
    for (piece, &paired) in pieces.iter().zip(already_paired) {
        if paired {
            continue;
        }
        let document = piece.to_document(text, name).map_err(|mut error| {
            // The lines around a YAML error could be a Secret's values.
            if !options.show_secrets && piece.text.contains("Secret") {
                error.snippet = None;
            }
            error
        })?;
        match list_items(&document, text, name)? {
            Some(items) => documents.extend(items),
            None => documents.push(document),
        }
    }
    Ok(documents)
}

/// The items of a `List` (or `ConfigMapList`, ...) as documents of their
/// own, so each is matched, diffed and masked like any resource.
fn list_items(
    list: &Document,
    stream: &str,
    file: &str,
) -> Result<Option<Vec<Document>>, RenderError> {
    if !list.head.kind.ends_with("List") {
        return Ok(None);
    }
    let Ok(serde_json::Value::Object(mut object)) = crate::yaml::parse_value(&list.text) else {
        return Ok(None);
    };
    let Some(serde_json::Value::Array(items)) = object.remove("items") else {
        return Ok(None);
    };
    let mut documents = Vec::with_capacity(items.len());
    for item in items {
        let text = crate::yaml::to_yaml(&item);
        let piece = Piece {
            line: list.line,
            text: &text,
        };
        let mut document = piece.to_document(stream, file)?;
        document.source.clone_from(&list.source);
        documents.push(document);
    }
    Ok(Some(documents))
}

fn diff_documents(
    old_docs: &[Document],
    new_docs: &[Document],
    old_index: &HashMap<Identity, usize>,
    options: &DiffOptions,
) -> DiffReport {
    let mut matched = vec![false; old_docs.len()];
    let mut changes = Vec::with_capacity(new_docs.len());
    let mut added = Vec::new();
    for (position, doc) in new_docs.iter().enumerate() {
        let identity = identity(doc, options);
        match old_index.get(&identity) {
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
    let removed: Vec<usize> = (0..old_docs.len()).filter(|&i| !matched[i]).collect();
    let mut removed_changes: Vec<Option<ResourceChange>> = removed
        .iter()
        .map(|&i| Some(whole(&old_docs[i], Change::Removed, options)))
        .collect();

    if let Some(threshold) = options.find_renames {
        for (added_at, removed_at) in
            pair_renames(old_docs, &removed, new_docs, &added, threshold, options)
        {
            let old_doc = &old_docs[removed[removed_at]];
            let new_doc = &new_docs[added[added_at].1];
            let mut renamed = compare(old_doc, new_doc, options);
            renamed.change = Change::Renamed;
            let old_id = identity(old_doc, options);
            renamed.old_namespace = Some(old_id.namespace);
            renamed.old_name = Some(old_id.name);
            changes[added[added_at].0] = renamed;
            removed_changes[removed_at] = None;
        }
    }
    changes.extend(removed_changes.into_iter().flatten());

    let mut summary = Summary::default();
    for change in &changes {
        match change.change {
            Change::Added => summary.add += 1,
            Change::Removed => summary.remove += 1,
            Change::Changed | Change::Renamed => summary.change += 1,
            Change::Unchanged => summary.unchanged += 1,
        }
    }
    if !options.list_unchanged {
        changes.retain(|c| c.change != Change::Unchanged);
    }
    DiffReport { changes, summary }
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
    }
}

/// Position of each identity; two documents with one identity are a broken manifest.
fn index_by_identity(
    docs: &[Document],
    file: &str,
    options: &DiffOptions,
) -> Result<HashMap<Identity, usize>, RenderError> {
    let mut index = HashMap::with_capacity(docs.len());
    for (position, doc) in docs.iter().enumerate() {
        if index.insert(identity(doc, options), position).is_some() {
            return Err(duplicate_error(doc, file, options));
        }
    }
    Ok(index)
}

fn duplicate_error(doc: &Document, file: &str, options: &DiffOptions) -> RenderError {
    let id = identity(doc, options);
    RenderError {
        file: file.to_string(),
        line: Some(doc.line),
        message: format!(
            "two documents are the same resource ({} {} {}/{}); a manifest holds each resource once",
            doc.head.api_version, id.kind, id.namespace, id.name
        ),
        snippet: None,
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
    let (old_text, new_text) = normalize::pair(old, new, options.show_secrets);
    if old_text == new_text {
        return change_of(new, Change::Unchanged, options, None);
    }
    change_of(
        new,
        Change::Changed,
        options,
        Some(hunks(&old_text, &new_text, options.context)),
    )
}

/// An added or removed resource, shown whole.
fn whole(doc: &Document, change: Change, options: &DiffOptions) -> ResourceChange {
    let text = normalize::single(doc, options.show_secrets);
    let diff = match change {
        Change::Removed => hunks(&text, "", options.context),
        _ => hunks("", &text, options.context),
    };
    change_of(doc, change, options, Some(diff))
}

fn hunks(old: &str, new: &str, context: usize) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(context)
        .to_string()
}

/// Greedy pairing of removed and added resources of one kind by similarity.
/// Returns (index into `added`, index into `removed`) pairs.
fn pair_renames(
    old_docs: &[Document],
    removed: &[usize],
    new_docs: &[Document],
    added: &[(usize, usize)],
    threshold: f64,
    options: &DiffOptions,
) -> Vec<(usize, usize)> {
    let mut candidates = Vec::new();
    for (r, &old_position) in removed.iter().enumerate() {
        let old_doc = &old_docs[old_position];
        for (a, &(_, new_position)) in added.iter().enumerate() {
            let new_doc = &new_docs[new_position];
            if old_doc.head.kind != new_doc.head.kind
                || group_of(&old_doc.head.api_version) != group_of(&new_doc.head.api_version)
            {
                continue;
            }
            let (old_text, new_text) = normalize::pair(old_doc, new_doc, options.show_secrets);
            let ratio = f64::from(similar::TextDiff::from_lines(&old_text, &new_text).ratio());
            if ratio >= threshold {
                candidates.push((ratio, a, r));
            }
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0));
    let (mut used_added, mut used_removed) = (vec![false; added.len()], vec![false; removed.len()]);
    let mut pairs = Vec::new();
    for (_, a, r) in candidates {
        if !used_added[a] && !used_removed[r] {
            used_added[a] = true;
            used_removed[r] = true;
            pairs.push((a, r));
        }
    }
    pairs
}

#[cfg(test)]
mod tests;
