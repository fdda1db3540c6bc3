//! Records shown to people and scripts: `history` and `list` as a table,
//! JSON or YAML, and the parts of one revision that `get` prints.
//!
//! ```
//! use kinja::release::listing::{Format, history_text};
//! # let record = kinja::store::Record::example();
//! let table = history_text(&[record], None, Format::Table);
//! assert!(table.starts_with("REVISION  UPDATED"));
//! ```

use crate::store::{Record, Status};
use serde_json::{Value, json};

pub use crate::table::Format;
use crate::table::{formatted, table_cell};

/// One revision per row, oldest first, as `helm history` shows them;
/// with `max`, only the latest `max` revisions (`history --max`).
pub fn history_text(records: &[Record], max: Option<usize>, format: Format) -> String {
    let records = &records[records.len().saturating_sub(max.unwrap_or(usize::MAX))..];
    let header = [
        "REVISION",
        "UPDATED",
        "STATUS",
        "CHART",
        "APP VERSION",
        "DESCRIPTION",
    ];
    let rows = records.iter().map(|r| {
        vec![
            r.revision.to_string(),
            r.last_deployed.clone(),
            r.status.as_str().to_string(),
            r.chart.label(),
            r.chart.app_version.clone().unwrap_or_default(),
            r.description.clone(),
        ]
    });
    let objects = || {
        records.iter().map(|r| {
            json!({
                "revision": r.revision,
                "updated": r.last_deployed,
                "status": r.status.as_str(),
                "chart": r.chart.label(),
                "app_version": r.chart.app_version.clone().unwrap_or_default(),
                "description": r.description,
            })
        })
    };
    formatted(format, &header, rows, objects)
}

/// Which releases `list` shows, as in Helm: uninstalled ones (history kept)
/// only with `all` or `uninstalled`.
pub fn listed(records: Vec<Record>, all: bool, uninstalled: bool) -> Vec<Record> {
    let mut records = records;
    if !all {
        records.retain(|r| (r.status == Status::Uninstalled) == uninstalled);
    }
    records
}

/// One release per row (its latest revision), as `helm list` shows them.
pub fn list_text(records: &[Record], format: Format) -> String {
    let header = [
        "NAME",
        "NAMESPACE",
        "REVISION",
        "UPDATED",
        "STATUS",
        "CHART",
        "APP VERSION",
    ];
    let rows = records.iter().map(|r| {
        vec![
            r.name.clone(),
            r.namespace.clone(),
            r.revision.to_string(),
            r.last_deployed.clone(),
            r.status.as_str().to_string(),
            r.chart.label(),
            r.chart.app_version.clone().unwrap_or_default(),
        ]
    });
    let objects = || {
        records.iter().map(|r| {
            json!({
                "name": r.name,
                "namespace": r.namespace,
                "revision": r.revision,
                "updated": r.last_deployed,
                "status": r.status.as_str(),
                "chart": r.chart.label(),
                "app_version": r.chart.app_version.clone().unwrap_or_default(),
            })
        })
    };
    formatted(format, &header, rows, objects)
}

/// The values a revision was rendered with (`get values`): the user's, or
/// with `all` the merged ones, as YAML or (with `json`) JSON.
pub fn values_text(record: &Record, all: bool, json: bool) -> String {
    let shown = Value::Object(if all { &record.values } else { &record.config }.clone());
    if json {
        serde_json::to_string_pretty(&shown).expect("JSON") + "\n"
    } else {
        crate::yaml::to_yaml(&shown)
    }
}

/// `KEY: value` lines (`table`), or one JSON or YAML object.
fn fields_text(fields: Vec<(&str, &str, Value)>, format: Format) -> String {
    match format {
        Format::Table => fields
            .iter()
            .map(|(label, _, value)| match value {
                Value::String(text) => format!("{label}: {}\n", table_cell(text)),
                other => format!("{label}: {other}\n"),
            })
            .collect(),
        Format::Json | Format::Yaml => {
            let object: serde_json::Map<String, Value> = fields
                .into_iter()
                .map(|(_, key, value)| (key.to_string(), value))
                .collect();
            match format {
                Format::Json => serde_json::to_string_pretty(&object).expect("JSON") + "\n",
                _ => crate::yaml::to_yaml(&Value::Object(object)),
            }
        }
    }
}

/// What `get metadata` prints, with the field names of `helm get metadata`.
pub fn metadata_text(record: &Record, format: Format) -> String {
    fields_text(
        vec![
            ("NAME", "name", json!(record.name)),
            ("CHART", "chart", json!(record.chart.name)),
            ("VERSION", "version", json!(record.chart.version)),
            (
                "APP_VERSION",
                "appVersion",
                json!(record.chart.app_version.clone().unwrap_or_default()),
            ),
            ("NAMESPACE", "namespace", json!(record.namespace)),
            ("REVISION", "revision", json!(record.revision)),
            ("STATUS", "status", json!(record.status.as_str())),
            ("DEPLOYED_AT", "deployedAt", json!(record.last_deployed)),
        ],
        format,
    )
}

/// What `status` prints, as `helm status` does (no cluster, so no resources).
pub fn status_text(record: &Record, format: Format) -> String {
    let notes = record.notes.clone().unwrap_or_default();
    let mut fields = vec![
        ("NAME", "name", json!(record.name)),
        ("LAST DEPLOYED", "lastDeployed", json!(record.last_deployed)),
        ("NAMESPACE", "namespace", json!(record.namespace)),
        ("STATUS", "status", json!(record.status.as_str())),
        ("REVISION", "revision", json!(record.revision)),
        ("DESCRIPTION", "description", json!(record.description)),
    ];
    if format == Format::Table {
        return fields_text(fields, format) + &notes_section(record);
    }
    fields.push(("NOTES", "notes", json!(notes)));
    fields_text(fields, format)
}

/// What `release`, `install` and `upgrade` print: the revision written,
/// what it changed, and its notes (as `helm install` prints them).
pub fn recorded_text(record: &Record, summary: &crate::diff::Summary) -> String {
    format!(
        "Release {:?} in namespace {:?}: revision {} {} ({}).\n{}\n{}",
        record.name,
        record.namespace,
        record.revision,
        record.status.as_str(),
        record.chart.label(),
        crate::diff::summary_line(summary),
        notes_section(record)
    )
}

/// `NOTES:` and the rendered notes, or nothing when there are none.
fn notes_section(record: &Record) -> String {
    match record.notes.as_deref().map(str::trim_end) {
        Some(notes) if !notes.trim().is_empty() => format!("NOTES:\n{notes}\n"),
        _ => String::new(),
    }
}

/// What `get` prints of a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Manifest,
    Notes,
    /// Everything, as `helm get all` prints it.
    All,
}

pub fn record_text(record: &Record, part: Part) -> String {
    let values = |all: bool| values_text(record, all, false);
    match part {
        Part::Manifest => record.manifest.clone(),
        Part::Notes => record.notes.clone().unwrap_or_default(),
        Part::All => format!(
            "NAME: {}\nNAMESPACE: {}\nREVISION: {}\nSTATUS: {}\nCHART: {}\nLAST DEPLOYED: {}\nDESCRIPTION: {}\nUSER-SUPPLIED VALUES:\n{}\nCOMPUTED VALUES:\n{}\nMANIFEST:\n{}\nNOTES:\n{}",
            record.name,
            record.namespace,
            record.revision,
            record.status.as_str(),
            record.chart.label(),
            record.last_deployed,
            record.description,
            values(false),
            values(true),
            record.manifest,
            record.notes.clone().unwrap_or_default()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_lines_up_its_columns_and_cuts_long_cells() {
        let mut record = Record::example();
        record.description = format!("line one\nline two {}", "x".repeat(200));
        let text = history_text(&[record], None, Format::Table);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "one header, one row: {text}");
        assert_eq!(
            lines[0].find("STATUS"),
            lines[1].find("deployed"),
            "columns line up:\n{text}"
        );
        assert!(lines[1].contains("line one\\nline two"), "{text}");
        assert!(lines[1].ends_with("..."), "{text}");
    }

    #[test]
    fn history_max_keeps_the_latest_revisions() {
        let records: Vec<Record> = (1..=5)
            .map(|revision| Record {
                revision,
                ..Record::example()
            })
            .collect();
        let text = history_text(&records, Some(2), Format::Json);
        let rows: Value = serde_json::from_str(&text).unwrap();
        let revisions: Vec<u64> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["revision"].as_u64().unwrap())
            .collect();
        assert_eq!(revisions, [4, 5]);
    }

    #[test]
    fn metadata_and_status_use_helms_field_names() {
        let record = Record::example();
        let table = metadata_text(&record, Format::Table);
        assert!(
            table.starts_with("NAME: shop\nCHART: seedapp\nVERSION: 1.4.0\nAPP_VERSION: 1.19.3\nNAMESPACE: web\nREVISION: 1\nSTATUS: deployed\nDEPLOYED_AT: "),
            "{table}"
        );
        let json: Value = serde_json::from_str(&metadata_text(&record, Format::Json)).unwrap();
        assert_eq!(json["appVersion"], "1.19.3");
        let status = status_text(&record, Format::Table);
        assert!(status.ends_with("NOTES:\nThanks.\n"), "{status}");
        let json: Value = serde_json::from_str(&status_text(&record, Format::Json)).unwrap();
        assert_eq!(
            (json["revision"].as_u64(), json["notes"].as_str()),
            (Some(1), Some("Thanks.\n"))
        );
        assert_eq!(
            values_text(&record, false, true),
            "{\n  \"replicaCount\": 5\n}\n"
        );
    }

    #[test]
    fn uninstalled_releases_are_listed_only_when_asked_for() {
        let live = Record::example();
        let mut gone = Record::example();
        gone.name = "gone".into();
        gone.status = Status::Uninstalled;
        let names =
            |records: Vec<Record>| -> Vec<String> { records.into_iter().map(|r| r.name).collect() };
        let both = vec![live, gone];
        assert_eq!(names(listed(both.clone(), false, false)), ["shop"]);
        assert_eq!(names(listed(both.clone(), false, true)), ["gone"]);
        assert_eq!(names(listed(both, true, false)), ["shop", "gone"]);
    }

    #[test]
    fn json_rows_carry_the_same_fields_as_the_table() {
        let text = list_text(&[Record::example()], Format::Json);
        let rows: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(rows[0]["name"], "shop");
        assert_eq!(rows[0]["chart"], "seedapp-1.4.0");
        assert_eq!(rows[0]["app_version"], "1.19.3");
    }
}
