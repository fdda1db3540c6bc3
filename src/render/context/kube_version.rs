//! `capabilities.kube_version`: a Kubernetes version as `--kube-version`
//! takes it and as Helm's `.Capabilities.KubeVersion` prints it.

use minijinja::value::{Enumerator, Object, Value};
use std::fmt;
use std::sync::Arc;

/// A Kubernetes version: prints as `v1.35.0`, with `version`, `major` and `minor` fields.
#[derive(Debug, Clone, PartialEq)]
pub struct KubeVersion {
    /// As given, with a `v`: `v1.29.3-gke.100`.
    pub version: String,
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl KubeVersion {
    /// Parses `1.29`, `v1.29.3`, `1.29.3-gke.100` as `--kube-version` accepts them.
    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        let invalid = || {
            format!("invalid Kubernetes version {text:?}: expected a version like 1.29 or v1.29.3")
        };
        let trimmed = text.trim();
        // Helm refuses a bare major version (`1`); a minor is always needed.
        if !trimmed.contains('.') {
            return Err(invalid());
        }
        let version = crate::version::Version::parse_lenient(text).ok_or_else(invalid)?;
        Ok(KubeVersion {
            version: if trimmed.starts_with('v') {
                trimmed.to_string()
            } else {
                format!("v{trimmed}")
            },
            major: version.major,
            minor: version.minor,
            patch: version.patch,
        })
    }

    /// The version as SemVer, for `kubeVersion` constraints.
    pub fn semver(&self) -> crate::version::Version {
        crate::version::Version::parse_lenient(&self.version).expect("parsed when built")
    }
}

impl Object for KubeVersion {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str()? {
            "version" => Some(Value::from(self.version.clone())),
            "major" => Some(Value::from(self.major.to_string())),
            "minor" => Some(Value::from(self.minor.to_string())),
            // Helm's GitVersion is the version as given, build suffix and all.
            "git_version" => Some(Value::from(self.version.clone())),
            _ => None,
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["version", "major", "minor", "git_version"])
    }

    /// Prints like Helm's `.Capabilities.KubeVersion`: the version as given,
    /// with its `v`, without pre-release or build suffix (`v1.30.1-rc.1+k3s1` prints `v1.30.1`).
    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = self.version.find(['-', '+']).unwrap_or(self.version.len());
        f.write_str(&self.version[..end])
    }
}
