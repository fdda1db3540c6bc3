//! The objects templates see: `values`, `release`, `chart`, `capabilities`,
//! `files` and `template`. They are plain data here; [`TemplateContext`]
//! turns them into minijinja values once per render.

use crate::chart::{Chart, ChartFiles};
use crate::values::Values;
use minijinja::value::{Enumerator, Object, Serde, Value};
use minijinja::{Error, ErrorKind};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// `release`: the release being rendered.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Release {
    pub name: String,
    pub namespace: String,
    pub revision: u64,
    pub is_install: bool,
    pub is_upgrade: bool,
    pub service: String,
}

impl Release {
    /// What `kinja render` uses: revision 1, an install.
    /// An empty namespace is `default`, as `helm template -n ''` renders it.
    pub fn for_render(name: &str, namespace: &str) -> Release {
        let namespace = if namespace.is_empty() {
            "default"
        } else {
            namespace
        };
        Release {
            name: name.to_string(),
            namespace: namespace.to_string(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
            service: "kinja".to_string(),
        }
    }
}

/// `capabilities`: what the target cluster is assumed to offer.
#[derive(Debug, Clone, PartialEq)]
pub struct Capabilities {
    pub kube_version: KubeVersion,
    /// Group/version strings (`apps/v1`), Helm's default list plus `--api-versions`.
    pub api_versions: Vec<String>,
}

/// A Kubernetes version: prints as `v1.35.0`, with `version`, `major` and `minor` fields.
#[derive(Debug, Clone, PartialEq)]
pub struct KubeVersion {
    /// As given, with a `v`: `v1.29.3-gke.100`.
    pub version: String,
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

/// The Kubernetes version Helm 4.1 assumes when none is given.
pub const DEFAULT_KUBE_VERSION: &str = "v1.35.0";

/// The API group/versions `helm template` assumes (Helm 4.1, client-go 1.35).
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

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

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            kube_version: KubeVersion::parse(DEFAULT_KUBE_VERSION).expect("a valid constant"),
            api_versions: DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect(),
        }
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

/// `files`: the chart's non-template files, with Helm's accessors as methods.
#[derive(Debug)]
pub struct FilesObject(pub Arc<ChartFiles>);

impl Object for FilesObject {
    fn call_method(
        self: &Arc<Self>,
        _state: &mut minijinja::State,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        let files = &self.0;
        let (path,): (&str,) = minijinja::value::from_args(args)?;
        let result = match method {
            "get" => files.get(path).map(Value::from),
            "lines" => files.lines(path).map(Value::from),
            "as_config" => files.as_config(path).map(Value::from),
            "as_secrets" => files.as_secrets(path).map(Value::from),
            "glob" => files.glob(path).and_then(|found| {
                found
                    .into_iter()
                    .map(|(name, bytes)| {
                        String::from_utf8(bytes.to_vec())
                            .map(|text| (name.to_string(), Value::from(text)))
                            .map_err(|_| crate::chart::FilesError::NotText(name.to_string()))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::from_pairs)
            }),
            _ => {
                return Err(Error::new(
                    ErrorKind::UnknownMethod,
                    format!(
                        "files has no method {method}; use get, glob, lines, as_config or as_secrets"
                    ),
                ));
            }
        };
        result.map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
    }
}

/// Everything a template sees but `template` itself, converted once per render
/// and shared by every template (minijinja values are reference-counted).
#[derive(Debug, Clone)]
pub struct TemplateContext {
    values: Value,
    release: Value,
    chart: Value,
    capabilities: Value,
    files: Value,
    chart_name: String,
}

impl TemplateContext {
    pub fn new(
        chart: &Chart,
        values: &Values,
        release: &Release,
        capabilities: &Capabilities,
    ) -> Self {
        TemplateContext {
            values: Value::from(Serde(values)),
            release: Value::from(Serde(release)),
            chart: Value::from(Serde(&chart.metadata.fields)),
            capabilities: minijinja::context! {
                kube_version => Value::from_object(capabilities.kube_version.clone()),
                api_versions => Value::from(Serde(&capabilities.api_versions)),
            },
            files: Value::from_object(FilesObject(Arc::new(chart.files.clone()))),
            chart_name: chart.metadata.name.clone(),
        }
    }

    /// The context for one template (`template.name` is `CHART/templates/NAME`).
    pub fn for_template(&self, template_name: &str) -> Value {
        minijinja::context! {
            values => self.values.clone(),
            release => self.release.clone(),
            chart => self.chart.clone(),
            capabilities => self.capabilities.clone(),
            files => self.files.clone(),
            template => minijinja::context! {
                name => format!("{}/templates/{}", self.chart_name, template_name),
                base_path => format!("{}/templates", self.chart_name),
            },
        }
    }
}

/// The names of the context objects, in the order `tpl` rebuilds them.
pub const CONTEXT_NAMES: &[&str] = &[
    "values",
    "release",
    "chart",
    "capabilities",
    "files",
    "template",
];
