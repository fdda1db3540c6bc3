//! Every YAML read and write of kinja goes through this module, so the YAML
//! library can be swapped in one place (serde_yaml 0.9 is deprecated upstream;
//! serde_norway or serde-saphyr are drop-in candidates).
//!
//! Values are held as JSON values (`serde_json::Value` with `preserve_order`):
//! Helm converts every YAML value file to JSON before merging, so keys are
//! strings, and the JSON model is what `values.schema.json` checks. Unlike
//! Helm, integers stay integers and YAML 1.2 rules apply (`yes` is a string).

mod emit;

pub use emit::{double_quoted, resolves_to_non_string, to_yaml};

use serde_json::{Map, Number, Value};
use std::fmt;

/// A YAML text that could not be read, with the position of the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    /// 1-based line and column, when the parser knows them.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl YamlError {
    fn new(message: impl Into<String>) -> Self {
        YamlError {
            message: message.into(),
            line: None,
            column: None,
        }
    }

    fn from_serde(err: serde_yaml::Error) -> Self {
        let location = err.location();
        let mut message = err.to_string();
        // serde_yaml appends " at line L column C"; we report the position separately.
        if let Some(cut) = message.find(" at line ") {
            message.truncate(cut);
        }
        YamlError {
            message,
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
        }
    }
}

/// Parses a values file: every document must be a mapping (or empty); several
/// documents in one file are deep-merged, as Helm does.
pub fn parse_values(text: &str) -> Result<Map<String, Value>, YamlError> {
    let mut merged = Map::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value: serde_yaml::Value =
            serde::Deserialize::deserialize(document).map_err(YamlError::from_serde)?;
        match yaml_to_json(value)? {
            Value::Null => {}
            Value::Object(map) => crate::values::merge_maps(&mut merged, map),
            other => {
                return Err(YamlError::new(format!(
                    "values must be a mapping of keys to values, found {}",
                    json_type_name(&other)
                )));
            }
        }
    }
    Ok(merged)
}

/// Parses any YAML text (one document) into a JSON value; used by `from_yaml`
/// and for `Chart.yaml`.
pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(YamlError::from_serde)?;
    yaml_to_json(value)
}

/// Deserializes one YAML text straight into a typed struct; unknown fields are
/// ignored by the struct's own serde rules. This validates the whole text.
pub fn parse_typed<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(YamlError::from_serde)
}

fn yaml_to_json(value: serde_yaml::Value) -> Result<Value, YamlError> {
    Ok(match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => Value::Number(yaml_number(&n)?),
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        serde_yaml::Value::Mapping(mapping) => Value::Object(mapping_to_json(mapping)?),
        serde_yaml::Value::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

/// A mapping with YAML merge keys applied: `<<: *base` (or a list of
/// aliases) brings in the keys of `base` that the mapping does not set itself,
/// at the place of the `<<`; with a list, earlier mappings win. Helm's YAML
/// reader applies them the same way.
fn mapping_to_json(mapping: serde_yaml::Mapping) -> Result<Map<String, Value>, YamlError> {
    let mut map = Map::with_capacity(mapping.len());
    let has_merge_key = mapping.contains_key("<<");
    let own_keys: std::collections::HashSet<String> = if has_merge_key {
        mapping
            .keys()
            .filter(|k| k.as_str() != Some("<<"))
            .map(|k| key_to_string(k.clone()))
            .collect::<Result<_, _>>()?
    } else {
        Default::default()
    };
    for (key, value) in mapping {
        if key.as_str() == Some("<<") {
            for (merged_key, merged_value) in merge_sources(yaml_to_json(value)?)? {
                if !own_keys.contains(&merged_key) && !map.contains_key(&merged_key) {
                    map.insert(merged_key, merged_value);
                }
            }
        } else {
            // Later duplicates win, as in Helm.
            map.insert(key_to_string(key)?, yaml_to_json(value)?);
        }
    }
    Ok(map)
}

/// The entries a merge key brings in, in precedence order.
fn merge_sources(value: Value) -> Result<Vec<(String, Value)>, YamlError> {
    let refused = |found: &Value| {
        YamlError::new(format!(
            "a merge key (<<) takes a mapping or a list of mappings, found {}",
            json_type_name(found)
        ))
    };
    match value {
        Value::Object(map) => Ok(map.into_iter().collect()),
        Value::Array(items) => {
            let mut entries = Vec::new();
            for item in items {
                match item {
                    Value::Object(map) => entries.extend(map),
                    other => return Err(refused(&other)),
                }
            }
            Ok(entries)
        }
        other => Err(refused(&other)),
    }
}

fn yaml_number(n: &serde_yaml::Number) -> Result<Number, YamlError> {
    if let Some(i) = n.as_i64() {
        Ok(Number::from(i))
    } else if let Some(u) = n.as_u64() {
        Ok(Number::from(u))
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        Number::from_f64(f).ok_or_else(|| {
            YamlError::new(format!(
                "the number {n} is not supported in values (JSON has no infinity or NaN)"
            ))
        })
    }
}

/// Helm turns YAML into JSON, where every key is a string: `1: x` has key "1".
fn key_to_string(key: serde_yaml::Value) -> Result<String, YamlError> {
    Ok(match key {
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => "null".to_string(),
        serde_yaml::Value::Tagged(tagged) => key_to_string(tagged.value)?,
        serde_yaml::Value::Sequence(_) | serde_yaml::Value::Mapping(_) => {
            return Err(YamlError::new(
                "a mapping key must be a scalar, not a list or a mapping",
            ));
        }
    })
}

/// The name of a JSON value's type as a user thinks of it.
pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_1_2_keeps_norway_a_string_and_integers_integers() {
        let values = parse_values("country: no\nbig: 1000000\nratio: 1.5\n").unwrap();
        assert_eq!(
            Value::Object(values),
            json!({"country": "no", "big": 1000000, "ratio": 1.5})
        );
    }

    #[test]
    fn merge_keys_bring_in_what_the_mapping_does_not_set() {
        let text = "base: &b\n  a: 1\n  b: 2\nextra: &e\n  c: 3\n  a: 9\n\
                    one:\n  <<: *b\n  b: 3\nmany:\n  x: 0\n  <<: [*b, *e]\n";
        let values = parse_values(text).unwrap();
        assert_eq!(values["one"], json!({"a": 1, "b": 3}));
        assert_eq!(values["many"], json!({"x": 0, "a": 1, "b": 2, "c": 3}));
        let keys: Vec<&String> = values["many"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["x", "a", "b", "c"], "merged keys sit where << was");
    }

    #[test]
    fn a_merge_key_on_a_scalar_is_an_error() {
        let error = parse_values("a:\n  <<: 1\n").unwrap_err();
        assert!(error.message.contains("merge key"), "{}", error.message);
    }

    #[test]
    fn non_string_keys_become_strings() {
        let values = parse_values("1: a\ntrue: b\n").unwrap();
        assert_eq!(Value::Object(values), json!({"1": "a", "true": "b"}));
    }

    #[test]
    fn documents_in_one_file_merge_deeply() {
        let values = parse_values("a: {x: 1, y: 2}\n---\na: {y: 3}\nb: 1\n").unwrap();
        assert_eq!(
            Value::Object(values),
            json!({"a": {"x": 1, "y": 3}, "b": 1})
        );
    }

    #[test]
    fn a_top_level_list_is_an_error() {
        let err = parse_values("- a\n- b\n").unwrap_err();
        assert!(err.message.contains("found a list"), "{err}");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse_values("a: 1\nb: [unclosed\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }

    #[test]
    fn infinity_is_rejected() {
        assert!(parse_values("x: .inf\n").is_err());
    }

    #[test]
    fn keys_keep_their_written_order() {
        let values = parse_values("zeta: 1\nalpha: 2\nmid: 3\n").unwrap();
        let keys: Vec<_> = values.keys().cloned().collect();
        assert_eq!(keys, ["zeta", "alpha", "mid"]);
    }
}
