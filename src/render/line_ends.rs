//! Which block tags may eat the newline after them.
//!
//! kinja renders with `trim_blocks`, so a line holding only block tags
//! (`{% if x %}`, `{% endfor %}`) leaves nothing behind. But a block tag
//! that ends a line *after other content* must keep the newline:
//! `a: {% if x %}on{% endif %}` followed by `b: 2` must stay two lines, as
//! its Go twin renders them. The rule: a block tag trims the newline after
//! it only when the line it ends holds nothing but block tags, comments and
//! whitespace (comments follow the same rule). Other tags are given
//! minijinja's `+%}` or `+#}` (keep the newline)
//! before compiling; nothing moves to another line, so line numbers in
//! errors stay exact.

use std::borrow::Cow;

/// The template source with `+` added before the `%}` (or `#}`) of every
/// block tag (or comment) that ends a line holding other content.
pub fn keep_line_ends(source: &str) -> Cow<'_, str> {
    let bytes = source.as_bytes();
    let mut inserts = Vec::new();
    // Whether the current line holds text or an expression so far.
    let mut content_on_line = false;
    let mut at = 0;
    while let Some(found) = find_tag(bytes, at) {
        let before = &bytes[at..found];
        if bytes.get(found + 2) == Some(&b'-') {
            // `{%-` eats the whitespace before it, line breaks included: the
            // tag joins the line of the last text before it.
            note_text(before.trim_ascii_end(), &mut content_on_line);
        } else {
            note_text(before, &mut content_on_line);
        }
        let Some(end) = tag_end(bytes, found) else {
            break; // An unclosed tag: the compiler reports it.
        };
        // A tag spanning lines belongs to the line it starts on.
        match bytes[found + 1] {
            b'{' => content_on_line = true,
            b'#' => check_block_end(bytes, end, content_on_line, &mut inserts),
            _ => {
                check_block_end(bytes, end, content_on_line, &mut inserts);
                if is_raw(&source[found + 2..end - 2]) {
                    let Some(raw_end) = end_of_raw(source, end) else {
                        break;
                    };
                    // The raw text is text; the closing tag acts as a block tag.
                    let closing_start = source[..raw_end].rfind("{%").unwrap_or(end);
                    note_text(&bytes[end..closing_start], &mut content_on_line);
                    check_block_end(bytes, raw_end, content_on_line, &mut inserts);
                    at = raw_end;
                    continue;
                }
            }
        }
        at = end;
    }
    if inserts.is_empty() {
        return Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len() + inserts.len());
    let mut from = 0;
    for at in inserts {
        out.push_str(&source[from..at]);
        out.push('+');
        from = at;
    }
    out.push_str(&source[from..]);
    Cow::Owned(out)
}

/// After a block tag ending at `end`: if a line break follows, the tag has no
/// whitespace mark of its own, and the line held content, mark where `+` goes.
fn check_block_end(bytes: &[u8], end: usize, content_on_line: bool, inserts: &mut Vec<usize>) {
    let breaks_line = matches!(bytes.get(end), Some(b'\n'))
        || (bytes.get(end) == Some(&b'\r') && bytes.get(end + 1) == Some(&b'\n'));
    let marked = matches!(bytes[end - 3], b'-' | b'+');
    if breaks_line && content_on_line && !marked {
        inserts.push(end - 2);
    }
}

/// Text between tags: a line break starts a new line; anything but
/// whitespace after the last one is content.
fn note_text(text: &[u8], content_on_line: &mut bool) {
    let tail = match text.iter().rposition(|&b| b == b'\n') {
        Some(newline) => {
            *content_on_line = false;
            &text[newline + 1..]
        }
        None => text,
    };
    if tail.iter().any(|b| !b.is_ascii_whitespace()) {
        *content_on_line = true;
    }
}

/// The next `{{`, `{%` or `{#` at or after `from`.
pub(super) fn find_tag(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while at + 1 < bytes.len() {
        if bytes[at] == b'{' && matches!(bytes[at + 1], b'{' | b'%' | b'#') {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// The index just past the tag starting at `start`; quoted strings inside
/// `{{ }}` and `{% %}` may hold the closing characters.
pub(super) fn tag_end(bytes: &[u8], start: usize) -> Option<usize> {
    let close = match bytes[start + 1] {
        b'{' => b'}',
        b'%' => b'%',
        _ => b'#',
    };
    let mut at = start + 2;
    let mut quote = None;
    while at < bytes.len() {
        let b = bytes[at];
        match quote {
            Some(_) if b == b'\\' => at += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if close != b'#' && (b == b'"' || b == b'\'') => quote = Some(b),
            None if b == close && bytes.get(at + 1) == Some(&b'}') => return Some(at + 2),
            None => {}
        }
        at += 1;
    }
    None
}

/// Whether a block tag's body (between `{%` and `%}`) is `raw`.
pub(super) fn is_raw(body: &str) -> bool {
    body.trim_matches(|c: char| c == '-' || c == '+' || c.is_ascii_whitespace()) == "raw"
}

/// The index just past the `{% endraw %}` closing a raw block that starts at `from`.
pub(super) fn end_of_raw(source: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(offset) = source[at..].find("{%") {
        let start = at + offset;
        let end = start + source[start..].find("%}")? + 2;
        let body = &source[start + 2..end - 2];
        if body.trim_matches(|c: char| c == '-' || c == '+' || c.is_ascii_whitespace()) == "endraw"
        {
            return Some(end);
        }
        at = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::keep_line_ends;

    #[test]
    fn a_tag_ending_a_line_after_content_keeps_the_newline() {
        assert_eq!(
            keep_line_ends("a: {% if x %}on{% endif %}\nb: 2\n"),
            "a: {% if x %}on{% endif +%}\nb: 2\n"
        );
        assert_eq!(
            keep_line_ends("x: {{ v }}{% endfor %}\r\n"),
            "x: {{ v }}{% endfor +%}\r\n"
        );
        assert_eq!(
            keep_line_ends("{% if a %}\nx: 1{% endif %}\n"),
            "{% if a %}\nx: 1{% endif +%}\n"
        );
    }

    #[test]
    fn a_line_of_only_block_tags_still_trims() {
        for source in [
            "{% if x %}\na: 1\n{% endif %}\n",
            "  {% for a in b %}{% if a %}\n",
            "{# note #}{% set y = 1 %}\n",
            "{% set s = \"%}\" %}\n",
            "a: {% if x %}on{% endif -%}\n",
            "a: {% if x %}on{% endif +%}\n",
            "a: {% if x %}on{% endif %}b\n",
            "{% raw %}{% endraw %}\n",
        ] {
            assert_eq!(keep_line_ends(source), source, "{source}");
        }
    }

    #[test]
    fn a_left_trimming_tag_joins_the_line_before_it() {
        // `{%-` pulls the tag up to `a: 1`'s line, so the tag ends a line
        // holding content and must keep its newline (Go renders two lines).
        assert_eq!(
            keep_line_ends("a: 1\n{%- if x %}\nb: 2\n{%- endif %}\n"),
            "a: 1\n{%- if x +%}\nb: 2\n{%- endif +%}\n"
        );
        assert_eq!(
            keep_line_ends("{% if x %}\n{%- endif %}\n"),
            "{% if x %}\n{%- endif %}\n"
        );
    }

    #[test]
    fn strings_comments_raw_and_multiline_tags_are_read_whole() {
        assert_eq!(
            keep_line_ends("a: {{ \"}}\" }}{% endif %}\n"),
            "a: {{ \"}}\" }}{% endif +%}\n"
        );
        assert_eq!(
            keep_line_ends("{% raw %}a: {% x %}{% endraw %}\n"),
            "{% raw %}a: {% x %}{% endraw +%}\n"
        );
        assert_eq!(
            keep_line_ends("a: 1\n{% set m = {\n  'k': 1} %}\n"),
            "a: 1\n{% set m = {\n  'k': 1} %}\n"
        );
        assert_eq!(
            keep_line_ends("a: {% set m = {\n'k': 1} %}\nb: 2\n"),
            "a: {% set m = {\n'k': 1} +%}\nb: 2\n"
        );
        assert_eq!(
            keep_line_ends("a: {% raw %}\nx{% endraw %}\n"),
            "a: {% raw +%}\nx{% endraw +%}\n"
        );
        assert_eq!(keep_line_ends("a: {{ unclosed\n"), "a: {{ unclosed\n");
        assert_eq!(
            keep_line_ends("a: 1 {# c #}\nb: 2\n"),
            "a: 1 {# c +#}\nb: 2\n"
        );
    }
}
