//! Every YAML read and write of kinja goes through this module, so the YAML
//! library can be swapped in one place. Values files are read straight
//! from saphyr-parser's events (`events.rs`: faster, and every node's
//! position is at hand for `kinja values --explain`); the rest still goes
//! through serde_yaml 0.9 (`read.rs`), deprecated upstream.
//!
//! Values are held as JSON values (`serde_json::Value` with `preserve_order`):
//! Helm converts every YAML value file to JSON before merging, so keys are
//! strings, and the JSON model is what `values.schema.json` checks. Plain
//! scalars resolve as Helm's YAML 1.1 reader resolves them (`no` is false,
//! `0755` is 493); unlike Helm, integers stay integers instead of floats.

mod bytes;
mod depth;
mod emit;
mod events;
mod fast_values;
mod read;
mod yaml11;

pub use bytes::{Lines, is_word_byte, lines};
pub use emit::{double_quoted, resolves_to_non_string, to_yaml};
pub use events::{PathStep, Position, Positions};
pub use yaml11::boolean_word as yaml_1_1_boolean;

/// Any YAML value as the parser reads it (tags and all), for fields whose
/// shape is not known (annotations a document may or may not hold as text).
pub type AnyValue = serde_yaml::Value;

use read::Tree;
use serde::de::DeserializeSeed;
use serde_json::{Map, Value};
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
    read_values(text, None)
}

/// [`parse_values`], and where every node of the text starts (for
/// `kinja values --explain`).
pub fn parse_values_located(text: &str) -> Result<(Map<String, Value>, Positions), YamlError> {
    let mut positions = Positions::new();
    let values = read_values(text, Some(&mut positions))?;
    Ok((values, positions))
}

fn read_values(
    text: &str,
    positions: Option<&mut Positions>,
) -> Result<Map<String, Value>, YamlError> {
    let text = prepare(text)?;
    if positions.is_none()
        && let Some(values) = fast_values::read(text)
    {
        return Ok(values);
    }
    let mut merged = Map::new();
    events::read_documents(text, positions, |value| match value {
        Value::Null => Ok(()),
        Value::Object(map) => {
            crate::values::merge_maps(&mut merged, map);
            Ok(())
        }
        other => Err(YamlError::new(format!(
            "values must be a mapping of keys to values, found {}",
            json_type_name(&other)
        ))),
    })?;
    Ok(merged)
}

/// Parses any YAML text (one document) into a JSON value; used by `from_yaml`
/// and for `Chart.yaml`.
pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    parse_with(text, true)
}

/// [`parse_value`] with YAML 1.2's core schema, as Go's yaml.v3 reads
/// (helm-unittest reads suites and rendered documents so): `on`, `yes`
/// and `0755` stay text.
pub fn parse_value_core(text: &str) -> Result<Value, YamlError> {
    parse_with(text, false)
}

fn parse_with(text: &str, yaml_1_1: bool) -> Result<Value, YamlError> {
    let text = prepare(text)?;
    let document = serde_yaml::Deserializer::from_str(text);
    Tree {
        source: text,
        yaml_1_1,
    }
    .deserialize(document)
    .map_err(YamlError::from_serde)
}

/// Deserializes one YAML text straight into a typed struct; unknown fields are
/// ignored by the struct's own serde rules. This validates the whole text.
pub fn parse_typed<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let text = prepare(text)?;
    serde_yaml::from_str(text).map_err(YamlError::from_serde)
}

/// Drops a byte-order mark (Windows editors write one; Helm reads past it),
/// refuses the characters YAML forbids (with their line and column, which
/// the scanner reports only as a byte offset) and absurd flow nesting.
fn prepare(text: &str) -> Result<&str, YamlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_characters(text)?;
    depth::check_flow_depth(text)?;
    Ok(text)
}

/// Whether YAML allows `c` at all (YAML 1.2 section 5.1, as libyaml checks
/// them): tab, line breaks, and everything printable; no other C0 or C1
/// control character, no DEL, no U+FFFE or U+FFFF.
pub fn is_printable(c: char) -> bool {
    matches!(c as u32, 0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..)
}

/// A quick look at text before it is read: whether it holds an ASCII
/// control character YAML forbids (any below space but tab, line feed and
/// carriage return, or DEL), and whether it holds anything beyond ASCII.
/// One pass, as a fold over fixed chunks the compiler vectorizes:
/// manifests run to megabytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Characters {
    pub forbidden_ascii: bool,
    pub beyond_ascii: bool,
    /// A carriage return: a line break of its own to YAML unless a line feed follows.
    pub carriage_return: bool,
}

pub fn scan_characters(bytes: &[u8]) -> Characters {
    const FORBIDDEN: u8 = 1;
    const BEYOND: u8 = 2;
    const CR: u8 = 4;
    let flags = |b: u8| {
        let control = b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r';
        u8::from(control | (b == 0x7f)) * FORBIDDEN
            + u8::from(b >= 0x80) * BEYOND
            + u8::from(b == b'\r') * CR
    };
    let mut found = 0;
    let mut chunks = bytes.chunks_exact(64);
    for chunk in chunks.by_ref() {
        found |= chunk.iter().fold(0, |acc, &b| acc | flags(b));
        if found & FORBIDDEN != 0 {
            break;
        }
    }
    found |= chunks.remainder().iter().fold(0, |acc, &b| acc | flags(b));
    Characters {
        forbidden_ascii: found & FORBIDDEN != 0,
        beyond_ascii: found & BEYOND != 0,
        carriage_return: found & CR != 0,
    }
}

/// Refuses a character [`is_printable`] does not allow, naming its line and
/// column (the scanner gives only a byte offset).
fn check_characters(text: &str) -> Result<(), YamlError> {
    let seen = scan_characters(text.as_bytes());
    if !seen.forbidden_ascii && !seen.beyond_ascii {
        return Ok(());
    }
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let c = if bytes[at] < 0x80 {
            bytes[at] as char
        } else {
            text[at..].chars().next().expect("at a character boundary")
        };
        if !is_printable(c) {
            let before = &text[..at];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            return Err(YamlError {
                message: format!(
                    "control characters are not allowed (U+{:04X}); remove it or write it as an escape in a double-quoted string",
                    c as u32
                ),
                line: Some(1 + before.matches('\n').count()),
                column: Some(1 + before[line_start..].chars().count()),
            });
        }
        at += c.len_utf8();
    }
    Ok(())
}

/// A value with every mapping's keys sorted, as Go writes YAML: the form
/// diffs and snapshots compare.
pub fn sorted_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted_keys).collect()),
        other => other,
    }
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
    fn plain_scalars_read_as_yaml_1_1_and_integers_stay_integers() {
        let text = "enabled: no\nmode: 0755\nbig: 1000000\nratio: 1.5\n\
                    quoted: \"no\"\nsingle: 'off'\nflow: [yes, \"y\", 0o17]\ny: key\n";
        let values = parse_values(text).unwrap();
        assert_eq!(
            Value::Object(values),
            json!({"enabled": false, "mode": 493, "big": 1000000, "ratio": 1.5,
                   "quoted": "no", "single": "off", "flow": [true, "y", 15], "true": "key"})
        );
    }

    #[test]
    fn merge_keys_apply_in_document_order_as_in_helm() {
        let text = "base: &b\n  a: 1\n  b: 2\nextra: &e\n  c: 3\n  a: 9\n\
                    after:\n  <<: *b\n  b: 3\nbefore:\n  b: 3\n  <<: *b\n\
                    many:\n  x: 0\n  <<: [*b, *e]\n";
        let values = parse_values(text).unwrap();
        assert_eq!(values["after"], json!({"a": 1, "b": 3}), "later keys win");
        assert_eq!(
            values["before"],
            json!({"b": 2, "a": 1}),
            "the merge overrides what came before"
        );
        assert_eq!(
            values["many"],
            json!({"x": 0, "c": 3, "a": 1, "b": 2}),
            "earlier sources win"
        );
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value_in_its_first_place() {
        let values = parse_values("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(Value::Object(values), json!({"a": 3, "b": 2}));
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let values = parse_values("\u{feff}a: 1\n").unwrap();
        assert_eq!(Value::Object(values), json!({"a": 1}));
        assert_eq!(parse_value("\u{feff}x: z\n").unwrap(), json!({"x": "z"}));
    }

    #[test]
    fn absurd_flow_nesting_is_refused_before_parsing() {
        let deep = format!("a: {}{}\n", "[".repeat(200_000), "]".repeat(200_000));
        let error = parse_values(&deep).unwrap_err();
        assert!(
            error.message.contains("nested more than"),
            "{}",
            error.message
        );
        assert_eq!((error.line, error.column), (Some(1), Some(10_004)));
        // Brackets in strings, block scalars and comments do not add up.
        let many: String = (0..20_000).map(|i| format!("k{i}: \"[x\"\n")).collect();
        assert_eq!(parse_values(&many).unwrap().len(), 20_000);
        let items = format!("items:\n{}", "  - \"[x\"\n".repeat(10_001));
        assert!(parse_values(&items).is_ok());
        let script = format!("script: |\n{}", "  echo \"${a[0]}\" \"[\n".repeat(10_001));
        assert!(parse_values(&script).is_ok());
        let comments = format!("a: 1\n{}", "  # [\n".repeat(10_001));
        assert!(parse_values(&comments).is_ok());
    }

    /// `count` texts of up to `longest` characters of `alphabet`, from a
    /// fixed-seed generator over the characters that steer YAML readers.
    fn random_texts(alphabet: &str, mut seed: u64, count: usize, longest: u64) -> Vec<String> {
        let alphabet: Vec<char> = alphabet.chars().collect();
        (0..count)
            .map(|_| {
                let len = (seed % longest) as usize;
                (0..len)
                    .map(|_| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        alphabet[(seed >> 33) as usize % alphabet.len()]
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn random_yaml_like_text_never_panics() {
        let alphabet = "[]{}\"'#:- \n|>&*!<,ab1\\é\t\u{feff}";
        for text in random_texts(alphabet, 0x9e37_79b9_7f4a_7c15, 3000, 60) {
            let _ = parse_values(&text);
            let _ = parse_value(&text);
            let _ = parse_typed::<std::collections::BTreeMap<String, i64>>(&text);
        }
    }

    #[test]
    fn a_control_character_is_refused_with_its_line_and_column() {
        let error = parse_value("a: 1\nb: 2\nc: \"x\u{1}y\"\n").unwrap_err();
        assert!(
            error.message.contains("control characters"),
            "{}",
            error.message
        );
        assert_eq!((error.line, error.column), (Some(3), Some(6)));
    }

    #[test]
    fn tags_are_dropped() {
        let text = "a: !custom 5\nb: !!str 7\nc: &x !!str no\nd: !!str &y 0755\ne: &z no\n\
                    f: \"\\\n  no\"\n# see !\non: x\n";
        let values = parse_values(text).unwrap();
        assert_eq!(
            Value::Object(values),
            json!({"a": 5, "b": "7", "c": "no", "d": "0755", "e": false, "f": "no", "true": "x"})
        );
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
        let values = parse_values("a: {x: 1, z: 2}\n---\na: {z: 3}\nb: 1\n").unwrap();
        assert_eq!(
            Value::Object(values),
            json!({"a": {"x": 1, "z": 3}, "b": 1})
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

    /// The serde_yaml reader values files went through before the event
    /// reader: the two must read every values file alike.
    fn parse_values_through_serde(text: &str) -> Result<Map<String, Value>, YamlError> {
        let text = prepare(text)?;
        let mut merged = Map::new();
        for document in serde_yaml::Deserializer::from_str(text) {
            let tree = Tree {
                source: text,
                yaml_1_1: true,
            };
            match tree.deserialize(document).map_err(YamlError::from_serde)? {
                Value::Object(map) => crate::values::merge_maps(&mut merged, map),
                Value::Null => {}
                _ => return Err(YamlError::new("not a mapping")),
            }
        }
        Ok(merged)
    }

    fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                yaml_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }

    #[test]
    fn the_event_reader_reads_every_yaml_file_as_serde_yaml_did() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["charts", "tests", "../shared"] {
            yaml_files(&root.join(dir), &mut files);
        }
        assert!(files.len() > 100, "{} files", files.len());
        let mut compared = 0;
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let (new, old) = (parse_values(&text), parse_values_through_serde(&text));
            match (&new, &old) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{}", file.display()),
                (Err(_), Err(_)) => {}
                _ => panic!("{}: events {new:?}, serde {old:?}", file.display()),
            }
            compared += 1;
        }
        assert!(compared > 100);
    }

    #[test]
    fn the_event_reader_agrees_with_serde_yaml_on_random_text() {
        let alphabet = "[]{}\"'#:- \n|>&*!<,ab1.0xy~\\\t";
        let mut disagreements = Vec::new();
        for text in random_texts(alphabet, 0x2545_f491_4f6c_dd1d, 20_000, 40) {
            let (new, old) = (parse_values(&text), parse_values_through_serde(&text));
            let agree = match (&new, &old) {
                (Ok(a), Ok(b)) => a == b,
                (Err(_), Err(_)) => true,
                // The one difference, on purpose (README): a comment glued
                // to a token (`"x"# note`) is refused, as YAML says, where
                // libyaml took it.
                (Err(e), Ok(_)) => e.message.starts_with("comments must be separated"),
                _ => false,
            };
            if !agree {
                disagreements.push(format!("{text:?}: events {new:?}, serde {old:?}"));
            }
        }
        assert!(
            disagreements.is_empty(),
            "{}\n{}",
            disagreements.len(),
            disagreements[..disagreements.len().min(15)].join("\n")
        );
    }

    #[test]
    fn deep_nesting_and_alias_bombs_are_refused_with_their_place() {
        let deep: String = (0..130)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
            .collect();
        let error = parse_values(&deep).unwrap_err();
        assert!(
            error.message.contains("nested more than 128"),
            "{}",
            error.message
        );
        assert!(
            parse_values_through_serde(&deep).is_err(),
            "serde_yaml refused it too"
        );
        let shallow: String = (0..100)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
            .collect();
        assert!(parse_values(&shallow).is_ok());
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (name, previous) in ["b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g"])
        {
            let refs = vec![format!("*{previous}"); 10].join(", ");
            bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let error = parse_values(&bomb).unwrap_err();
        assert!(
            error.message.contains("aliases repeat too much"),
            "{}",
            error.message
        );
        assert!(error.line.is_some());
    }

    #[test]
    fn every_node_has_its_line_and_column() {
        let text = "image:\n  tag: \"1.21\"\n  repository: nginx\nhosts:\n  - host: a.example\n    port: 80\n\
                    base: &b {x: 1}\nmerged:\n  <<: *b\n  z: 2\n---\nimage:\n  tag: later\n";
        let (values, positions) = parse_values_located(text).unwrap();
        assert_eq!(values["image"]["tag"], "later");
        let at = |steps: &[&str]| {
            let path: Vec<PathStep> = steps
                .iter()
                .map(|s| match s.parse() {
                    Ok(i) => PathStep::Index(i),
                    Err(_) => PathStep::Key(s.to_string()),
                })
                .collect();
            positions.get(&path).map(|p| (p.line, p.column))
        };
        assert_eq!(at(&["image"]), Some((13, 3)), "the later document's");
        assert_eq!(at(&["image", "tag"]), Some((13, 8)));
        assert_eq!(at(&["image", "repository"]), Some((3, 15)));
        assert_eq!(at(&["hosts", "0", "host"]), Some((5, 11)));
        assert_eq!(at(&["hosts", "0", "port"]), Some((6, 11)));
        assert_eq!(
            at(&["merged", "x"]),
            Some((9, 7)),
            "where the merge key's value is"
        );
        assert_eq!(at(&["merged", "z"]), Some((10, 6)));
    }

    #[test]
    fn keys_keep_their_written_order() {
        let values = parse_values("zeta: 1\nalpha: 2\nmid: 3\n").unwrap();
        let keys: Vec<_> = values.keys().cloned().collect();
        assert_eq!(keys, ["zeta", "alpha", "mid"]);
    }
}
