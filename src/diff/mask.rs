//! Keeping Secret values out of diffs. A Secret shows only the fields that
//! hold no secret values (`apiVersion`, `kind`, `metadata`, `type`,
//! `immutable`); every other field is masked, whatever its shape, since any
//! of them could hold the data or an alias of it. A masked value that is
//! the same on both sides shows as `(hidden)`, one that changed as
//! `(hidden, before)` and `(hidden, after)`, so a change is seen but its value is not.
//! Secrets nested in other documents (the items of a List kinja could not
//! take apart) are masked wherever they sit, and any text of a Secret's
//! masked fields that reappears in its shown fields (through a YAML alias)
//! is hidden there too.

use crate::manifest::Document;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// What stands in for a secret value that is the same on both sides.
const HIDDEN: &str = "(hidden)";
/// What stands in for a secret value that differs: the line changes, the value stays hidden.
const HIDDEN_BEFORE: &str = "(hidden, before)";
const HIDDEN_AFTER: &str = "(hidden, after)";

/// Whether unparsed text could hold a Secret (itself, or in a List): its
/// lines are then never shown without `--show-secrets`.
pub fn may_hold_secret(text: &str) -> bool {
    text.contains("Secret")
}

pub fn is_secret(doc: &Document) -> bool {
    doc.head.kind == "Secret" && !doc.head.api_version.contains('/')
}

/// Masks both sides of a changed resource.
pub fn hide_pair((old, old_secret): (&mut Value, bool), (new, new_secret): (&mut Value, bool)) {
    let mut echoes = secret_strings(old, old_secret);
    echoes.extend(secret_strings(new, new_secret));
    if old_secret && new_secret {
        mask_pair(old, new);
    } else {
        mask_alone(old, old_secret);
        mask_alone(new, new_secret);
    }
    for value in [old, new] {
        hide_echoes(value, &echoes);
        mask_secrets_inside(value);
    }
}

/// Masks one side alone (an added or removed resource).
pub fn hide_alone(value: &mut Value, secret: bool) {
    let echoes = secret_strings(value, secret);
    mask_alone(value, secret);
    hide_echoes(value, &echoes);
    mask_secrets_inside(value);
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
    if let Some(map) = value.as_object_mut().filter(|_| secret) {
        mask_secret_object(map);
    }
}

/// Secrets inside a document (the items of a List that could not be taken
/// apart) are masked wherever they sit; the document's own fields were
/// masked key by key already.
fn mask_secrets_inside(document: &mut Value) {
    match document {
        Value::Object(map) if map.get("kind").and_then(Value::as_str) == Some("SecretList") => {
            mask_nested_secrets(document)
        }
        Value::Object(map) => map.values_mut().for_each(mask_nested_secrets),
        Value::Array(items) => items.iter_mut().for_each(mask_nested_secrets),
        _ => {}
    }
}

fn mask_nested_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => match map.get("kind").and_then(Value::as_str) {
            Some("Secret") => mask_secret_object(map),
            // A SecretList's items are Secrets whether or not they say so.
            Some("SecretList") => {
                for item in map.values_mut().filter_map(Value::as_array_mut).flatten() {
                    match item.as_object_mut() {
                        Some(secret) => mask_secret_object(secret),
                        None => mask(item, None, HIDDEN),
                    }
                }
            }
            _ => map.values_mut().for_each(mask_nested_secrets),
        },
        Value::Array(items) => items.iter_mut().for_each(mask_nested_secrets),
        _ => {}
    }
}

fn mask_secret_object(secret: &mut Map<String, Value>) {
    for (key, field) in secret.iter_mut() {
        if !SHOWN_SECRET_FIELDS.contains(&key.as_str()) {
            mask(field, None, HIDDEN);
        }
    }
}

/// Every text in the fields of a Secret that get masked: an alias of one
/// of them in a shown field (`type: *password`) must not show it either.
fn secret_strings(value: &Value, secret: bool) -> HashSet<String> {
    // A value as written and, for base64 `data` (where `stringData` is
    // folded too), as decoded: an annotation may echo either.
    fn collect(value: &Value, out: &mut HashSet<String>) {
        match value {
            Value::String(text) => {
                use base64::Engine;
                if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(text)
                    && let Ok(decoded) = String::from_utf8(decoded)
                    && !decoded.is_empty()
                {
                    out.insert(decoded);
                }
                out.insert(text.clone());
            }
            // `pin: 4321` in stringData is a secret too, whatever YAML made of it.
            Value::Number(_) | Value::Bool(_) => {
                out.insert(value.to_string());
            }
            Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
            Value::Object(map) => map.values().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let mut out = HashSet::new();
    if secret {
        for field in secret_fields(value) {
            if let Some(content) = value.get(&field) {
                collect(content, &mut out);
            }
        }
    }
    out
}

/// Hides, in a Secret's shown fields, any text that is one of its secret values.
fn hide_echoes(value: &mut Value, echoes: &HashSet<String>) {
    fn hide(value: &mut Value, echoes: &HashSet<String>) {
        match value {
            Value::String(text) if echoes.contains(text.as_str()) => {
                *value = Value::String(HIDDEN.into());
            }
            Value::Number(_) | Value::Bool(_) if echoes.contains(&value.to_string()) => {
                *value = Value::String(HIDDEN.into());
            }
            Value::Array(items) => items.iter_mut().for_each(|v| hide(v, echoes)),
            Value::Object(map) => map.values_mut().for_each(|v| hide(v, echoes)),
            _ => {}
        }
    }
    if echoes.is_empty() {
        return;
    }
    if let Some(map) = value.as_object_mut() {
        for (key, field) in map.iter_mut() {
            if key != "apiVersion" && key != "kind" {
                hide(field, echoes);
            }
        }
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

/// Replaces a masked field of a Secret: each entry of a mapping, or the
/// whole value when it is anything else. What equals the other side
/// becomes `(hidden)`, the rest `changed`.
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
