//! A lint report as text (rustc's style), JSON, or SARIF 2.1.0 for code
//! scanning tools.

use super::{Diagnostic, LintReport, Severity};
use serde_json::json;

fn label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// The summary line every lint ends with.
pub fn summary(report: &LintReport) -> String {
    format!(
        "{}, {}, {}",
        plural(report.count(Severity::Error), "error"),
        plural(report.count(Severity::Warning), "warning"),
        plural(report.count(Severity::Info), "info")
    )
}

/// Each diagnostic as rustc writes one, then the summary.
pub fn to_text(report: &LintReport) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&format!(
            "{}[{}]: {}\n",
            label(d.severity),
            d.rule,
            d.message
        ));
        let place = match (&d.template, d.line) {
            (Some(template), Some(line)) => Some(format!("{template}:{line}")),
            (Some(template), None) => Some(template.clone()),
            (None, Some(line)) => Some(format!("line {line}")),
            (None, None) => None,
        };
        let within: Vec<&str> = [d.resource.as_deref(), d.path.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        match (place, within.is_empty()) {
            (Some(place), false) => {
                out.push_str(&format!("  --> {place} ({})\n", within.join(", ")))
            }
            (Some(place), true) => out.push_str(&format!("  --> {place}\n")),
            (None, false) => out.push_str(&format!("  --> {}\n", within.join(", "))),
            (None, true) => {}
        }
        if let Some(hint) = &d.hint {
            out.push_str(&format!("   = hint: {hint}\n"));
        }
        out.push('\n');
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

/// The diagnostics as a JSON array.
pub fn to_json(report: &LintReport) -> String {
    let mut text =
        serde_json::to_string_pretty(&report.diagnostics).expect("diagnostics serialize");
    text.push('\n');
    text
}

/// SARIF 2.1.0: one run of kinja, its rules, one result per diagnostic.
pub fn to_sarif(report: &LintReport) -> String {
    let mut rules: Vec<&'static str> = report.diagnostics.iter().map(|d| d.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    let results: Vec<serde_json::Value> = report.diagnostics.iter().map(sarif_result).collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kinja",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/kinja/kinja",
                "rules": rules.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
            }},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&sarif).expect("SARIF serializes");
    text.push('\n');
    text
}

fn sarif_result(d: &Diagnostic) -> serde_json::Value {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let mut text = d.message.clone();
    if let Some(hint) = &d.hint {
        text.push_str(&format!(" ({hint})"));
    }
    let mut result = json!({"ruleId": d.rule, "level": level, "message": {"text": text}});
    if let Some(template) = &d.template {
        let mut location = json!({"physicalLocation": {"artifactLocation": {"uri": template}}});
        if let Some(line) = d.line {
            location["physicalLocation"]["region"] = json!({"startLine": line});
        }
        if let Some(resource) = &d.resource {
            location["logicalLocations"] = json!([{"fullyQualifiedName": match &d.path {
                Some(path) => format!("{resource}/{path}"),
                None => resource.clone(),
            }}]);
        }
        result["locations"] = json!([location]);
    }
    result
}
