//! `kinja lint`: the mistakes a chart carries to a cluster, found offline.
//!
//! A lint reads a rendered stream of documents (a chart kinja renders, or
//! any stream, `helm template` output included) and reports diagnostics:
//! each object on its own (`objects.rs`), the objects against each other
//! across the release (`release.rs`, the checks no mainstream linter
//! makes). Diagnostics are plain data; `format.rs` prints them as text,
//! JSON or SARIF.

mod chart;
pub mod config;
mod format;
mod locate;
mod objects;
mod release;
mod schema;

pub use chart::{failure, lint_chart, lint_rendered};
pub use config::LintConfig;
pub use format::{summary, to_json, to_sarif, to_text};

use crate::manifest::{Document, split_stream};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The rule's id, as the README's table names it: `selector-mismatch`.
    pub rule: &'static str,
    pub message: String,
    /// `Deployment/web`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Where the document came from: `seedapp/templates/deployment.yaml`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The line (from 1) in the template's output, or in the stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The path inside the object: `spec.template.spec.containers[0].ports`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// How strict a lint is.
#[derive(Debug, Clone, Copy)]
pub struct LintOptions<'n> {
    /// Report the info-level habits (requests, readiness probes) and fail on warnings.
    pub strict: bool,
    /// The release's namespace: where objects that name none live.
    pub namespace: &'n str,
    /// The Kubernetes minor whose schemas the objects are checked against (`35` for 1.35).
    pub kube_minor: u64,
    /// CRDs the chart brings outside its templates (its `crds/` folders).
    pub chart_crds: &'n [Value],
}

impl Default for LintOptions<'_> {
    fn default() -> Self {
        LintOptions {
            strict: false,
            namespace: "default",
            kube_minor: default_kube_minor(),
            chart_crds: &[],
        }
    }
}

/// The minor `render` assumes when no `--kube-version` is given.
pub fn default_kube_minor() -> u64 {
    crate::render::KubeVersion::parse(crate::render::DEFAULT_KUBE_VERSION)
        .expect("a valid constant")
        .minor
}

/// A lint's findings, worst first within each resource's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LintReport {
    pub diagnostics: Vec<Diagnostic>,
}

impl LintReport {
    /// The diagnostics `options` asks for: the habits only with `strict`.
    pub fn new(mut diagnostics: Vec<Diagnostic>, options: &LintOptions) -> LintReport {
        if !options.strict {
            diagnostics.retain(|d| !STRICT_ONLY.contains(&d.rule));
        }
        LintReport { diagnostics }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Errors fail a lint; with `strict`, warnings too.
    pub fn fails(&self, options: &LintOptions) -> bool {
        self.count(Severity::Error) > 0 || (options.strict && self.count(Severity::Warning) > 0)
    }
}

/// A document as the rules see it: parsed, with where it came from.
pub struct Object<'d> {
    pub document: &'d Document,
    pub value: Value,
    /// Its namespace, the release's when it names none.
    namespace: String,
}

impl Object<'_> {
    pub fn kind(&self) -> &str {
        self.value.get("kind").and_then(Value::as_str).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.text_at(&["metadata", "name"]).unwrap_or("")
    }

    /// Its namespace (the release's, when it names none).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// A hook (`helm.sh/hook`): it runs around an install, not as part of it.
    pub fn is_hook(&self) -> bool {
        self.document.head.hook.is_some()
    }

    pub fn text_at(&self, path: &[&str]) -> Option<&str> {
        path.iter()
            .try_fold(&self.value, |v, k| v.get(k))
            .and_then(Value::as_str)
    }

    /// `Deployment/web`.
    pub fn shown(&self) -> String {
        format!("{}/{}", self.kind(), self.name())
    }

    /// A diagnostic about this object at `path` (steps written as in the message).
    pub fn diagnostic(
        &self,
        severity: Severity,
        rule: &'static str,
        path: &str,
        message: String,
    ) -> Diagnostic {
        let line = locate::line_of(&self.document.text, path).map(|l| self.document.line + l);
        Diagnostic {
            severity,
            rule,
            message,
            resource: Some(self.shown()),
            template: (!self.document.source.is_empty()).then(|| self.document.source.clone()),
            line,
            path: (!path.is_empty()).then(|| path.to_string()),
            hint: None,
        }
    }
}

/// Lints rendered documents: each on its own, then all against each other.
pub fn lint_documents(documents: &[Document], options: &LintOptions) -> LintReport {
    lint_documents_with(documents, options, &config::LintConfig::default())
}

/// [`lint_documents`] with a chart's settings (rules it turns off).
pub fn lint_documents_with(
    documents: &[Document],
    options: &LintOptions,
    config: &config::LintConfig,
) -> LintReport {
    let mut diagnostics = Vec::new();
    let mut objects = Vec::with_capacity(documents.len());
    // Reading the documents is most of a lint's time: on all cores.
    let parsed = crate::parallel::map(
        documents,
        |d| d.text.len(),
        |d| crate::yaml::parse_value(&d.text),
    );
    for (document, parsed) in documents.iter().zip(parsed) {
        match parsed {
            Ok(value) => {
                let namespace = value
                    .pointer("/metadata/namespace")
                    .and_then(Value::as_str)
                    .filter(|n| !n.is_empty())
                    .unwrap_or(options.namespace)
                    .to_string();
                objects.push(Object {
                    document,
                    value,
                    namespace,
                })
            }
            Err(e) => diagnostics.push(Diagnostic {
                severity: Severity::Error,
                rule: "invalid-yaml",
                message: e.to_string(),
                resource: None,
                template: (!document.source.is_empty()).then(|| document.source.clone()),
                line: Some(document.line),
                path: None,
                hint: None,
            }),
        }
    }
    let catalog = schema::Catalog::new(options.kube_minor, &objects, options.chart_crds);
    diagnostics.extend(catalog.note());
    let mut unchecked = Default::default();
    for object in &objects {
        if objects::check(object, options, &mut diagnostics) {
            schema::check(object, &catalog, &mut unchecked, &mut diagnostics);
        }
    }
    release::check(&objects, options, &mut diagnostics);
    config::apply(config, &objects, &mut diagnostics);
    LintReport::new(diagnostics, options)
}

/// The head of a document read leniently: what is text in it, for a
/// document whose head the manifest reader refuses.
fn head_of(value: &Value) -> crate::manifest::Head {
    let text = |pointer: &str| {
        value
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(String::from)
    };
    crate::manifest::Head {
        api_version: text("/apiVersion").unwrap_or_default(),
        kind: text("/kind").unwrap_or_default(),
        name: text("/metadata/name").unwrap_or_default(),
        namespace: text("/metadata/namespace"),
        hook: text("/metadata/annotations/helm.sh~1hook"),
        resource_policy: text("/metadata/annotations/helm.sh~1resource-policy"),
    }
}

/// Rules reported only with `--strict`: habits, not mistakes.
const STRICT_ONLY: &[&str] = &["no-resource-requests", "no-readiness-probe", "chart-icon"];

/// Lints a stream of YAML documents (`--manifest`): `# Source:` comments
/// name the templates, as `helm template` writes them. `shown` names the
/// stream in messages.
pub fn lint_stream(text: &str, shown: &str, options: &LintOptions) -> LintReport {
    let mut documents = Vec::new();
    let mut unreadable = Vec::new();
    for piece in split_stream(text) {
        if piece.is_empty_document() {
            continue;
        }
        match piece.to_document(shown) {
            Ok(document) => documents.push(document),
            Err(e) => match crate::yaml::parse_value(piece.text) {
                // An object with a malformed head (`namespace: [a]`): its
                // schema says what is wrong with it.
                Ok(value @ Value::Object(_)) => documents.push(piece.with_head(head_of(&value))),
                _ => unreadable.push(Diagnostic {
                    severity: Severity::Error,
                    rule: "invalid-yaml",
                    message: e.to_string(),
                    resource: None,
                    template: None,
                    line: Some(piece.line),
                    path: None,
                    hint: None,
                }),
            },
        }
    }
    let mut report = lint_documents(&documents, options);
    unreadable.extend(report.diagnostics);
    report.diagnostics = unreadable;
    report
}

#[cfg(test)]
mod tests;
