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
use model::{Owner, Step, Types, Violation};
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
    if let Some(version) = catalog.crds.version(api_version, kind) {
        if !version.served {
            out.push(unserved_custom(object, catalog, api_version, group));
            return;
        }
        if let Some(id) = version.schema {
            let crds = &catalog.crds.arena;
            crds.check(id, &object.value, kind, &mut path, &mut violations);
        }
        check_metadata(object, catalog.api, &mut violations);
    } else if let Some(id) = catalog.api.kind(api_version, kind) {
        let api = &catalog.api.arena;
        api.check(id, &object.value, kind, &mut path, &mut violations);
    } else if !catalog.crds.served_versions(group, kind).is_empty() {
        out.push(unserved_custom(object, catalog, api_version, group));
        return;
    } else if catalog.api.serves_group(group) && !catalog.crds.defines_group(group) {
        out.push(unserved(object, catalog.api, api_version));
        return;
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

/// A version of a custom resource its CRD does not serve.
fn unserved_custom(
    object: &Object,
    catalog: &Catalog,
    api_version: &str,
    group: &str,
) -> Diagnostic {
    let kind = object.kind();
    let mut d = object.diagnostic(
        Severity::Error,
        "unserved-api",
        "apiVersion",
        format!("the CustomResourceDefinition of {kind} does not serve {api_version}"),
    );
    let served = catalog.crds.served_versions(group, kind);
    d.hint = Some(if served.is_empty() {
        format!("it serves no version of {kind}")
    } else {
        format!("it serves {kind} in {}", served.join(", "))
    });
    d
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
            let value = value.map(|v| format!(" ({v})")).unwrap_or_default();
            let mut d = object.diagnostic(
                Severity::Error,
                "wrong-type",
                &path,
                format!(
                    "{} is {}{value}, not {}",
                    shown_path(&path),
                    found.described(),
                    expected.described()
                ),
            );
            let scalar = [Types::INTEGER, Types::NUMBER, Types::BOOLEAN].contains(&found);
            d.hint = if found == Types::STRING && expected == Types::INTEGER {
                Some("write the number without quotes (in a template, `| int`)".to_string())
            } else if expected == Types::STRING && scalar {
                Some("quote the value (in a template, `| quote`)".to_string())
            } else {
                None
            };
            d
        }
        Violation::Missing { path, field, of } => object.diagnostic(
            Severity::Error,
            "missing-field",
            &path,
            format!(
                "{} has no {field:?}, which {} requires",
                shown_path(&path),
                owner(&of)
            ),
        ),
        Violation::Unknown {
            path,
            field,
            of,
            parent_keys,
            known,
        } => {
            let mut d = object.diagnostic(
                Severity::Error,
                "unknown-field",
                &path,
                format!("{} has no field {field:?}", owner(&of)),
            );
            let mut explain = vec![object.kind().to_ascii_lowercase()];
            explain.extend(parent_keys);
            d.hint = Some(
                match crate::names::nearest(&field, known.iter().map(String::as_str)) {
                    Some(near) => format!("did you mean {near}?"),
                    None => format!("`kubectl explain {}` lists its fields", explain.join(".")),
                },
            );
            d
        }
        Violation::NotAllowed {
            path,
            value,
            allowed,
        } => {
            let mut d = object.diagnostic(
                Severity::Error,
                "invalid-value",
                &path,
                format!(
                    "{} is {value}, not one of {}",
                    shown_path(&path),
                    allowed.join(", ")
                ),
            );
            let bare: Vec<&str> = allowed.iter().map(|a| a.trim_matches('"')).collect();
            d.hint = crate::names::nearest(value.trim_matches('"'), bare)
                .map(|near| format!("did you mean {near}?"));
            d
        }
    }
}

fn shown_path(path: &str) -> &str {
    if path.is_empty() { "the object" } else { path }
}

/// `a PodSpec`; `spec of a Backup` for a field inside a definition.
fn owner(of: &Owner) -> String {
    let name = &of.name;
    if name.is_empty() {
        return "the object".to_string();
    }
    let vowel = name.starts_with(['A', 'E', 'I', 'O', 'U']);
    let named = format!("{} {name}", if vowel { "an" } else { "a" });
    match of.inside.as_deref() {
        Some(path) if !path.is_empty() => format!("{path} of {named}"),
        _ => named,
    }
}

#[cfg(test)]
mod tests;
