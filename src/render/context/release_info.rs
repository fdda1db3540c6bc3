//! `release`: the release a render is for, as templates see it (Helm's
//! `.Release`). Not to be confused with the store's records of releases
//! ([`crate::store`]) or the operations that make them ([`crate::release`]).

use serde::Serialize;

/// `release`: the release being rendered.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReleaseInfo {
    pub name: String,
    pub namespace: String,
    pub revision: u64,
    pub is_install: bool,
    pub is_upgrade: bool,
    pub service: String,
}

impl ReleaseInfo {
    /// What `kinja render` uses: revision 1, an install.
    /// An empty namespace is `default`, as `helm template -n ''` renders it.
    pub fn for_render(name: &str, namespace: &str) -> ReleaseInfo {
        let namespace = if namespace.is_empty() {
            "default"
        } else {
            namespace
        };
        ReleaseInfo {
            name: name.to_string(),
            namespace: namespace.to_string(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
            service: "kinja".to_string(),
        }
    }
}
