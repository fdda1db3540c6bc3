//! Each object against its kind's schema: the built-in kinds of the chosen
//! Kubernetes minor (embedded, `kubernetes.rs`), custom resources against
//! the CRDs the chart brings (`crd.rs`). Wrong types, missing required
//! fields, unknown or misspelled fields, an apiVersion the cluster does
//! not serve.

mod crd;
pub mod kubernetes;
mod model;

pub use crd::of_chart as crds_of_chart;

use super::{Diagnostic, Object, Severity};
use model::{Step, Violation};
use serde_json::Value;
use std::collections::HashSet;

/// The schemas a lint checks objects against.
pub struct Catalog {
    api: &'static kubernetes::Api,
    /// The minor asked for, when kinja has no schemas for it.
    asked: Option<u64>,
    crds: crd::Crds,
}

impl Catalog {
    /// The API of Kubernetes 1.`minor` and the CRDs among `objects` and `chart_crds`.
    pub fn new(minor: u64, objects: &[Object], chart_crds: &[Value]) -> Catalog {
        let api = kubernetes::api(minor);
        let mut crds = crd::Crds::default();
        for crd in chart_crds {
            crds.add(crd);
        }
        for object in objects {
            crds.add(&object.value);
        }
        Catalog {
            api,
            asked: (api.minor != minor).then_some(minor),
            crds,
        }
    }

    /// An info when the minor asked for is not one kinja has schemas for.
    pub fn note(&self) -> Option<Diagnostic> {
        let asked = self.asked?;
        let (oldest, newest) = kubernetes::embedded();
        Some(Diagnostic {
            severity: Severity::Info,
            rule: "kube-version",
            message: format!(
                "kinja has the schemas of Kubernetes 1.{oldest} to 1.{newest}: objects for 1.{asked} are checked against 1.{}",
                self.api.minor
            ),
            resource: None,
            template: None,
            line: None,
            path: None,
            hint: None,
        })
    }
}

/// Checks `object` against its schema. `unchecked` holds the custom kinds
/// already reported as having no CRD (each is reported once).
pub fn check(
    object: &Object,
    catalog: &Catalog,
    unchecked: &mut HashSet<(String, String)>,
    out: &mut Vec<Diagnostic>,
) {
    let api_version = object.text_at(&["apiVersion"]).unwrap_or("");
    let kind = object.kind();
    let mut violations = Vec::new();
    let mut path = Vec::new();
    let group = kubernetes::group_of(api_version);
    if let Some(id) = catalog.crds.kind(api_version, kind) {
        let crds = &catalog.crds.arena;
        crds.check(id, &object.value, kind, &mut path, &mut violations);
        check_metadata(object, catalog.api, &mut violations);
    } else if let Some(id) = catalog.api.kind(api_version, kind) {
        let api = &catalog.api.arena;
        api.check(id, &object.value, kind, &mut path, &mut violations);
    } else if catalog.api.serves_group(group) && !catalog.crds.defines_group(group) {
        out.push(unserved(object, catalog.api, api_version));
    } else {
        check_metadata(object, catalog.api, &mut violations);
        if unchecked.insert((api_version.to_string(), kind.to_string())) {
            out.push(object.diagnostic(
                Severity::Info,
                "unchecked-kind",
                "",
                format!(
                    "no CustomResourceDefinition for {kind} ({api_version}) in the chart or the stream: its fields are not checked"
                ),
            ));
        }
    }
    out.extend(violations.into_iter().map(|v| diagnostic(object, v)));
}

/// `metadata` is the API server's, whatever kind (or CRD) the object has.
fn check_metadata(object: &Object, api: &kubernetes::Api, violations: &mut Vec<Violation>) {
    if let Some(metadata) = object.value.get("metadata") {
        let mut path = vec![Step::Key("metadata")];
        api.arena
            .check(api.object_meta(), metadata, "", &mut path, violations);
    }
}

/// An apiVersion of a built-in group that does not serve the kind.
fn unserved(object: &Object, api: &kubernetes::Api, api_version: &str) -> Diagnostic {
    let kind = object.kind();
    let mut d = object.diagnostic(
        Severity::Error,
        "unserved-api",
        "apiVersion",
        format!(
            "Kubernetes 1.{} does not serve {kind} in {api_version}",
            api.minor
        ),
    );
    let served = api.versions_of(kind);
    d.hint = Some(if served.is_empty() {
        format!("Kubernetes 1.{} has no built-in kind {kind}", api.minor)
    } else {
        format!("it serves {kind} in {}", served.join(", "))
    });
    d
}

fn diagnostic(object: &Object, violation: Violation) -> Diagnostic {
    match violation {
        Violation::Type {
            path,
            expected,
            found,
            value,
        } => {
            let mut d = object.diagnostic(
                Severity::Error,
                "wrong-type",
                &path,
                format!(
                    "{} is {found} ({value}), not {}",
                    shown_path(&path),
                    expected.described()
                ),
            );
            let expected = expected.described();
            if found == "a string" && expected == "an integer" {
                d.hint = Some(
                    "write the number without quotes (in a template, `{{ x | int }}`)".to_string(),
                );
            } else if expected == "a string"
                && matches!(found, "an integer" | "a number" | "a boolean")
            {
                d.hint = Some(format!(
                    "quote it: {value:?} (in a template, `{{{{ x | tojson }}}}` or `| quote`)"
                ));
            }
            d
        }
        Violation::Missing { path, field, of } => object.diagnostic(
            Severity::Error,
            "missing-field",
            &path,
            format!(
                "{} has no {field:?}, which {} requires",
                shown_path(&path),
                article(&of)
            ),
        ),
        Violation::Unknown {
            path,
            field,
            of,
            known,
        } => {
            let mut d = object.diagnostic(
                Severity::Error,
                "unknown-field",
                &path,
                format!("{} has no field {field:?}", article(&of)),
            );
            d.hint = Some(match closest(&field, &known) {
                Some(near) => format!("did you mean {near}?"),
                None => format!(
                    "`kubectl explain {}` lists its fields",
                    explain_path(object.kind(), &path)
                ),
            });
            d
        }
        Violation::NotAllowed {
            path,
            value,
            allowed,
        } => object.diagnostic(
            Severity::Error,
            "invalid-value",
            &path,
            format!(
                "{} is {value}, not one of {}",
                shown_path(&path),
                allowed.join(", ")
            ),
        ),
    }
}

fn shown_path(path: &str) -> &str {
    if path.is_empty() { "the object" } else { path }
}

/// `a PodSpec`, `an ObjectMeta`.
fn article(name: &str) -> String {
    if name.is_empty() {
        return "the object".to_string();
    }
    let vowel = name.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']);
    format!("{} {name}", if vowel { "an" } else { "a" })
}

/// The listed field nearest a misspelled one, when it is near enough to be
/// the one meant (`contianers` → `containers`, `imagePullPolcy` → `imagePullPolicy`).
fn closest<'k>(field: &str, known: &'k [String]) -> Option<&'k str> {
    let lower = field.to_ascii_lowercase();
    known
        .iter()
        .map(|k| {
            (
                strsim::damerau_levenshtein(&lower, &k.to_ascii_lowercase()),
                k,
            )
        })
        .filter(|(distance, k)| *distance <= (k.len() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k.as_str())
}

/// `deployment.spec.template.spec` for the parent of
/// `spec.template.spec.containers[0].foo` in a Deployment.
fn explain_path(kind: &str, path: &str) -> String {
    let mut parts: Vec<String> = path
        .split('.')
        .map(|step| step.split('[').next().unwrap_or(step).to_string())
        .collect();
    parts.pop();
    parts.insert(0, kind.to_ascii_lowercase());
    parts.join(".")
}

#[cfg(test)]
mod tests;
