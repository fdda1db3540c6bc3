//! `Chart.yaml`: Helm's apiVersion v2 metadata, validated as Helm's loader does.

use super::ChartError;
use crate::version::Version;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartType {
    Application,
    Library,
}

/// The validated fields kinja itself uses, plus the whole mapping as written
/// (templates see it as `chart`).
#[derive(Debug, Clone)]
pub struct Metadata {
    pub name: String,
    pub version: String,
    pub app_version: Option<String>,
    /// A SemVer constraint on the Kubernetes version (`>=1.25.0-0`).
    pub kube_version: Option<String>,
    pub chart_type: ChartType,
    /// `Chart.yaml` as written, keys in their order.
    pub fields: Map<String, Value>,
}

impl Metadata {
    /// Reads `Chart.yaml`'s text; `shown` names the file in errors.
    pub fn from_text(text: &str, shown: &str) -> Result<Metadata, ChartError> {
        let shown = shown.to_string();
        let value = crate::yaml::parse_value(text).map_err(|e| match (e.line, e.column) {
            (Some(line), Some(column)) => ChartError::InvalidYaml {
                path: shown.clone(),
                line,
                column,
                message: e.message,
            },
            _ => ChartError::InvalidMetadata {
                path: shown.clone(),
                message: e.message,
            },
        })?;
        Metadata::from_value(value).map_err(|message| ChartError::InvalidMetadata {
            path: shown,
            message,
        })
    }

    /// Validates a parsed `Chart.yaml`; the error is a message for the user.
    pub fn from_value(value: Value) -> Result<Metadata, String> {
        let mut fields = match value {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            _ => return Err("Chart.yaml must be a mapping of fields (name, version, ...)".into()),
        };
        // Templates see `chart.version` as text, whatever YAML made of it.
        for key in ["version", "appVersion", "kubeVersion"] {
            if let Some(Value::Number(n)) = fields.get(key) {
                let text = number_text(n);
                fields.insert(key.to_string(), Value::String(text));
            }
        }
        match string_field(&fields, "apiVersion")?.as_deref() {
            None | Some("v1") | Some("v2") => {}
            Some(other) => {
                return Err(format!(
                    "apiVersion '{other}' is not valid; it must be \"v2\" (or \"v1\" for old charts)"
                ));
            }
        }
        let name = string_field(&fields, "name")?
            .filter(|n| !n.is_empty())
            .ok_or("name is required (the chart's name, e.g. `name: my-app`)")?;
        if name == "." || name == ".." || name.contains('/') || name.contains('\\') {
            return Err(format!(
                "name {name:?} is invalid: it must be a plain name, not a path"
            ));
        }
        let version = string_field(&fields, "version")?
            .filter(|v| !v.is_empty())
            .ok_or("version is required (a SemVer version, e.g. `version: 0.1.0`)")?;
        if Version::parse_lenient(&version).is_none() {
            return Err(format!(
                "version {version:?} is not a valid SemVer version (e.g. 1.2.3)"
            ));
        }
        let chart_type = match string_field(&fields, "type")?.as_deref() {
            None | Some("") | Some("application") => ChartType::Application,
            Some("library") => ChartType::Library,
            Some(other) => {
                return Err(format!(
                    "type {other:?} is invalid: it must be application or library"
                ));
            }
        };
        Ok(Metadata {
            app_version: string_field(&fields, "appVersion")?,
            kube_version: string_field(&fields, "kubeVersion")?,
            name,
            version,
            chart_type,
            fields,
        })
    }
}

/// A field that must be text when present. A number (`version: 1.0`) is
/// taken as Helm takes it, printed the way Go prints the float it became:
/// `1.0` is "1" and `1.10` is "1.1" (quoting it keeps what was written).
fn string_field(fields: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(number_text(n))),
        Some(other) => Err(format!(
            "{key} must be a string, but it is {}",
            crate::yaml::json_type_name(other)
        )),
    }
}

/// A YAML number as Helm turns it into text: an integer as written; a
/// float as a float32 written by Go's shortest `%g`, so `1.0` is "1",
/// `1.10` is "1.1", `12345678.0` is "1.2345678e+07" and `0.00001` is "1e-05".
fn number_text(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let value = n.as_f64().unwrap_or(0.0) as f32;
    // Rust's `{:e}` and `{}` both give the shortest digits that read back as this f32.
    let scientific = format!("{value:e}");
    let Some((mantissa, exponent)) = scientific.split_once('e') else {
        return format!("{value}");
    };
    let exponent: i32 = exponent.parse().unwrap_or(0);
    // Go's shortest %g writes an exponent below 1e-4 and from 1e6 up.
    if !(-4..6).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_minimal_chart_is_accepted() {
        let m =
            Metadata::from_value(json!({"apiVersion": "v2", "name": "app", "version": "0.1.0"}))
                .unwrap();
        assert_eq!((m.name.as_str(), m.version.as_str()), ("app", "0.1.0"));
        assert_eq!(m.chart_type, ChartType::Application);
    }

    #[test]
    fn name_and_version_are_required() {
        let err =
            Metadata::from_value(json!({"apiVersion": "v2", "version": "1.0.0"})).unwrap_err();
        assert!(err.contains("name is required"), "{err}");
        let err = Metadata::from_value(json!({"apiVersion": "v2", "name": "a"})).unwrap_err();
        assert!(err.contains("version is required"), "{err}");
    }

    #[test]
    fn version_must_be_semver_and_a_string() {
        let err = Metadata::from_value(json!({"name": "a", "version": "banana"})).unwrap_err();
        assert!(err.contains("not a valid SemVer"), "{err}");
        let numeric = json!({"name": "a", "version": 1.0, "appVersion": 1.10});
        let metadata = Metadata::from_value(numeric).unwrap();
        assert_eq!(metadata.version, "1", "as Helm prints the number");
        assert_eq!(metadata.app_version.as_deref(), Some("1.1"));
        assert_eq!(
            metadata.fields["version"],
            json!("1"),
            "templates see text too"
        );
        // Helm's lenient parsing accepts these.
        for ok in ["v1.2", "1.0", "1.2.3-rc.1+build"] {
            Metadata::from_value(json!({"name": "a", "version": ok})).unwrap();
        }
    }

    #[test]
    fn bad_api_version_type_and_name_are_refused() {
        assert!(
            Metadata::from_value(json!({"apiVersion": "v3", "name": "a", "version": "1.0.0"}))
                .is_err()
        );
        assert!(
            Metadata::from_value(json!({"type": "plugin", "name": "a", "version": "1.0.0"}))
                .is_err()
        );
        assert!(Metadata::from_value(json!({"name": "../a", "version": "1.0.0"})).is_err());
    }
}
