//! Rows shown to people and scripts: a table of left-aligned columns, or
//! the same rows as JSON or YAML objects (`history`, `list`,
//! `dependency list`).

use serde_json::Value;

/// How a listing prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
    Yaml,
}

/// The rows as `format` asks: a table of `header` and `rows`, or the JSON
/// or YAML list of `objects`.
pub fn formatted<I: Iterator<Item = Value>>(
    format: Format,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    objects: impl Fn() -> I,
) -> String {
    match format {
        Format::Json => {
            serde_json::to_string_pretty(&objects().collect::<Vec<_>>()).expect("JSON") + "\n"
        }
        Format::Yaml => crate::yaml::to_yaml(&Value::Array(objects().collect())),
        Format::Table => table(header, rows),
    }
}

/// How wide a table cell may grow before it is cut (a description can be anything).
const MAX_CELL: usize = 80;

/// Left-aligned columns separated by two spaces, header first. Control
/// characters are shown escaped, so a cell cannot fake a line of its own.
pub fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = std::iter::once(header.iter().map(|h| h.to_string()).collect())
        .chain(rows)
        .map(|row| row.iter().map(|cell| table_cell(cell)).collect())
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            line.push_str(cell);
            let pad = width - cell.chars().count() + 2;
            line.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A cell as shown: control characters escaped, cut past [`MAX_CELL`].
pub fn table_cell(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    match escaped.char_indices().nth(MAX_CELL) {
        Some((cut, _)) => format!("{}...", &escaped[..cut]),
        None => escaped,
    }
}
