//! Custom resources, checked against the CRDs a chart brings: its `crds/`
//! folders (its own and its subcharts') and the
//! `CustomResourceDefinition`s it renders.

use super::model::{Arena, NodeId};
use crate::chart::Chart;
use crate::lint::{Diagnostic, Severity};
use serde_json::Value;
use std::collections::HashMap;

/// The schemas of the custom resources a release defines.
#[derive(Debug, Default)]
pub struct Crds {
    pub arena: Arena,
    /// (apiVersion, kind) → what the CRD says of that version.
    kinds: HashMap<(String, String), Version>,
}

/// One version of a custom resource.
#[derive(Debug, Clone, Copy)]
pub struct Version {
    /// Its schema; `None` when the CRD gives none (it takes anything).
    pub schema: Option<NodeId>,
    pub served: bool,
}

impl Crds {
    /// Reads a `CustomResourceDefinition` (apiextensions.k8s.io/v1); other
    /// values are left alone.
    pub fn add(&mut self, crd: &Value) {
        if crd.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition") {
            return;
        }
        let text = |pointer: &str| crd.pointer(pointer).and_then(Value::as_str);
        let (Some(group), Some(kind)) = (text("/spec/group"), text("/spec/names/kind")) else {
            return;
        };
        let versions = crd.pointer("/spec/versions").and_then(Value::as_array);
        for version in versions.into_iter().flatten() {
            let Some(name) = version.get("name").and_then(Value::as_str) else {
                continue;
            };
            let schema = version
                .pointer("/schema/openAPIV3Schema")
                .filter(|s| s.is_object())
                .map(|schema| self.arena.add(&with_object_fields(schema), kind));
            let served = version
                .get("served")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            let key = (format!("{group}/{name}"), kind.to_string());
            self.kinds.insert(key, Version { schema, served });
        }
    }

    /// What the CRDs say of a custom resource's version.
    pub fn version(&self, api_version: &str, kind: &str) -> Option<Version> {
        self.kinds
            .get(&(api_version.to_string(), kind.to_string()))
            .copied()
    }

    /// The apiVersions a CRD serves `kind` in, within `group`.
    pub fn served_versions(&self, group: &str, kind: &str) -> Vec<&str> {
        let mut served: Vec<&str> = self
            .kinds
            .iter()
            .filter(|((api_version, k), v)| {
                k == kind && v.served && super::kubernetes::group_of(api_version) == group
            })
            .map(|((api_version, _), _)| api_version.as_str())
            .collect();
        served.sort_unstable();
        served
    }

    /// Whether any CRD defines `kind` in `group` (another version may be
    /// the one the resource names).
    pub fn defines_group(&self, group: &str) -> bool {
        self.kinds
            .keys()
            .any(|(api_version, _)| super::kubernetes::group_of(api_version) == group)
    }
}

/// A CRD's schema with the fields every object has: the API server checks
/// `metadata` itself, whatever the schema says of it.
fn with_object_fields(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for field in ["apiVersion", "kind"] {
            properties.insert(field.to_string(), serde_json::json!({ "type": "string" }));
        }
        properties.insert(
            "metadata".to_string(),
            serde_json::json!({ "type": "object", "x-kubernetes-preserve-unknown-fields": true }),
        );
    }
    schema
}

/// The CRDs in a chart's `crds/` folder and its subcharts', parsed, and
/// the files among them that do not read (an error each: the chart would
/// install without them).
pub fn of_chart(chart: &Chart) -> (Vec<Value>, Vec<Diagnostic>) {
    let mut crds = Vec::new();
    let mut unreadable = Vec::new();
    collect(chart, &chart.metadata.name, &mut crds, &mut unreadable);
    (crds, unreadable)
}

fn collect(chart: &Chart, shown: &str, crds: &mut Vec<Value>, unreadable: &mut Vec<Diagnostic>) {
    let mut problem = |path: &str, line: Option<usize>, message: String| {
        unreadable.push(Diagnostic {
            severity: Severity::Error,
            rule: "invalid-yaml",
            message,
            resource: None,
            template: Some(format!("{shown}/{path}")),
            line,
            path: None,
            hint: None,
        })
    };
    if let Ok(files) = chart.files.glob("crds/**") {
        for (path, bytes) in files {
            let Ok(text) = std::str::from_utf8(bytes) else {
                problem(path, None, "not UTF-8 text".to_string());
                continue;
            };
            for piece in crate::manifest::split_stream(text) {
                match crate::yaml::parse_value(piece.text) {
                    Ok(Value::Null) => {}
                    Ok(value) => crds.push(value),
                    Err(e) => problem(path, Some(piece.line), e.to_string()),
                }
            }
        }
    }
    for subchart in &chart.subcharts {
        let shown = format!("{shown}/charts/{}", subchart.metadata.name);
        collect(subchart, &shown, crds, unreadable);
    }
}
