//! Reading both manifests for a diff: pairing identical documents by text
//! (so a big manifest with few changes costs little), reading the rest,
//! giving each its identity, and refusing a manifest that holds one
//! resource twice, however its copies were paired.

use super::{DiffError, DiffSide};
use super::{DiffOptions, Identity, identity};
use crate::manifest::{Document, Piece, split_stream};
use std::collections::{HashMap, HashSet};

/// One of the two manifests: which side it is, and its name for errors.
#[derive(Debug, Clone, Copy)]
struct Input<'a> {
    side: DiffSide,
    name: &'a str,
}

/// Both manifests, read as far as the diff needs.
pub struct Read {
    pub old_docs: Vec<Document>,
    pub new_docs: Vec<Document>,
    pub old_index: Index,
    pub new_index: Index,
    /// Documents identical on both sides, never read further.
    pub identical: usize,
}

/// The identity of each read document, and the document of each identity.
pub struct Index {
    pub ids: Vec<Identity>,
    pub by_id: HashMap<Identity, usize>,
    /// The line each document starts at, for errors.
    pub lines: Vec<usize>,
}

pub fn read(
    old: (&str, &str),
    new: (&str, &str),
    options: &DiffOptions,
) -> Result<Read, DiffError> {
    // Kubernetes skips documents that hold nothing (a trailing `---`, `null`).
    let pieces = |text| -> Vec<Piece> {
        split_stream(text)
            .into_iter()
            .filter(|piece| !piece.is_empty_document())
            .collect()
    };
    let old_pieces = pieces(old.1);
    let new_pieces = pieces(new.1);
    let (old_in, new_in) = (
        Input {
            side: DiffSide::Old,
            name: old.0,
        },
        Input {
            side: DiffSide::New,
            name: new.0,
        },
    );
    // Listing unchanged resources needs every head, so then every document is read.
    let pairs = if options.list_unchanged {
        Vec::new()
    } else {
        pair_identical((old_in, &old_pieces), (new_in, &new_pieces), options)?
    };
    let mut old_paired = vec![false; old_pieces.len()];
    let mut new_paired = vec![false; new_pieces.len()];
    for &(o, n) in &pairs {
        old_paired[o] = true;
        new_paired[n] = true;
    }
    let old_docs = read_unpaired(old_in, &old_pieces, &old_paired, options)?;
    let new_docs = read_unpaired(new_in, &new_pieces, &new_paired, options)?;
    let old_index = index(&old_docs, old_in, options)?;
    let new_index = index(&new_docs, new_in, options)?;
    let list_items_paired = check_pairs(
        (old_in, &old_pieces, &old_index),
        (new_in, &new_pieces, &new_index),
        &pairs,
        options,
    )?;
    Ok(Read {
        old_docs,
        new_docs,
        old_index,
        new_index,
        // A paired List counts as its items, as it does when read.
        identical: pairs.len() + list_items_paired,
    })
}

/// Pairs documents whose text is the same on both sides. The same named
/// document twice on one side is one resource twice: an error. (Nameless
/// ones, made with `generateName`, may repeat; a repeat stays unpaired.)
fn pair_identical(
    (old_name, old_pieces): (Input, &[Piece]),
    (new_name, new_pieces): (Input, &[Piece]),
    options: &DiffOptions,
) -> Result<Vec<(usize, usize)>, DiffError> {
    const ABSENT: usize = usize::MAX;
    // text -> (its position in old, in new)
    let mut by_text: HashMap<&str, (usize, usize)> = HashMap::with_capacity(old_pieces.len());
    for (i, piece) in old_pieces.iter().enumerate() {
        let slot = by_text.entry(piece.text).or_insert((ABSENT, ABSENT));
        if slot.0 == ABSENT {
            slot.0 = i;
        } else {
            refuse_repeat(piece, old_pieces[slot.0].line, old_name, options)?;
        }
    }
    let mut pairs = Vec::new();
    for (i, piece) in new_pieces.iter().enumerate() {
        let slot = by_text.entry(piece.text).or_insert((ABSENT, ABSENT));
        if slot.1 == ABSENT {
            slot.1 = i;
            if slot.0 != ABSENT {
                pairs.push((slot.0, i));
            }
        } else {
            refuse_repeat(piece, new_pieces[slot.1].line, new_name, options)?;
        }
    }
    Ok(pairs)
}

/// A document that repeats an earlier one on its side: an error unless it is nameless.
fn refuse_repeat(
    piece: &Piece,
    other_line: usize,
    file: Input,
    options: &DiffOptions,
) -> Result<(), DiffError> {
    let doc = read_piece(piece, file, options)?;
    if doc.head.name.is_empty() {
        Ok(())
    } else {
        Err(duplicate_error(&doc, Some(other_line), file, options))
    }
}

/// Paired documents were not read, yet one may share its identity with a
/// read document or another paired one (one resource twice, with different
/// contents). A paired document is read only when its plainly written kind
/// and name are shared with another document, or are not plainly written.
fn check_pairs(
    (old_name, old_pieces, old_index): (Input, &[Piece], &Index),
    (new_name, new_pieces, new_index): (Input, &[Piece], &Index),
    pairs: &[(usize, usize)],
    options: &DiffOptions,
) -> Result<usize, DiffError> {
    let mut list_items_paired = 0;
    let hints: Vec<Option<(&str, &str)>> = pairs
        .iter()
        .map(|&(o, _)| old_pieces[o].kind_and_name_hint())
        .collect();
    let mut paired_heads: HashMap<(&str, &str), usize> = HashMap::with_capacity(pairs.len());
    for hint in hints.iter().flatten() {
        *paired_heads.entry(*hint).or_default() += 1;
    }
    let read_heads: HashSet<(&str, &str)> = old_index
        .ids
        .iter()
        .chain(&new_index.ids)
        .map(|id| (id.kind.as_str(), id.name.as_str()))
        .collect();
    // identity -> the line of the paired (old) document that has it
    let mut paired_ids: HashMap<Identity, usize> = HashMap::new();
    for (&(o, n), hint) in pairs.iter().zip(&hints) {
        if let Some(head) = hint
            && paired_heads[head] == 1
            && !read_heads.contains(head)
        {
            continue;
        }
        let doc = read_piece(&old_pieces[o], old_name, options)?;
        if let Some(items) = list_items(&doc, old_name, options)? {
            list_items_paired += items.len().saturating_sub(1);
        }
        if doc.head.name.is_empty() {
            continue;
        }
        let id = identity(&doc, options);
        if let Some(&other) = old_index.by_id.get(&id) {
            let other_line = old_index.lines[other];
            return Err(duplicate_error(&doc, Some(other_line), old_name, options));
        }
        if let Some(&other_line) = paired_ids.get(&id) {
            return Err(duplicate_error(&doc, Some(other_line), old_name, options));
        }
        paired_ids.insert(id.clone(), doc.line);
        if let Some(&other) = new_index.by_id.get(&id) {
            let doc = read_piece(&new_pieces[n], new_name, options)?;
            let other_line = new_index.lines[other];
            return Err(duplicate_error(&doc, Some(other_line), new_name, options));
        }
    }
    Ok(list_items_paired)
}

/// Reads the documents not already paired by text; a `List` stands for its items.
fn read_unpaired(
    file: Input,
    pieces: &[Piece],
    paired: &[bool],
    options: &DiffOptions,
) -> Result<Vec<Document>, DiffError> {
    let mut documents = Vec::new();
    for (piece, &paired) in pieces.iter().zip(paired) {
        if paired {
            continue;
        }
        let document = read_piece(piece, file, options)?;
        match list_items(&document, file, options)? {
            Some(items) => documents.extend(items),
            None => documents.push(document),
        }
    }
    Ok(documents)
}

/// Reads one document; a YAML error in what may be a Secret is reported
/// without its lines, which could be the Secret's values.
fn read_piece(piece: &Piece, file: Input, options: &DiffOptions) -> Result<Document, DiffError> {
    piece
        .to_document(file.name)
        .map_err(|error| DiffError::Manifest {
            side: file.side,
            error: if !options.show_secrets && super::mask::may_hold_secret(piece.text) {
                error.without_snippet()
            } else {
                error
            },
        })
}

/// The items of a core `v1` `List` (or `ConfigMapList`, ...) as documents
/// of their own, so each is matched, diffed and masked like any resource.
/// Anything else ending in `List` (a custom `PriceList`) is a resource, as
/// is a list whose items are not all Kubernetes objects.
fn list_items(
    list: &Document,
    file: Input,
    options: &DiffOptions,
) -> Result<Option<Vec<Document>>, DiffError> {
    if list.head.api_version != "v1" || !list.head.kind.ends_with("List") {
        return Ok(None);
    }
    let Ok(serde_json::Value::Object(mut object)) = crate::yaml::parse_value(&list.text) else {
        return Ok(None);
    };
    let Some(serde_json::Value::Array(items)) = object.remove("items") else {
        return Ok(None);
    };
    let is_object = |item: &serde_json::Value| {
        item.get("apiVersion")
            .is_some_and(serde_json::Value::is_string)
            && item.get("kind").is_some_and(serde_json::Value::is_string)
    };
    if !items.iter().all(is_object) {
        return Ok(None);
    }
    let mut documents = Vec::with_capacity(items.len());
    for item in items {
        let text = crate::yaml::to_yaml(&item);
        let piece = Piece {
            line: list.line,
            text: &text,
        };
        let mut document = read_piece(&piece, file, options)?;
        document.source.clone_from(&list.source);
        documents.push(document);
    }
    Ok(Some(documents))
}

/// Identifies every document. Two with one identity are a broken manifest;
/// nameless ones (`generateName`) are told apart by their order instead.
fn index(docs: &[Document], file: Input, options: &DiffOptions) -> Result<Index, DiffError> {
    let mut ids = Vec::with_capacity(docs.len());
    let mut by_id: HashMap<Identity, usize> = HashMap::with_capacity(docs.len());
    for (position, doc) in docs.iter().enumerate() {
        let mut id = identity(doc, options);
        if doc.head.name.is_empty() {
            while by_id.contains_key(&id) {
                id.ordinal += 1;
            }
        } else if let Some(&first) = by_id.get(&id) {
            let other_line = docs[first].line;
            return Err(duplicate_error(doc, Some(other_line), file, options));
        }
        by_id.insert(id.clone(), position);
        ids.push(id);
    }
    let lines = docs.iter().map(|doc| doc.line).collect();
    Ok(Index { ids, by_id, lines })
}

fn duplicate_error(
    doc: &Document,
    other_line: Option<usize>,
    file: Input,
    options: &DiffOptions,
) -> DiffError {
    let id = identity(doc, options);
    DiffError::DuplicateResource {
        side: file.side,
        file: file.name.to_string(),
        line: doc.line,
        other_line,
        resource: format!(
            "{} {} {}/{}",
            doc.head.api_version, id.kind, id.namespace, id.name
        ),
    }
}
