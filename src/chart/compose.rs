//! Which subcharts a render includes, by Helm's rules
//! (`processDependencyEnabled`, helm 4.1.4): each `dependencies` entry takes
//! the first chart in `charts/` of its name whose version is in its range,
//! under its alias if it has one; `tags` and then `condition` (the first of
//! its paths that holds a boolean) switch it on or off, read from the
//! merged values; a chart in `charts/` that no entry takes is always in.
//! Nested subcharts follow the same rules with their conditions read under
//! their parent's values.

use super::{Chart, ChartError, Dependency};
use crate::values::{self, Values, ValuesNode};
use crate::version::{Constraint, Version};
use serde_json::Value;

/// A chart as one render composes it: its enabled subcharts, each under
/// the name it goes by.
#[derive(Debug, Clone)]
pub struct Composed<'c> {
    pub chart: &'c Chart,
    /// The name it goes by: its alias as a subchart, else its own.
    pub name: String,
    /// `ROOT`, `ROOT/charts/NAME`, ...: where its templates are in `# Source:` lines.
    pub path: String,
    /// The parent's `dependencies` entry that took it (none for the root
    /// and for a subchart no entry names).
    pub dependency: Option<&'c Dependency>,
    pub children: Vec<Composed<'c>>,
}

/// Each chart's defaults as Helm rewrites them before the final merge
/// (`processDependencyImportValues` sets every chart's values, deepest
/// first, to its own merged with its enabled subcharts', nulls kept): so a
/// subchart's share of the parent's `global` is fixed even if the user
/// later deletes the parent's.
#[derive(Debug, Clone)]
pub struct Defaults {
    pub name: String,
    pub values: Values,
    pub children: Vec<Defaults>,
}

impl Defaults {
    /// The tree the user's values are merged over.
    pub fn values_node(&self) -> ValuesNode<'_> {
        ValuesNode {
            name: &self.name,
            defaults: &self.values,
            children: self.children.iter().map(Defaults::values_node).collect(),
        }
    }
}

impl<'c> Composed<'c> {
    /// The defaults of every chart, the root's being `root_defaults`, with
    /// each chart's `import-values` merged in under its own values.
    pub fn defaults(
        &self,
        root_defaults: &Values,
        warnings: &mut Vec<String>,
    ) -> Result<Defaults, ChartError> {
        let children = self
            .children
            .iter()
            .map(|child| child.defaults(&child.chart.default_values, warnings))
            .collect::<Result<Vec<_>, _>>()?;
        let node = ValuesNode {
            name: &self.name,
            defaults: root_defaults,
            children: children.iter().map(Defaults::values_node).collect(),
        };
        // Helm rewrites only the values of a chart that has `dependencies`.
        if !self.chart.declares_dependencies {
            return Ok(Defaults {
                name: self.name.clone(),
                values: root_defaults.clone(),
                children,
            });
        }
        let merged =
            values::merge_tree(&node, Values::new()).map_err(|e| ChartError::Composition {
                chart: self.path.clone(),
                name: self.name.clone(),
                message: e.to_string(),
            })?;
        let imports = self.imports(&merged, warnings);
        // The chart's own values win over what it imports.
        let values = values::merge_tables(merged, &imports);
        Ok(Defaults {
            name: self.name.clone(),
            values,
            children,
        })
    }

    /// What this chart's `import-values` take from its subcharts' merged
    /// values: `- NAME` takes the child's `exports.NAME` to the top, `-
    /// {child: PATH, parent: PATH}` takes the child's `PATH` to `PATH`.
    /// Earlier entries win over later ones.
    fn imports(&self, merged: &Values, warnings: &mut Vec<String>) -> Values {
        let mut imports = Values::new();
        for child in &self.children {
            let Some(dependency) = child.dependency else {
                continue;
            };
            for entry in &dependency.import_values {
                let (from, to) = match entry {
                    Value::String(name) => (format!("exports.{name}"), ".".to_string()),
                    Value::Object(map) => {
                        let text = |key: &str| match map.get(key) {
                            Some(Value::String(s)) => s.clone(),
                            Some(other) => other.to_string(),
                            None => String::new(),
                        };
                        (text("child"), text("parent"))
                    }
                    _ => continue,
                };
                let path = format!("{}.{from}", child.name);
                match table_at(merged, &path) {
                    Some(table) => {
                        let placed = place_at(&to, table.clone());
                        imports = values::merge_tables(imports, &placed);
                    }
                    None => warnings.push(format!(
                        "chart {}: import-values finds no mapping at {path}; nothing is imported from it",
                        self.name
                    )),
                }
            }
        }
        imports
    }

    /// Every chart of the tree, the root first, with the keys of its values
    /// within the root's (`["db"]` for the subchart `db`).
    pub fn walk(&self) -> Vec<(&Composed<'c>, Vec<&str>)> {
        let mut out = Vec::new();
        self.walk_into(Vec::new(), &mut out);
        out
    }

    fn walk_into<'a>(
        &'a self,
        keys: Vec<&'a str>,
        out: &mut Vec<(&'a Composed<'c>, Vec<&'a str>)>,
    ) {
        out.push((self, keys.clone()));
        for child in &self.children {
            let mut child_keys = keys.clone();
            child_keys.push(&child.name);
            child.walk_into(child_keys, out);
        }
    }
}

/// The charts a render of `chart` with these user values includes, over
/// `defaults` (the chart's `values.yaml`, or the last revision's merged
/// values for `--reuse-values`); also warnings (a condition that is not a
/// boolean, an entry that takes no chart).
pub fn compose<'c>(
    chart: &'c Chart,
    defaults: &Values,
    user: &Values,
) -> Result<(Composed<'c>, Vec<String>), ChartError> {
    // As Helm's CheckDependencies: the top chart's entries must all be there.
    let missing: Vec<&str> = chart
        .dependencies
        .iter()
        .filter(|d| !chart.subcharts.iter().any(|c| c.metadata.name == d.name))
        .map(|d| d.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(ChartError::MissingDependencies {
            path: chart.dir.display().to_string(),
            names: missing.join(", "),
        });
    }
    let mut warnings = Vec::new();
    let composed = compose_at(
        chart,
        Some(defaults),
        chart.metadata.name.clone(),
        chart.metadata.name.clone(),
        user,
        "",
        &mut warnings,
    )?;
    Ok((composed, warnings))
}

/// The mapping at a dotted path (Helm's `Values.Table`).
fn table_at<'v>(values: &'v Values, path: &str) -> Option<&'v Values> {
    path.split('.')
        .try_fold(values, |current, key| current.get(key)?.as_object())
}

/// `data` placed at a dotted path (`a.b` is `{a: {b: data}}`; `.` is the top).
fn place_at(path: &str, data: Values) -> Values {
    if path == "." {
        return data;
    }
    path.split('.').rev().fold(data, |inner, key| {
        let mut outer = Values::new();
        outer.insert(key.to_string(), Value::Object(inner));
        outer
    })
}

/// A subchart a `dependencies` entry takes, or one no entry takes.
struct Candidate<'c> {
    chart: &'c Chart,
    name: String,
    dependency: Option<&'c Dependency>,
}

fn compose_at<'c>(
    chart: &'c Chart,
    defaults: Option<&Values>,
    name: String,
    path: String,
    outer_values: &Values,
    condition_prefix: &str,
    warnings: &mut Vec<String>,
) -> Result<Composed<'c>, ChartError> {
    // Helm leaves a chart whose Chart.yaml has no `dependencies` unprocessed,
    // its whole subtree included as loaded, no switch read at any depth.
    if !chart.declares_dependencies {
        return Ok(as_loaded(chart, name, path));
    }
    let candidates = candidates(chart, warnings);
    // The values the switches read: this chart's tree, all candidates in.
    let node = ValuesNode {
        name: &name,
        defaults: defaults.unwrap_or(&chart.default_values),
        children: candidates
            .iter()
            .map(|c| raw_values_node(c.chart, &c.name))
            .collect(),
    };
    let merged =
        values::coalesce_tree(&node, outer_values.clone(), &mut Vec::new()).map_err(|e| {
            ChartError::Composition {
                chart: path.clone(),
                name: name.clone(),
                message: e.to_string(),
            }
        })?;
    // Every entry is switched, even one that took no chart: as in Helm, a
    // disabled entry drops every chart of its name (an unlisted one too).
    let disabled: Vec<&str> = chart
        .dependencies
        .iter()
        .filter(|d| !is_enabled(d, &merged, condition_prefix, d.local_name(), warnings))
        .map(Dependency::local_name)
        .collect();
    let mut children = Vec::new();
    for candidate in candidates
        .iter()
        .filter(|c| !disabled.contains(&c.name.as_str()))
    {
        let mut child = compose_at(
            candidate.chart,
            None,
            candidate.name.clone(),
            format!("{path}/charts/{}", candidate.name),
            &merged,
            &format!("{condition_prefix}{}.", candidate.name),
            warnings,
        )?;
        child.dependency = candidate.dependency;
        children.push(child);
    }
    Ok(Composed {
        chart,
        name,
        path,
        dependency: None,
        children,
    })
}

/// The subcharts no entry takes (in folder order), then one per entry that
/// finds its chart, as Helm lists them.
fn candidates<'c>(chart: &'c Chart, warnings: &mut Vec<String>) -> Vec<Candidate<'c>> {
    let takes = |dependency: &Dependency, sub: &Chart| {
        sub.metadata.name == dependency.name && in_range(&dependency.version, &sub.metadata.version)
    };
    let mut candidates: Vec<Candidate> = chart
        .subcharts
        .iter()
        .filter(|sub| !chart.dependencies.iter().any(|d| takes(d, sub)))
        .map(|sub| Candidate {
            chart: sub,
            name: sub.metadata.name.clone(),
            dependency: None,
        })
        .collect();
    for dependency in &chart.dependencies {
        match chart.subcharts.iter().find(|sub| takes(dependency, sub)) {
            Some(sub) => candidates.push(Candidate {
                chart: sub,
                name: dependency.local_name().to_string(),
                dependency: Some(dependency),
            }),
            None => warnings.push(format!(
                "chart {}: no chart in charts/ named {} has a version in {:?}; as in Helm, a chart of that name there is rendered under its own name, not {:?} (the entry's condition and tags still switch it off)",
                chart.metadata.name,
                dependency.name,
                dependency.version,
                dependency.local_name()
            )),
        }
    }
    candidates
}

/// A chart and every subchart under it as loaded, under their own names.
fn as_loaded<'c>(chart: &'c Chart, name: String, path: String) -> Composed<'c> {
    let children = chart
        .subcharts
        .iter()
        .map(|sub| {
            let sub_name = sub.metadata.name.clone();
            as_loaded(sub, sub_name.clone(), format!("{path}/charts/{sub_name}"))
        })
        .collect();
    Composed {
        chart,
        name,
        path,
        dependency: None,
        children,
    }
}

/// A subchart's values tree as loaded, every subchart of its own included.
fn raw_values_node<'c>(chart: &'c Chart, name: &'c str) -> ValuesNode<'c> {
    ValuesNode {
        name,
        defaults: &chart.default_values,
        children: chart
            .subcharts
            .iter()
            .map(|sub| raw_values_node(sub, &sub.metadata.name))
            .collect(),
    }
}

/// Helm's `IsCompatibleRange`: a version in the range; an empty or
/// unreadable range takes nothing.
pub(crate) fn in_range(range: &str, version: &str) -> bool {
    let (Ok(constraint), Some(version)) =
        (Constraint::parse(range), Version::parse_lenient(version))
    else {
        return false;
    };
    !range.trim().is_empty() && constraint.matches(&version)
}

/// Tags first: off when some tag is false and none true. Then the
/// condition: the first of its paths holding a boolean decides.
fn is_enabled(
    dependency: &Dependency,
    values: &Values,
    condition_prefix: &str,
    name: &str,
    warnings: &mut Vec<String>,
) -> bool {
    let mut enabled = true;
    if let Some(Value::Object(tags)) = values.get("tags") {
        let (mut any_true, mut any_false) = (false, false);
        for tag in &dependency.tags {
            match tags.get(tag) {
                Some(Value::Bool(true)) => any_true = true,
                Some(Value::Bool(false)) => any_false = true,
                Some(other) => warnings.push(format!(
                    "tags.{tag} is {}, not a boolean; it does not switch {name}",
                    crate::yaml::json_type_name(other)
                )),
                None => {}
            }
        }
        enabled = any_true || !any_false;
    }
    for path in dependency
        .condition
        .trim()
        .split(',')
        .filter(|p| !p.is_empty())
    {
        match path_value(values, &format!("{condition_prefix}{path}")) {
            Some(Value::Bool(on)) => return *on,
            Some(other) => warnings.push(format!(
                "condition {path} of {name} is {}, not a boolean; the next path decides",
                crate::yaml::json_type_name(other)
            )),
            None => {}
        }
    }
    enabled
}

/// The value at a dotted path, when it is not a mapping (Helm's `PathValue`).
fn path_value<'v>(values: &'v Values, path: &str) -> Option<&'v Value> {
    let mut parts = path.split('.');
    let first = parts.next()?;
    let mut current = values.get(first)?;
    for part in parts {
        current = current.as_object()?.get(part)?;
    }
    (!current.is_object()).then_some(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_take_versions_as_helm_does() {
        assert!(in_range("~1.2.0", "1.2.3"));
        assert!(!in_range("~1.2.0", "1.3.0"));
        assert!(in_range("*", "0.1.0"));
        assert!(!in_range("", "1.0.0"), "Helm's empty range takes nothing");
    }

    #[test]
    fn conditions_read_the_first_boolean_path() {
        let values = crate::values::test_values(serde_json::json!({
            "db": {"enabled": "yes-ish", "on": false}, "global": {"db": true}
        }));
        let dependency = Dependency {
            name: "db".into(),
            version: "*".into(),
            repository: String::new(),
            alias: None,
            condition: "db.missing,db.enabled,db.on,global.db".into(),
            tags: vec![],
            import_values: vec![],
        };
        let mut warnings = Vec::new();
        assert!(!is_enabled(&dependency, &values, "", "db", &mut warnings));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }
}
