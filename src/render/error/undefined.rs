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

/// The shortest undefined prefix of a context chain on the failing line
/// (`values.image` when `values.image.tag` failed because `image` is
/// missing); else the expression the span points into.
pub fn subject(err: &minijinja::Error, context: Option<&Value>) -> Option<String> {
    let source = err.template_source()?;
    let range = err.range()?;
    let line_start = source[..range.start.min(source.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = source[range.start.min(source.len())..]
        .find('\n')
        .map_or(source.len(), |i| range.start + i);
    let line = &source[line_start..line_end];
    let span = (range.start - line_start)..(range.end.min(line_end) - line_start);

    if let Some(context) = context {
        // Chains touching the span first, then the rest of the line.
        let mut chains: Vec<regex::Captures> = CHAIN.captures_iter(line).collect();
        chains.sort_by_key(|c| {
            let whole = c.get(0).expect("a match");
            !(whole.start() < span.end && span.start < whole.end())
        });
        for chain in chains {
            if let Some(missing) = first_missing(context, &chain[1], &chain[2]) {
                return Some(missing);
            }
        }
    }
    spanned_expression(line, span)
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

fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after_dot) = rest.strip_prefix('.') {
            let end = after_dot.find(['.', '[']).unwrap_or(after_dot.len());
            out.push(Segment {
                text: format!(".{}", &after_dot[..end]),
                key: Key::Name(after_dot[..end].to_string()),
            });
            rest = &after_dot[end..];
        } else if let Some(close) = rest.find(']') {
            let inner = rest[1..close].trim();
            let key = match inner.parse::<i64>() {
                Ok(index) => Key::Index(index),
                Err(_) => Key::Quoted(inner.trim_matches(['"', '\'']).to_string()),
            };
            out.push(Segment {
                text: rest[..=close].to_string(),
                key,
            });
            rest = &rest[close + 1..];
        } else {
            break;
        }
    }
    out
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
        let texts: Vec<String> = segments(".a[0][\"b.c\"].d")
            .into_iter()
            .map(|s| s.text)
            .collect();
        assert_eq!(texts, [".a", "[0]", "[\"b.c\"]", ".d"]);
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
