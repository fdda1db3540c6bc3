//! The three ways to print a diff report: unified diffs per resource
//! (`-o diff`), one line per change (`-o simple`) and JSON (`-o json`).

use super::{Change, DiffReport, ResourceChange, Summary};

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// `N to add, N to change, N to remove`, then `, N to rename` and `, N kept`
/// when there are any.
pub fn summary_line(summary: &Summary) -> String {
    let mut line = format!(
        "{} to add, {} to change, {} to remove",
        summary.add, summary.change, summary.remove
    );
    if summary.rename > 0 {
        line.push_str(&format!(", {} to rename", summary.rename));
    }
    if summary.kept > 0 {
        line.push_str(&format!(", {} kept", summary.kept));
    }
    line
}

fn verb(change: Change) -> &'static str {
    match change {
        Change::Added => "added",
        Change::Removed => "removed",
        Change::Changed => "changed",
        Change::Unchanged => "unchanged",
        Change::Renamed => "renamed",
        Change::Kept => "kept",
    }
}

/// `web, shop-seedapp, Deployment (apps) changed`: namespace, name, kind, group.
fn header(change: &ResourceChange) -> String {
    let group = if change.group().is_empty() {
        "core"
    } else {
        change.group()
    };
    let renamed = renamed_from(change)
        .map(|old| format!(" from {old}"))
        .unwrap_or_default();
    format!(
        "{}, {}, {} ({group}) {}{renamed}",
        change.namespace,
        change.name,
        change.kind,
        verb(change.change)
    )
}

/// The old name of a renamed resource, with its namespace when that changed too.
fn renamed_from(change: &ResourceChange) -> Option<String> {
    let old_name = change.old_name.as_ref()?;
    Some(match &change.old_namespace {
        Some(namespace) if *namespace != change.namespace => format!("{namespace}/{old_name}"),
        _ => old_name.clone(),
    })
}

/// Every changed resource with its header and hunks, then the summary line.
pub fn format_diff(report: &DiffReport, color: bool) -> String {
    let mut out = String::new();
    for change in report
        .changes
        .iter()
        .filter(|c| c.change != Change::Unchanged)
    {
        if color {
            out.push_str(&format!("{BOLD}{}{RESET}\n", header(change)));
        } else {
            out.push_str(&header(change));
            out.push('\n');
        }
        if change.suppressed {
            out.push_str(&format!("  (diff not shown: --suppress {})\n", change.kind));
        }
        if change.change == Change::Kept {
            out.push_str(
                "  (left out of the chart; helm.sh/resource-policy: keep leaves it in the cluster)\n",
            );
        }
        for warning in &change.warnings {
            out.push_str(&warning_line(warning, color));
        }
        if change.change == Change::Changed && change.diff.as_deref() == Some("") {
            out.push_str("  (every changed line is hidden by --suppress-output-line-regex)\n");
        }
        for line in change.diff.as_deref().unwrap_or("").lines() {
            let paint = match line.as_bytes().first() {
                _ if !color => None,
                Some(b'+') => Some(GREEN),
                Some(b'-') => Some(RED),
                Some(b'@') => Some(CYAN),
                _ => None,
            };
            match paint {
                Some(code) => out.push_str(&format!("{code}{line}{RESET}\n")),
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        out.push('\n');
    }
    if !report.has_changes() {
        out.push_str("No changes.\n");
    }
    out.push_str(&summary_line(&report.summary));
    out.push('\n');
    out
}

/// One line per added, removed, changed or renamed resource, then the summary.
/// With `color`, each line in the colour of its mark (as `-o diff` colours
/// its hunks).
pub fn format_simple(report: &DiffReport, color: bool) -> String {
    let mut out = String::new();
    for change in report
        .changes
        .iter()
        .filter(|c| c.change != Change::Unchanged)
    {
        let mark = match change.change {
            Change::Added => '+',
            Change::Removed => '-',
            Change::Kept => '=',
            _ => '~',
        };
        let renamed = renamed_from(change)
            .map(|old| format!(" (from {old})"))
            .unwrap_or_default();
        let line = format!(
            "{mark} {:<9} {} {} {}/{}{renamed}",
            verb(change.change),
            change.api_version,
            change.kind,
            change.namespace,
            change.name
        );
        let paint = match mark {
            _ if !color => None,
            '+' => Some(GREEN),
            '-' => Some(RED),
            '~' => Some(CYAN),
            _ => None,
        };
        match paint {
            Some(code) => out.push_str(&format!("{code}{line}{RESET}\n")),
            None => {
                out.push_str(&line);
                out.push('\n');
            }
        }
        for warning in &change.warnings {
            out.push_str(&warning_line(warning, color));
        }
    }
    out.push_str(&summary_line(&report.summary));
    out.push('\n');
    out
}

/// `  ! warning`, under the resource it is about, in bold red with colour.
fn warning_line(warning: &str, color: bool) -> String {
    if color {
        format!("  {BOLD}{RED}! {warning}{RESET}\n")
    } else {
        format!("  ! {warning}\n")
    }
}

/// `{"changes": [...], "summary": {...}}`, unchanged resources included.
pub fn format_json(report: &DiffReport) -> String {
    let changes: Vec<serde_json::Value> = report
        .changes
        .iter()
        .map(|c| {
            let mut entry = serde_json::json!({
                "change": c.change,
                "apiVersion": c.api_version,
                "kind": c.kind,
                "namespace": c.namespace,
                "name": c.name,
            });
            if let Some(diff) = &c.diff {
                entry["diff"] = serde_json::Value::String(diff.clone());
            }
            if let (Some(namespace), Some(name)) = (&c.old_namespace, &c.old_name) {
                entry["oldNamespace"] = serde_json::Value::String(namespace.clone());
                entry["oldName"] = serde_json::Value::String(name.clone());
            }
            if c.suppressed {
                entry["suppressed"] = serde_json::Value::Bool(true);
            }
            if !c.warnings.is_empty() {
                entry["warnings"] = serde_json::json!(c.warnings);
            }
            entry
        })
        .collect();
    let report = serde_json::json!({"changes": changes, "summary": report.summary});
    serde_json::to_string_pretty(&report).expect("JSON") + "\n"
}
