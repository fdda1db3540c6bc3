//! Kubernetes' and Helm's naming rules: release names, namespaces, and the
//! DNS-1123 label they are built from.
//!
//! ```
//! use kinja::names::{validate_namespace, validate_release_name};
//!
//! assert!(validate_release_name("shop.prod").is_ok());
//! assert!(validate_namespace("web").is_ok());
//! assert!(validate_namespace("Web").is_err());
//! ```

/// The candidate nearest a misspelt `name`, if one is near enough to be
/// what was meant: at most a third of its letters wrong, case aside (a swap
/// of two letters is one). For "did you mean ...?" hints everywhere.
///
/// ```
/// use kinja::names::nearest;
/// assert_eq!(nearest("contianers", ["containers", "volumes"]), Some("containers"));
/// assert_eq!(nearest("readwriteonce", ["ReadWriteOnce"]), Some("ReadWriteOnce"));
/// assert_eq!(nearest("sidecar", ["containers", "volumes"]), None);
/// ```
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&name, &c.to_lowercase()), c))
        .filter(|(distance, c)| *distance <= (c.chars().count() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// A name that breaks its rule; the message says the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NameError {
    pub kind: NameKind,
    pub name: String,
    message: String,
}

impl NameError {
    pub fn kind(&self) -> NameKind {
        self.kind
    }
}

/// Which rule a [`NameError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameKind {
    ReleaseName,
    Namespace,
}

/// The longest release name Helm takes: object names derived from it get
/// suffixes and must stay under Kubernetes' 63.
pub const MAX_RELEASE_NAME: usize = 53;

/// Kubernetes' DNS-1123 label: lowercase letters, digits and '-', starting
/// and ending with a letter or digit, at most 63 characters.
pub fn is_dns1123_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// Helm's rule for release names: a DNS-1123 subdomain of at most 53 characters.
pub fn validate_release_name(name: &str) -> Result<(), NameError> {
    let error = |message: String| NameError {
        kind: NameKind::ReleaseName,
        name: name.to_string(),
        message,
    };
    if name.is_empty() {
        return Err(error("release name must not be empty".into()));
    }
    if name.len() > MAX_RELEASE_NAME {
        return Err(error(format!(
            "release name {name:?} is {} characters long; the limit is {MAX_RELEASE_NAME}",
            name.len()
        )));
    }
    if !name.split('.').all(is_dns1123_label) {
        return Err(error(format!(
            "release name {name:?} is invalid: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
        )));
    }
    Ok(())
}

/// Kubernetes' rule for namespaces: a DNS-1123 label. It also keeps store
/// paths inside the store.
pub fn validate_namespace(namespace: &str) -> Result<(), NameError> {
    if is_dns1123_label(namespace) {
        Ok(())
    } else {
        Err(NameError {
            kind: NameKind::Namespace,
            name: namespace.to_string(),
            message: format!(
                "namespace {namespace:?} is invalid: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names_follow_dns_1123() {
        for ok in ["release-name", "a", "web.prod", "a1-b2"] {
            assert!(validate_release_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Upper",
            "-lead",
            "trail-",
            "a..b",
            "under_score",
            &"a".repeat(54),
        ] {
            let error = validate_release_name(bad).unwrap_err();
            assert_eq!(error.kind, NameKind::ReleaseName, "{bad}");
        }
    }

    #[test]
    fn namespaces_are_dns_labels() {
        assert!(validate_namespace("kube-system").is_ok());
        for bad in ["", "a.b", "UP", "-a", &"a".repeat(64), "../etc"] {
            assert_eq!(
                validate_namespace(bad).unwrap_err().kind,
                NameKind::Namespace
            );
        }
    }
}
