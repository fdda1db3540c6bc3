//! What to do next, fitted to what is missing: a value to set, a field
//! name to correct, a Helm function to write the kinja way.

use crate::render::defaults::{BUILTIN_FILTERS, BUILTIN_FUNCTIONS, KINJA_FILTERS, KINJA_FUNCTIONS};
use minijinja::Value;

/// The message for an undefined `subject` (`values.image.tag`,
/// `release.nmae`, `port.name`), given what the template saw.
pub fn undefined(subject: Option<&str>, context: Option<&Value>) -> String {
    let Some(subject) = subject else {
        return "a value is undefined; make it optional with `| default(...)` or `is defined`"
            .to_string();
    };
    let (root, path) = split_root(subject);
    let optional = "make it optional with `| default(...)` or `is defined`";
    if root == "values" {
        let set_it = format!("set it in values, or {optional}");
        let Some((mapping, key)) = context.and_then(|c| values_parent(c, path)) else {
            return format!("`{subject}` is undefined; {set_it}");
        };
        if let Some(hint) = yaml_1_1_key(&mapping, &key) {
            return format!("`{subject}` is undefined; {hint}");
        }
        let siblings = keys(&mapping);
        return match crate::names::nearest(&key, siblings.iter().map(String::as_str)) {
            Some(close) => {
                let parent = &subject[..subject.len() - key.len()];
                format!(
                    "`{subject}` is undefined; did you mean `{parent}{close}`? If not, {set_it}"
                )
            }
            None => format!("`{subject}` is undefined; {set_it}"),
        };
    }
    let Some(context) = context else {
        return format!("`{subject}` is undefined; {optional}");
    };
    let root_value = context.get_attr(root).ok().filter(|v| !v.is_undefined());
    match root_value {
        // A context object without the field: a misspelt name, not a value to set.
        Some(object) if crate::render::context::CONTEXT_NAMES.contains(&root) => {
            let field = path.trim_start_matches('.');
            let field = field.split(['.', '[']).next().unwrap_or(field);
            let fields = keys(&object);
            match crate::names::nearest(field, fields.iter().map(String::as_str)) {
                Some(close) => format!(
                    "`{subject}` is undefined: `{root}` has no `{field}`; did you mean `{root}.{close}`?"
                ),
                None if !fields.is_empty() && subject.matches(['.', '[']).count() == 1 => format!(
                    "`{subject}` is undefined: `{root}` has no `{field}`; it has {}",
                    fields
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => format!("`{subject}` is undefined; {optional}"),
            }
        }
        Some(_) => format!("`{subject}` is undefined; {optional}"),
        // Not a context object: a local variable, or a misspelt `values`.
        None => {
            match crate::names::nearest(root, crate::render::context::CONTEXT_NAMES.iter().copied())
            {
                Some(close) => format!("`{subject}` is undefined; did you mean `{close}{path}`?"),
                None => format!("`{subject}` is undefined; {optional}"),
            }
        }
    }
}

fn split_root(subject: &str) -> (&str, &str) {
    let end = subject.find(['.', '[']).unwrap_or(subject.len());
    subject.split_at(end)
}

/// The mapping that lacks the last key of a `values` path (`.image.tgs`),
/// and that key; only for plain `.name` paths.
fn values_parent(context: &Value, path: &str) -> Option<(Value, String)> {
    let (parent, key) = path.rsplit_once('.')?;
    if parent.contains('[') || key.contains('[') {
        return None;
    }
    let mut mapping = context.get_attr("values").ok()?;
    for segment in parent.split('.').filter(|s| !s.is_empty()) {
        mapping = mapping.get_attr(segment).ok()?;
    }
    Some((mapping, key.to_string()))
}

/// When the missing key is a YAML 1.1 boolean word (`values.on`) and the
/// mapping holds `true` or `false` instead, the values file's unquoted key
/// was read as a boolean, as Helm reads it.
fn yaml_1_1_key(mapping: &Value, key: &str) -> Option<String> {
    let read_as = crate::yaml::yaml_1_1_boolean(key)?.to_string();
    let present = mapping
        .get_item(&Value::from(read_as.as_str()))
        .is_ok_and(|v| !v.is_undefined());
    present.then(|| {
        format!("YAML reads the unquoted key `{key}` as `{read_as}` (as Helm does): quote it in the values file (`\"{key}\":`)")
    })
}

/// The keys of a mapping (a string or a list has none to suggest).
fn keys(object: &Value) -> Vec<String> {
    if object.kind() != minijinja::value::ValueKind::Map {
        return Vec::new();
    }
    object
        .try_iter()
        .map(|keys| {
            keys.filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a name was called as a filter (`x | name`) or a function (`name(x)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callable {
    Filter,
    Function,
}

/// Helm's names for what kinja spells otherwise, and how to write each.
const HELM_NAMES: &[(&str, &str)] = &[
    ("toYaml", "`| to_yaml`"),
    ("toJson", "`| tojson`"),
    ("toPrettyJson", "`| tojson(indent=2)`"),
    ("fromYaml", "`| from_yaml`"),
    ("fromJson", "`| from_json`"),
    ("b64enc", "`| b64encode`"),
    ("b64dec", "`| b64decode`"),
    ("sha256sum", "`| sha256`"),
    ("sha1sum", "`| sha1`"),
    ("trimSuffix", "`| trim_suffix(\"-\")`"),
    ("trimPrefix", "`| trim_prefix(\"/\")`"),
    ("regexReplaceAll", "`| regex_replace(pattern, replacement)`"),
    ("toString", "`| string`"),
    ("semverCompare", "`semver_compare(constraint, version)`"),
    ("randAlphaNum", "`rand_alpha_num(n)`"),
    ("mergeOverwrite", "`merge_overwrite(dest, source)`"),
    ("hasKey", "`\"key\" in mapping`"),
    ("contains", "`\"part\" in text`"),
    ("empty", "`not x` (empty values are false)"),
    ("len", "`| length`"),
    ("keys", "`mapping | list` (the keys, in order)"),
    ("list", "a list literal: `[a, b]`"),
    (
        "printf",
        "`~` to join text (`a ~ \"-\" ~ b`) or `\"%s-%s\" | format(a, b)`",
    ),
    (
        "kindIs",
        "a test: `x is mapping`, `x is string`, `x is sequence`",
    ),
    ("until", "`range(n)`"),
    ("add", "`a + b`"),
    (
        "include",
        "a macro: `{% from \"_helpers.tpl\" import fullname %}` then `{{ fullname() }}`",
    ),
    (
        "template",
        "a macro: `{% from \"_helpers.tpl\" import fullname %}` then `{{ fullname() }}`",
    ),
];

/// The message for a filter or function kinja does not have.
pub fn unknown(kind: Callable, name: &str) -> String {
    let (noun, written) = match kind {
        Callable::Filter => ("filter", format!("`| {name}`")),
        Callable::Function => ("function", format!("`{name}(...)`")),
    };
    let head = format!("{noun} {written} is unknown");
    if let Some((_, kinja)) = HELM_NAMES.iter().find(|(helm, _)| *helm == name) {
        return format!("{head}; for Helm's `{name}`, kinja uses {kinja}");
    }
    let filters = || KINJA_FILTERS.iter().chain(BUILTIN_FILTERS).copied();
    let functions = || KINJA_FUNCTIONS.iter().chain(BUILTIN_FUNCTIONS).copied();
    // The other kind of call: `quote(x)` for `x | quote`.
    match kind {
        Callable::Function if filters().any(|f| f == name) => {
            return format!("{head}; `{name}` is a filter: write `x | {name}`");
        }
        Callable::Filter if functions().any(|f| f == name) => {
            return format!("{head}; `{name}` is a function: write `{name}(x)`");
        }
        _ => {}
    }
    let snake = snake_case(name);
    let same_kind: Vec<&str> = match kind {
        Callable::Filter => filters().collect(),
        Callable::Function => functions().collect(),
    };
    let suggestion = same_kind
        .iter()
        .find(|c| **c == snake)
        .copied()
        .or_else(|| crate::names::nearest(&snake, same_kind.iter().copied()))
        .or_else(|| crate::names::nearest(name, same_kind.iter().copied()));
    match (suggestion, kind) {
        (Some(close), Callable::Filter) => format!("{head}; did you mean `| {close}`?"),
        (Some(close), Callable::Function) => format!("{head}; did you mean `{close}(...)`?"),
        (None, _) => format!("{head}; the README lists kinja's filters and functions"),
    }
}

/// `trimSuffix` as `trim_suffix`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_names_nearest_names_and_the_other_kind_of_call() {
        assert!(
            unknown(Callable::Filter, "toYaml")
                .ends_with("for Helm's `toYaml`, kinja uses `| to_yaml`")
        );
        assert!(unknown(Callable::Function, "include").contains("a macro"));
        assert!(unknown(Callable::Filter, "quot").ends_with("did you mean `| quote`?"));
        assert!(
            unknown(Callable::Filter, "trimAll")
                .ends_with("README lists kinja's filters and functions")
        );
        assert!(unknown(Callable::Filter, "nIndent").ends_with("did you mean `| nindent`?"));
        assert!(
            unknown(Callable::Function, "quote")
                .ends_with("`quote` is a filter: write `x | quote`")
        );
        assert!(unknown(Callable::Filter, "coalesce").ends_with("write `coalesce(x)`"));
        assert!(
            unknown(Callable::Function, "randAlphaNumm")
                .contains("did you mean `rand_alpha_num(...)`"),
            "{}",
            unknown(Callable::Function, "randAlphaNumm")
        );
    }
}
