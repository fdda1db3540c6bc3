//! Helm's function library, as Jinja filters and functions.
//!
//! Helm charts live on a few dozen sprig functions. kinja provides the ones
//! charts lean on, with Helm's semantics, under snake_case names:
//!
//! ```jinja
//! metadata:
//!   name: {{ (release.name ~ "-" ~ chart.name) | trunc(63) | trim_suffix("-") }}
//!   annotations:
//!     checksum/config: {{ values.config | to_yaml | sha256 }}
//! data:
//!   {{- values.config | to_yaml | nindent(2) }}
//! ```
//!
//! Each function is small and takes typed arguments; minijinja converts them.
//! The table that registers them is in `defaults.rs`. Where Helm would print
//! an error message as the value (`b64dec` on bad input, `fromYaml`), kinja
//! fails the render instead: a broken value must not ship.

use base64::Engine;
use minijinja::value::{Kwargs, Serde, Value, ValueKind};
use minijinja::{Error, ErrorKind, State};
use sha2::Digest;

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// Refuses an undefined value passed to a filter, naming the filter.
fn defined<'a>(value: &'a Value, filter: &str) -> Result<&'a Value, Error> {
    if value.is_undefined() {
        Err(Error::new(
            ErrorKind::UndefinedError,
            format!("{filter} was given an undefined value"),
        ))
    } else {
        Ok(value)
    }
}

/// `{{ values.resources | to_yaml }}`: block YAML without the trailing newline,
/// ready for `nindent`. Keys keep their order (Helm sorts them).
pub fn to_yaml(value: &Value) -> Result<String, Error> {
    let value = defined(value, "to_yaml")?;
    let tree = serde_json::to_value(value).map_err(|e| invalid(format!("to_yaml: {e}")))?;
    let mut text = crate::yaml::to_yaml(&tree);
    if text.ends_with('\n') {
        text.pop();
    }
    Ok(text)
}

/// `{{ files.get("config.yaml") | from_yaml }}`: parses YAML text into a
/// value; empty text is an empty mapping, as Helm's `fromYaml` gives.
pub fn from_yaml(text: &str) -> Result<Value, Error> {
    let parsed = crate::yaml::parse_value(text).map_err(|e| {
        let at = e
            .line
            .map(|l| format!(" (line {l} of the text)"))
            .unwrap_or_default();
        invalid(format!("from_yaml: {}{at}", e.message))
    })?;
    if parsed.is_null() {
        return Ok(Value::from(Serde(&serde_json::Map::new())));
    }
    Ok(Value::from(Serde(&parsed)))
}

/// `{{ '{"a": 1}' | from_json }}`: parses JSON text into a value.
pub fn from_json(text: &str) -> Result<Value, Error> {
    let parsed: serde_json::Value =
        serde_json::from_str(text).map_err(|e| invalid(format!("from_json: {e}")))?;
    Ok(Value::from(Serde(&parsed)))
}

/// `{{ values.labels | to_yaml | nindent(4) }}`: a newline, then every line
/// indented by `width` spaces, blank lines included (Helm's `nindent`).
pub fn nindent(value: &Value, width: usize) -> Result<String, Error> {
    let text = plain_string(defined(value, "nindent")?);
    check_indent("nindent", &text, width)?;
    Ok(nindent_text(&text, width))
}

/// The widest indentation `indent`, `nindent` and `tojson(indent=...)`
/// take: far beyond any YAML a person reads, and a bound on what a typo
/// (`nindent(2000000000)`) can make a render allocate.
pub const MAX_INDENT_WIDTH: usize = 10_000;

/// Refuses a width past [`MAX_INDENT_WIDTH`], or an indented text larger
/// than a render may produce.
fn check_indent(filter: &str, text: &str, width: usize) -> Result<(), Error> {
    if width > MAX_INDENT_WIDTH {
        return Err(invalid(format!(
            "{filter}: a width of {width} spaces is more than the {MAX_INDENT_WIDTH} kinja allows"
        )));
    }
    // At most one line per byte: count the lines only when that could be too much.
    let at_most = |lines: usize| text.len().saturating_add(lines.saturating_mul(width));
    if at_most(text.len() + 1) > super::MAX_OUTPUT_BYTES
        && at_most(text.bytes().filter(|&b| b == b'\n').count() + 1) > super::MAX_OUTPUT_BYTES
    {
        return Err(invalid(format!(
            "{filter}: the indented text would pass {} MiB, more than a render may produce",
            super::MAX_OUTPUT_BYTES >> 20
        )));
    }
    Ok(())
}

fn nindent_text(text: &str, width: usize) -> String {
    let pad = " ".repeat(width);
    let mut out = String::with_capacity(text.len() + width * 4 + 1);
    out.push('\n');
    out.push_str(&pad);
    // Lines found with a vectorized search: most are short.
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        out.push_str(&text[start..end]);
        out.push('\n');
        out.push_str(&pad);
        start = end + 1;
    }
    out.push_str(&text[start..]);
    out
}

/// minijinja's `tojson`, `bool`, `indent`, `escape` and `pprint` read an
/// undefined value as `null`, `false`, `""` or "undefined"; in kinja a
/// missing value is an error everywhere except `default`, `is defined` and `if`.
pub fn tojson(value: &Value, indent: Option<Value>, args: Kwargs) -> Result<Value, Error> {
    let width = match &indent {
        Some(width) => width.as_usize(),
        None => args.peek::<Option<usize>>("indent").ok().flatten(),
    };
    if let Some(width) = width {
        check_indent("tojson", "", width)?;
    }
    minijinja::filters::tojson(defined(value, "tojson")?, indent, args)
}

pub fn bool(state: &State, value: &Value) -> Result<bool, Error> {
    minijinja::filters::bool(state, defined(value, "bool")?)
}

pub fn escape(state: &mut State, value: &Value) -> Result<Value, Error> {
    minijinja::filters::escape(state, defined(value, "escape")?)
}

pub fn pprint(value: &Value) -> Result<String, Error> {
    Ok(minijinja::filters::pprint(defined(value, "pprint")?))
}

pub fn indent(
    value: &Value,
    width: Option<usize>,
    first_line: Option<bool>,
    blank_lines: Option<bool>,
    args: Kwargs,
) -> Result<Value, Error> {
    let plain = plain_string(defined(value, "indent")?);
    let given = match width {
        Some(width) => Some(width),
        None => args.peek::<Option<usize>>("width")?,
    };
    // minijinja's default width is 4.
    check_indent("indent", &plain, given.unwrap_or(4))?;
    let text = [Value::from(plain)];
    let (input,): (minijinja::value::StringInput,) = minijinja::value::from_args(&text)?;
    minijinja::filters::indent(input, width, first_line, blank_lines, args)
}

/// `{{ values.name | quote }}`: a double-quoted string with Go's `%q` escapes;
/// `none` gives nothing at all, as Helm's `quote` does for nil.
pub fn quote(value: &Value) -> Result<String, Error> {
    let value = defined(value, "quote")?;
    if value.is_none() {
        return Ok(String::new());
    }
    Ok(crate::yaml::double_quoted(&plain_string(value)))
}

/// `{{ values.name | squote }}`: single quotes, no escaping.
pub fn squote(value: &Value) -> Result<String, Error> {
    let value = defined(value, "squote")?;
    if value.is_none() {
        return Ok(String::new());
    }
    Ok(format!("'{}'", plain_string(value)))
}

/// A value as text the way Helm prints it: strings as they are, booleans as
/// `true`/`false` (minijinja's own printing says `True`), none as nothing.
pub fn plain_string(value: &Value) -> String {
    match value.kind() {
        ValueKind::String => value.as_str().unwrap_or_default().to_string(),
        ValueKind::Bool => value.is_true().to_string(),
        ValueKind::None => String::new(),
        _ => value.to_string(),
    }
}

/// `{{ values.enabled | string }}`: text as Helm's `toString` gives it (`true`, not `True`).
pub fn string(value: &Value) -> Result<String, Error> {
    Ok(plain_string(defined(value, "string")?))
}

/// `{{ "secret" | b64encode }}`: standard base64 with padding.
pub fn b64encode(value: &Value) -> Result<String, Error> {
    let text = plain_string(defined(value, "b64encode")?);
    Ok(base64::engine::general_purpose::STANDARD.encode(text.as_bytes()))
}

/// `{{ "c2VjcmV0" | b64decode }}`: decodes standard base64 into text.
pub fn b64decode(text: &str) -> Result<String, Error> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim_end_matches('\n'))
        .map_err(|e| invalid(format!("b64decode: {text:?} is not valid base64 ({e})")))?;
    String::from_utf8(bytes).map_err(|_| invalid("b64decode: the decoded bytes are not UTF-8 text"))
}

/// `{{ values.config | to_yaml | sha256 }}`: the SHA-256 digest as lowercase hex.
pub fn sha256(value: &Value) -> Result<String, Error> {
    let text = plain_string(defined(value, "sha256")?);
    Ok(hex(&sha2::Sha256::digest(text.as_bytes())))
}

/// `{{ values.config | to_yaml | sha1 }}`: the SHA-1 digest as lowercase
/// hex, as Helm's `sha1sum` (for names and checksums, not for security).
pub fn sha1(value: &Value) -> Result<String, Error> {
    let text = plain_string(defined(value, "sha1")?);
    Ok(hex(&sha1::Sha1::digest(text.as_bytes())))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `{{ name | trunc(63) }}`: the first `n` bytes (the last `-n` for negative
/// `n`), as Helm counts. A cut inside a multi-byte character moves to the
/// character's edge, so the result stays valid text.
pub fn trunc(value: &Value, n: i64) -> Result<String, Error> {
    Ok(trunc_text(&plain_string(defined(value, "trunc")?), n))
}

fn trunc_text(text: &str, n: i64) -> String {
    let len = text.len();
    if n >= 0 {
        let mut end = (n as usize).min(len);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text[..end].to_string()
    } else {
        let keep = n.unsigned_abs().min(len as u64) as usize;
        let mut start = len - keep;
        while !text.is_char_boundary(start) {
            start += 1;
        }
        text[start..].to_string()
    }
}

/// `{{ name | trim_suffix("-") }}`: removes one occurrence of the suffix.
pub fn trim_suffix(text: &str, suffix: &str) -> String {
    text.strip_suffix(suffix).unwrap_or(text).to_string()
}

/// `{{ path | trim_prefix("/") }}`: removes one occurrence of the prefix.
pub fn trim_prefix(text: &str, prefix: &str) -> String {
    text.strip_prefix(prefix).unwrap_or(text).to_string()
}

/// `{{ image | regex_replace("[^a-z0-9]+", "-") }}`: replaces every match;
/// `$1` and `${name}` in the replacement refer to groups, as in Go.
pub fn regex_replace(text: &str, pattern: &str, replacement: &str) -> Result<String, Error> {
    let regex = regex::Regex::new(pattern)
        .map_err(|e| invalid(format!("regex_replace: invalid pattern {pattern:?}: {e}")))?;
    Ok(regex.replace_all(text, replacement).into_owned())
}

/// `{{ values.host | required("values.host is required") }}`: the value, or
/// a render error with the message when it is missing, none or `""`.
pub fn required(value: &Value, message: &str) -> Result<Value, Error> {
    let missing = value.is_undefined() || value.is_none() || value.as_str() == Some("");
    if missing {
        Err(Error::new(ErrorKind::InvalidOperation, message.to_string()))
    } else {
        Ok(value.clone())
    }
}

/// `{{ fail("ingress.tls needs a secretName") }}`: stops the render with a message.
pub fn fail(message: &str) -> Result<Value, Error> {
    Err(Error::new(ErrorKind::InvalidOperation, message.to_string()))
}

/// `{{ lookup("v1", "Secret", release.namespace, "db") }}`: kinja never talks
/// to a cluster, so this is always an empty mapping, as in `helm template`.
pub fn lookup(_api_version: &str, _kind: &str, _namespace: &str, _name: &str) -> Value {
    Value::from_pairs(std::iter::empty::<(Value, Value)>())
}

/// `{% if semver_compare(">=1.25.0-0", capabilities.kube_version.version) %}`:
/// whether the version satisfies the constraint (Helm's `semverCompare`).
pub fn semver_compare(constraint: &str, version: &str) -> Result<bool, Error> {
    let constraint = crate::version::Constraint::parse(constraint)
        .map_err(|e| invalid(format!("semver_compare: {e}")))?;
    let version = crate::version::Version::parse_lenient(version).ok_or_else(|| {
        invalid(format!(
            "semver_compare: {version:?} is not a SemVer version"
        ))
    })?;
    Ok(constraint.matches(&version))
}

thread_local! {
    static TPL_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How deep `tpl` may nest inside itself before we call it runaway recursion.
const MAX_TPL_DEPTH: usize = 32;

/// What a `tpl` template is named: after the template that started it
/// (errors name that template's place, not a file).
pub const TPL_NAME_PREFIX: &str = "tpl in ";

/// `{{ tpl(values.greeting) }}`: renders a string as a template with the
/// same context objects, so values may hold templates (`"{{ release.name }}-db"`).
pub fn tpl(state: &State, text: &str, _kwargs: Kwargs) -> Result<String, Error> {
    let depth = TPL_DEPTH.with(|d| d.get());
    if depth >= MAX_TPL_DEPTH {
        return Err(invalid(format!(
            "tpl nested more than {MAX_TPL_DEPTH} times; a value probably renders itself"
        )));
    }
    let context = Value::from_pairs(
        super::context::CONTEXT_NAMES
            .iter()
            .filter_map(|name| state.lookup(name).map(|value| (*name, value))),
    );
    // Named after the template that started it, however deep the nesting.
    let name = match state.name() {
        nested if nested.starts_with(TPL_NAME_PREFIX) => nested.to_string(),
        outer => format!("{TPL_NAME_PREFIX}{outer}"),
    };
    TPL_DEPTH.with(|d| d.set(depth + 1));
    let text = super::line_ends::keep_line_ends(text);
    let result = state.env().render_named_str(&name, &text, context);
    TPL_DEPTH.with(|d| d.set(depth));
    result.map_err(|e| {
        invalid(format!("tpl: {}", e.detail().unwrap_or("render failed"))).with_source(e)
    })
}

/// Prints values as Helm does: `none` as nothing (Helm's nil), booleans as
/// `true`/`false`, everything else as minijinja prints it; undefined stays an
/// error under strict undefined.
pub fn format_value(
    out: &mut minijinja::Output,
    state: &mut State,
    value: &Value,
) -> Result<(), Error> {
    match value.kind() {
        ValueKind::None => Ok(()),
        // A failed write is the output limit: minijinja's write failure says so.
        ValueKind::Bool => Ok(std::fmt::Write::write_str(
            out,
            if value.is_true() { "true" } else { "false" },
        )?),
        // Most of what templates print: written straight, not through `Display`.
        ValueKind::String => match value.as_str() {
            Some(text) => Ok(std::fmt::Write::write_str(out, text)?),
            None => minijinja::escape_formatter(out, state, value),
        },
        _ => minijinja::escape_formatter(out, state, value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_wider_than_the_limit_is_refused() {
        let huge = Value::from("x");
        let error = nindent(&huge, 2_000_000_000).unwrap_err();
        assert!(error.to_string().contains("2000000000 spaces"), "{error}");
        let many_lines = Value::from("a\n".repeat(100_000));
        let error = nindent(&many_lines, MAX_INDENT_WIDTH).unwrap_err();
        assert!(error.to_string().contains("would pass 256 MiB"), "{error}");
        assert!(nindent(&huge, MAX_INDENT_WIDTH).is_ok());
    }

    #[test]
    fn nindent_pads_every_line_like_helm() {
        assert_eq!(nindent_text("a\nb", 2), "\n  a\n  b");
        assert_eq!(nindent_text("a\n\nb\n", 2), "\n  a\n  \n  b\n  ");
    }

    #[test]
    fn quote_uses_go_escapes_and_prints_nothing_for_none() {
        assert_eq!(
            quote(&Value::from("a \"b\"\n\\")).unwrap(),
            r#""a \"b\"\n\\""#
        );
        assert_eq!(quote(&Value::from(8080)).unwrap(), "\"8080\"");
        assert_eq!(quote(&Value::from(true)).unwrap(), "\"true\"");
        assert_eq!(quote(&Value::from(())).unwrap(), "");
        assert_eq!(quote(&Value::from("héllo\u{1}")).unwrap(), "\"héllo\\x01\"");
        assert!(quote(&Value::UNDEFINED).is_err());
    }

    #[test]
    fn squote_does_not_escape() {
        assert_eq!(squote(&Value::from("it's")).unwrap(), "'it's'");
    }

    #[test]
    fn base64_round_trips_and_bad_input_fails() {
        assert_eq!(b64encode(&Value::from("secret")).unwrap(), "c2VjcmV0");
        assert_eq!(b64decode("c2VjcmV0").unwrap(), "secret");
        assert!(b64decode("not base64!").is_err());
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256(&Value::from("abc")).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn trunc_counts_bytes_and_keeps_text_valid() {
        assert_eq!(trunc_text("hello", 3), "hel");
        assert_eq!(trunc_text("hello", -2), "lo");
        assert_eq!(trunc_text("hello", 99), "hello");
        assert_eq!(trunc_text("héllo", 2), "h");
    }

    #[test]
    fn trim_removes_one_occurrence() {
        assert_eq!(trim_suffix("a--", "-"), "a-");
        assert_eq!(trim_prefix("//a", "/"), "/a");
    }

    #[test]
    fn regex_replace_expands_groups() {
        assert_eq!(
            regex_replace("a1b22", "([0-9]+)", "<$1>").unwrap(),
            "a<1>b<22>"
        );
        assert!(regex_replace("x", "(", "").is_err());
    }

    #[test]
    fn required_fails_on_missing_none_and_empty_only() {
        for missing in [Value::UNDEFINED, Value::from(()), Value::from("")] {
            let err = required(&missing, "host is required").unwrap_err();
            assert_eq!(err.detail(), Some("host is required"));
        }
        for present in [Value::from(0), Value::from(false), Value::from("x")] {
            assert_eq!(required(&present, "m").unwrap(), present);
        }
    }

    #[test]
    fn semver_compare_follows_helm_constraints() {
        assert!(semver_compare(">=1.25.0-0", "v1.35.0").unwrap());
        assert!(!semver_compare("<1.25.0", "1.35.0").unwrap());
        assert!(semver_compare("banana", "1.0.0").is_err());
    }

    #[test]
    fn to_yaml_emits_block_yaml_without_trailing_newline() {
        let value = Value::from(Serde(serde_json::json!({"b": [1, 2], "a": {"x": "yes"}})));
        assert_eq!(to_yaml(&value).unwrap(), "b:\n- 1\n- 2\na:\n  x: \"yes\"");
        assert!(to_yaml(&Value::UNDEFINED).is_err());
    }

    #[test]
    fn from_yaml_and_from_json_parse_or_fail() {
        assert_eq!(
            from_yaml("a: 1").unwrap().get_attr("a").unwrap(),
            Value::from(1)
        );
        assert!(from_yaml("a: [").is_err());
        assert_eq!(
            from_yaml("").unwrap().len(),
            Some(0),
            "empty text: an empty mapping"
        );
        assert_eq!(
            from_yaml("# only a comment").unwrap().kind(),
            ValueKind::Map
        );
        assert_eq!(from_json("[1,2]").unwrap().len(), Some(2));
        assert!(from_json("{").is_err());
    }
}
