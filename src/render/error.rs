//! Render errors that name the file, the line and what went wrong, with the
//! line of the template shown under it.

use minijinja::ErrorKind;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct RenderError {
    /// The template's path as a user opens it (`charts/app/templates/deployment.yaml`).
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
    /// The offending source line with a marker, when known.
    pub snippet: Option<String>,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message)?,
            None => write!(f, "{}: {}", self.file, self.message)?,
        }
        if let Some(snippet) = &self.snippet {
            write!(f, "\n{snippet}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RenderError {}

/// The fuel budget of one template render: far above any real chart (the
/// 5,000-app fleet uses a few million), low enough that a runaway loop ends in seconds.
pub const FUEL_PER_TEMPLATE: u64 = 200_000_000;

impl RenderError {
    /// Converts a minijinja error; `file_of` maps a template name to its path.
    pub fn from_minijinja(err: &minijinja::Error, file_of: &dyn Fn(&str) -> String) -> RenderError {
        let name = err.name().unwrap_or("<template>");
        let file = if name.starts_with("tpl in ") {
            name.to_string()
        } else {
            file_of(name)
        };
        let expression = expression_text(err);
        let detail = err.detail().map(str::to_string);
        let message = match err.kind() {
            ErrorKind::UndefinedError => {
                let what = expression
                    .map(|e| format!("`{e}` is undefined"))
                    .unwrap_or_else(|| "a value is undefined".to_string());
                let extra = detail.map(|d| format!(" ({d})")).unwrap_or_default();
                format!(
                    "{what}{extra}; set it in values, or make it optional with `| default(...)` or `is defined`"
                )
            }
            ErrorKind::OutOfFuel => format!(
                "the template ran more than {FUEL_PER_TEMPLATE} steps and was stopped; is there a runaway loop?"
            ),
            ErrorKind::SyntaxError => format!("syntax error: {}", detail.unwrap_or_default()),
            _ => {
                let mut message = detail.unwrap_or_else(|| err.kind().to_string());
                let mut source = std::error::Error::source(err);
                while let Some(inner) = source {
                    if let Some(inner) = inner.downcast_ref::<minijinja::Error>() {
                        if let (Some(n), Some(l)) = (inner.name(), inner.line()) {
                            message.push_str(&format!(" (at {}:{l})", n));
                        }
                    }
                    source = inner.source();
                }
                message
            }
        };
        RenderError {
            file,
            line: err.line(),
            message,
            snippet: snippet(err),
        }
    }
}

/// The source text of the failing expression, from the error's span.
fn expression_text(err: &minijinja::Error) -> Option<String> {
    let source = err.template_source()?;
    let range = err.range()?;
    source.get(range).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The failing line with carets under the failing span.
fn snippet(err: &minijinja::Error) -> Option<String> {
    let source = err.template_source()?;
    let line_no = err.line()?;
    let line = source.lines().nth(line_no.checked_sub(1)?)?;
    let gutter = format!("{line_no:>4} | ");
    let mut out = format!("{gutter}{line}");
    if let Some(range) = err.range() {
        let line_start: usize = source
            .lines()
            .take(line_no - 1)
            .map(|l| l.len() + 1)
            .sum();
        if range.start >= line_start && range.start <= line_start + line.len() {
            let column = line[..range.start - line_start].chars().count();
            let width = source
                .get(range.clone())
                .map(|s| s.lines().next().unwrap_or("").chars().count())
                .unwrap_or(1)
                .max(1);
            out.push_str(&format!("\n{}{}{}", " ".repeat(gutter.len()), " ".repeat(column), "^".repeat(width)));
        }
    }
    Some(out)
}
