//! `kinja values --explain` printed: each leaf with its origin, or a path's
//! whole chain, winner first; as text or JSON.

use super::ValuesError;
use super::origin::{Deleted, Explained, Origin, Path, Source, parse_path, path_text};
use serde_json::{Value, json};

/// The leaves (and deletions) under the paths asked for; every one when
/// none is. A path nothing is under is an error naming the nearest path.
pub fn select(
    explained: Vec<Explained>,
    deleted: Vec<Deleted>,
    wanted: &[String],
) -> Result<(Vec<Explained>, Vec<Deleted>), ValuesError> {
    if wanted.is_empty() {
        return Ok((explained, deleted));
    }
    let paths: Vec<Path> = wanted
        .iter()
        .map(|text| parse_path(text).map_err(|reason| ValuesError::BadPath { reason }))
        .collect::<Result<_, _>>()?;
    for (text, path) in wanted.iter().zip(&paths) {
        let found = explained.iter().any(|e| e.path.starts_with(path))
            || deleted.iter().any(|d| d.path.starts_with(path));
        if !found {
            return Err(no_such_path(text, &explained));
        }
    }
    let under = |p: &Path| paths.iter().any(|wanted| p.starts_with(wanted));
    Ok((
        explained.into_iter().filter(|e| under(&e.path)).collect(),
        deleted.into_iter().filter(|d| under(&d.path)).collect(),
    ))
}

fn no_such_path(text: &str, explained: &[Explained]) -> ValuesError {
    // Every path and every map on the way to one.
    let mut known: Vec<String> = Vec::new();
    for e in explained {
        for end in 1..=e.path.len() {
            known.push(path_text(&e.path[..end]));
        }
    }
    known.sort();
    known.dedup();
    let hint = match crate::names::nearest(text, known.iter().map(String::as_str)) {
        Some(near) => format!("did you mean {near}?"),
        None => "`kinja values CHART --explain` lists every path".to_string(),
    };
    ValuesError::NoSuchPath {
        path: text.to_string(),
        hint,
    }
}

/// Text: one line a leaf (`image.tag = "1.21"   prod.yaml:7:8`); with
/// `chains`, the values each overrode under it.
pub fn to_text(explained: &[Explained], deleted: &[Deleted], chains: bool) -> String {
    let mut rows: Vec<(String, String)> = Vec::new();
    for e in explained {
        let origin = e
            .origin
            .as_ref()
            .map_or_else(|| "(made while merging)".to_string(), Origin::to_string);
        rows.push((format!("{} = {}", path_text(&e.path), e.value), origin));
        if chains {
            for setting in &e.overridden {
                rows.push((
                    format!("  overrode {}", setting.value),
                    setting.origin.to_string(),
                ));
            }
        }
    }
    for d in deleted {
        rows.push((
            format!("{} deleted by null", path_text(&d.path)),
            d.by.to_string(),
        ));
        rows.push(("  the default was".to_string(), d.default.to_string()));
    }
    let width = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(60);
    rows.into_iter()
        .map(|(left, right)| format!("{left:<width$}  {right}\n"))
        .collect()
}

/// JSON: an array of `{"path", "value", "source", "overridden"}` (a
/// deletion has `"deleted": true` and the default in `overridden`).
pub fn to_json(explained: &[Explained], deleted: &[Deleted]) -> String {
    let mut items: Vec<Value> = explained
        .iter()
        .map(|e| {
            json!({
                "path": path_text(&e.path),
                "value": e.value,
                "source": e.origin.as_ref().map(source_json),
                "overridden": e.overridden.iter().map(|s| json!({
                    "value": s.value,
                    "source": source_json(&s.origin),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    items.extend(deleted.iter().map(|d| {
        json!({
            "path": path_text(&d.path),
            "deleted": true,
            "source": source_json(&d.by),
            "overridden": [{"source": source_json(&d.default)}],
        })
    }));
    let mut text = serde_json::to_string_pretty(&items).expect("values serialize");
    text.push('\n');
    text
}

fn source_json(origin: &Origin) -> Value {
    let (line, column) = origin
        .position
        .map_or((None, None), |p| (Some(p.line), Some(p.column)));
    match &origin.source {
        Source::Default { file } => {
            json!({"file": file, "line": line, "column": column, "default": true})
        }
        Source::File { file } => json!({"file": file, "line": line, "column": column}),
        Source::Flag { flag, index, arg } => json!({"flag": flag, "index": index, "arg": arg}),
    }
}
