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
