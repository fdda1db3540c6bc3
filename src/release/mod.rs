//! Releases: a named, namespaced history of renders. Nothing here talks to a
//! cluster: a revision records what was rendered ([`Record`]), and a
//! [`Store`] keeps the history.

mod record;
mod store;

pub use record::{ChartInfo, Record, RecordProblem, Status, now_rfc3339};
pub use store::{FileStore, Store, StoreError};

/// Helm's rule: a DNS-1123 subdomain of at most 53 characters (Kubernetes
/// object names derived from it get suffixes and must stay under 63).
pub fn validate_release_name(name: &str) -> Result<(), String> {
    const MAX: usize = 53;
    if name.is_empty() {
        return Err("release name must not be empty".into());
    }
    if name.len() > MAX {
        return Err(format!(
            "release name {name:?} is {} characters long; the limit is {MAX}",
            name.len()
        ));
    }
    let valid_label = |label: &str| {
        let bytes = label.as_bytes();
        !bytes.is_empty()
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
            && bytes[0] != b'-'
            && bytes[bytes.len() - 1] != b'-'
    };
    if !name.split('.').all(valid_label) {
        return Err(format!(
            "release name {name:?} is invalid: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

/// The latest revision if it is live: not uninstalled with its history kept.
pub fn live(latest: Option<&Record>) -> Option<&Record> {
    latest.filter(|record| record.status != Status::Uninstalled)
}

/// The release a render for the next revision sees: an upgrade of a live
/// release, an install otherwise.
pub fn next_release(
    name: &str,
    namespace: &str,
    previous: Option<&Record>,
) -> crate::render::Release {
    let upgrade = live(previous).is_some();
    crate::render::Release {
        name: name.to_string(),
        namespace: namespace.to_string(),
        revision: previous.map_or(1, |p| p.revision.saturating_add(1)),
        is_install: !upgrade,
        is_upgrade: upgrade,
        service: "kinja".into(),
    }
}

/// The manifest a new revision replaces: nothing once the release was uninstalled.
pub fn live_manifest(latest: Option<&Record>) -> &str {
    live(latest).map_or("", |record| &record.manifest)
}

/// Kubernetes' rule for namespaces: a DNS-1123 label (lowercase letters,
/// digits and '-', at most 63 characters). It also keeps store paths inside the store.
pub fn validate_namespace(namespace: &str) -> Result<(), String> {
    let bytes = namespace.as_bytes();
    let valid = !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-';
    if valid {
        Ok(())
    } else {
        Err(format!(
            "namespace {namespace:?} is invalid: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"
        ))
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
            assert!(validate_release_name(bad).is_err(), "{bad}");
        }
    }
}
