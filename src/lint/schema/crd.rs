//! Custom resources, checked against the CRDs a chart brings: its `crds/`
//! folders (its own and its subcharts') and the
//! `CustomResourceDefinition`s it renders.

use super::model::{Arena, NodeId};
use crate::chart::Chart;
use serde_json::Value;
use std::collections::HashMap;

/// The schemas of the custom resources a release defines.
#[derive(Debug, Default)]
pub struct Crds {
    pub arena: Arena,
    /// (apiVersion, kind) → the served version's schema.
    kinds: HashMap<(String, String), NodeId>,
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
            let api_version = format!("{group}/{name}");
            // A version without a schema takes anything: nothing to check.
            let Some(schema) = version.pointer("/schema/openAPIV3Schema") else {
                continue;
            };
            let id = self.arena.add(&with_object_fields(schema), kind);
            self.kinds.insert((api_version, kind.to_string()), id);
        }
    }

    /// The schema of a custom resource.
    pub fn kind(&self, api_version: &str, kind: &str) -> Option<NodeId> {
        self.kinds
            .get(&(api_version.to_string(), kind.to_string()))
            .copied()
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

/// The CRDs in a chart's `crds/` folder and its subcharts', parsed.
pub fn of_chart(chart: &Chart) -> Vec<Value> {
    let mut crds = Vec::new();
    collect(chart, &mut crds);
    crds
}

fn collect(chart: &Chart, crds: &mut Vec<Value>) {
    if let Ok(files) = chart.files.glob("crds/**") {
        for (_, bytes) in files {
            let Ok(text) = std::str::from_utf8(bytes) else {
                continue;
            };
            for piece in crate::manifest::split_stream(text) {
                if let Ok(value) = crate::yaml::parse_value(piece.text) {
                    crds.push(value);
                }
            }
        }
    }
    for subchart in &chart.subcharts {
        collect(subchart, crds);
    }
}
