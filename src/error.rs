//! The one error type the CLI prints: each module's error, wrapped. Every
//! module has its own error type whose variants (or `kind`) tell a caller
//! what went wrong without reading its text; this type only gathers them.
//! It sits above the modules it wraps: none of them returns it, except the
//! ones that run several stages (`pipeline`, `release`) and the CLI.

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Chart(#[from] crate::chart::ChartError),
    #[error(transparent)]
    Values(#[from] crate::values::ValuesError),
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    /// Rendered output that is not a valid manifest.
    #[error(transparent)]
    Manifest(#[from] crate::manifest::ManifestError),
    #[error(transparent)]
    Diff(#[from] crate::diff::DiffError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Release(#[from] crate::release::ReleaseError),
    #[error(transparent)]
    Dependency(#[from] crate::dependency::DependencyError),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    /// A file the user named (`diff files`) that could not be read.
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
    /// A release name or namespace that breaks Kubernetes' rules.
    #[error(transparent)]
    Name(#[from] crate::names::NameError),
    /// A render that `--validate` found mistakes in (the lint's text).
    #[error("{0}")]
    Invalid(String),
    /// A combination of command-line arguments that cannot work together.
    #[error("{0}")]
    Usage(String),
    /// A file (or standard input or output) that could not be read or written.
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
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
