//! `Chart.lock`: the versions `kinja dependency update` chose, and Helm's
//! digest of `Chart.yaml`'s entries with them, so `helm dependency build`
//! (and `kinja dependency build`) can tell a lock that is out of date.
//!
//! Helm's digest is the SHA-256 of Go's `json.Marshal` of the two lists of
//! its `Dependency` struct: fields in the struct's order, empty ones left
//! out (but `name` and `repository`), and `<`, `>`, `&` escaped as Go
//! escapes them. Written here by hand, since no JSON library writes Go's form.

use crate::chart::Dependency;
use serde_json::Value;
use sha2::Digest;

/// One locked entry: the name, the repository and the version chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    pub name: String,
    pub repository: String,
    pub version: String,
}

/// A `Chart.lock`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lock {
    pub dependencies: Vec<Locked>,
    pub digest: String,
    /// RFC 3339.
    pub generated: String,
}

impl Lock {
    /// A lock of `locked`, for the entries `requested` (`Chart.yaml`'s).
    pub fn new(requested: &[Dependency], locked: Vec<Locked>, generated: String) -> Lock {
        Lock {
            digest: digest(requested, &locked),
            dependencies: locked,
            generated,
        }
    }

    /// The file as Helm writes it: keys sorted, as its YAML writer sorts them.
    pub fn to_yaml(&self) -> String {
        let mut out = String::from("dependencies:\n");
        for d in &self.dependencies {
            out.push_str(&format!(
                "- name: {}\n  repository: {}\n  version: {}\n",
                scalar(&d.name),
                scalar(&d.repository),
                scalar(&d.version)
            ));
        }
        out.push_str(&format!(
            "digest: {}\ngenerated: {}\n",
            scalar(&self.digest),
            crate::yaml::double_quoted(&self.generated)
        ));
        out
    }

    /// Reads a `Chart.lock`; the error is a message.
    pub fn from_yaml(text: &str) -> Result<Lock, String> {
        let value = crate::yaml::parse_value(text).map_err(|e| e.to_string())?;
        let text_of = |v: Option<&Value>| match v {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let entries = match value.get("dependencies") {
            Some(Value::Array(entries)) => entries.clone(),
            None | Some(Value::Null) => Vec::new(),
            Some(_) => return Err("dependencies must be a list".into()),
        };
        Ok(Lock {
            dependencies: entries
                .iter()
                .map(|e| Locked {
                    name: text_of(e.get("name")),
                    repository: text_of(e.get("repository")),
                    version: text_of(e.get("version")),
                })
                .collect(),
            digest: text_of(value.get("digest")),
            generated: text_of(value.get("generated")),
        })
    }

    /// Whether the lock was made for these `Chart.yaml` entries.
    pub fn matches(&self, requested: &[Dependency]) -> bool {
        digest(requested, &self.dependencies) == self.digest
    }
}

fn scalar(text: &str) -> String {
    crate::yaml::to_yaml(&Value::String(text.to_string()))
        .trim_end()
        .to_string()
}

/// Helm's `HashReq(requested, locked)`.
pub fn digest(requested: &[Dependency], locked: &[Locked]) -> String {
    let mut json = String::from("[[");
    for (i, d) in requested.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&requested_json(d));
    }
    json.push_str("],[");
    for (i, d) in locked.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        let mut fields = vec![format!("\"name\":{}", go_string(&d.name))];
        if !d.version.is_empty() {
            fields.push(format!("\"version\":{}", go_string(&d.version)));
        }
        fields.push(format!("\"repository\":{}", go_string(&d.repository)));
        json.push('{');
        json.push_str(&fields.join(","));
        json.push('}');
    }
    json.push_str("]]");
    let hash = sha2::Sha256::digest(json.as_bytes());
    format!(
        "sha256:{}",
        hash.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// One `Chart.yaml` entry as Go marshals Helm's `Dependency`.
fn requested_json(d: &Dependency) -> String {
    let mut fields = vec![format!("\"name\":{}", go_string(&d.name))];
    if !d.version.is_empty() {
        fields.push(format!("\"version\":{}", go_string(&d.version)));
    }
    fields.push(format!("\"repository\":{}", go_string(&d.repository)));
    if !d.condition.is_empty() {
        fields.push(format!("\"condition\":{}", go_string(&d.condition)));
    }
    if !d.tags.is_empty() {
        let tags: Vec<String> = d.tags.iter().map(|t| go_string(t)).collect();
        fields.push(format!("\"tags\":[{}]", tags.join(",")));
    }
    if !d.import_values.is_empty() {
        let values: Vec<String> = d.import_values.iter().map(go_json).collect();
        fields.push(format!("\"import-values\":[{}]", values.join(",")));
    }
    if let Some(alias) = &d.alias {
        fields.push(format!("\"alias\":{}", go_string(alias)));
    }
    format!("{{{}}}", fields.join(","))
}

/// A JSON value as Go's `encoding/json` writes it: mappings with sorted
/// keys, no spaces.
fn go_json(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => go_string(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(go_json).collect::<Vec<_>>().join(",")
        ),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", go_string(k), go_json(&map[*k])))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
    }
}

/// A string as Go's `encoding/json` quotes it, HTML characters escaped.
fn go_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_quotes_html_characters_and_sorts_keys() {
        assert_eq!(go_string(">=1.0.0 <2"), "\"\\u003e=1.0.0 \\u003c2\"");
        assert_eq!(
            go_json(&serde_json::json!({"parent": "p", "child": "c"})),
            "{\"child\":\"c\",\"parent\":\"p\"}"
        );
    }

    #[test]
    fn a_lock_reads_back_and_matches_its_entries() {
        let requested = vec![Dependency {
            name: "db".into(),
            version: "~1.2.0".into(),
            repository: "file://../db".into(),
            alias: None,
            condition: "db.enabled".into(),
            tags: vec![],
            import_values: vec![],
        }];
        let lock = Lock::new(
            &requested,
            vec![Locked {
                name: "db".into(),
                repository: "file://../db".into(),
                version: "1.2.3".into(),
            }],
            "2026-12-01T00:00:00Z".into(),
        );
        let again = Lock::from_yaml(&lock.to_yaml()).unwrap();
        assert_eq!(again, lock);
        assert!(again.matches(&requested));
        let mut changed = requested.clone();
        changed[0].version = "~1.3.0".into();
        assert!(!again.matches(&changed));
    }
}
