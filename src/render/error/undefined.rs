//! Naming what is undefined. minijinja's span for an undefined error covers
//! the failing operation, which may be a filter name (`quote`) or half an
//! attribute chain (`.image.tag`); users need the value they must set.

use minijinja::Value;
use regex::Regex;
use std::sync::LazyLock;

/// Attribute chains on a context object: `values.image.tag`, `values.ports[0].name`.
static CHAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\b(values|release|chart|capabilities|files|template)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\s*(?:"[^"]*"|'[^']*'|\d+)\s*\])+)"#,
    )
    .expect("a valid pattern")
});

/// Any dotted name: a loop variable's chain such as `port.name`.
static ANY_CHAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$").expect("a valid pattern")
});

/// The shortest undefined prefix of a context chain in the failing tag
/// (`values.image` when `values.image.tag` failed because `image` is
/// missing); else the expression the span points into.
pub fn subject(err: &minijinja::Error, context: Option<&Value>) -> Option<String> {
    let (line, span) = failing_line(err)?;
    context
        .and_then(|context| missing_in_tag(line, span.clone(), context))
        .or_else(|| spanned_expression(line, span))
}

/// For any other error: the undefined value in the failing tag, if there is
/// one (`values.nope | list` fails as "cannot convert value to list").
pub fn missing_value(err: &minijinja::Error, context: &Value) -> Option<String> {
    let (line, span) = failing_line(err)?;
    missing_in_tag(line, span, context)
}

/// The source line of the error and the span's byte range within it.
fn failing_line(err: &minijinja::Error) -> Option<(&str, std::ops::Range<usize>)> {
    let source = err.template_source()?;
    let range = err.range()?;
    let start = range.start.min(source.len());
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let span = (start - line_start)..(range.end.clamp(start, line_end) - line_start);
    Some((&source[line_start..line_end], span))
}

/// Only the tag (`{{ ... }}` or `{% ... %}`) that failed: another tag on the
/// line may name a value that is missing on purpose. Chains touching the
/// span first, then the rest of the tag (the value a failing filter was given).
fn missing_in_tag(line: &str, span: std::ops::Range<usize>, context: &Value) -> Option<String> {
    let tag_start = line[..span.start]
        .rfind('{')
        .map_or(0, |i| i.saturating_sub(1));
    let tag_end = line[span.end..]
        .find('}')
        .map_or(line.len(), |i| span.end + i);
    let tag = &line[tag_start..tag_end];
    let span = span.start - tag_start..span.end - tag_start;
    let mut chains: Vec<regex::Captures> = CHAIN.captures_iter(tag).collect();
    chains.sort_by_key(|c| {
        let whole = c.get(0).expect("a match");
        !(whole.start() < span.end && span.start < whole.end())
    });
    chains
        .iter()
        .find_map(|chain| first_missing(context, &chain[1], &chain[2]))
}

/// Walks `root` then `path` (`.a.b[0]`) through the context; the prefix up
/// to the first segment that does not resolve, if any.
fn first_missing(context: &Value, root: &str, path: &str) -> Option<String> {
    let mut current = context.get_attr(root).ok()?;
    let mut walked = root.to_string();
    for segment in segments(path) {
        walked.push_str(&segment.text);
        let next = match &segment.key {
            Key::Name(name) => current.get_attr(name),
            Key::Index(index) => current.get_item(&Value::from(*index)),
            Key::Quoted(key) => current.get_item(&Value::from(key.as_str())),
        };
        match next {
            Ok(value) if !value.is_undefined() => current = value,
            _ => return Some(walked),
        }
    }
    None
}

enum Key {
    Name(String),
    Index(i64),
    Quoted(String),
}

struct Segment {
    /// As written, for the message.
    text: String,
    key: Key,
}

/// One step of a chain: `.name`, `[0]`, `["key"]` or `['key']`.
static SEGMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*(?:"([^"]*)"|'([^']*)'|(\d+))\s*\]"#)
        .expect("a valid pattern")
});

/// The steps of a chain's path, read with the grammar that matched the chain
/// (a quoted key may hold `]` or `.`).
fn segments(path: &str) -> Vec<Segment> {
    SEGMENT
        .captures_iter(path)
        .map(|c| {
            let key = if let Some(name) = c.get(1) {
                Key::Name(name.as_str().to_string())
            } else if let Some(quoted) = c.get(2).or(c.get(3)) {
                Key::Quoted(quoted.as_str().to_string())
            } else {
                let digits = c.get(4).map_or("", |d| d.as_str());
                digits
                    .parse()
                    .map_or_else(|_| Key::Quoted(digits.to_string()), Key::Index)
            };
            Segment {
                text: c[0].to_string(),
                key,
            }
        })
        .collect()
}

/// Without the context: the dotted name the span ends in, or, when the span
/// is a filter (`x | quote`), the expression piped into it.
fn spanned_expression(line: &str, span: std::ops::Range<usize>) -> Option<String> {
    let spanned = line.get(span.clone())?.trim();
    let before = line.get(..span.start)?;
    let is_filter = before.trim_end().ends_with('|');
    let head = if is_filter {
        before.trim_end().trim_end_matches('|').trim_end()
    } else {
        before
    };
    let lead = ANY_CHAIN.find(head).map(|m| m.as_str()).unwrap_or("");
    let text = if is_filter {
        lead.to_string()
    } else if spanned.starts_with('.') || spanned.starts_with('[') {
        format!("{lead}{spanned}")
    } else {
        spanned.to_string()
    };
    Some(text).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_read_names_indexes_and_quoted_keys() {
        let texts =
            |path: &str| -> Vec<String> { segments(path).into_iter().map(|s| s.text).collect() };
        assert_eq!(texts(".a[0][\"b.c\"].d"), [".a", "[0]", "[\"b.c\"]", ".d"]);
        assert_eq!(
            texts("[\"]]\"]"),
            ["[\"]]\"]"],
            "a quoted key may hold brackets"
        );
        assert_eq!(texts("[\"]é]\"].c"), ["[\"]é]\"]", ".c"]);
    }

    #[test]
    fn without_context_the_piped_expression_or_the_whole_chain() {
        let line = "x: {{ port.name | quote }}";
        let quote = line.find("quote").unwrap();
        assert_eq!(
            spanned_expression(line, quote..quote + 5).as_deref(),
            Some("port.name")
        );
        let line = "x: {{ port.name.first }}";
        let attr = line.find(".name").unwrap();
        assert_eq!(
            spanned_expression(line, attr..attr + 11).as_deref(),
            Some("port.name.first")
        );
    }
}
