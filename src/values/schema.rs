//! `values.schema.json`: the merged values are checked against the chart's
//! JSON Schema after coalescing, as Helm does, and every violation is
//! reported with the values path it concerns.

use super::Values;
use serde_json::Value;
use std::fmt;

/// One place where the values break the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaViolation {
    /// A dotted values path (`image.tag`, `ports[0]`), empty for the root.
    pub path: String,
    /// The same path as steps, within the chart's own values.
    pub steps: Vec<crate::yaml::PathStep>,
    pub message: String,
    /// Who set the offending value (`prod.yaml:4:9`, `--set #1 (port=http)`),
    /// when it was the user.
    pub set_by: Option<String>,
}

impl fmt::Display for SchemaViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set_by = self
            .set_by
            .as_ref()
            .map(|s| format!(" (set by {s})"))
            .unwrap_or_default();
        if self.path.is_empty() {
            write!(f, "at the top level: {}", self.message)
        } else {
            write!(f, "at {}{set_by}: {}", self.path, self.message)
        }
    }
}

/// Checks `values` against `schema` (the parsed schema document). An invalid
/// schema is reported as an `Err` with a message; violations come back as a list.
pub fn check_schema(schema: &Value, values: &Values) -> Result<Vec<SchemaViolation>, String> {
    let validator = jsonschema::validator_for(schema).map_err(|e| e.to_string())?;
    let instance = Value::Object(values.clone());
    let mut violations: Vec<SchemaViolation> = validator
        .iter_errors(&instance)
        .map(|error| {
            let pointer = error.instance_path().as_str().to_string();
            SchemaViolation {
                path: pointer_to_values_path(&pointer),
                steps: pointer_steps(&pointer, &instance),
                message: error.to_string(),
                set_by: None,
            }
        })
        .collect();
    violations.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(violations)
}

/// `/ports/0/name` as steps: a number is an index where the value is a list.
fn pointer_steps(pointer: &str, instance: &Value) -> Vec<crate::yaml::PathStep> {
    use crate::yaml::PathStep;
    let mut steps = Vec::new();
    let mut at = Some(instance);
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        let step = match (at, segment.parse::<usize>()) {
            (Some(Value::Array(_)), Ok(index)) => PathStep::Index(index),
            _ => PathStep::Key(segment),
        };
        at = at.and_then(|value| match &step {
            PathStep::Key(key) => value.get(key),
            PathStep::Index(i) => value.get(*i),
        });
        steps.push(step);
    }
    steps
}

/// `/ports/0/name` becomes `ports[0].name`, the way a user writes `--set` paths.
fn pointer_to_values_path(pointer: &str) -> String {
    let mut path = String::new();
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            path.push_str(&format!("[{segment}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&segment);
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_violation_is_reported_with_its_values_path() {
        let schema = json!({
            "type": "object",
            "required": ["image"],
            "properties": {
                "replicas": {"type": "integer", "minimum": 1},
                "ports": {"type": "array", "items": {"type": "object", "properties": {"port": {"type": "integer"}}}}
            }
        });
        let values = json!({"replicas": 0, "ports": [{"port": "http"}]});
        let violations = check_schema(&schema, values.as_object().unwrap()).unwrap();
        let paths: Vec<_> = violations.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["", "ports[0].port", "replicas"]);
        assert!(violations[0].message.contains("image"), "{violations:?}");
    }

    #[test]
    fn valid_values_have_no_violations() {
        let schema = json!({"type": "object", "properties": {"replicas": {"type": "integer"}}});
        let values = json!({"replicas": 2});
        assert!(
            check_schema(&schema, values.as_object().unwrap())
                .unwrap()
                .is_empty()
        );
    }
}
