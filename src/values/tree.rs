//! Values for a chart with subcharts, by Helm's rules (`CoalesceValues`
//! with `coalesceDeps` and `coalesceGlobals`, helm 4.1.4): each subchart's
//! values are the parent's `values.<name>` (the alias, if any) with the
//! subchart's own defaults under them, and `global` flows from the parent
//! into every subchart, over the subchart's own globals.

use super::coalesce::{coalesce_at, merge_tables};
use super::{Values, ValuesError};
use serde_json::Value;

/// A chart and its enabled subcharts, as far as values go.
#[derive(Debug, Clone)]
pub struct ValuesNode<'a> {
    /// The key of this chart's values in its parent's (the alias, if any).
    pub name: &'a str,
    /// The chart's `values.yaml`.
    pub defaults: &'a Values,
    pub children: Vec<ValuesNode<'a>>,
}

/// A subchart's part of a chart tree's merged values: the mapping at
/// `keys` (`["db"]`, `["worker", "sidecar"]`), empty where there is none.
pub fn scoped<'v>(values: &'v Values, keys: &[&str]) -> &'v Values {
    static EMPTY: std::sync::LazyLock<Values> = std::sync::LazyLock::new(Values::new);
    keys.iter()
        .try_fold(values, |current, key| current.get(*key)?.as_object())
        .unwrap_or(&EMPTY)
}

/// The merged values of a chart tree under the user's values.
pub fn coalesce_tree(
    node: &ValuesNode,
    user: Values,
    warnings: &mut Vec<String>,
) -> Result<Values, ValuesError> {
    coalesce_node(node, user, "", false, warnings)
}

/// As [`coalesce_tree`], keeping every `null` (Helm's `MergeValues`).
pub fn merge_tree(node: &ValuesNode, user: Values) -> Result<Values, ValuesError> {
    coalesce_node(node, user, "", true, &mut Vec::new())
}

fn coalesce_node(
    node: &ValuesNode,
    user: Values,
    prefix: &str,
    keep_nulls: bool,
    warnings: &mut Vec<String>,
) -> Result<Values, ValuesError> {
    let is_subchart = |key: &str| node.children.iter().any(|c| c.name == key);
    let mut values = coalesce_at(
        node.defaults,
        user,
        prefix,
        keep_nulls,
        &is_subchart,
        warnings,
    );
    for child in &node.children {
        let path = if prefix.is_empty() {
            child.name.to_string()
        } else {
            format!("{prefix}.{}", child.name)
        };
        let mut scoped = match values.get_mut(child.name).map(std::mem::take) {
            None => Values::new(),
            Some(Value::Object(map)) => map,
            Some(other) => {
                return Err(ValuesError::SubchartValues {
                    path,
                    found: crate::yaml::json_type_name(&other),
                });
            }
        };
        flow_globals(&mut scoped, &values, &path, warnings);
        let merged = coalesce_node(child, scoped, &path, keep_nulls, warnings)?;
        values.insert(child.name.to_string(), Value::Object(merged));
    }
    Ok(values)
}

/// The parent's `global` over the subchart's: the parent's value wins,
/// mappings merge with the parent's keys first.
fn flow_globals(scoped: &mut Values, parent: &Values, path: &str, warnings: &mut Vec<String>) {
    let empty = Values::new();
    let parent_globals = match parent.get("global") {
        None => &empty,
        Some(Value::Object(map)) => map,
        Some(_) => {
            warnings.push("global is not a mapping; it is not passed to subcharts".into());
            return;
        }
    };
    if scoped.get("global").is_some_and(|g| !g.is_object()) {
        // Kept as written, as Helm keeps it.
        warnings.push(format!(
            "{path}.global is not a mapping; the parent's globals are not passed to it"
        ));
        return;
    }
    let mut globals = match scoped.get_mut("global").map(std::mem::take) {
        Some(Value::Object(map)) => map,
        _ => Values::new(),
    };
    for (key, value) in parent_globals {
        match (value, globals.get_mut(key)) {
            (Value::Object(from_parent), None) => {
                globals.insert(key.clone(), Value::Object(from_parent.clone()));
            }
            (Value::Object(from_parent), Some(Value::Object(own))) => {
                let own = std::mem::take(own);
                let merged = merge_tables(from_parent.clone(), &own);
                globals.insert(key.clone(), Value::Object(merged));
            }
            (Value::Object(_), Some(_)) | (_, Some(Value::Object(_))) => warnings.push(format!(
                "global.{key}: a mapping and a non-mapping meet; {path} keeps its own"
            )),
            (scalar, _) => {
                globals.insert(key.clone(), scalar.clone());
            }
        }
    }
    scoped.insert("global".to_string(), Value::Object(globals));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::test_values as map;
    use serde_json::json;

    #[test]
    fn subchart_values_are_scoped_with_globals_as_helm_merges_them() {
        let parent = map(
            json!({"global": {"region": "eu", "labels": {"team": "shop"}}, "db": {"port": 5432}}),
        );
        let db = map(
            json!({"port": 3306, "user": "app", "global": {"region": "us", "tier": "data", "labels": {"component": "db"}}}),
        );
        let tree = ValuesNode {
            name: "",
            defaults: &parent,
            children: vec![ValuesNode {
                name: "db",
                defaults: &db,
                children: vec![],
            }],
        };
        let values =
            coalesce_tree(&tree, map(json!({"db": {"user": null}})), &mut Vec::new()).unwrap();
        assert_eq!(
            values["db"],
            json!({"port": 5432, "global": {"region": "eu", "labels": {"team": "shop", "component": "db"}, "tier": "data"}})
        );
        assert_eq!(
            values["global"],
            json!({"region": "eu", "labels": {"team": "shop"}})
        );
        let error = coalesce_tree(&tree, map(json!({"db": "text"})), &mut Vec::new()).unwrap_err();
        assert!(error.to_string().contains("db"), "{error}");
    }
}
