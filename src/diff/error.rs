//! Why two manifests could not be compared.

use crate::manifest::ManifestError;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    /// A document of one side could not be read. Its snippet is already
    /// gone when the document may hold a Secret and secrets are hidden.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// One side holds one resource twice.
    #[error(
        "{file}:{line}: two documents are the same resource ({resource}); a manifest holds each resource once"
    )]
    DuplicateResource {
        /// The side's name (a file, `revision 3`, `the new render`).
        file: String,
        line: usize,
        /// `apiVersion Kind namespace/name`.
        resource: String,
    },
}

impl DiffError {
    /// The name of the side the error is in.
    pub fn side(&self) -> &str {
        match self {
            DiffError::Manifest(error) => &error.file,
            DiffError::DuplicateResource { file, .. } => file,
        }
    }
}
