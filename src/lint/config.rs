//! Rules a chart turns off, each with its reason: in `.kinja-lint.yaml`
//! beside `Chart.yaml`, or on a resource with the annotation
//! `kinja.dev/lint-disable: "rule, rule"` (and `kinja.dev/lint-reason`).
//!
//! ```yaml
//! # .kinja-lint.yaml
//! lint:
//!   disable:
//!     - rule: config-missing
//!       resource: Deployment/web      # optional: only there
//!       reason: the operator creates the Secret
//! ```

use super::{Diagnostic, Object};
use serde_json::Value;
use std::path::Path;

/// The annotation that turns rules off on one resource.
pub const DISABLE_ANNOTATION: &str = "kinja.dev/lint-disable";

/// One rule turned off, everywhere or on one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Disabled {
    pub rule: String,
    /// `Deployment/web`; `None`: every resource.
    pub resource: Option<String>,
    pub reason: String,
}

/// A chart's lint settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LintConfig {
    pub disabled: Vec<Disabled>,
}

impl LintConfig {
    /// `.kinja-lint.yaml` of the chart folder `dir`, or nothing when there
    /// is none. A rule turned off needs a reason: the next reader asks why.
    pub fn of_chart(dir: &Path) -> Result<LintConfig, String> {
        let file = dir.join(".kinja-lint.yaml");
        let Ok(text) = std::fs::read_to_string(&file) else {
            return Ok(LintConfig::default());
        };
        let shown = file.display();
        let value = crate::yaml::parse_value_core(&text).map_err(|e| format!("{shown}: {e}"))?;
        let entries = value
            .pointer("/lint/disable")
            .map(|d| {
                d.as_array()
                    .cloned()
                    .ok_or(format!("{shown}: lint.disable is a list"))
            })
            .transpose()?
            .unwrap_or_default();
        let mut disabled = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_string);
            let rule = text("rule").ok_or(format!("{shown}: lint.disable[{i}] needs a rule"))?;
            let reason = text("reason")
                .filter(|r| !r.trim().is_empty())
                .ok_or(format!(
                    "{shown}: lint.disable[{i}] ({rule}) needs a reason"
                ))?;
            disabled.push(Disabled {
                rule,
                resource: text("resource"),
                reason,
            });
        }
        Ok(LintConfig { disabled })
    }

    fn turns_off(&self, diagnostic: &Diagnostic) -> bool {
        self.disabled.iter().any(|d| {
            d.rule == diagnostic.rule
                && d.resource
                    .as_ref()
                    .is_none_or(|r| diagnostic.resource.as_ref() == Some(r))
        })
    }
}

/// The rules an object's annotation turns off.
fn disabled_on(object: &Object) -> Vec<String> {
    object
        .value
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(DISABLE_ANNOTATION))
        .and_then(Value::as_str)
        .map(|list| {
            list.split(',')
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Drops the diagnostics the chart's settings or the objects' annotations turn off.
pub fn apply(config: &LintConfig, objects: &[Object], diagnostics: &mut Vec<Diagnostic>) {
    let by_annotation: Vec<(String, Vec<String>)> = objects
        .iter()
        .map(|o| (o.shown(), disabled_on(o)))
        .filter(|(_, rules)| !rules.is_empty())
        .collect();
    diagnostics.retain(|d| {
        let annotated = by_annotation.iter().any(|(shown, rules)| {
            d.resource.as_deref() == Some(shown.as_str()) && rules.iter().any(|r| r == d.rule)
        });
        !annotated && !config.turns_off(d)
    });
}
