//! `kinja values --unused`: the values a user gave that no template read
//! (a misspelled `image.tagg` renders without a word in Helm, and the old
//! value ships), and the reverse, paths templates looked up that no source
//! defines, when the map holds a key near it (`autoscaling.enable` beside
//! `enabled`): a typo in a template, where a missing optional value is not.

use super::Values;
use super::origin::{Origin, Path, Trace, leaves, lookup, path_text};
use crate::yaml::PathStep;
use std::collections::{BTreeMap, BTreeSet};

/// A user value no template read.
#[derive(Debug, Clone, PartialEq)]
pub struct Unread {
    pub path: Path,
    pub origin: Option<Origin>,
    /// The read path nearest to it, if near: what was probably meant.
    pub nearest: Option<String>,
}

/// A path templates looked up that no values source defines.
#[derive(Debug, Clone, PartialEq)]
pub struct Undefined {
    pub path: Path,
    /// The templates that looked it up (`CHART/templates/FILE`).
    pub templates: Vec<String>,
    /// The key beside it that it is near.
    pub nearest: String,
}

/// The unused values and the undefined reads of a render, from the user's
/// values, the merged values and what the templates looked up.
pub fn find(
    user: &Values,
    merged: &Values,
    trace: &Trace,
    found: &BTreeSet<Path>,
    missing: &BTreeMap<Path, BTreeSet<String>>,
) -> (Vec<Unread>, Vec<Undefined>) {
    // A subchart reads the parent's `global` through its own copy.
    let global = PathStep::Key("global".to_string());
    let mut read: BTreeSet<Path> = found.clone();
    for path in found {
        if let Some(at) = path.iter().skip(1).position(|s| *s == global) {
            read.insert(path[at + 1..].to_vec());
        }
    }
    let read_texts: Vec<String> = read.iter().map(|p| path_text(p)).collect();
    let unread = leaves(user)
        .into_iter()
        .filter(|(path, value)| !value.is_null() && !read.contains(path))
        .map(|(path, _)| {
            let text = path_text(&path);
            Unread {
                nearest: crate::names::nearest(&text, read_texts.iter().map(String::as_str))
                    .map(str::to_string),
                origin: trace.user_origin(&path).cloned(),
                path,
            }
        })
        .collect();
    let undefined = missing
        .iter()
        .filter_map(|(path, templates)| {
            let (PathStep::Key(key), parent) = path.split_last()? else {
                return None;
            };
            let siblings = match lookup(merged, parent) {
                Some(serde_json::Value::Object(map)) => map,
                _ if parent.is_empty() => merged,
                _ => return None,
            };
            let near = crate::names::nearest(key, siblings.keys().map(String::as_str))?;
            let mut nearest = parent.to_vec();
            nearest.push(PathStep::Key(near.to_string()));
            Some(Undefined {
                path: path.clone(),
                templates: templates.iter().cloned().collect(),
                nearest: path_text(&nearest),
            })
        })
        .collect();
    (unread, undefined)
}

/// One line each: `image.tagg (prod.yaml:3:3): no template reads it; did
/// you mean image.tag?`.
pub fn to_text(unread: &[Unread], undefined: &[Undefined]) -> String {
    let mut out = String::new();
    for u in unread {
        let origin = u
            .origin
            .as_ref()
            .map(|o| format!(" ({o})"))
            .unwrap_or_default();
        let hint = u
            .nearest
            .as_ref()
            .map(|n| format!("; did you mean {n}?"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}{origin}: no template reads it{hint}\n",
            path_text(&u.path)
        ));
    }
    for u in undefined {
        out.push_str(&format!(
            "{} ({}): templates read it, but no values source defines it; did you mean {}?\n",
            path_text(&u.path),
            u.templates.join(", "),
            u.nearest
        ));
    }
    out
}
