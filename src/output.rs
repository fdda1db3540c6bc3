//! Writing a render out: `--show-only` selection, stdout text, `--output-dir`;
//! and how every file kinja writes for the user is replaced whole.

use crate::manifest::{Document, Manifest};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    #[error("--show-only {pattern:?} is not a valid pattern: {reason}")]
    InvalidPattern { pattern: String, reason: String },
    #[error(
        "could not find template {pattern} in chart (--show-only takes a path inside the chart, like templates/service.yaml)"
    )]
    NoSuchTemplate { pattern: String },
    #[error(
        "{pattern} rendered nothing with these values: {} in the chart, but wrote only empty documents (check the conditions it renders under)",
        match templates.as_str() {
            same if same == pattern => "the template is".to_string(),
            many if many.contains(", ") => format!("{many} are"),
            one => format!("{one} is"),
        }
    )]
    RenderedNothing { pattern: String, templates: String },
    #[error(
        "{path} renders no documents of its own: a partial (`_` file) holds macros other templates import, and NOTES.txt is printed with --include-notes"
    )]
    NotADocumentTemplate { path: String },
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
}

fn io_error(path: &Path, e: &std::io::Error) -> OutputError {
    OutputError::Io {
        path: path.display().to_string(),
        reason: crate::input::io_reason(e),
    }
}

/// Writes `bytes` beside `file`, then renames it over: a reader never
/// sees half a file, and the new one gets the usual permissions (the
/// umask's), as a plain write would.
pub fn replace_file(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{}", std::process::id()));
    let temporary = file.with_file_name(name);
    let result = std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, file));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// The documents `--show-only` keeps, pattern by pattern, in install order
/// within each. Patterns are paths inside the chart (`templates/service.yaml`)
/// and may use globs; a pattern that matches nothing is an error, as in Helm.
pub fn select<'m>(
    manifest: &'m Manifest,
    chart_name: &str,
    template_names: &[&str],
    patterns: &[String],
) -> Result<Vec<&'m Document>, OutputError> {
    if patterns.is_empty() {
        return Ok(manifest.documents().collect());
    }
    let mut selected = Vec::new();
    for pattern in patterns {
        let matcher = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| OutputError::InvalidPattern {
                pattern: pattern.clone(),
                reason: e.kind().to_string(),
            })?
            .compile_matcher();
        let before = selected.len();
        selected.extend(manifest.documents().filter(|d| {
            let inside_chart = d
                .source
                .strip_prefix(chart_name)
                .and_then(|p| p.strip_prefix('/'))
                .unwrap_or(&d.source);
            matcher.is_match(inside_chart)
        }));
        if selected.len() == before {
            // A template that exists but wrote nothing is not "not found".
            let existing: Vec<String> = template_names
                .iter()
                .map(|name| format!("templates/{name}"))
                .filter(|path| matcher.is_match(path))
                .collect();
            let unrendered = |path: &String| {
                let file = path.rsplit('/').next().unwrap_or(path);
                file.starts_with('_') || file.ends_with("NOTES.txt")
            };
            if let Some(path) = existing.iter().find(|p| unrendered(p))
                && existing.iter().all(unrendered)
            {
                return Err(OutputError::NotADocumentTemplate { path: path.clone() });
            }
            if !existing.is_empty() {
                return Err(OutputError::RenderedNothing {
                    pattern: pattern.clone(),
                    templates: existing.join(", "),
                });
            }
            return Err(OutputError::NoSuchTemplate {
                pattern: pattern.clone(),
            });
        }
    }
    Ok(selected)
}

/// The text to print: documents in Helm's format, then the notes as a last
/// document when asked for.
pub fn to_text(documents: &[&Document], notes: Option<(&str, &str)>) -> String {
    let mut out = Vec::with_capacity(documents.iter().map(|d| d.text.len() + 64).sum());
    write_text(&mut out, documents, notes).expect("writing to memory does not fail");
    String::from_utf8(out).expect("documents are text")
}

/// [`to_text`], written to `out` as it goes (a render of thousands of
/// documents is never held twice), in large writes.
pub fn write_text(
    out: &mut dyn std::io::Write,
    documents: &[&Document],
    notes: Option<(&str, &str)>,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    for document in documents {
        document.write_io(&mut out)?;
    }
    if let Some((source, text)) = notes {
        crate::manifest::write_in_output_format(&mut out, source, text.trim_end())?;
    }
    out.flush()
}

/// Writes each document under `dir/CHART/templates/FILE`, documents of one
/// template appended to one file, as `helm template --output-dir` does, and
/// the notes (source path, text) as a file of their own when given.
/// Returns the files written, in the order first written.
pub fn write_dir(
    documents: &[&Document],
    notes: Option<(&str, &str)>,
    dir: &Path,
) -> Result<Vec<PathBuf>, OutputError> {
    let mut contents: Vec<(PathBuf, String)> = Vec::new();
    for document in documents {
        let path = dir.join(&document.source);
        let index = match contents.iter().position(|(p, _)| *p == path) {
            Some(index) => index,
            None => {
                contents.push((path, String::new()));
                contents.len() - 1
            }
        };
        document.write_to(&mut contents[index].1);
    }
    if let Some((source, text)) = notes {
        contents.push((dir.join(source), format!("{}\n", text.trim_end())));
    }
    for (path, text) in &contents {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        }
        std::fs::write(path, text).map_err(|e| io_error(path, &e))?;
    }
    Ok(contents.into_iter().map(|(path, _)| path).collect())
}
