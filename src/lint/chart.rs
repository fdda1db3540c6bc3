//! A chart's own checks, as `helm lint` makes them (`Chart.yaml`), and a
//! chart rendered and linted as a release.

use super::config::LintConfig;
use super::{Diagnostic, LintOptions, LintReport, Severity};
use crate::chart::Chart;
use crate::manifest::Manifest;
use crate::render::{Capabilities, ReleaseInfo};
use crate::values::Values;
use serde_json::Value;

/// Renders `chart` with the user's values and lints what renders; a chart
/// that does not render is one error saying why.
pub fn lint_chart(
    chart: &Chart,
    user_values: Values,
    release: &ReleaseInfo,
    capabilities: &Capabilities,
    options: &LintOptions,
) -> LintReport {
    let mut diagnostics = chart_yaml(chart);
    let config = match super::config::LintConfig::of_chart(&chart.dir) {
        Ok(config) => config,
        Err(message) => {
            diagnostics.push(config_error(message));
            Default::default()
        }
    };
    let given = user_values.clone();
    match crate::pipeline::render_noting_reads(chart, user_values, release, capabilities) {
        Ok((output, reads)) => {
            diagnostics.extend(unused_values(&given, &output.values, &reads));
            // The documents' diagnostics go through the settings on their own.
            super::config::apply(&config, &[], &mut diagnostics);
            diagnostics.extend(lint_rendered(chart, &output.manifest, &config, options));
        }
        Err(error) => {
            diagnostics.push(failure(chart, &error));
            super::config::apply(&config, &[], &mut diagnostics);
        }
    }
    LintReport::new(diagnostics, options)
}

/// Lints what `chart` rendered (`render --validate` checks a render so),
/// with the chart's settings and the CRDs of its `crds/` folders.
pub fn lint_rendered(
    chart: &Chart,
    manifest: &Manifest,
    config: &LintConfig,
    options: &LintOptions,
) -> Vec<Diagnostic> {
    let (crds, mut diagnostics) = super::schema::crds_of_chart(chart);
    let options = LintOptions {
        chart_crds: &crds,
        ..*options
    };
    let documents: Vec<_> = manifest.documents().cloned().collect();
    diagnostics.extend(super::lint_documents_with(&documents, &options, config).diagnostics);
    diagnostics
}

/// The values the user gave that no template read, and the keys templates
/// read that no source defines beside a near one (`kinja values --unused`
/// says where each came from).
fn unused_values(
    given: &Values,
    merged: &Values,
    reads: &crate::render::reads::Reads,
) -> Vec<Diagnostic> {
    use crate::values::origin::{Trace, path_text};
    let (unread, undefined) = crate::values::unused::find(
        given,
        merged,
        &Trace::default(),
        &reads.found(),
        &reads.missing(),
    );
    let warning = |rule, message, template, hint| Diagnostic {
        severity: Severity::Warning,
        rule,
        message,
        resource: None,
        template,
        line: None,
        path: None,
        hint,
    };
    let mut out: Vec<Diagnostic> = unread
        .iter()
        .map(|u| {
            warning(
                "unused-value",
                format!(
                    "the value {} is given, but no template reads it",
                    path_text(&u.path)
                ),
                None,
                u.nearest.as_ref().map(|n| format!("did you mean {n}?")),
            )
        })
        .collect();
    out.extend(undefined.iter().map(|u| {
        warning(
            "undefined-value",
            format!(
                "templates read {}, but no values source defines it",
                path_text(&u.path)
            ),
            u.templates.first().cloned(),
            Some(format!("did you mean {}?", u.nearest)),
        )
    }));
    out
}

/// A `.kinja-lint.yaml` that cannot be read.
fn config_error(message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        rule: "lint-config",
        message,
        resource: None,
        template: None,
        line: None,
        path: None,
        hint: None,
    }
}

/// A chart that does not load or render.
pub fn failure(chart: &Chart, error: &crate::error::Error) -> Diagnostic {
    use crate::error::Error;
    let rule = match error {
        Error::Values(_) => "values",
        Error::Chart(_) => "chart",
        _ => "render-failed",
    };
    Diagnostic {
        severity: Severity::Error,
        rule,
        message: error.to_string(),
        resource: None,
        template: Some(chart.dir.display().to_string()),
        line: None,
        path: None,
        hint: None,
    }
}

/// What `helm lint` checks in `Chart.yaml` beyond what loading it refuses.
fn chart_yaml(chart: &Chart) -> Vec<Diagnostic> {
    let file = chart.dir.join("Chart.yaml").display().to_string();
    let fields = &chart.metadata.fields;
    let mut out = Vec::new();
    let mut add = |severity, message: String, path: &str| {
        out.push(Diagnostic {
            severity,
            rule: if path == "icon" && severity == Severity::Info {
                "chart-icon"
            } else {
                "chart-yaml"
            },
            message,
            resource: None,
            template: Some(file.clone()),
            line: None,
            path: Some(path.to_string()),
            hint: None,
        })
    };
    match fields.get("apiVersion").and_then(Value::as_str) {
        None => add(
            Severity::Error,
            "apiVersion is required: v2 (Helm 3 and kinja) or v1".into(),
            "apiVersion",
        ),
        Some("v1") => add(
            Severity::Info,
            "apiVersion v1 is Helm 2's; v2 takes dependencies in Chart.yaml and a type".into(),
            "apiVersion",
        ),
        Some(_) => {}
    }
    match fields.get("icon").and_then(Value::as_str) {
        None => add(Severity::Info, "icon is recommended".into(), "icon"),
        Some(icon) if !is_url(icon) => add(
            Severity::Error,
            format!("icon {icon:?} is not an http(s) URL"),
            "icon",
        ),
        Some(_) => {}
    }
    if let Some(maintainers) = fields.get("maintainers") {
        let Some(list) = maintainers.as_array() else {
            add(
                Severity::Error,
                "maintainers is a list of {name, email, url}".into(),
                "maintainers",
            );
            return out;
        };
        for (i, maintainer) in list.iter().enumerate() {
            let at = format!("maintainers[{i}]");
            if maintainer
                .get("name")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                add(Severity::Error, "each maintainer needs a name".into(), &at);
            }
            if let Some(email) = maintainer.get("email").and_then(Value::as_str)
                && !is_email(email)
            {
                add(
                    Severity::Error,
                    format!("{email:?} is not an e-mail address"),
                    &format!("{at}.email"),
                );
            }
            if let Some(url) = maintainer.get("url").and_then(Value::as_str)
                && !is_url(url)
            {
                add(
                    Severity::Error,
                    format!("{url:?} is not an http(s) URL"),
                    &format!("{at}.url"),
                );
            }
        }
    }
    out
}

fn is_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace))
}

fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((user, host)) => {
            !user.is_empty() && host.contains('.') && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}
