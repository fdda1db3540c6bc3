//! A YAML writer for value trees, in the style of Helm's `toYaml`
//! (go-yaml): block mappings, list items at the parent's indentation
//! (`ports:\n- 80`), literal blocks for multi-line strings.
//!
//! Its first duty is safety: a string is written plain only when every YAML
//! reader reads it back as the same string. Kubernetes reads manifests as
//! YAML 1.1, where `yes`, `on`, `0x1F`, `1_000` and `12:30` are not strings,
//! so those are quoted even though YAML 1.2 would not need it.

use serde_json::Value;

/// Writes `value` as a block YAML document ending in a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_mapping(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_sequence(&mut out, items, 0),
        scalar => {
            out.push_str(&inline(scalar, 0));
            out.push('\n');
        }
    }
    out
}

fn write_mapping(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            push_indent(out, indent);
        }
        out.push_str(&key_string(key));
        out.push(':');
        match value {
            Value::Object(child) if !child.is_empty() => {
                out.push('\n');
                push_indent(out, indent + 2);
                write_mapping(out, child, indent + 2);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                push_indent(out, indent);
                write_sequence(out, items, indent);
            }
            scalar => {
                out.push(' ');
                out.push_str(&inline(scalar, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn write_sequence(out: &mut String, items: &[Value], indent: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            push_indent(out, indent);
        }
        out.push_str("- ");
        match item {
            Value::Object(child) if !child.is_empty() => write_mapping(out, child, indent + 2),
            Value::Array(inner) if !inner.is_empty() => write_sequence(out, inner, indent + 2),
            scalar => {
                out.push_str(&inline(scalar, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A scalar or empty collection on one line (or a literal block for multi-line text).
fn inline(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number_string(n),
        Value::String(s) => scalar_string(s, indent),
        Value::Array(_) => "[]".to_string(),
        Value::Object(_) => "{}".to_string(),
    }
}

fn number_string(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e16 => format!("{f:.1}"),
        _ => n.to_string(),
    }
}

/// Keys are never literal blocks.
fn key_string(key: &str) -> String {
    if key.contains('\n') {
        double_quoted(key)
    } else {
        scalar_string(key, 0)
    }
}

/// A string as plain, quoted or literal-block YAML, whichever reads back exactly.
fn scalar_string(s: &str, indent: usize) -> String {
    if is_plainly_text(s) {
        return s.to_string();
    }
    scalar_string_in_full(s, indent)
}

/// [`scalar_string`] asking every question of the text.
fn scalar_string_in_full(s: &str, indent: usize) -> String {
    if s.contains('\n') && literal_block_fits(s) {
        return literal_block(s, indent);
    }
    if needs_double_quotes(s) {
        return double_quoted(s);
    }
    if resolves_to_non_string(s) {
        return format!("\"{s}\"");
    }
    if needs_single_quotes(s) {
        return format!("'{}'", s.replace('\'', "''"));
    }
    s.to_string()
}

/// Most keys and values (`cpu`, `app.kubernetes.io/name`, `nginx-1`) read
/// as text beyond doubt: a letter, then letters, digits and `-._/`, and no
/// YAML word (the longest, `false`, has five letters). One pass, no searches.
fn is_plainly_text(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.iter().all(|&b| super::is_word_byte(b))
        && !(bytes.len() <= 5 && resolves_to_non_string(s))
}

/// Literal blocks carry text as-is, except what they cannot: control characters,
/// trailing spaces on a line, or a first line that starts with a space.
fn literal_block_fits(s: &str) -> bool {
    !s.starts_with(' ')
        && !s.starts_with('\n')
        && !s.chars().any(|c| c != '\n' && c.is_control())
        && s.split('\n').all(|line| !line.ends_with(' '))
}

fn literal_block(s: &str, indent: usize) -> String {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let pad = " ".repeat(indent.max(2));
    let mut out = format!("|{chomp}");
    for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

fn needs_double_quotes(s: &str) -> bool {
    s.chars().any(|c| {
        (c.is_control() && c != '\t')
            || c == '\u{feff}'
            || c == '\n'
            || c == '\u{85}'
            || c == '\u{2028}'
            || c == '\u{2029}'
    })
}

/// A double-quoted string with Go's `strconv.Quote` escapes (`\"`, `\\`,
/// `\n`, `\t`, `\x01`, `\u2028`, ...). Every such escape is also valid in a
/// YAML double-quoted scalar, so one function serves Helm's `quote` and YAML.
pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    // Most quoted text is printable ASCII with nothing to escape.
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push_str(s);
        out.push('"');
        return out;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\u{0b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Words and numbers a YAML 1.1 or 1.2 reader would turn into something else.
pub fn resolves_to_non_string(s: &str) -> bool {
    // A word longer than the longest of them (`false`) that starts with a
    // letter is no number, date or word: most keys and names.
    if s.len() > 5 && s.as_bytes()[0].is_ascii_alphabetic() {
        return false;
    }
    // A `match`, not a table: each word is compared at its known length.
    let word = matches!(
        s,
        "" | "y"
            | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
            | "null"
            | "Null"
            | "NULL"
            | "~"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | "+.inf"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | "<<"
            | "="
    );
    if word {
        return true;
    }
    looks_numeric(s) || looks_like_timestamp(s) || super::yaml11::resolve(s).is_some()
}

/// Integers, floats, hex/octal/binary, underscores and base-60 (`1:20`) forms.
fn looks_numeric(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let first = body.chars().next();
    if !matches!(first, Some('0'..='9') | Some('.')) {
        return false;
    }
    body.chars().all(|c| {
        c.is_ascii_hexdigit()
            || matches!(c, '.' | '_' | ':' | 'x' | 'o' | 'b' | 'e' | 'E' | '-' | '+')
    }) && body.chars().any(|c| c.is_ascii_digit())
}

fn looks_like_timestamp(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() >= 8 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-'
}

/// Indicators and sequences that end or change a plain scalar.
fn needs_single_quotes(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    let indicator = matches!(
        first,
        '?' | ':'
            | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '#'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
            | ' '
            | '\t'
    );
    let dash = s == "-" || s.starts_with("- ") || s.starts_with("---");
    indicator
        || dash
        || s.starts_with("...")
        || s.ends_with([' ', '\t', ':'])
        // `: `, `:\t`, ` #`, `\t#`, in one pass (no searcher set up per string).
        || s.as_bytes().windows(2).any(|pair| {
            matches!(pair, [b':', b' ' | b'\t'] | [b' ' | b'\t', b'#'])
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trips(value: &Value) {
        let text = to_yaml(value);
        let back: Value = crate::yaml::parse_value(&text).unwrap();
        assert_eq!(&back, value, "YAML was:\n{text}");
    }

    /// The shortcut for plain words never writes plain what the full
    /// check would quote: YAML words, numbers and their near misses, and
    /// every string of up to three characters from an alphabet of letters,
    /// digits and `-._/`.
    #[test]
    fn plain_words_are_written_as_the_full_check_writes_them() {
        let mut words: Vec<String> = [
            "yes",
            "Yes",
            "YES",
            "no",
            "on",
            "Off",
            "null",
            "Null",
            "NULL",
            "true",
            "False",
            "y",
            "N",
            "cpu",
            "memory",
            "app.kubernetes.io/name",
            "nginx-1",
            "e1",
            "E5",
            "inf",
            "nan",
            "NaN",
            "x0",
            "b1_000",
            "o17",
            "true1",
            "nulls",
            "yes.",
            "Y-",
        ]
        .iter()
        .map(|w| w.to_string())
        .collect();
        let alphabet = [
            "a", "e", "n", "y", "N", "Y", "o", "f", "x", "0", "1", "-", ".", "_", "/",
        ];
        for a in alphabet {
            for b in alphabet {
                words.push(format!("{a}{b}"));
                for c in alphabet {
                    words.push(format!("{a}{b}{c}"));
                }
            }
        }
        let mut shortcut = 0;
        for word in &words {
            if is_plainly_text(word) {
                shortcut += 1;
                assert_eq!(&scalar_string_in_full(word, 0), word, "{word:?}");
            }
        }
        assert!(shortcut > 1000, "{shortcut} words took the shortcut");
        assert!(!is_plainly_text("yes") && !is_plainly_text("Off") && !is_plainly_text("1a"));
    }

    #[test]
    fn writes_helm_style_block_yaml() {
        let value = json!({"b": [1, 2], "a": {"x": "plain", "list": [{"k": 1, "j": "v"}]}, "e": {}, "l": []});
        assert_eq!(
            to_yaml(&value),
            "b:\n- 1\n- 2\na:\n  x: plain\n  list:\n  - k: 1\n    j: v\ne: {}\nl: []\n"
        );
    }

    #[test]
    fn quotes_what_yaml_1_1_would_misread() {
        let value = json!({"a": "yes", "b": "on", "c": "1", "d": "0x1F", "e": "1_000", "f": "12:30", "g": "", "h": "2024-01-01", "i": "null", "j": "1.5"});
        let text = to_yaml(&value);
        for quoted in [
            "\"yes\"",
            "\"on\"",
            "\"1\"",
            "\"0x1F\"",
            "\"1_000\"",
            "\"12:30\"",
            "\"\"",
            "\"2024-01-01\"",
            "\"null\"",
            "\"1.5\"",
        ] {
            assert!(text.contains(quoted), "{quoted} not in\n{text}");
        }
        round_trips(&value);
        // Every text the reader would take for a number or a boolean is quoted.
        for text in ["0X1F", "0O755", "-_1", "+.5", "Y", "OFF", "0b1"] {
            let value = json!({ "k": text });
            assert_eq!(
                super::super::parse_value(&to_yaml(&value)).unwrap(),
                value,
                "{text}"
            );
        }
    }

    #[test]
    fn quotes_indicators_and_keeps_plain_words_plain() {
        let value = json!({"a": "a: b", "b": "- x", "c": "#c", "d": "*", "e": "it's", "f": "nginx:1.19", "g": "-dash", "h": "trailing ", "i": "100m"});
        let text = to_yaml(&value);
        assert!(
            text.contains("a: 'a: b'") && text.contains("b: '- x'") && text.contains("c: '#c'"),
            "{text}"
        );
        assert!(
            text.contains("e: it's") && text.contains("f: nginx:1.19") && text.contains("i: 100m"),
            "{text}"
        );
        round_trips(&value);
    }

    #[test]
    fn multi_line_strings_become_literal_blocks() {
        let value = json!({"script": "echo a\necho b\n", "nochomp": "a\nb", "keep": "a\n\n"});
        let text = to_yaml(&value);
        assert!(
            text.starts_with(
                "script: |\n  echo a\n  echo b\nnochomp: |-\n  a\n  b\nkeep: |+\n  a\n\n"
            ),
            "{text}"
        );
        round_trips(&value);
    }

    #[test]
    fn control_characters_are_escaped() {
        let value = json!({"x": "bell\u{7}", "y": " leading\nspace"});
        round_trips(&value);
    }

    #[test]
    fn scalars_and_nested_lists_round_trip() {
        for value in [
            json!(null),
            json!(true),
            json!(3),
            json!(2.0),
            json!("s"),
            json!([[1, 2], [3]]),
            json!([{"a": [1]}]),
        ] {
            round_trips(&value);
        }
        assert_eq!(to_yaml(&json!(2.0)), "2.0\n");
    }
}
