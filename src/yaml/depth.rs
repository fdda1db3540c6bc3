//! A cheap pre-check of how deep flow collections nest, before the YAML
//! scanner sees the text.

use super::YamlError;

/// Flow collections nested deeper than this are refused before parsing: the
/// YAML scanner's cost grows with the square of the depth (100,000 levels
/// take minutes), and the parser refuses anything past 128 levels anyway.
const MAX_FLOW_DEPTH: usize = 10_000;

/// Counts how deep flow collections (`[...]`, `{...}`) nest, the way the
/// scanner will see them: a bracket opens one only where a value starts
/// (after indentation and `- `, after `key: `, or inside another), never
/// inside quotes, comments or the text of a block scalar.
pub fn check_flow_depth(text: &str) -> Result<(), YamlError> {
    let mut depth = 0usize;
    for (number, line) in text.lines().enumerate() {
        let bytes = line.as_bytes();
        // A line starting at column 0 with anything but a bracket is block
        // content: any flow collection before it is over (or was never one).
        if bytes.first().is_some_and(|b| !b" []{}".contains(b)) {
            depth = 0;
        }
        let mut i = if depth > 0 {
            0
        } else {
            match flow_value_start(line) {
                Some(start) => start,
                None => continue,
            }
        };
        while i < bytes.len() {
            match bytes[i] {
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Err(YamlError {
                            message: format!(
                                "collections are nested more than {MAX_FLOW_DEPTH} levels deep"
                            ),
                            line: Some(number + 1),
                            column: Some(line[..i].chars().count() + 1),
                        });
                    }
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                b'#' if i == 0 || bytes[i - 1] == b' ' => break,
                quote @ (b'"' | b'\'') if starts_scalar(bytes, i) => {
                    i = closing_quote(bytes, i, quote);
                }
                _ => {}
            }
            i += 1;
        }
    }
    Ok(())
}

/// Where a flow collection starts on a block line, if one does: the value
/// after indentation and `- ` markers, or after the first `key: `.
fn flow_value_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut i = 0;
    loop {
        while bytes.get(i) == Some(&b' ') {
            i += 1;
        }
        if bytes.get(i) == Some(&b'-') && matches!(bytes.get(i + 1), Some(b' ') | None) {
            i += 1;
        } else {
            break;
        }
    }
    if matches!(bytes.get(i), Some(b'[' | b'{')) {
        return Some(i);
    }
    if matches!(bytes.get(i), Some(b'#' | b'"' | b'\'' | b'|' | b'>') | None) {
        return None;
    }
    let colon = line[i..].find(": ")? + i + 2;
    let value = colon + line[colon..].len() - line[colon..].trim_start_matches(' ').len();
    matches!(bytes.get(value), Some(b'[' | b'{')).then_some(value)
}

/// A quote begins a quoted scalar only where a scalar may start.
fn starts_scalar(bytes: &[u8], at: usize) -> bool {
    bytes[..at]
        .iter()
        .rev()
        .find(|b| **b != b' ')
        .is_none_or(|b| b"[{,:".contains(b))
}

/// The index of the quote closing the one at `open` (or the line's end).
fn closing_quote(bytes: &[u8], open: usize, quote: u8) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 1,
            b if b == quote => {
                if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 1;
                } else {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}
