//! `Chart.yaml` `dependencies`: the subcharts a chart asks for, each by
//! name and version range, perhaps under an alias, switched by a condition
//! or tags.

use serde_json::{Map, Value};

/// One entry of `dependencies`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    pub name: String,
    /// A range in Helm's constraint syntax (`~1.2.0`, `>=1.0.0 <2.0.0`).
    pub version: String,
    pub repository: String,
    /// The name the subchart goes by in this chart (values key, `chart.name`).
    pub alias: Option<String>,
    /// Values paths, comma-separated; the first that holds a boolean decides.
    pub condition: String,
    pub tags: Vec<String>,
    /// `import-values` as written: strings (a child's `exports.NAME`) or
    /// `{child, parent}` mappings.
    pub import_values: Vec<Value>,
}

impl Dependency {
    /// The name the subchart goes by: the alias, else its own name.
    pub fn local_name(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

/// Reads `dependencies` from `Chart.yaml`'s fields; the error is a message.
pub fn read(fields: &Map<String, Value>) -> Result<Vec<Dependency>, String> {
    let entries = match fields.get("dependencies") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err("dependencies must be a list".into()),
    };
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let Value::Object(entry) = entry else {
                return Err(format!("dependencies[{index}] must be a mapping"));
            };
            let text = |key: &str| -> Result<String, String> {
                match entry.get(key) {
                    None | Some(Value::Null) => Ok(String::new()),
                    Some(Value::String(s)) => Ok(s.clone()),
                    Some(Value::Number(n)) => Ok(n.to_string()),
                    Some(Value::Bool(b)) => Ok(b.to_string()),
                    Some(_) => Err(format!("dependencies[{index}].{key} must be a string")),
                }
            };
            let name = text("name")?;
            if name.is_empty() {
                return Err(format!("dependencies[{index}] has no name"));
            }
            let alias = Some(text("alias")?).filter(|a| !a.is_empty());
            if let Some(alias) = &alias
                && !alias
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(format!(
                    "dependencies[{index}].alias {alias:?} is invalid: use letters, digits, '-' and '_'"
                ));
            }
            let tags = match entry.get("tags") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(tags)) => tags
                    .iter()
                    .map(|t| match t {
                        Value::String(s) => Ok(s.clone()),
                        other => Ok(other.to_string()),
                    })
                    .collect::<Result<_, String>>()?,
                Some(_) => return Err(format!("dependencies[{index}].tags must be a list")),
            };
            let import_values = match entry.get("import-values") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items.clone(),
                Some(_) => {
                    return Err(format!("dependencies[{index}].import-values must be a list"));
                }
            };
            Ok(Dependency {
                name,
                version: text("version")?,
                repository: text("repository")?,
                alias,
                condition: text("condition")?,
                tags,
                import_values,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_read_with_their_switches() {
        let fields = json!({"dependencies": [
            {"name": "cache", "alias": "cache-a", "version": ">=0.1.0", "tags": ["caching"], "condition": "a.enabled,b"},
            {"name": "db", "version": "~1.2.0", "repository": "file://../db", "import-values": ["data"]},
        ]});
        let deps = read(fields.as_object().unwrap()).unwrap();
        assert_eq!(deps[0].local_name(), "cache-a");
        assert_eq!(deps[0].tags, ["caching"]);
        assert_eq!(deps[1].local_name(), "db");
        assert_eq!(deps[1].repository, "file://../db");
        assert_eq!(deps[1].import_values, [json!("data")]);
    }

    #[test]
    fn bad_entries_are_refused() {
        for bad in [
            json!({"dependencies": {"name": "x"}}),
            json!({"dependencies": [{"version": "1"}]}),
            json!({"dependencies": [{"name": "x", "alias": "a.b"}]}),
        ] {
            assert!(read(bad.as_object().unwrap()).is_err(), "{bad}");
        }
    }
}

/// One line of `kinja dependency list`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Listed {
    pub name: String,
    pub alias: Option<String>,
    /// The range `Chart.yaml` asks for.
    pub version: String,
    pub repository: String,
    /// Helm's words: `ok` (an archive in range), `unpacked` (a folder in
    /// range), `wrong version`, `missing`.
    pub status: &'static str,
    /// The version of the chart in `charts/` that is taken, if any.
    pub resolved: Option<String>,
    /// Rendered with the values given (its condition and tags).
    pub enabled: bool,
}

/// The dependencies of `chart`; `enabled` names the subcharts a render
/// with the given values includes.
pub fn list(chart: &super::Chart, enabled: &[&str]) -> Vec<Listed> {
    chart
        .dependencies
        .iter()
        .map(|dependency| {
            let named: Vec<&super::Chart> = chart
                .subcharts
                .iter()
                .filter(|c| c.metadata.name == dependency.name)
                .collect();
            let taken = named
                .iter()
                .find(|c| super::compose::in_range(&dependency.version, &c.metadata.version));
            let status = match (taken, named.is_empty()) {
                (Some(c), _) if c.from_archive => "ok",
                (Some(_), _) => "unpacked",
                (None, false) => "wrong version",
                (None, true) => "missing",
            };
            Listed {
                name: dependency.name.clone(),
                alias: dependency.alias.clone(),
                version: dependency.version.clone(),
                repository: dependency.repository.clone(),
                status,
                resolved: taken.map(|c| c.metadata.version.clone()),
                enabled: taken.is_some() && enabled.contains(&dependency.local_name()),
            }
        })
        .collect()
}

/// `kinja dependency list` as a table, JSON or YAML.
pub fn list_text(rows: &[Listed], format: crate::table::Format) -> String {
    let header = [
        "NAME",
        "ALIAS",
        "VERSION",
        "REPOSITORY",
        "STATUS",
        "IN CHARTS/",
        "ENABLED",
    ];
    let cells = rows.iter().map(|r| {
        vec![
            r.name.clone(),
            r.alias.clone().unwrap_or_default(),
            r.version.clone(),
            r.repository.clone(),
            r.status.to_string(),
            r.resolved.clone().unwrap_or_default(),
            r.enabled.to_string(),
        ]
    });
    let objects = || {
        rows.iter()
            .map(|r| serde_json::to_value(r).expect("plain data serializes"))
    };
    crate::table::formatted(format, &header, cells, objects)
}
