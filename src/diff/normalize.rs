//! The normalized form of a document for diffing: parsed, keys sorted
//! recursively, comments gone, written back as YAML; Secret values masked.

use crate::manifest::Document;
use serde_json::Value;

/// What stands in for a secret value that is the same on both sides.
const HIDDEN: &str = "(hidden)";
/// What stands in for a secret value that differs: the line changes, the value stays hidden.
const HIDDEN_BEFORE: &str = "(hidden, before)";
const HIDDEN_AFTER: &str = "(hidden, after)";

/// Both sides of a changed resource, secrets masked key by key so that a
/// changed value shows as a changed line with no value.
pub fn pair(old: &Document, new: &Document, show_secrets: bool) -> (String, String) {
    let (hide_old, hide_new) = (
        !show_secrets && is_secret(old),
        !show_secrets && is_secret(new),
    );
    let mut old_value = parse(old, hide_old);
    let mut new_value = parse(new, hide_new);
    if hide_old && hide_new {
        mask_pair(&mut old_value, &mut new_value);
    } else {
        mask_alone(&mut old_value, hide_old);
        mask_alone(&mut new_value, hide_new);
    }
    if !show_secrets {
        mask_secrets_inside(&mut old_value);
        mask_secrets_inside(&mut new_value);
    }
    (
        crate::yaml::to_yaml(&old_value),
        crate::yaml::to_yaml(&new_value),
    )
}

/// One side alone (an added or removed resource).
pub fn single(doc: &Document, show_secrets: bool) -> String {
    let hide = !show_secrets && is_secret(doc);
    let mut value = parse(doc, hide);
    mask_alone(&mut value, hide);
    if !show_secrets {
        mask_secrets_inside(&mut value);
    }
    crate::yaml::to_yaml(&value)
}

fn is_secret(doc: &Document) -> bool {
    doc.head.kind == "Secret" && !doc.head.api_version.contains('/')
}

/// The document as a value with sorted keys. The head reader accepted it,
/// but the value reader is stricter (`.inf`, complex keys): then the text
/// stands in, or for a Secret to be hidden, a placeholder.
fn parse(doc: &Document, hide: bool) -> Value {
    match crate::yaml::parse_value(&doc.text) {
        Ok(value) => sorted(value),
        Err(_) if hide => Value::String("(hidden: a Secret kinja cannot read as values)".into()),
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

/// A Secret's fields that are shown; every other one (`data`, `stringData`,
/// and anything else, which could hold an alias of them) is masked.
const SHOWN_SECRET_FIELDS: [&str; 5] = ["apiVersion", "kind", "metadata", "type", "immutable"];

/// The fields of a Secret to mask.
fn secret_fields(value: &Value) -> Vec<String> {
    value.as_object().map_or_else(Vec::new, |map| {
        map.keys()
            .filter(|k| !SHOWN_SECRET_FIELDS.contains(&k.as_str()))
            .cloned()
            .collect()
    })
}

fn mask_alone(value: &mut Value, secret: bool) {
    if !secret {
        return;
    }
    for field in secret_fields(value) {
        if let Some(content) = value.get_mut(&field) {
            mask(content, None, HIDDEN);
        }
    }
}

/// Secrets inside a document (the items of a List that could not be taken
/// apart) are masked wherever they sit; the document's own fields were
/// masked key by key already.
fn mask_secrets_inside(document: &mut Value) {
    match document {
        Value::Object(map) => map.values_mut().for_each(mask_nested_secrets),
        Value::Array(items) => items.iter_mut().for_each(mask_nested_secrets),
        _ => {}
    }
}

fn mask_nested_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let is_secret = map.get("kind").and_then(Value::as_str) == Some("Secret");
            for (key, child) in map.iter_mut() {
                if is_secret && !SHOWN_SECRET_FIELDS.contains(&key.as_str()) {
                    mask(child, None, HIDDEN);
                } else {
                    mask_nested_secrets(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_nested_secrets),
        _ => {}
    }
}

/// Masks both sides, comparing the original values so that a changed key
/// shows as a changed line and an unchanged one does not.
fn mask_pair(old: &mut Value, new: &mut Value) {
    let mut fields = secret_fields(old);
    for field in secret_fields(new) {
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    for field in fields {
        let old_original = old.get(&field).cloned();
        let new_original = new.get(&field).cloned();
        if let Some(content) = old.get_mut(&field) {
            mask(content, new_original.as_ref(), HIDDEN_BEFORE);
        }
        if let Some(content) = new.get_mut(&field) {
            mask(content, old_original.as_ref(), HIDDEN_AFTER);
        }
    }
}

/// Replaces a Secret's `data` or `stringData`: each entry of a mapping, or
/// the whole value when it is anything else (never shown, whatever its
/// shape). What equals the other side becomes `(hidden)`, the rest `changed`.
fn mask(content: &mut Value, other: Option<&Value>, changed: &str) {
    let mark = |same: bool| Value::String(if same { HIDDEN } else { changed }.into());
    match content {
        Value::Null => {}
        Value::Object(entries) => {
            let other_entries = other.and_then(Value::as_object);
            for (key, entry) in entries.iter_mut() {
                let same = other_entries.and_then(|o| o.get(key)) == Some(&*entry);
                *entry = mark(same);
            }
        }
        whole => {
            let same = other == Some(&*whole);
            *whole = mark(same);
        }
    }
}
