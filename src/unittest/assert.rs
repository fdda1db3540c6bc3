//! helm-unittest's asserts on rendered documents, with `not`.

use super::path;
use super::suite::Assert;
use serde_json::Value;

/// What one assert sees of one template: its documents (parsed: all it
/// rendered, and those `documentIndex` and `documentSelector` picked), its
/// text (`NOTES.txt`), or the render's error.
pub enum Subject<'a> {
    Documents {
        rendered: &'a [Value],
        selected: &'a [Value],
    },
    /// A template's text as rendered (`NOTES.txt`), for the raw asserts.
    Raw(&'a str),
    Failed(&'a str),
}

/// Runs `assert`; `Err` is the failure message for the user. `not: true`
/// flips each document's verdict (as helm-unittest does), never a broken
/// assert, a failed render or a wrong type, which fail either way.
pub fn check(assert: &Assert, subject: &Subject) -> Result<(), String> {
    const WHOLE: &[&str] = &[
        "failedTemplate",
        "notFailedTemplate",
        "hasDocuments",
        "containsDocument",
        "equalRaw",
        "notEqualRaw",
        "matchRegexRaw",
        "notMatchRegexRaw",
    ];
    if assert.kind == "containsDocument" {
        // `not` and `any` work together there (see `contains_document`).
        return evaluate(assert, subject)?;
    }
    if WHOLE.contains(&assert.kind.as_str()) {
        return negated(assert, evaluate(assert, subject)?);
    }
    let documents = match subject {
        // Nothing to check: it holds only as a negative (helm-unittest's rule).
        Subject::Documents { selected: [], .. } if negative(assert) => return Ok(()),
        Subject::Documents { selected: [], .. } => {
            return Err("the template rendered no document to check".into());
        }
        Subject::Documents { selected, .. } => *selected,
        Subject::Failed(error) => return Err(format!("the render failed: {error}")),
        Subject::Raw(_) => {
            return Err(format!(
                "{} checks documents, not a template's text",
                assert.kind
            ));
        }
    };
    let p = &assert.params;
    let text = |key: &str| param_text(assert, key);
    let value = |key: &str| {
        p.get(key)
            .cloned()
            .ok_or_else(|| format!("{} needs `{key}`", assert.kind))
    };
    for (index, document) in documents.iter().enumerate() {
        // A path with a wildcard or a filter can find many values: `not`
        // applies to each, as in helm-unittest.
        for found in targets(assert, document)? {
            // A path that finds nothing: a negative holds, anything else fails.
            if found.is_none() && assert.params.contains_key("path") && negative(assert) {
                continue;
            }
            if let Err(why) = negated(
                assert,
                on_document(assert, document, &found, &text, &value)?,
            ) {
                let at = if documents.len() > 1 {
                    format!("document {index}: ")
                } else {
                    String::new()
                };
                return Err(format!("{at}{why}"));
            }
        }
    }
    Ok(())
}

/// The values the assert's `path` finds in `document`: one (or nothing)
/// for a plain path, each match for a path that finds many.
fn targets(assert: &Assert, document: &Value) -> Result<Vec<Option<Value>>, String> {
    let Some(Value::String(path)) = assert.params.get("path") else {
        return Ok(vec![None]);
    };
    let steps = path::parse(path)?;
    if !path::is_multiple(&steps) {
        return Ok(vec![path::lookup(document, &steps).cloned()]);
    }
    let found = path::find(document, &steps);
    if found.is_empty() {
        return Ok(vec![None]);
    }
    Ok(found.into_iter().cloned().map(Some).collect())
}

/// A parameter as text (a number or a mapping as JSON); missing is a broken assert.
fn param_text(assert: &Assert, key: &str) -> Result<String, String> {
    match assert.params.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Ok(other.to_string()),
        None => Err(format!("{} needs `{key}`", assert.kind)),
    }
}

/// Whether the assert asks that something is not so: `not: true`, or a
/// kind that is another's opposite (`notEqual`, `notExists`, `isNull`…),
/// but not both. helm-unittest lets a negative pass on nothing to check.
fn negative(assert: &Assert) -> bool {
    const OPPOSITES: &[&str] = &[
        "notEqual",
        "notMatchRegex",
        "notContains",
        "isNull",
        "notExists",
        "isNotEmpty",
        "isNotNullOrEmpty",
        "notLengthEqual",
        "isNotSubset",
        "isNotType",
        "notGreaterOrEqual",
        "notLessOrEqual",
    ];
    assert.not != OPPOSITES.contains(&assert.kind.as_str())
}

fn negated(assert: &Assert, outcome: Result<(), String>) -> Result<(), String> {
    match (outcome, assert.not) {
        (Ok(()), false) | (Err(_), true) => Ok(()),
        (Err(why), false) => Err(why),
        (Ok(()), true) => Err(format!(
            "{} held, but `not: true` asks that it does not",
            assert.kind
        )),
    }
}

/// The verdict of an assert on the whole subject (not document by
/// document), before `not`; the outer error is a broken assert.
fn evaluate(assert: &Assert, subject: &Subject) -> Result<Result<(), String>, String> {
    let p = &assert.params;
    let text = |key: &str| param_text(assert, key);
    match assert.kind.as_str() {
        "failedTemplate" => {
            let Subject::Failed(error) = subject else {
                return Ok(Err("the templates rendered without an error".into()));
            };
            if let Some(Value::String(expected)) = p.get("errorMessage") {
                // The message itself, as helm-unittest compares it (a place
                // kinja adds, " (reached from ...)", is not part of it).
                let message = error.split(" (reached from ").next().unwrap_or(error);
                return Ok(if message == expected {
                    Ok(())
                } else {
                    Err(format!("the error is {error:?}, not {expected:?}"))
                });
            }
            if let Some(Value::String(pattern)) = p.get("errorPattern") {
                let re = regex::Regex::new(pattern).map_err(|e| format!("errorPattern: {e}"))?;
                return Ok(if re.is_match(error) {
                    Ok(())
                } else {
                    Err(format!("the error {error:?} does not match {pattern:?}"))
                });
            }
            return Ok(Ok(()));
        }
        "notFailedTemplate" => {
            return Ok(match subject {
                Subject::Failed(error) => Err(format!("the render failed: {error}")),
                Subject::Documents { .. } | Subject::Raw(_) => Ok(()),
            });
        }
        _ => {}
    }
    if assert.kind.ends_with("Raw") {
        let raw = match subject {
            Subject::Raw(raw) => *raw,
            Subject::Failed(error) => return Err(format!("the render failed: {error}")),
            Subject::Documents { .. } => {
                return Err(format!(
                    "{} checks a template's text: use it with `template: NOTES.txt`",
                    assert.kind
                ));
            }
        };
        return raw_verdict(assert, raw, &text);
    }
    let (rendered, documents) = match subject {
        Subject::Documents { rendered, selected } => (*rendered, *selected),
        Subject::Raw(_) => {
            return Err(format!(
                "{} checks documents, not a template's text",
                assert.kind
            ));
        }
        Subject::Failed(error) => return Err(format!("the render failed: {error}")),
    };
    if assert.kind == "containsDocument" {
        return contains_document(assert, documents, &text);
    }
    if assert.kind == "hasDocuments" {
        let count = p
            .get("count")
            .and_then(Value::as_u64)
            .ok_or("hasDocuments needs `count`")?;
        // The template's documents; with filterAware, those the selector kept.
        let counted = if p.get("filterAware") == Some(&Value::Bool(true)) {
            documents.len()
        } else {
            rendered.len()
        };
        return Ok(if counted as u64 == count {
            Ok(())
        } else {
            Err(format!("{counted} documents, not {count}"))
        });
    }
    Err(format!("{} is checked document by document", assert.kind))
}

type Text<'a> = dyn Fn(&str) -> Result<String, String> + 'a;
type Param<'a> = dyn Fn(&str) -> Result<Value, String> + 'a;

fn on_document(
    assert: &Assert,
    document: &Value,
    found: &Option<Value>,
    text: &Text,
    value: &Param,
) -> Result<Result<(), String>, String> {
    let at_path =
        || -> Result<(String, Option<Value>), String> { Ok((text("path")?, found.clone())) };
    let show = |v: &Option<Value>| v.as_ref().map_or("nothing".to_string(), |v| v.to_string());
    let verdict = |ok: bool, why: String| if ok { Ok(()) } else { Err(why) };
    Ok(match assert.kind.as_str() {
        "equal" | "notEqual" => {
            let (path, mut found) = at_path()?;
            let expected = value("value")?;
            if assert.params.get("decodeBase64") == Some(&Value::Bool(true)) {
                found = Some(Value::String(decode_base64(&path, found)?));
            }
            // As helm-unittest compares text: spaces before a line break and
            // line breaks at the start do not count.
            if let Some(Value::String(text)) = &found {
                found = Some(Value::String(uniform(text)));
            }
            let same = found.as_ref() == Some(&expected);
            let as_yaml = |v: &Value| crate::yaml::to_yaml(v);
            let multi_line = |v: &Value| as_yaml(v).trim_end().contains('\n');
            if assert.kind == "equal"
                && !same
                && (multi_line(&expected) || found.as_ref().is_some_and(multi_line))
            {
                let rendered = found.as_ref().map(as_yaml).unwrap_or_default();
                let diff =
                    super::snapshot::unified_diff(&as_yaml(&expected), &rendered, "expected");
                Err(format!("{path} is not the value expected:\n{diff}"))
            } else if assert.kind == "equal" {
                verdict(
                    same,
                    format!("{path} is {}, expected {expected}", show(&found)),
                )
            } else {
                verdict(!same, format!("{path} is {expected}"))
            }
        }
        "matchRegex" | "notMatchRegex" => {
            let (path, mut found) = at_path()?;
            if assert.params.get("decodeBase64") == Some(&Value::Bool(true)) {
                found = Some(Value::String(decode_base64(&path, found)?));
            }
            let pattern = text("pattern")?;
            let re = regex::Regex::new(&pattern).map_err(|e| format!("pattern: {e}"))?;
            let Some(Value::String(found)) = found else {
                return Err(format!("{path} is {}, not text", show(&found)));
            };
            let matches = re.is_match(&found);
            if assert.kind == "matchRegex" {
                verdict(
                    matches,
                    format!("{path} is {found:?}, which does not match {pattern:?}"),
                )
            } else {
                verdict(
                    !matches,
                    format!("{path} is {found:?}, which matches {pattern:?}"),
                )
            }
        }
        "contains" | "notContains" => {
            let (path, found) = at_path()?;
            let content = value("content")?;
            let Some(Value::Array(items)) = found else {
                return Err(format!("{path} is {}, not a list", show(&found)));
            };
            let any = matches!(assert.params.get("any"), Some(Value::Bool(true)));
            let hits = items
                .iter()
                .filter(|item| {
                    if any {
                        is_subset(&content, item)
                    } else {
                        **item == content
                    }
                })
                .count();
            if assert.kind == "contains" {
                match assert.params.get("count").and_then(Value::as_u64) {
                    Some(count) => verdict(
                        hits as u64 == count,
                        format!("{path} holds {content} {hits} times, not {count}"),
                    ),
                    None => verdict(hits > 0, format!("{path} does not hold {content}")),
                }
            } else {
                verdict(hits == 0, format!("{path} holds {content}"))
            }
        }
        "greaterOrEqual" | "notGreaterOrEqual" | "lessOrEqual" | "notLessOrEqual" => {
            let (path, found) = at_path()?;
            let expected = value("value")?;
            let Some(actual) = found else {
                return Ok(Err(format!("{path} does not exist")));
            };
            let order = ordered(&actual, &expected).ok_or_else(|| {
                format!(
                    "{path} is {actual} ({}) and {expected} is {}: they do not compare",
                    friendly_type(go_type(&actual)),
                    friendly_type(go_type(&expected))
                )
            })?;
            let greater = assert.kind.contains("Greater");
            let holds = if greater {
                order.is_ge()
            } else {
                order.is_le()
            };
            let wanted = !assert.kind.starts_with("not");
            let relation = if greater { "at least" } else { "at most" };
            verdict(
                holds == wanted,
                if wanted {
                    format!("{path} is {actual}, not {relation} {expected}")
                } else {
                    format!("{path} is {actual}, {relation} {expected}")
                },
            )
        }
        // helm-unittest's isNull is notExists, and isNotNull exists: an
        // explicit `null` is there.
        "isNull" | "notExists" => {
            let (path, found) = at_path()?;
            verdict(found.is_none(), format!("{path} exists ({})", show(&found)))
        }
        "isNotNull" | "exists" => {
            let (path, found) = at_path()?;
            verdict(found.is_some(), format!("{path} does not exist"))
        }
        "isEmpty" | "isNotEmpty" | "isNullOrEmpty" | "isNotNullOrEmpty" => {
            let (path, found) = at_path()?;
            let empty = match &found {
                // As in helm-unittest: a path that is not there is no answer.
                None => return Err(format!("{path} does not exist")),
                Some(Value::Null) => true,
                Some(Value::String(s)) => s.is_empty(),
                Some(Value::Array(a)) => a.is_empty(),
                Some(Value::Object(o)) => o.is_empty(),
                Some(Value::Bool(b)) => !b,
                Some(Value::Number(n)) => n.as_f64() == Some(0.0),
            };
            if matches!(assert.kind.as_str(), "isEmpty" | "isNullOrEmpty") {
                verdict(empty, format!("{path} is {}, not empty", show(&found)))
            } else {
                verdict(!empty, format!("{path} is empty"))
            }
        }
        "isKind" => {
            let of = text("of")?;
            let kind = document.get("kind").and_then(Value::as_str).unwrap_or("");
            verdict(kind == of, format!("the kind is {kind:?}, not {of:?}"))
        }
        "isAPIVersion" => {
            let of = text("of")?;
            let version = document
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("");
            verdict(
                version == of,
                format!("the apiVersion is {version:?}, not {of:?}"),
            )
        }
        "lengthEqual" | "notLengthEqual" => {
            let count = assert
                .params
                .get("count")
                .and_then(Value::as_u64)
                .ok_or("lengthEqual needs `count`")?;
            let paths: Vec<String> = match assert.params.get("paths") {
                Some(Value::Array(paths)) => paths
                    .iter()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect(),
                _ => vec![text("path")?],
            };
            let mut lengths = Vec::new();
            for path in paths {
                let found = path::lookup(document, &path::parse(&path)?).cloned();
                let length = match &found {
                    Some(Value::Array(a)) => a.len() as u64,
                    _ => {
                        return Ok(Err(format!("{path} is {}, not a list", show(&found))));
                    }
                };
                lengths.push((path, length));
            }
            let equal = assert.kind == "lengthEqual";
            match lengths
                .iter()
                .find(|(_, length)| (*length == count) != equal)
            {
                None => Ok(()),
                Some((path, length)) if equal => {
                    Err(format!("{path} has {length} entries, not {count}"))
                }
                Some((path, _)) => Err(format!("{path} has {count} entries")),
            }
        }
        "isType" | "isNotType" => {
            let (path, found) = at_path()?;
            let wanted = text("type")?;
            let actual = found.as_ref().map_or("nil", go_type);
            let same = actual == wanted || friendly_type(actual) == wanted;
            if assert.kind == "isType" {
                verdict(same, format!("{path} is a {actual}, not a {wanted}"))
            } else {
                verdict(!same, format!("{path} is a {actual}"))
            }
        }
        "isSubset" | "isNotSubset" => {
            let (path, found) = at_path()?;
            let content = value("content")?;
            let subset = found.as_ref().is_some_and(|f| is_subset(&content, f));
            if assert.kind == "isSubset" {
                verdict(
                    subset,
                    format!("{path} is {}, which does not hold {content}", show(&found)),
                )
            } else {
                verdict(!subset, format!("{path} holds {content}"))
            }
        }
        other => return Err(format!("`{other}` is not an assert kinja knows")),
    })
}

fn raw_verdict(assert: &Assert, raw: &str, text: &Text) -> Result<Result<(), String>, String> {
    Ok(match assert.kind.as_str() {
        "equalRaw" | "notEqualRaw" => {
            let expected = text("value")?;
            let same = raw == expected;
            match (assert.kind == "equalRaw", same) {
                (true, true) | (false, false) => Ok(()),
                (true, false) => Err(format!("the text is {raw:?}, expected {expected:?}")),
                (false, true) => Err(format!("the text is {expected:?}")),
            }
        }
        _ => {
            let pattern = text("pattern")?;
            let re = regex::Regex::new(&pattern).map_err(|e| format!("pattern: {e}"))?;
            let matches = re.is_match(raw);
            if (assert.kind == "matchRegexRaw") == matches {
                Ok(())
            } else if matches {
                Err(format!("the text {raw:?} matches {pattern:?}"))
            } else {
                Err(format!("the text {raw:?} does not match {pattern:?}"))
            }
        }
    })
}

/// `containsDocument`, as helm-unittest reads it: every document has
/// that kind and apiVersion (and name, namespace); with `any: true`, one
/// does; with `not: true`, one does not; with both, none does.
fn contains_document(
    assert: &Assert,
    documents: &[Value],
    text: &Text,
) -> Result<Result<(), String>, String> {
    let p = &assert.params;
    let kind = text("kind")?;
    let api_version = text("apiVersion")?;
    let name = p.get("name").and_then(Value::as_str);
    let namespace = p.get("namespace").and_then(Value::as_str);
    let any = p.get("any") == Some(&Value::Bool(true));
    let field = |d: &Value, path: &[&str]| {
        path.iter()
            .try_fold(d, |v, k| v.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let is_it = |d: &Value| {
        field(d, &["kind"]).as_deref() == Some(kind.as_str())
            && field(d, &["apiVersion"]).as_deref() == Some(api_version.as_str())
            && name.is_none_or(|n| field(d, &["metadata", "name"]).as_deref() == Some(n))
            && namespace.is_none_or(|n| field(d, &["metadata", "namespace"]).as_deref() == Some(n))
    };
    let described = format!(
        "a {api_version} {kind}{}{}",
        name.map(|n| format!(" named {n}")).unwrap_or_default(),
        namespace.map(|n| format!(" in {n}")).unwrap_or_default()
    );
    let matching = documents.iter().filter(|d| is_it(d)).count();
    let others = documents.len() - matching;
    // helm-unittest's four cases: every document is it; with `any`, one is;
    // with `not`, one is not; with both, none is.
    let holds = match (assert.not, any) {
        (false, false) => !documents.is_empty() && others == 0,
        (false, true) => matching > 0,
        (true, false) => documents.is_empty() || others > 0,
        (true, true) => matching == 0,
    };
    Ok(if holds {
        Ok(())
    } else if assert.not {
        Err(format!(
            "{matching} of {} document(s) are {described}, and `not: true` asks otherwise",
            documents.len()
        ))
    } else if matching == 0 {
        Err(format!("no document is {described}"))
    } else {
        Err(format!(
            "{others} of {} documents are not {described} (with `any: true`, one is enough)",
            documents.len()
        ))
    })
}

/// Text as helm-unittest's `equal` compares it: spaces before a line
/// break dropped (with a `\r` after them), then leading line breaks.
fn uniform(text: &str) -> String {
    static SPACES: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(" +\r?\n").expect("a valid pattern"));
    SPACES
        .replace_all(text, "\n")
        .trim_start_matches('\n')
        .to_string()
}

/// How `actual` and `expected` order, when they are both text, both
/// integers or both floats (helm-unittest compares no other pairs).
fn ordered(actual: &Value, expected: &Value) -> Option<std::cmp::Ordering> {
    match (actual, expected) {
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Number(a), Value::Number(b)) if a.is_f64() == b.is_f64() => {
            a.as_f64()?.partial_cmp(&b.as_f64()?)
        }
        _ => None,
    }
}

/// A value helm-unittest's `decodeBase64` decodes: text in standard base64.
fn decode_base64(path: &str, found: Option<Value>) -> Result<String, String> {
    use base64::Engine;
    let Some(Value::String(encoded)) = found else {
        return Err(format!(
            "{path} is {}, not base64 text to decode",
            found.map_or("nothing".to_string(), |v| v.to_string())
        ));
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|e| format!("{path} is not base64 ({e})"))?;
    String::from_utf8(bytes).map_err(|_| format!("{path} decodes to bytes that are not text"))
}

/// A value's Go type, as helm-unittest names it (`string`, `int`, `float64`,
/// `bool`, `map[string]interface {}`, `[]interface {}`).
fn go_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "nil",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// The short names kinja also takes: `map`, `slice`.
fn friendly_type(go: &str) -> &str {
    match go {
        "[]interface {}" => "slice",
        "map[string]interface {}" => "map",
        other => other,
    }
}

/// helm-unittest's subset: every top-level key of `part` is in `whole`
/// with an equal value (nested mappings compare whole); anything else
/// must be equal.
fn is_subset(part: &Value, whole: &Value) -> bool {
    match (part, whole) {
        (Value::Object(part), Value::Object(whole)) => {
            part.iter().all(|(k, v)| whole.get(k) == Some(v))
        }
        _ => part == whole,
    }
}
