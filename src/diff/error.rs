//! Why two manifests could not be compared.

use crate::manifest::ManifestError;

/// Which of the two manifests an error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffSide {
    Old,
    New,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    /// A document of one side could not be read. Its snippet is already
    /// gone when the document may hold a Secret and secrets are hidden.
    #[error("{error}")]
    Manifest {
        side: DiffSide,
        error: ManifestError,
    },
    /// One side holds one resource twice.
    #[error(
        "{file}:{line}: two documents are the same resource ({resource}{}); a manifest holds each resource once",
        other_line.map(|other| format!(", also at line {other}")).unwrap_or_default()
    )]
    DuplicateResource {
        side: DiffSide,
        /// The side's name (a file, `revision 3`, `the new render`).
        file: String,
        /// Where one copy starts, and the other when known.
        line: usize,
        other_line: Option<usize>,
        /// `apiVersion Kind namespace/name`.
        resource: String,
    },
}

impl DiffError {
    /// The side the error is in.
    pub fn side(&self) -> DiffSide {
        match self {
            DiffError::Manifest { side, .. } | DiffError::DuplicateResource { side, .. } => *side,
        }
    }
}
