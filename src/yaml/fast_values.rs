//! A fast, conservative reader for values files written in the plain block
//! YAML most of them use: block mappings and lists, one-line plain or quoted
//! scalars, `{}`/`[]` and one-line flow mappings and lists of scalars
//! (`requests: {cpu: 100m, memory: 128Mi}`), comments. Anything else —
//! anchors, tags, block scalars, multi-line scalars, tabs, text beyond
//! ASCII, odd indentation, several documents — answers `None`, and the
//! values are read by the full parser (`events.rs`), which also reports
//! every error. So it gives exactly what the full parser gives, or nothing:
//! a values file of thousands of apps is read before any template starts,
//! and the full parser spends about 250 instructions on each byte.

use serde_json::{Map, Value};

/// How deep the reader follows nesting before leaving the text to the full
/// parser (which has the real limit and its message).
const MAX_DEPTH: usize = 64;

/// One line with content: its indentation and the rest, trailing spaces cut.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    content: &'a str,
}

/// The values of `text` if it is in the simple subset; `None` otherwise.
pub fn read(text: &str) -> Option<Map<String, Value>> {
    let bytes = text.as_bytes();
    // Tabs, carriage returns, control characters and anything beyond
    // ASCII are the full parser's.
    if bytes.iter().any(|&b| (b < 0x20 && b != b'\n') || b >= 0x7f) {
        return None;
    }
    let mut lines = Vec::new();
    for line in super::lines(text) {
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - content.len();
        // Document markers and directives: several documents, or a `%YAML` line.
        if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
            return None;
        }
        if content.starts_with('%') {
            return None;
        }
        lines.push(Line {
            indent,
            content: content.trim_end_matches(' '),
        });
    }
    if lines.first()?.indent != 0 {
        return None;
    }
    let mut reader = Reader { lines, at: 0 };
    let Value::Object(values) = reader.mapping(0, 0)? else {
        return None;
    };
    (reader.at == reader.lines.len()).then_some(values)
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    at: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.at).copied()
    }

    /// The block node starting at the current line, at `indent`.
    fn block(&mut self, indent: usize, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        if is_item(self.peek()?.content) {
            self.sequence(indent, depth)
        } else {
            self.mapping(indent, depth)
        }
    }

    fn mapping(&mut self, indent: usize, depth: usize) -> Option<Value> {
        let mut map = Map::new();
        while let Some(line) = self.peek().filter(|l| l.indent == indent) {
            if is_item(line.content) {
                return None;
            }
            let (key, rest) = entry(line.content)?;
            self.at += 1;
            let value = if rest.is_empty() {
                self.nested(indent, depth)?
            } else {
                self.after_scalar(indent)?;
                scalar_or_flow(rest)?
            };
            // A repeated key keeps its first place and its last value.
            map.insert(key.to_string(), value);
        }
        Some(Value::Object(map))
    }

    fn sequence(&mut self, indent: usize, depth: usize) -> Option<Value> {
        let mut items = Vec::new();
        while let Some(line) = self.peek().filter(|l| l.indent == indent) {
            if !is_item(line.content) {
                // A key after a list at the same indentation: the list hung
                // under a key of the mapping at this indentation.
                break;
            }
            let rest = line.content[1..].trim_start_matches(' ');
            if rest.is_empty() || is_item(rest) || rest.starts_with('#') {
                return None;
            }
            let column = indent + (line.content.len() - rest.len());
            if entry(rest).is_some() {
                // `- key: value`: a mapping whose keys stand at the key's column.
                self.lines[self.at] = Line {
                    indent: column,
                    content: rest,
                };
                items.push(self.mapping(column, depth + 1)?);
            } else {
                self.at += 1;
                self.after_scalar(indent)?;
                items.push(scalar_or_flow(rest)?);
            }
        }
        Some(Value::Array(items))
    }

    /// The value of `key:` with nothing after it: a more indented block, a
    /// list at the key's own indentation, or null.
    fn nested(&mut self, indent: usize, depth: usize) -> Option<Value> {
        match self.peek() {
            Some(next) if next.indent > indent => self.block(next.indent, depth + 1),
            Some(next) if next.indent == indent && is_item(next.content) => {
                self.sequence(indent, depth + 1)
            }
            _ => Some(Value::Null),
        }
    }

    /// A scalar ends its node: a more indented line after it would continue
    /// it over lines, which is the full parser's to read.
    fn after_scalar(&self, indent: usize) -> Option<()> {
        match self.peek() {
            Some(next) if next.indent > indent => None,
            _ => Some(()),
        }
    }
}

fn is_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// `key: rest` or `key:` with a simple key that reads as text.
fn entry(content: &str) -> Option<(&str, &str)> {
    let colon = content.bytes().position(|b| !super::is_word_byte(b))?;
    let (key, after) = (&content[..colon], &content[colon..]);
    let rest = match after.strip_prefix(':')? {
        "" => "",
        rest if rest.starts_with(' ') => rest.trim_start_matches(' '),
        _ => return None,
    };
    is_text_key(key).then_some((key, rest))
}

/// A key of word bytes that every reader takes as text: it starts with a
/// letter and is no YAML word (`yes`, `null`, ...).
fn is_text_key(key: &str) -> bool {
    key.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && !super::resolves_to_non_string(key)
}

/// A one-line value: a scalar, or a flow mapping or list of scalars.
fn scalar_or_flow(text: &str) -> Option<Value> {
    match text.as_bytes()[0] {
        b'{' => Some(Value::Object(flow(text, b'}')?.into_iter().collect())),
        b'[' => Some(Value::Array(
            flow(text, b']')?
                .into_iter()
                .map(|(_, item)| item)
                .collect(),
        )),
        _ => {
            let (value, rest) = scalar(text, false)?;
            rest.is_empty().then_some(value)
        }
    }
}

/// The entries of a one-line flow collection of scalars closed by `close`,
/// with nothing but a comment after it: a mapping's as `(key, value)`, a
/// list's items as `("", item)`.
fn flow(text: &str, close: u8) -> Option<Vec<(String, Value)>> {
    let mut rest = text[1..].trim_start_matches(' ');
    let mut entries = Vec::new();
    if rest.as_bytes().first() == Some(&close) {
        return after_value(&rest[1..]).then_some(entries);
    }
    loop {
        let key = if close == b'}' {
            let colon = rest.bytes().position(|b| !super::is_word_byte(b))?;
            let key = &rest[..colon];
            rest = rest[colon..].strip_prefix(": ")?.trim_start_matches(' ');
            if !is_text_key(key) {
                return None;
            }
            key
        } else {
            ""
        };
        let (value, after) = scalar(rest, true)?;
        entries.push((key.to_string(), value));
        rest = after;
        match rest.as_bytes().first()? {
            b',' => rest = rest[1..].strip_prefix(' ')?.trim_start_matches(' '),
            &b if b == close => return after_value(&rest[1..]).then_some(entries),
            _ => return None,
        }
    }
}

/// Only spaces, or a comment after a space, follow a finished value.
fn after_value(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

/// A scalar at the start of `text` and what follows it. Inside a flow
/// collection a plain scalar ends at `,`, `}` or `]`; otherwise it runs
/// to the end of the line or a comment.
fn scalar(text: &str, in_flow: bool) -> Option<(Value, &str)> {
    let bytes = text.as_bytes();
    match *bytes.first()? {
        quote @ (b'"' | b'\'') => {
            let (value, end) = if quote == b'"' {
                double_quoted(&text[1..])?
            } else {
                single_quoted(&text[1..])?
            };
            let rest = &text[1 + end..];
            let rest = if in_flow {
                rest.trim_start_matches(' ')
            } else if after_value(rest) {
                ""
            } else {
                return None;
            };
            Some((Value::String(value), rest))
        }
        first => {
            if b"[]{},#&*!|>%@`?:\"'".contains(&first) || text.starts_with("---") {
                return None;
            }
            if first == b'-' && bytes.get(1).is_none_or(|&b| b == b' ') {
                return None;
            }
            let end = if in_flow {
                bytes
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b'[' | b'{' | b'#'))?
            } else {
                find_comment(bytes).unwrap_or(bytes.len())
            };
            let plain = text[..end].trim_end_matches(' ');
            let breaks = plain
                .as_bytes()
                .windows(2)
                .any(|w| w == b": " || w == b" #");
            if plain.is_empty() || breaks || plain.ends_with(':') {
                return None;
            }
            // Outside a flow collection the rest is a comment, or nothing.
            let rest = if in_flow { &text[end..] } else { "" };
            Some((super::events::resolve_plain(plain)?, rest))
        }
    }
}

/// Where ` #` starts a comment in a plain scalar's line.
fn find_comment(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|w| w == b" #")
}

/// A double-quoted scalar's text and the byte after its closing quote,
/// with the simple escapes only.
fn double_quoted(body: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((out, at + 1)),
            '\\' => out.push(match chars.next()?.1 {
                '"' => '"',
                '\\' => '\\',
                '/' => '/',
                'n' => '\n',
                't' => '\t',
                _ => return None,
            }),
            c => out.push(c),
        }
    }
    None
}

/// A single-quoted scalar (`''` is a quote) and the byte after its close.
fn single_quoted(body: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut at = 0;
    loop {
        let quote = at + body[at..].find('\'')?;
        out.push_str(&body[at..quote]);
        if body[quote + 1..].starts_with('\'') {
            out.push('\'');
            at = quote + 2;
        } else {
            return Some((out, quote + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read as the full parser reads it, through the full parser.
    fn full(text: &str) -> Result<Map<String, Value>, super::super::YamlError> {
        super::super::parse_values_located(text).map(|(values, _)| values)
    }

    fn same(fast: &Map<String, Value>, text: &str) {
        match full(text) {
            Ok(values) => assert_eq!(
                serde_json::to_string(fast).unwrap(),
                serde_json::to_string(&values).unwrap(),
                "the readers differ on:\n{text}"
            ),
            Err(e) => panic!("the fast reader took what the parser refuses ({e}):\n{text}"),
        }
    }

    const FLEET_LIKE: &str = "apps:\n  - name: svc-00000\n    image: team-0/svc-00000\n    version: \"1.0.0\"\n    public: true\n    storage: 1Gi\n    replicas: 1\n    port: 9090\n    resources:\n      requests: {cpu: 100m, memory: 128Mi}\n      limits: {cpu: '1', memory: 1Gi}\n    env:\n      LOG_LEVEL: \"debug\" # why\n      SHARD: \"0\"\n  - name: b\n    tags: [a, 'b', \"c\", 1, ~]\n    empty: {}\n    none: []\nglobal:\n  registry: registry.example.com:5000\n  list:\n  - 0755\n  - no\n  - 1_000\n  - 12:30\n  - -1.5e3\n  - 0x1F\n  - yes # a comment\n  - http://x/y#z\n  off_key: 2\n";

    #[test]
    fn plain_values_files_take_the_fast_path_and_read_the_same() {
        let fast = read(FLEET_LIKE).expect("the fleet's shape is in the subset");
        same(&fast, FLEET_LIKE);
        let mut taken = 0;
        for chart in std::fs::read_dir("charts").unwrap() {
            let dir = chart.unwrap().path();
            let mut files = vec![dir.join("values.yaml")];
            if let Ok(overlays) = std::fs::read_dir(dir.join("ci")) {
                files.extend(overlays.map(|f| f.unwrap().path()));
            }
            for file in files.into_iter().filter(|f| f.exists()) {
                let text = std::fs::read_to_string(&file).unwrap();
                if let Some(fast) = read(&text) {
                    taken += 1;
                    same(&fast, &text);
                }
            }
        }
        assert!(
            taken >= 5,
            "{taken} example values files took the fast path"
        );
    }

    #[test]
    fn anything_outside_the_subset_goes_to_the_parser() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: plain\n  continued\n",
            "a:\n\tb: 1\n",
            "a: 1\n---\nb: 2\n",
            "a: {b: {c: 1}}\n",
            "\"quoted key\": 1\n",
            "yes: 1\n",
            "a: .inf\n",
            "a: é\n",
            "- a\n",
            "  a: 1\n",
            "a: b: c\n",
            "a: [1, [2]]\n",
        ] {
            assert!(read(text).is_none(), "{text:?}");
        }
    }

    /// The fast reader must never read a text differently from the full
    /// parser, nor take one the parser refuses: thousands of mutations of
    /// the corpus (a small deterministic fuzzer).
    #[test]
    fn mutations_read_the_same_or_go_to_the_parser() {
        let corpus = [
            FLEET_LIKE,
            "a: 1\nb:\n  c: [x, y]\n  d:\n  - e: 'it''s'\n    f: \"q\\\"uote\"\n  -   g: 2\n      h: null\n",
        ];
        const PIECES: &[&str] = &[
            ":", " ", "-", "#", "\"", "'", "\n", "  ", "- ", ": ", "{", "}", "[", "]", ",", "|",
            "&", "*", "!", "\\", "\n  ", "---", "~", "1", "?", "%", "@", "yes", "<<: ",
        ];
        let mut next = crate::fuzz::numbers(0x2545f4914f6cdd1d);
        let mut checked = 0;
        for round in 0..20_000 {
            let Some(text) = crate::fuzz::mutated(corpus[round % corpus.len()], PIECES, &mut next)
            else {
                continue;
            };
            if let Some(fast) = read(&text) {
                checked += 1;
                same(&fast, &text);
            }
        }
        assert!(
            checked > 3_000,
            "the mutations exercise the fast path ({checked})"
        );
    }
}
