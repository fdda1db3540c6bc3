//! Which templates a suite renders and which documents an assert checks,
//! as helm-unittest picks them.
//!
//! A suite renders only its `templates` (every one when it names none),
//! less its `excludeTemplates`, with every partial: a failure in a
//! template the suite does not test cannot fail it. An assert then checks
//! template by template, and passes when it holds for each: `hasDocuments`
//! counts one template's documents, `documentIndex` counts within each.

use super::path;
use super::suite::Selector;
use crate::chart::Chart;
use crate::manifest::Manifest;
use serde_json::Value;

/// The templates a suite names and leaves out, as written.
pub struct Scope<'s> {
    pub templates: &'s [String],
    pub excluded: &'s [String],
}

/// One template's documents: all it rendered, and those the assert checks.
pub struct TemplateDocuments {
    pub name: String,
    pub rendered: Vec<Value>,
    pub selected: Vec<Value>,
}

/// A glob set over template names relative to `templates/` (a leading
/// `templates/` in a pattern is dropped, as helm-unittest allows both).
fn matcher(patterns: &[String]) -> Result<globset::GlobSet, String> {
    let mut set = globset::GlobSetBuilder::new();
    for pattern in patterns {
        let pattern = pattern.strip_prefix("templates/").unwrap_or(pattern);
        set.add(
            globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("template pattern {pattern:?}: {}", e.kind()))?,
        );
    }
    set.build().map_err(|e| e.to_string())
}

/// The chart as the suite renders it: partials always, the other
/// templates when the suite names them (or names none), less the excluded
/// ones. Subcharts keep their partials, and their templates only when the
/// suite names none (helm-unittest matches them against the root's).
pub fn scoped_chart(chart: &Chart, scope: &Scope) -> Result<Chart, String> {
    let wanted = matcher(scope.templates)?;
    let unwanted = matcher(scope.excluded)?;
    let keeps = |name: &str, partial: bool| {
        partial
            || ((scope.templates.is_empty() || wanted.is_match(name)) && !unwanted.is_match(name))
    };
    let mut scoped = chart.clone();
    scoped.templates.retain(|t| keeps(&t.name, t.is_partial()));
    if !scope.templates.is_empty() {
        for sub in &mut scoped.subcharts {
            drop_renderable(sub);
        }
    }
    Ok(scoped)
}

fn drop_renderable(chart: &mut Chart) {
    chart.templates.retain(|t| t.is_partial());
    for sub in &mut chart.subcharts {
        drop_renderable(sub);
    }
}

/// The templates an assert checks (`patterns`: its `template`, the test's
/// `templates` or the suite's; none means every template rendered), each
/// with its documents after `documentIndex` and `documentSelector`.
/// `parsed` holds each document of the manifest, read.
/// `Ok(None)`: a selector with `skipEmptyTemplates` matched nothing, and
/// the assert is passed over.
pub fn documents(
    manifest: &Manifest,
    parsed: &[Result<Value, String>],
    chart: &Chart,
    scoped: &Chart,
    patterns: &[String],
    index: Option<usize>,
    selector: Option<&Selector>,
) -> Result<Option<Vec<TemplateDocuments>>, String> {
    let renders =
        |t: &&crate::chart::TemplateFile| !t.is_partial() && !crate::chart::is_notes_name(&t.name);
    let rendered: Vec<&str> = scoped
        .templates
        .iter()
        .filter(renders)
        .map(|t| t.name.as_str())
        .collect();
    let mut names: Vec<&str> = Vec::new();
    if patterns.is_empty() {
        names = rendered.clone();
    }
    for pattern in patterns {
        let one = matcher(std::slice::from_ref(pattern))?;
        if !chart.templates.iter().any(|t| one.is_match(&t.name)) {
            return Err(format!(
                "no template {pattern} in the chart (templates are named from templates/, like deployment.yaml)"
            ));
        }
        let matched: Vec<&str> = rendered
            .iter()
            .copied()
            .filter(|n| one.is_match(n))
            .collect();
        if matched.is_empty() {
            return Err(format!(
                "{pattern} is not among the templates the suite renders (add it to the suite's `templates`)"
            ));
        }
        names.extend(matched);
    }
    names.sort_unstable();
    names.dedup();

    let prefix = format!("{}/templates/", chart.metadata.name);
    let mut per_template = Vec::with_capacity(names.len());
    for name in names {
        let mut documents: Vec<(usize, Value)> = Vec::new();
        for (document, value) in manifest.documents().zip(parsed) {
            if document.source.strip_prefix(&prefix) == Some(name) {
                let value = value.clone()?;
                // helm-unittest leaves out documents that are an empty mapping.
                if value.as_object().is_some_and(|m| m.is_empty()) {
                    continue;
                }
                documents.push((document.line, value));
            }
        }
        // In the order the template wrote them (the manifest is in install order).
        documents.sort_by_key(|(line, _)| *line);
        let rendered: Vec<Value> = documents.into_iter().map(|(_, v)| v).collect();
        // With a selector, helm-unittest reads no index.
        let selected = match index.filter(|_| selector.is_none()) {
            Some(i) if i >= rendered.len() => {
                return Err(format!(
                    "documentIndex {i} is out of range: {name} rendered {} document(s)",
                    rendered.len()
                ));
            }
            Some(i) => vec![rendered[i].clone()],
            None => rendered.clone(),
        };
        per_template.push(TemplateDocuments {
            name: name.to_string(),
            rendered,
            selected,
        });
    }
    match selector {
        Some(selector) => apply_selector(per_template, selector),
        None => Ok(Some(per_template)),
    }
}

/// `documentSelector`: in each template, the documents whose value at its
/// path is its value (or that have the path, without a value); one in all
/// unless `matchMany`; a template left with none is an error, or passed
/// over with `skipEmptyTemplates`.
fn apply_selector(
    per_template: Vec<TemplateDocuments>,
    selector: &Selector,
) -> Result<Option<Vec<TemplateDocuments>>, String> {
    let steps = path::parse(&selector.path)?;
    let mut kept = Vec::new();
    let mut matched = 0;
    for mut template in per_template {
        // Any value the path finds may be the one (`containers[*].name`).
        template.selected.retain(|d| {
            let found = path::find(d, &steps);
            match &selector.value {
                Some(wanted) => found.contains(&wanted),
                None => !found.is_empty(),
            }
        });
        matched += template.selected.len();
        if !template.selected.is_empty() || !selector.skip_empty_templates {
            kept.push(template);
        }
    }
    if matched > 1 && !selector.match_many {
        return Err(format!(
            "documentSelector: {matched} documents match {}; set matchMany: true to check them all",
            selector.path
        ));
    }
    if kept.is_empty() && selector.skip_empty_templates {
        return Ok(None);
    }
    if let Some(empty) = kept.iter().find(|t| t.selected.is_empty()) {
        return Err(format!(
            "documentSelector: no document of {} has {} as asked (skipEmptyTemplates: true passes such templates over)",
            empty.name, selector.path
        ));
    }
    Ok(Some(kept))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template(name: &str, documents: &[Value]) -> TemplateDocuments {
        TemplateDocuments {
            name: name.into(),
            rendered: documents.to_vec(),
            selected: documents.to_vec(),
        }
    }

    #[test]
    fn a_selector_picks_one_document_in_all_templates_unless_many_are_allowed() {
        let services = [
            json!({"kind": "Service", "metadata": {"name": "a"}}),
            json!({"kind": "Service", "metadata": {"name": "b"}}),
        ];
        let deployment = [json!({"kind": "Deployment"})];
        let templates = || {
            vec![
                template("service.yaml", &services),
                template("deployment.yaml", &deployment),
            ]
        };
        let selector = |value: Value, many: bool, skip: bool| Selector {
            path: "kind".into(),
            value: Some(value),
            match_many: many,
            skip_empty_templates: skip,
        };
        // One match in all, but service.yaml is left with none: an error.
        let error = apply_selector(templates(), &selector(json!("Deployment"), false, false))
            .err()
            .unwrap();
        assert!(
            error.contains("no document of service.yaml has kind"),
            "{error}"
        );
        let skipped = apply_selector(templates(), &selector(json!("Deployment"), false, true))
            .unwrap()
            .unwrap();
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].selected, deployment);
        assert_eq!(
            skipped[0].rendered.len(),
            1,
            "what the template rendered stays for hasDocuments"
        );
        let error = apply_selector(templates(), &selector(json!("Service"), false, false))
            .err()
            .unwrap();
        assert!(
            error.contains("2 documents match kind; set matchMany"),
            "{error}"
        );
        let many = apply_selector(templates(), &selector(json!("Service"), true, true))
            .unwrap()
            .unwrap();
        assert_eq!(many[0].selected.len(), 2);
        assert!(
            apply_selector(templates(), &selector(json!("Pod"), false, true))
                .unwrap()
                .is_none(),
            "nothing matched and empty templates are passed over: the assert is skipped"
        );
    }
}
