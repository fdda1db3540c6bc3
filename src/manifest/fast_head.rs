//! A fast, conservative reader for the plain block YAML that templates
//! produce: it checks a document line by line and reads its head (apiVersion,
//! kind, metadata name and namespace, the hook and resource-policy
//! annotations) without building
//! a YAML tree.
//!
//! Validating the rendered output with a full YAML parser costs more than
//! rendering it (see `PERFORMANCE.md` in the shared notes). Most Kubernetes
//! manifests use a small subset of YAML: block mappings and sequences, plain
//! or quoted one-line scalars, literal blocks, `{}` and `[]`. This reader
//! accepts exactly that subset and answers `None` for anything else (flow
//! collections, anchors, tags, tabs, multi-line plain scalars, odd
//! indentation, ...), which sends the document to the full parser. So it
//! never accepts a document the full parser would refuse, and it never
//! decides an error itself.

use super::Head;
use crate::yaml::resolves_to_non_string;
use std::borrow::Cow;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Block {
    Map,
    Seq,
}

/// Where the head fields live while reading.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Top,
    Metadata,
    Annotations,
    /// Under a head field that must be text (`kind:`); a nested block here is refused.
    HeadScalar,
    Other,
}

/// A `key:` or `-` with nothing after it, waiting to see whether a nested block follows.
struct Opened {
    indent: usize,
    section: Section,
    /// A bare `-`: a following `- x` at its indentation is a sibling, not a child.
    by_item: bool,
}

/// Whether every character is one this reader understands: printable for
/// YAML (a forbidden one, even in a comment or block scalar, is the parser's
/// to report) and no line break but `\n` and `\r\n`, which `str::lines`
/// splits on (libyaml also breaks lines at a lone `\r`, U+0085, U+2028 and
/// U+2029).
fn plain_characters(text: &str) -> bool {
    let seen = crate::yaml::scan_characters(text.as_bytes());
    if seen.forbidden_ascii {
        return false;
    }
    let bytes = text.as_bytes();
    let lone_cr = seen.carriage_return
        && text
            .match_indices('\r')
            .any(|(at, _)| bytes.get(at + 1) != Some(&b'\n'));
    !lone_cr
        && (!seen.beyond_ascii
            || text.chars().all(|c| {
                crate::yaml::is_printable(c) && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')
            }))
}

/// Reads the head of `text` if it is in the simple subset; `None` otherwise.
pub fn read_head(text: &str) -> Option<Head> {
    if !plain_characters(text) {
        return None;
    }
    let mut head = Head::default();
    let mut seen = [false; 6];
    // Open blocks: (indent, kind, the section its entries belong to).
    let mut stack: Vec<(usize, Block, Section)> = Vec::new();
    let mut opened: Option<Opened> = None;
    let mut lines = crate::yaml::lines(text).peekable();

    while let Some(line) = lines.next() {
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if content.starts_with('\t') || line.ends_with('\t') {
            return None;
        }
        let indent = line.len() - content.len();
        let is_item = content == "-" || content.starts_with("- ");
        let kind = if is_item { Block::Seq } else { Block::Map };

        let section = match opened.take() {
            Some(o) if indent > o.indent || (indent == o.indent && is_item && !o.by_item) => {
                if o.section == Section::HeadScalar {
                    return None;
                }
                // `metadata:` and `annotations:` must be mappings; a list
                // there is the parser's to refuse.
                if is_item && matches!(o.section, Section::Metadata | Section::Annotations) {
                    return None;
                }
                stack.push((indent, kind, o.section));
                o.section
            }
            _ => {
                close_blocks(&mut stack, indent, kind);
                match stack.last() {
                    Some(&(i, k, section)) if i == indent && k == kind => section,
                    None if indent == 0 && kind == Block::Map => {
                        stack.push((0, Block::Map, Section::Top));
                        Section::Top
                    }
                    _ => return None,
                }
            }
        };

        if is_item {
            let rest = content[1..].trim_start_matches(' ');
            if rest.is_empty() {
                opened = Some(Opened {
                    indent,
                    section: Section::Other,
                    by_item: true,
                });
                continue;
            }
            if rest.starts_with('-') && (rest == "-" || rest.starts_with("- ")) {
                return None;
            }
            let inner = indent + (content.len() - rest.len());
            if let Some((_, value)) = split_entry(rest)? {
                // `- key: value`: a mapping starts at the key's column.
                stack.push((inner, Block::Map, Section::Other));
                match value {
                    "" => {
                        opened = Some(Opened {
                            indent: inner,
                            section: Section::Other,
                            by_item: false,
                        })
                    }
                    v if is_block_scalar(v) => skip_block_scalar(&mut lines, inner)?,
                    v => {
                        check_scalar(v)?;
                    }
                }
            } else {
                if is_block_scalar(rest) {
                    return None;
                }
                check_scalar(rest)?;
            }
            continue;
        }

        let (key, value) = split_entry(content)??;
        let child = child_section(section, key, &mut seen)?;
        match value {
            "" => {
                opened = Some(Opened {
                    indent,
                    section: child,
                    by_item: false,
                })
            }
            v if is_block_scalar(v) => {
                if child != Section::Other {
                    return None;
                }
                skip_block_scalar(&mut lines, indent)?
            }
            v => {
                let scalar = check_scalar(v)?;
                record(&mut head, section, key, scalar)?;
            }
        }
    }
    Some(head)
}

/// The `kind` and `metadata.name` of a document written in plain block
/// style, read without checking the document: `None` when either is written
/// any other way. A hint, never an identity: the diff uses it only to rule
/// out documents that cannot be the same resource as another.
pub(super) fn kind_and_name_hint(text: &str) -> Option<(&str, &str)> {
    let (mut kind, mut name) = (None, None);
    let mut in_metadata = false;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if in_metadata {
            if let Some(value) = line.strip_prefix("  name:") {
                // A more indented next line continues a plain scalar over lines.
                let continued = lines.peek().is_some_and(|next| next.starts_with("   "));
                name = Some(plain_value(value).filter(|_| !continued)?);
            } else if !(line.starts_with(' ') || line.trim().is_empty()) {
                in_metadata = false;
                // The metadata block ended without a plainly written name.
                name?;
            }
        }
        if let Some(value) = line.strip_prefix("kind:") {
            kind = Some(plain_value(value)?);
        } else if line.trim_end() == "metadata:" {
            in_metadata = true;
        }
        if let (Some(kind), Some(name)) = (kind, name) {
            return Some((kind, name));
        }
    }
    None
}

/// A one-line value that reads as the same text to any YAML reader.
fn plain_value(value: &str) -> Option<&str> {
    let value = value.trim_matches(' ');
    let plain = !value.is_empty()
        && !value.starts_with(|c: char| "\"'&*!|>{[%@`#".contains(c))
        && !value.contains(" #")
        && !value.contains('\t')
        && !resolves_to_non_string(value);
    plain.then_some(value)
}

/// Closes the blocks a line at `indent` leaves. A mapping key at the
/// indentation of a sequence that hangs under a key (`items:\n- a\nnext: 1`)
/// closes that sequence too.
fn close_blocks(stack: &mut Vec<(usize, Block, Section)>, indent: usize, kind: Block) {
    while let Some(&(top_indent, top_kind, _)) = stack.last() {
        let hanging_sequence = top_indent == indent
            && top_kind != kind
            && stack.len() >= 2
            && stack[stack.len() - 2].0 == indent
            && stack[stack.len() - 2].1 == kind;
        if top_indent > indent || hanging_sequence {
            stack.pop();
        } else {
            break;
        }
    }
}

/// The section a key's nested block belongs to; refuses repeated head keys
/// (the full parser reports those).
fn child_section(section: Section, key: &str, seen: &mut [bool; 6]) -> Option<Section> {
    let slot = match (section, key) {
        (Section::Top, "apiVersion") => Some(0),
        (Section::Top, "kind") => Some(1),
        (Section::Top, "metadata") => Some(2),
        (Section::Metadata, "name") => Some(3),
        (Section::Metadata, "namespace") => Some(4),
        (Section::Metadata, "annotations") => Some(5),
        _ => None,
    };
    if let Some(slot) = slot
        && std::mem::replace(&mut seen[slot], true)
    {
        return None;
    }
    Some(match (section, key) {
        (Section::Top, "metadata") => Section::Metadata,
        (Section::Metadata, "annotations") => Section::Annotations,
        (Section::Top, "apiVersion" | "kind") | (Section::Metadata, "name" | "namespace") => {
            Section::HeadScalar
        }
        (Section::Annotations, "helm.sh/hook" | "helm.sh/resource-policy") => Section::HeadScalar,
        _ => Section::Other,
    })
}

/// Keeps a head field; refuses values the typed reader would not take as text.
fn record(head: &mut Head, section: Section, key: &str, scalar: Scalar) -> Option<()> {
    let text = || -> Option<String> {
        match &scalar {
            Scalar::Quoted(s) => Some(s.to_string()),
            Scalar::Plain(s) if !resolves_to_non_string(s) => Some(s.to_string()),
            _ => None,
        }
    };
    match (section, key) {
        (Section::Top, "apiVersion") => head.api_version = text()?,
        (Section::Top, "kind") => head.kind = text()?,
        // Only an empty mapping may stand inline where a mapping belongs.
        (Section::Top, "metadata") | (Section::Metadata, "annotations")
            if scalar != Scalar::EmptyMap =>
        {
            return None;
        }
        (Section::Metadata, "name") => head.name = text()?,
        (Section::Metadata, "namespace") => head.namespace = Some(text()?),
        (Section::Annotations, "helm.sh/hook") => head.hook = Some(text()?),
        (Section::Annotations, "helm.sh/resource-policy") => head.resource_policy = Some(text()?),
        _ => {}
    }
    Some(())
}

/// Splits `key: value` or `key:`. `Some(None)` is a line that is not an
/// entry; `None` is a key outside the simple subset.
fn split_entry(content: &str) -> Option<Option<(&str, &str)>> {
    let bytes = content.as_bytes();
    // Most lines are `simple-key: value`: one pass finds the colon and checks the key.
    let mut key_end = 0;
    while key_end < bytes.len() && crate::yaml::is_word_byte(bytes[key_end]) {
        key_end += 1;
    }
    let key_end = (key_end < bytes.len()).then_some(key_end);
    let (colon, key_checked) = match key_end {
        Some(at) if bytes[at] == b':' => (at, true),
        _ => match content.find(':') {
            None => return Some(None),
            Some(colon) => (colon, false),
        },
    };
    let after = &content[colon + 1..];
    if !(after.is_empty() || after.starts_with(' ')) {
        // `a:b` is a plain scalar, unless a later `: ` makes it a key; leave that to the parser.
        return if content.contains(": ") || content.ends_with(':') {
            None
        } else {
            Some(None)
        };
    }
    let key = &content[..colon];
    let simple_key = !key.is_empty()
        && !key.starts_with('-')
        && (key_checked || key.bytes().all(crate::yaml::is_word_byte));
    if !simple_key {
        return None;
    }
    Some(Some((key, after.trim_start_matches(' '))))
}

/// What one pass over a value finds: each question asked of it separately
/// costs a pass (and a searcher's set-up) per line of every document.
struct ValueBytes {
    /// A tab or another control character.
    control: bool,
    /// `: ` or ` #`, which end a plain scalar early.
    breaks_plain: bool,
}

fn scan_value(bytes: &[u8]) -> ValueBytes {
    // Written as folds without early exits, so the compiler vectorizes them.
    let control = bytes.iter().fold(false, |found, &b| found | (b < 0x20));
    // Most values hold neither `:` nor `#`: a vectorized search says so.
    let breaks_plain = memchr::memchr2(b':', b'#', bytes).is_some()
        && bytes
            .windows(2)
            .any(|pair| matches!(pair, [b':', b' '] | [b' ', b'#']));
    ValueBytes {
        control,
        breaks_plain,
    }
}

/// A one-line value, borrowed from the line: most values are never needed
/// as text, only checked, and allocating each one costs more than checking.
#[derive(Debug, PartialEq)]
enum Scalar<'a> {
    Plain(&'a str),
    Quoted(Cow<'a, str>),
    EmptyMap,
    EmptySeq,
}

/// Checks a one-line value; `None` when it is outside the simple subset.
fn check_scalar(value: &str) -> Option<Scalar<'_>> {
    let scanned = scan_value(value.as_bytes());
    if scanned.control {
        return None;
    }
    match value {
        "{}" => return Some(Scalar::EmptyMap),
        "[]" => return Some(Scalar::EmptySeq),
        _ => {}
    }
    if let Some(body) = value.strip_prefix('"') {
        return double_quoted(body).map(Scalar::Quoted);
    }
    if let Some(body) = value.strip_prefix('\'') {
        return single_quoted(body).map(Scalar::Quoted);
    }
    let first = value.as_bytes()[0];
    let indicator = matches!(
        first,
        b'[' | b']'
            | b'{'
            | b'}'
            | b','
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'%'
            | b'@'
            | b'`'
            | b'?'
            | b':'
            | b'-'
    );
    let dash_ok = first == b'-'
        && value.len() > 1
        && value.as_bytes()[1] != b' '
        && !value.starts_with("---");
    if (indicator && !dash_ok)
        || scanned.breaks_plain
        || value.ends_with(':')
        || value.ends_with(' ')
    {
        return None;
    }
    Some(Scalar::Plain(value))
}

/// A double-quoted scalar that closes on this line, with simple escapes only.
fn double_quoted(body: &str) -> Option<Cow<'_, str>> {
    match memchr::memchr2(b'"', b'\\', body.as_bytes())? {
        end if body.as_bytes()[end] == b'"' => {
            trailing_is_empty(&body[end + 1..]).then_some(Cow::Borrowed(&body[..end]))
        }
        _ => double_quoted_with_escapes(body).map(Cow::Owned),
    }
}

fn double_quoted_with_escapes(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return trailing_is_empty(&body[i + 1..]).then_some(out),
            '\\' => match chars.next()?.1 {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '/' => out.push('/'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

/// A single-quoted scalar that closes on this line (`''` is a quote).
fn single_quoted(body: &str) -> Option<Cow<'_, str>> {
    let quote = body.find('\'')?;
    if !body[quote + 1..].starts_with('\'') {
        return trailing_is_empty(&body[quote + 1..]).then_some(Cow::Borrowed(&body[..quote]));
    }
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    loop {
        let quote = rest.find('\'')?;
        out.push_str(&rest[..quote]);
        rest = &rest[quote + 1..];
        if let Some(after) = rest.strip_prefix('\'') {
            out.push('\'');
            rest = after;
        } else {
            return trailing_is_empty(rest).then_some(Cow::Owned(out));
        }
    }
}

fn trailing_is_empty(rest: &str) -> bool {
    rest.trim_start_matches(' ').is_empty()
}

fn is_block_scalar(value: &str) -> bool {
    matches!(value, "|" | "|-" | "|+" | ">" | ">-" | ">+")
}

/// Skips the lines of a literal or folded block under a key at `parent`
/// indentation. Content lines must all be indented at least as the first one.
fn skip_block_scalar<'a>(
    lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>,
    parent: usize,
) -> Option<()> {
    let mut content_indent: Option<usize> = None;
    while let Some(line) = lines.peek() {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() {
            if content_indent.is_some_and(|c| indent > c)
                || (content_indent.is_none() && indent > parent)
            {
                // Spaces beyond the content indentation are content; before the first line they set it.
                return None;
            }
            lines.next();
            continue;
        }
        if indent <= parent {
            return Some(());
        }
        match content_indent {
            None => {
                if trimmed.starts_with('\t') {
                    return None;
                }
                content_indent = Some(indent);
            }
            Some(c) if indent < c => return None,
            Some(_) => {}
        }
        lines.next();
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_and_name_hint_reads_plain_heads_and_gives_up_on_anything_else() {
        let hint = |meta: &str| {
            let doc =
                format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n{meta}data:\n  name: other\n");
            kind_and_name_hint(&doc).map(|(k, n)| format!("{k}/{n}"))
        };
        assert_eq!(
            hint("  labels:\n    name: l\n  name: web\n").as_deref(),
            Some("ConfigMap/web")
        );
        assert_eq!(hint("  name: \"web\"\n"), None);
        assert_eq!(hint("  name: web # comment\n"), None);
        assert_eq!(hint("  name: null\n"), None);
        assert_eq!(
            hint("  name: web\n    continued\n"),
            None,
            "a name over two lines"
        );
        assert_eq!(hint("    name: deeper\n"), None, "metadata indented by 4");
        assert_eq!(
            hint("  labels: {}\n"),
            None,
            "no name: data's name is not it"
        );
        assert_eq!(kind_and_name_hint("kind: A\nmetadata: {name: web}\n"), None);
        assert_eq!(
            kind_and_name_hint("metadata:\n  name: web\nkind: \"A\"\n"),
            None
        );
        assert_eq!(
            kind_and_name_hint("metadata:\n  name: web\nkind: A\n"),
            Some(("A", "web"))
        );
    }

    fn head(api: &str, kind: &str, name: &str) -> Head {
        Head {
            api_version: api.into(),
            kind: kind.into(),
            name: name.into(),
            ..Head::default()
        }
    }

    #[test]
    fn reads_the_head_of_a_plain_manifest() {
        let doc = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: \"prod\"\n  labels:\n    app: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: web\n          image: \"nginx:1.19\"\n          ports:\n            - containerPort: 80\n          args:\n          - --verbose\n          env: []\n";
        let mut expected = head("apps/v1", "Deployment", "web");
        expected.namespace = Some("prod".into());
        assert_eq!(read_head(doc), Some(expected));
    }

    #[test]
    fn reads_hooks_and_literal_blocks() {
        let doc = "kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install\ndata:\n  script: |\n    echo a\n\n    echo b\n  other: 'it''s'\n";
        let found = read_head(doc).unwrap();
        assert_eq!(found.hook.as_deref(), Some("pre-install"));
        assert_eq!(found.name, "j");
    }

    #[test]
    fn leaves_everything_unusual_to_the_full_parser() {
        for doc in [
            "kind: A\nmetadata: {name: x}\n",
            "kind: &a A\n",
            "kind: !!str A\n",
            "kind: A\n\tx: 1\n",
            "kind: A\nspec:\n  x: [1, 2]\n",
            "kind: A\nx: a: b\n",
            "kind: A\nkind: B\n",
            "kind: 5\n",
            "kind: true\n",
            "metadata:\n  name: null\n",
            "- a\n- b\n",
            "just prose\n",
            "  indented: first\n",
            "kind: A\n spec: 1\n",
            "kind: \"unclosed\n",
            "kind: A\nx: |2\n   a\n",
            "---\nkind: A\n",
            "kind: A\nx:\n  - - nested\n",
            "a:\n  b: 1\n c: 2\n",
            "a:\n  - 1\n  b: 2\n",
            "\"quoted key\": 1\n",
            "kind: A\nx: \"a\\x41\"\n",
            "kind: A # comment\n",
            "kind:\n  nested: map\n",
            "metadata:\n  name:\n    - x\n",
        ] {
            assert_eq!(read_head(doc), None, "{doc:?} must go to the full parser");
        }
    }

    #[test]
    fn a_key_without_value_followed_by_a_sibling_is_null() {
        let doc = "kind: A\nmetadata:\n  name: x\n  labels:\n  annotations:\n    helm.sh/hook: test\nspec:\n";
        let found = read_head(doc).unwrap();
        assert_eq!(found.hook.as_deref(), Some("test"));
    }

    #[test]
    fn sequences_may_sit_at_their_key_indentation() {
        let doc = "kind: A\nmetadata:\n  name: x\nitems:\n- a\n- b: 1\n  c: 2\n- |\n";
        assert_eq!(
            read_head(doc),
            None,
            "a block scalar as a list item is left to the parser"
        );
        let doc = "kind: A\nmetadata:\n  name: x\nitems:\n- a\n- b: 1\n  c: 2\nafter: 1\n";
        assert_eq!(read_head(doc).unwrap().name, "x");
    }
}
