//! The normalized form of a document for diffing: parsed as the API reads
//! it (a Secret's `stringData` folded into its `data`), keys sorted
//! recursively, comments gone, written back as YAML, and (unless secrets
//! are shown) masked by [`super::mask`].

use super::mask;
use crate::manifest::Document;
use base64::Engine;
use serde_json::Value;

/// Both sides of a changed resource, normalized.
pub struct Pair {
    pub old_text: String,
    pub new_text: String,
    /// The values the texts were written from (masked like them).
    pub old_value: Value,
    pub new_value: Value,
}

/// Both sides of a changed resource, secrets masked key by key so that a
/// changed value shows as a changed line with no value.
pub fn pair(old: &Document, new: &Document, show_secrets: bool) -> Pair {
    let mut old_value = parse(old, show_secrets);
    let mut new_value = parse(new, show_secrets);
    if !show_secrets {
        mask::hide_pair(
            (&mut old_value, mask::is_secret(old)),
            (&mut new_value, mask::is_secret(new)),
        );
    }
    Pair {
        old_text: crate::yaml::to_yaml(&old_value),
        new_text: crate::yaml::to_yaml(&new_value),
        old_value,
        new_value,
    }
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
        Ok(mut value) => {
            if mask::is_secret(doc) {
                fold_string_data(&mut value);
            }
            crate::yaml::sorted_keys(value)
        }
        Err(_) if !show_secrets && mask::may_hold_secret(&doc.text) => {
            Value::String("(hidden: a document with a Secret kinja cannot read as values)".into())
        }
        Err(_) => Value::String(doc.text.to_string()),
    }
}

/// What the API server stores for a Secret: each `stringData` entry
/// base64-encoded into `data`, over the entry of the same key there, and no
/// `stringData`; so moving a value between the two is no change.
fn fold_string_data(secret: &mut Value) {
    let Some(object) = secret.as_object_mut() else {
        return;
    };
    let foldable = matches!(object.get("stringData"), Some(Value::Object(_)))
        && matches!(
            object.get("data"),
            None | Some(Value::Null | Value::Object(_))
        );
    if !foldable {
        return;
    }
    let Some(Value::Object(plain)) = object.remove("stringData") else {
        return;
    };
    let data = object
        .entry("data")
        .or_insert_with(|| Value::Object(Default::default()));
    if data.is_null() {
        *data = Value::Object(Default::default());
    }
    let Value::Object(data) = data else {
        return;
    };
    for (key, value) in plain {
        let text = match value {
            Value::String(text) => text,
            other => other.to_string(),
        };
        let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
        data.insert(key, Value::String(encoded));
    }
}
