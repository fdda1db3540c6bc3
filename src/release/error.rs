//! The rules of releases that a command can break: installing a name that
//! is taken, upgrading a release that does not exist, rolling back with no
//! earlier revision.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReleaseError {
    /// `install` of a name that has a history (Helm: "cannot re-use a name
    /// that is still in use").
    #[error(
        "release {name:?} already exists in namespace {namespace:?} (revision {revision}); upgrade it with `kinja upgrade`, or delete its history with `kinja uninstall`"
    )]
    NameInUse {
        namespace: String,
        name: String,
        revision: u64,
    },
    /// `upgrade` of a release with no live revision (Helm: "has no deployed releases").
    #[error(
        "release {name:?} has no deployed revision in namespace {namespace:?}; install it with `kinja install`, or pass --install"
    )]
    NotInstalled { namespace: String, name: String },
    #[error("release {name:?} has only revision {only}; there is nothing to roll back to")]
    NothingToRollBack { name: String, only: u64 },
    /// The render holds one resource twice: a revision must not record it.
    #[error("{0}; rename one (nothing was recorded)")]
    DuplicateResource(crate::manifest::Duplicate),
}
