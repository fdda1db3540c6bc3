//! Errors in rendered or stored manifests: a document that is not valid
//! YAML, or not a Kubernetes object.

use std::fmt;

/// What is wrong with a manifest document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ManifestErrorKind {
    /// The text is not valid YAML.
    InvalidYaml,
    /// The document is valid YAML but not a mapping (a Kubernetes object).
    NotAnObject,
}

/// A broken document, naming the file (a template, or a manifest file) and
/// showing the lines around the problem.
///
/// The snippet quotes the manifest itself, which can hold a Secret's
/// values: callers that must not show them drop it with [`ManifestError::without_snippet`].
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestError {
    pub kind: ManifestErrorKind,
    /// The template's path as a user opens it, or the manifest's name.
    pub file: String,
    /// The 1-based line of the output (or the manifest) where the problem is.
    pub line: usize,
    pub message: String,
    /// The lines around the problem, marked; `None` once hidden.
    pub snippet: Option<String>,
    /// The document is a template's output (`line` counts output lines),
    /// not a manifest file's (`line` is the file's own).
    pub from_template: bool,
}

impl ManifestError {
    pub fn kind(&self) -> ManifestErrorKind {
        self.kind
    }

    /// The same error without the quoted lines.
    pub fn without_snippet(mut self) -> ManifestError {
        self.snippet = None;
        self
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ManifestErrorKind::InvalidYaml => "not valid YAML",
            ManifestErrorKind::NotAnObject => "not a Kubernetes object",
        };
        if self.from_template {
            write!(
                f,
                "{}: the rendered output is {what} at line {} of the output: {}",
                self.file, self.line, self.message
            )?;
        } else {
            write!(f, "{}:{}: {what}: {}", self.file, self.line, self.message)?;
        }
        if let Some(snippet) = &self.snippet {
            write!(f, "\n{snippet}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ManifestError {}
