//! Helm's functions that pick or combine values: `coalesce`, `ternary`,
//! `dig`, `merge` and `merge_overwrite`, with sprig's semantics (checked
//! against helm 4.1.4). "Empty" is sprig's notion, which is Jinja's
//! falsiness: none, false, 0, "", an empty list or mapping.
//!
//! ```jinja
//! image: {{ coalesce(values.image.tag, chart.appVersion, "latest") }}
//! pullPolicy: {{ values.dev | ternary("Always", "IfNotPresent") }}
//! host: {{ values | dig("ingress", "host", "localhost") }}
//! labels: {{ merge(values.labels, {"app": chart.name}) | to_yaml | nindent(2) }}
//! ```

use minijinja::value::{Rest, Value, ValueKind};
use minijinja::{Error, ErrorKind};

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// `coalesce(a, b, ...)`: the first argument that is not empty, else none.
pub fn coalesce(values: Rest<Value>) -> Value {
    values
        .iter()
        .find(|v| v.is_true())
        .cloned()
        .unwrap_or(Value::from(()))
}

/// `ternary(if_true, if_false, condition)`, as Helm's `ternary "a" "b" .c`.
pub fn ternary_function(if_true: Value, if_false: Value, condition: Value) -> Value {
    if condition.is_true() {
        if_true
    } else {
        if_false
    }
}

/// `condition | ternary(if_true, if_false)`, as Helm's `.c | ternary "a" "b"`.
pub fn ternary_filter(condition: Value, if_true: Value, if_false: Value) -> Value {
    ternary_function(if_true, if_false, condition)
}

/// `dig("a", "b", default, mapping)`, as Helm's `dig "a" "b" "default" $map`:
/// the value at that path, or `default` where a key is missing.
pub fn dig_function(args: Rest<Value>) -> Result<Value, Error> {
    let Some((mapping, rest)) = args.split_last() else {
        return Err(invalid("dig needs keys, a default and a mapping"));
    };
    dig(mapping, rest)
}

/// `mapping | dig("a", "b", default)`: Helm's `dig` with the mapping piped in.
pub fn dig_filter(mapping: Value, args: Rest<Value>) -> Result<Value, Error> {
    dig(&mapping, &args)
}

/// `keys_and_default` is the keys followed by the default.
fn dig(mapping: &Value, keys_and_default: &[Value]) -> Result<Value, Error> {
    let Some((default, keys)) = keys_and_default.split_last().filter(|(_, k)| !k.is_empty()) else {
        return Err(invalid(
            "dig needs at least one key and a default: dig(\"a\", \"b\", default, mapping)",
        ));
    };
    let mut current = mapping.clone();
    let mut walked = String::new();
    for key in keys {
        let Some(key) = key.as_str() else {
            return Err(invalid(format!("dig: the key {key} is not a string")));
        };
        if current.kind() != ValueKind::Map {
            let place = if walked.is_empty() {
                "the value given".to_string()
            } else {
                format!("`{walked}`")
            };
            return Err(invalid(format!(
                "dig: {place} is {}, not a mapping",
                kind_name(&current)
            )));
        }
        match current.get_attr(key) {
            Ok(next) if !next.is_undefined() => current = next,
            _ => return Ok(default.clone()),
        }
        walked = if walked.is_empty() {
            key.to_string()
        } else {
            format!("{walked}.{key}")
        };
    }
    Ok(current)
}

/// `merge(dest, source, ...)`: a new mapping with every key of all of
/// them, deeply; where two have a key, the earlier wins unless its value is
/// empty, as in Helm's `merge`. Unlike Helm's, `dest` is left as it was
/// (Jinja values do not change in place): use the result,
/// `{% set labels = merge(labels, extra) %}`, where a Helm chart wrote
/// `$_ := merge $labels $extra`.
pub fn merge(dest: Value, sources: Rest<Value>) -> Result<Value, Error> {
    sources
        .iter()
        .try_fold(dest, |merged, source| combine(&merged, source, false))
}

/// `merge_overwrite(dest, source, ...)`: as `merge`, but the later value
/// wins, even an empty one (Helm's `mergeOverwrite`).
pub fn merge_overwrite(dest: Value, sources: Rest<Value>) -> Result<Value, Error> {
    sources
        .iter()
        .try_fold(dest, |merged, source| combine(&merged, source, true))
}

fn combine(dest: &Value, source: &Value, overwrite: bool) -> Result<Value, Error> {
    for (side, value) in [("first", dest), ("next", source)] {
        if value.kind() != ValueKind::Map && !value.is_none() {
            return Err(invalid(format!(
                "merge takes mappings, but the {side} argument is {}",
                kind_name(value)
            )));
        }
    }
    let mut entries: Vec<(Value, Value)> = pairs(dest);
    for (key, incoming) in pairs(source) {
        match entries.iter_mut().find(|(k, _)| *k == key) {
            None => entries.push((key, incoming)),
            Some((_, existing)) => {
                if existing.kind() == ValueKind::Map && incoming.kind() == ValueKind::Map {
                    *existing = combine(existing, &incoming, overwrite)?;
                } else if overwrite || !existing.is_true() {
                    *existing = incoming;
                }
            }
        }
    }
    Ok(Value::from_pairs(entries))
}

fn pairs(mapping: &Value) -> Vec<(Value, Value)> {
    let Ok(keys) = mapping.try_iter() else {
        return Vec::new();
    };
    keys.map(|key| {
        let value = mapping.get_item(&key).unwrap_or_default();
        (key, value)
    })
    .collect()
}

fn kind_name(value: &Value) -> &'static str {
    match value.kind() {
        ValueKind::Undefined => "undefined",
        ValueKind::None => "none",
        ValueKind::Bool => "a boolean",
        ValueKind::Number => "a number",
        ValueKind::String => "a string",
        ValueKind::Seq => "a list",
        ValueKind::Map => "a mapping",
        _ => "not a mapping",
    }
}

#[cfg(test)]
mod tests {
    use minijinja::Environment;

    /// The output without spaces (minijinja's `tojson` writes `, ` and `: `).
    fn render(template: &str) -> Result<String, String> {
        let mut env = Environment::new();
        super::super::defaults::register(&mut env);
        env.render_str(template, ())
            .map(|out| out.replace(' ', ""))
            .map_err(|e| e.detail().unwrap_or_default().to_string())
    }

    #[test]
    fn merge_keeps_the_first_non_empty_value_and_merge_overwrite_the_last() {
        // The same inputs as the helm 4.1.4 check: empty destination values are filled.
        let merged = render(
            r#"{{ merge({"a": false, "b": "", "c": 0, "d": "keep", "n": {"x": 1, "e": ""}},
                        {"a": true, "b": "src", "c": 5, "d": "lose", "z": 9, "n": {"x": 2, "e": "filled", "y": 3}}) | tojson }}"#,
        );
        assert_eq!(
            merged.unwrap(),
            r#"{"a":true,"b":"src","c":5,"d":"keep","n":{"x":1,"e":"filled","y":3},"z":9}"#
        );
        let overwritten = render(
            r#"{{ merge_overwrite({"a": "dst", "b": "dst", "n": {"x": 1, "l": [1, 2]}},
                                  {"a": "", "b": "src", "n": {"y": 2, "l": [3]}}, {"b": false}) | tojson }}"#,
        );
        assert_eq!(
            overwritten.unwrap(),
            r#"{"a":"","b":false,"n":{"x":1,"l":[3],"y":2}}"#
        );
        let unchanged = render(
            r#"{% set d = {"a": 1} %}{% set m = d | merge({"b": 2}) %}{{ d | tojson }} {{ m | tojson }}"#,
        );
        assert_eq!(unchanged.unwrap(), r#"{"a":1}{"a":1,"b":2}"#);
        let error = render(r#"{{ merge({"a": 1}, [1]) }}"#).unwrap_err();
        assert!(error.contains("the next argument is a list"), "{error}");
    }

    #[test]
    fn coalesce_ternary_and_dig_as_in_helm() {
        assert_eq!(
            render(r#"{{ [coalesce("", 0, false, [], {}, "x", "y"), coalesce(0, "")] | tojson }}"#)
                .unwrap(),
            r#"["x",null]"#
        );
        assert_eq!(
            render(r#"{{ ternary("y", "n", true) }}{{ false | ternary("y", "n") }}"#).unwrap(),
            "yn"
        );
        assert_eq!(
            render(
                r#"{{ [dig("a", "b", "def", {"a": {"b": "v"}}), dig("a", "z", "def", {"a": {"b": "v"}}),
                       dig("a", "def", {"a": none}), {"a": {"b": 1}} | dig("a", "b", 0)] | tojson }}"#
            )
            .unwrap(),
            r#"["v","def",null,1]"#
        );
        let error = render(r#"{{ dig("a", "b", "def", {"a": "text"}) }}"#).unwrap_err();
        assert!(error.contains("`a` is a string, not a mapping"), "{error}");
        let error = render(r#"{{ dig("def", {"a": 1}) }}"#).unwrap_err();
        assert!(error.contains("at least one key"), "{error}");
    }
}
