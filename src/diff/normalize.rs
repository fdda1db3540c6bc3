//! The normalized form of a document for diffing: parsed, keys sorted
//! recursively, comments gone, written back as YAML, and (unless secrets
//! are shown) masked by [`super::mask`].

use super::mask;
use crate::manifest::Document;
use serde_json::Value;

/// Both sides of a changed resource, secrets masked key by key so that a
/// changed value shows as a changed line with no value.
pub fn pair(old: &Document, new: &Document, show_secrets: bool) -> (String, String) {
    let mut old_value = parse(old, show_secrets);
    let mut new_value = parse(new, show_secrets);
    if !show_secrets {
        mask::hide_pair(
            (&mut old_value, mask::is_secret(old)),
            (&mut new_value, mask::is_secret(new)),
        );
    }
    (
        crate::yaml::to_yaml(&old_value),
        crate::yaml::to_yaml(&new_value),
    )
}

/// One side alone (an added or removed resource).
pub fn single(doc: &Document, show_secrets: bool) -> String {
    let mut value = parse(doc, show_secrets);
    if !show_secrets {
        mask::hide_alone(&mut value, mask::is_secret(doc));
    }
    crate::yaml::to_yaml(&value)
}

/// The document as a value with sorted keys. The head reader accepted it,
/// but the value reader is stricter (`.inf`, complex keys): then the text
/// stands in, unless it may hold a Secret (a List's items too) to hide.
fn parse(doc: &Document, show_secrets: bool) -> Value {
    match crate::yaml::parse_value(&doc.text) {
        Ok(value) => sorted(value),
        Err(_) if !show_secrets && mask::may_hold_secret(&doc.text) => {
            Value::String("(hidden: a document with a Secret kinja cannot read as values)".into())
        }
        Err(_) => Value::String(doc.text.clone()),
    }
}

fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
