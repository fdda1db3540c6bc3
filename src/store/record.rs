//! One revision of a release, as recorded: what was rendered, from what, when.
//!
//! A record is a plain YAML file that reads well in a code review and can be
//! kept in git. Its last line is a checksum of everything above it, so a
//! truncated or hand-edited record is caught when read.

use crate::values::Values;
use serde::{Deserialize, Serialize};
use sha2::Digest;

/// Helm's release statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Unknown,
    Deployed,
    Uninstalled,
    Superseded,
    Failed,
    Uninstalling,
    PendingInstall,
    PendingUpgrade,
    PendingRollback,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unknown => "unknown",
            Status::Deployed => "deployed",
            Status::Uninstalled => "uninstalled",
            Status::Superseded => "superseded",
            Status::Failed => "failed",
            Status::Uninstalling => "uninstalling",
            Status::PendingInstall => "pending-install",
            Status::PendingUpgrade => "pending-upgrade",
            Status::PendingRollback => "pending-rollback",
        }
    }
}

/// The chart a revision was rendered from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartInfo {
    pub name: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
}

impl ChartInfo {
    /// `name-version`, as `helm history` shows it.
    pub fn label(&self) -> String {
        format!("{}-{}", self.name, self.version)
    }
}

/// One revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub name: String,
    pub namespace: String,
    pub revision: u64,
    pub status: Status,
    /// RFC 3339 times.
    pub first_deployed: String,
    pub last_deployed: String,
    pub description: String,
    pub chart: ChartInfo,
    /// The values the user supplied (files and `--set` flags, merged).
    pub config: Values,
    /// The merged values the templates saw.
    pub values: Values,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The rendered manifest, as `kinja render` prints it.
    pub manifest: String,
}

const CHECKSUM_PREFIX: &str = "checksum: sha256:";

#[derive(Debug, Clone, PartialEq)]
pub enum RecordProblem {
    /// The checksum line is missing or malformed: the file was cut short or written by hand.
    Truncated,
    /// The content does not match its checksum: the file was edited.
    ChecksumMismatch,
    /// The text is not a record (invalid YAML or missing fields).
    Unparsable(String),
    /// The record reads, but its manifest is not a valid manifest.
    InvalidManifest { line: usize, message: String },
}

impl std::fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordProblem::Truncated => f.write_str(
                "the record does not end with a valid checksum line (checksum: sha256:...); it was cut short or edited by hand",
            ),
            RecordProblem::ChecksumMismatch => f.write_str(
                "the record does not match its checksum; it was edited after kinja wrote it",
            ),
            RecordProblem::Unparsable(why) => write!(f, "the record cannot be read: {why}"),
            RecordProblem::InvalidManifest { line, message } => write!(
                f,
                "the recorded manifest is not a valid manifest at its line {line}: {message}"
            ),
        }
    }
}

impl Record {
    /// The record as file text, its checksum on the last line.
    pub fn to_text(&self) -> String {
        let tree = serde_json::to_value(self).expect("a record always serializes");
        let mut text = String::from(
            "# A kinja release record. kinja checks the checksum below; do not edit.\n",
        );
        text.push_str(&crate::yaml::to_yaml(&tree));
        let digest = sha256_hex(text.as_bytes());
        text.push_str(CHECKSUM_PREFIX);
        text.push_str(&digest);
        text.push('\n');
        text
    }

    /// Reads a record's file text, verifying its checksum first.
    pub fn from_text(text: &str) -> Result<Record, RecordProblem> {
        let body = verified_body(text)?;
        crate::yaml::parse_typed(body).map_err(|e| {
            let at = e.line.map(|l| format!(" (line {l})")).unwrap_or_default();
            RecordProblem::Unparsable(format!("{}{at}", e.message))
        })
    }

    /// A small deployed record, for examples and tests.
    #[doc(hidden)]
    pub fn example() -> Record {
        Record {
            name: "shop".into(),
            namespace: "web".into(),
            revision: 1,
            status: Status::Deployed,
            first_deployed: "2026-01-01T00:00:00Z".into(),
            last_deployed: "2026-01-02T00:00:00Z".into(),
            description: "Install complete".into(),
            chart: ChartInfo {
                name: "seedapp".into(),
                version: "1.4.0".into(),
                app_version: Some("1.19.3".into()),
            },
            config: serde_json::from_str(r#"{"replicaCount": 5}"#).expect("valid JSON"),
            values: serde_json::from_str(r#"{"replicaCount": 5, "image": {"tag": "yes"}}"#)
                .expect("valid JSON"),
            notes: Some("Thanks.\n".into()),
            manifest: "---\n# Source: seedapp/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\n"
                .into(),
        }
    }

    /// The status written near the top of a record's text, read without
    /// verifying or parsing the rest; `None` when it is not found there.
    pub fn peek_status(head: &str) -> Option<Status> {
        let line = head
            .lines()
            .take(16)
            .find_map(|line| line.strip_prefix("status: "))?;
        serde_json::from_value(serde_json::Value::String(line.trim().to_string())).ok()
    }
}

/// The text above the checksum line, if the checksum matches it.
pub fn verified_body(text: &str) -> Result<&str, RecordProblem> {
    let body_end = text
        .rfind(CHECKSUM_PREFIX)
        .filter(|&at| at == 0 || text.as_bytes()[at - 1] == b'\n')
        .ok_or(RecordProblem::Truncated)?;
    let (body, checksum_line) = text.split_at(body_end);
    let recorded = checksum_line[CHECKSUM_PREFIX.len()..].trim_end();
    if recorded.len() != 64 || !text.ends_with('\n') {
        return Err(RecordProblem::Truncated);
    }
    if sha256_hex(body.as_bytes()) != recorded {
        return Err(RecordProblem::ChecksumMismatch);
    }
    Ok(body)
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The current time as RFC 3339 (UTC, seconds).
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_is_read_from_the_top_of_a_record_alone() {
        let head = "# A kinja release record.\nname: a\nnamespace: b\nrevision: 2\nstatus: pending-upgrade\n";
        assert_eq!(Record::peek_status(head), Some(Status::PendingUpgrade));
        assert_eq!(Record::peek_status("status: bogus\n"), None);
        assert_eq!(Record::peek_status("name: a\n"), None);
    }

    #[test]
    fn a_record_round_trips_through_its_text() {
        let record = Record {
            revision: 3,
            ..Record::example()
        };
        let text = record.to_text();
        assert!(
            text.contains("manifest: |\n  ---\n  # Source: seedapp/templates/cm.yaml\n"),
            "readable:\n{text}"
        );
        assert_eq!(Record::from_text(&text).unwrap(), record);
    }

    #[test]
    fn truncation_and_edits_are_caught() {
        let text = Record::example().to_text();
        assert_eq!(
            Record::from_text(&text[..text.len() / 2]),
            Err(RecordProblem::Truncated)
        );
        assert_eq!(
            Record::from_text(&text[..text.len() - 10]),
            Err(RecordProblem::Truncated)
        );
        let edited = text.replace("replicaCount: 5", "replicaCount: 6");
        assert_eq!(
            Record::from_text(&edited),
            Err(RecordProblem::ChecksumMismatch)
        );
        assert!(matches!(
            Record::from_text(""),
            Err(RecordProblem::Truncated)
        ));
    }
}
