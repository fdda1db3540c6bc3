//! The one error type the CLI prints: each stage's error, wrapped.

use crate::values::SchemaViolation;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Chart(#[from] crate::chart::ChartError),
    #[error(transparent)]
    Values(#[from] crate::values::ValuesError),
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    #[error(transparent)]
    Store(#[from] crate::release::StoreError),
    #[error("{}", schema_message(chart, schema_path, violations))]
    Schema {
        chart: String,
        schema_path: String,
        violations: Vec<SchemaViolation>,
    },
    #[error("{schema_path}: not a usable JSON Schema: {message}")]
    BadSchema {
        schema_path: String,
        message: String,
    },
    /// A wrong argument or combination of arguments.
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
}

fn schema_message(chart: &str, schema_path: &str, violations: &[SchemaViolation]) -> String {
    let mut message = format!("values don't meet the schema of chart {chart} ({schema_path}):");
    for violation in violations {
        message.push_str(&format!("\n- {violation}"));
    }
    message
}

impl Error {
    pub fn io(path: &std::path::Path, error: &std::io::Error) -> Error {
        Error::Io {
            path: path.display().to_string(),
            reason: crate::values::io_reason(error),
        }
    }
}

/// Text quoted in an error message, cut after `max_chars` characters (a
/// megabyte on one line, or a huge `--set-json` argument, is not worth
/// printing back).
pub fn shortened(text: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => {
            format!("{}... ({} characters)", &text[..cut], text.chars().count()).into()
        }
        None => text.into(),
    }
}
