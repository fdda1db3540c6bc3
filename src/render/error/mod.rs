//! Render errors that name the file, the line and what went wrong, with the
//! line of the template shown under it.

mod hints;
mod undefined;

use minijinja::ErrorKind;
use std::fmt;

/// What went wrong in a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RenderErrorKind {
    /// The template does not parse.
    Syntax,
    /// A value the template needs is undefined.
    Undefined,
    /// The template ran out of fuel (a runaway loop).
    OutOfFuel,
    /// The template would produce more text than a render may.
    TooLarge,
    /// Anything else a template or a filter reports (`fail`, `required`, a bad argument).
    Failed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RenderError {
    pub kind: RenderErrorKind,
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

impl RenderError {
    pub fn kind(&self) -> RenderErrorKind {
        self.kind
    }

    /// The render's output passed its limit in `file` (the renderer's
    /// capped output is the one writer that fails, outside any template's place).
    pub fn too_large(file: String) -> RenderError {
        RenderError {
            kind: RenderErrorKind::TooLarge,
            file,
            line: None,
            message: format!(
                "the rendered output passed {} MiB, more than a render may produce, and the render was stopped; is there a runaway loop?",
                super::MAX_OUTPUT_BYTES >> 20
            ),
            snippet: None,
        }
    }
}

/// The fuel budget of one template render: far above any real chart (the
/// 5,000-app fleet uses a few million), low enough that a runaway loop ends in seconds.
pub const FUEL_PER_TEMPLATE: u64 = 200_000_000;

impl RenderError {
    /// Converts a minijinja error; `file_of` maps a template name to its path.
    /// An error raised inside an imported or included template is reported
    /// where it happened, with the place that led there.
    /// `context` is what the template saw, used to name the part of an
    /// undefined expression that is missing.
    pub fn from_minijinja(
        outer: &minijinja::Error,
        file_of: &dyn Fn(&str) -> String,
        context: Option<&minijinja::Value>,
    ) -> RenderError {
        let err = innermost(outer);
        let place = |e: &minijinja::Error| {
            let name = e.name().unwrap_or("<template>");
            if name.starts_with(super::helm_compat::TPL_NAME_PREFIX) {
                name.to_string()
            } else {
                file_of(name)
            }
        };
        let mut message = match err.kind() {
            ErrorKind::UndefinedError => {
                hints::undefined(undefined::subject(err, context).as_deref(), context)
            }
            ErrorKind::UnknownFilter | ErrorKind::UnknownFunction => {
                let detail = err.detail().unwrap_or_default();
                let name = detail
                    .trim_start_matches("filter ")
                    .trim_end_matches(" is unknown");
                let kind = if err.kind() == ErrorKind::UnknownFilter {
                    hints::Callable::Filter
                } else {
                    hints::Callable::Function
                };
                hints::unknown(kind, name)
            }
            ErrorKind::OutOfFuel => format!(
                "the template ran more than {FUEL_PER_TEMPLATE} steps and was stopped; is there a runaway loop?"
            ),
            ErrorKind::SyntaxError => format!("syntax error: {}", err.detail().unwrap_or_default()),
            kind => {
                let detail = err
                    .detail()
                    .map_or_else(|| kind.to_string(), str::to_string);
                match context.and_then(|c| undefined::missing_value(err, c)) {
                    Some(missing) => format!("{detail} (`{missing}` is undefined)"),
                    None => detail,
                }
            }
        };
        if !std::ptr::eq(err, outer)
            && let Some(line) = outer.line()
        {
            message.push_str(&format!(" (reached from {}:{line})", place(outer)));
        }
        let kind = match err.kind() {
            ErrorKind::SyntaxError => RenderErrorKind::Syntax,
            ErrorKind::UndefinedError => RenderErrorKind::Undefined,
            ErrorKind::OutOfFuel => RenderErrorKind::OutOfFuel,
            _ => RenderErrorKind::Failed,
        };
        RenderError {
            kind,
            file: place(err),
            line: err.line(),
            message,
            snippet: snippet(err),
        }
    }
}

/// The deepest minijinja error in a chain (an include inside an import
/// inside a template) that knows its place; a filter's own error has none,
/// and the template line that called the filter is the one to show.
fn innermost(err: &minijinja::Error) -> &minijinja::Error {
    let mut deepest = err;
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        if let Some(inner) = inner.downcast_ref::<minijinja::Error>()
            && inner.line().is_some()
        {
            deepest = inner;
        }
        source = inner.source();
    }
    deepest
}

/// How much of a long line a snippet shows around the failing span.
const SNIPPET_WIDTH: usize = 120;

/// The failing line with carets under the failing span; a long line (a
/// minified JSON blob) is cut to a window around the span.
fn snippet(err: &minijinja::Error) -> Option<String> {
    let source = err.template_source()?;
    let line_no = err.line()?;
    let line = source.lines().nth(line_no.checked_sub(1)?)?;
    let chars: Vec<char> = line.chars().collect();
    let line_start: usize = source.lines().take(line_no - 1).map(|l| l.len() + 1).sum();
    // The span as a character column and width on this line, when it is on it.
    let span = err.range().and_then(|range| {
        let offset = range.start.checked_sub(line_start)?;
        let column = line.get(..offset)?.chars().count();
        let width = source
            .get(range.clone())
            .map(|s| s.lines().next().unwrap_or("").chars().count())
            .unwrap_or(1)
            .max(1);
        Some((column, width))
    });
    let (first, last) = match span {
        _ if chars.len() <= SNIPPET_WIDTH => (0, chars.len()),
        Some((column, _)) => {
            let first = column.saturating_sub(SNIPPET_WIDTH / 3);
            (first, (first + SNIPPET_WIDTH).min(chars.len()))
        }
        None => (0, SNIPPET_WIDTH),
    };
    let lead = if first > 0 { "..." } else { "" };
    let tail = if last < chars.len() { "..." } else { "" };
    let shown: String = chars[first..last].iter().collect();
    let gutter = format!("{line_no:>4} | ");
    let mut out = format!("{gutter}{lead}{shown}{tail}");
    if let Some((column, width)) = span {
        let column = column.saturating_sub(first) + lead.len();
        let width = width.min(last.saturating_sub(first).max(1));
        out.push_str(&format!(
            "\n{}{}{}",
            " ".repeat(gutter.len()),
            " ".repeat(column),
            "^".repeat(width)
        ));
    }
    Some(out)
}
