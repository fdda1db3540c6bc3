//! `kinja test`: helm-unittest suites run natively. A suite only sets
//! values and asserts on the rendered YAML, so the files a team wrote for
//! helm-unittest run unchanged against the Jinja port of its chart.
//!
//! This first step runs the suite format's setup (`values`, `set`,
//! `release`, `capabilities`, `chart`, `templates`, `excludeTemplates`,
//! `skip`, `documentIndex`) and twenty asserts (see [`suite::ASSERTS`]).
//! Snapshots, document selectors, JUnit and coverage come next.

mod assert;
mod coverage;
mod junit;
mod path;
mod select;
mod snapshot;
pub mod suite;

pub use coverage::{coverage_text, lcov};
pub use junit::junit_xml;
pub use snapshot::SnapshotMode;

use crate::chart::{Chart, ChartError};
use crate::render::coverage::{Coverage, TemplateCoverage};
use crate::render::{Capabilities, Cluster, Harness, KubeVersion, ReleaseInfo};
use crate::values::Values;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use suite::{Setup, Suite, Test};

/// Which suites to run.
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    /// Suite files, globs relative to the chart (default `tests/*_test.yaml`).
    pub files: Vec<String>,
    /// Only tests whose suite or name holds this text.
    pub filter: Option<String>,
    pub snapshots: SnapshotMode,
    /// Stop at the first failed test.
    pub fail_fast: bool,
    /// Count which branches of the chart's templates the tests render.
    pub coverage: bool,
}

/// Every test's result, and what was written (new snapshots).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub results: Vec<TestResult>,
    pub notes: Vec<String>,
    /// With [`TestOptions::coverage`]: every template of every chart tested.
    pub coverage: Option<Vec<TemplateCoverage>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Passed,
    /// One message per failed assert.
    Failed(Vec<String>),
    Skipped(String),
}

/// One test's result; a suite that could not be read is one failed result.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    /// The chart folder, as given.
    pub chart: String,
    /// The suite file, relative to the chart.
    pub file: String,
    pub suite: String,
    pub it: String,
    pub outcome: Outcome,
}

/// Runs the suites of the chart folder `dir`.
pub fn run(dir: &Path, options: &TestOptions) -> Result<Report, ChartError> {
    let chart = Chart::load(dir)?;
    let patterns = if options.files.is_empty() {
        vec!["tests/*_test.yaml".to_string()]
    } else {
        options.files.clone()
    };
    let files = suite_files(dir, &patterns);
    let coverage = options.coverage.then(|| Coverage::of_chart(&chart));
    let target = Target {
        chart: &chart,
        coverage: coverage.clone(),
    };
    let mut report = Report::default();
    if options.fail_fast {
        // In order, to stop at the first failure.
        for file in &files {
            let (results, notes) = run_suite(&target, dir, file, options);
            let failed = results
                .iter()
                .any(|r| matches!(r.outcome, Outcome::Failed(_)));
            report.results.extend(results);
            report.notes.extend(notes);
            if failed {
                break;
            }
        }
    } else {
        // Suites on all cores; results in path order.
        let size = |file: &PathBuf| std::fs::metadata(file).map_or(0, |m| m.len() as usize);
        for (results, notes) in
            crate::parallel::map(&files, size, |file| run_suite(&target, dir, file, options))
        {
            report.results.extend(results);
            report.notes.extend(notes);
        }
    }
    report.coverage = coverage.map(|c| c.results());
    Ok(report)
}

/// The chart under test, and where its renders count coverage.
struct Target<'a> {
    chart: &'a Chart,
    coverage: Option<Arc<Coverage>>,
}

/// One suite file's results and what it wrote (snapshots).
fn run_suite(
    target: &Target,
    dir: &Path,
    file: &Path,
    options: &TestOptions,
) -> (Vec<TestResult>, Vec<String>) {
    let relative = file.strip_prefix(dir).unwrap_or(file).display().to_string();
    let broken = |it: &str, message: String| {
        (
            vec![TestResult {
                chart: dir.display().to_string(),
                file: relative.clone(),
                suite: relative.clone(),
                it: it.into(),
                outcome: Outcome::Failed(vec![message]),
            }],
            Vec::new(),
        )
    };
    let read = std::fs::read_to_string(file)
        .map_err(|e| crate::input::io_reason(&e))
        .and_then(|text| suite::read(&text));
    let suite = match read {
        Ok(suite) => suite,
        Err(message) => return broken("(the suite)", format!("{relative}: {message}")),
    };
    let suite_dir = file.parent().unwrap_or(dir).to_path_buf();
    let scope = select::Scope {
        templates: &suite.templates,
        excluded: &suite.exclude_templates,
    };
    let scoped = match select::scoped_chart(target.chart, &scope) {
        Ok(scoped) => scoped,
        Err(message) => return broken("(the suite)", format!("{relative}: {message}")),
    };
    let scoped_target = Target {
        chart: &scoped,
        coverage: target.coverage.clone(),
    };
    let mut snapshots = match snapshot::Snapshots::open(file, options.snapshots) {
        Ok(snapshots) => snapshots,
        Err(message) => return broken("(its snapshots)", message),
    };
    // Each distinct setup renders once: tests that only assert differently share it.
    let mut renders: std::collections::HashMap<String, std::rc::Rc<RenderResult>> =
        std::collections::HashMap::new();
    let mut results = Vec::new();
    for test in &suite.tests {
        let name = if suite.name.is_empty() {
            relative.clone()
        } else {
            suite.name.clone()
        };
        if let Some(filter) = &options.filter
            && !name.contains(filter.as_str())
            && !test.it.contains(filter.as_str())
        {
            continue;
        }
        let outcome = match suite.skip.as_ref().or(test.skip.as_ref()) {
            Some(reason) => Outcome::Skipped(reason.clone()),
            None => {
                let setups = [&suite.setup, &test.setup];
                let key = format!("{setups:?}");
                let rendered = renders
                    .entry(key)
                    .or_insert_with(|| {
                        std::rc::Rc::new(render(&scoped_target, &setups, &suite_dir))
                    })
                    .clone();
                run_test(
                    target.chart,
                    &scoped,
                    &suite,
                    test,
                    &rendered,
                    &mut snapshots,
                )
            }
        };
        let failed = matches!(outcome, Outcome::Failed(_));
        results.push(TestResult {
            chart: dir.display().to_string(),
            file: relative.clone(),
            suite: name,
            it: test.it.clone(),
            outcome,
        });
        if failed && options.fail_fast {
            break;
        }
    }
    let mut notes = Vec::new();
    match snapshots.finish() {
        Ok(note) => notes.extend(note),
        Err(message) => results.push(TestResult {
            chart: dir.display().to_string(),
            file: relative.clone(),
            suite: relative,
            it: "(its snapshots)".into(),
            outcome: Outcome::Failed(vec![message]),
        }),
    }
    (results, notes)
}

/// A render for a test: the documents and notes, the render's error (for
/// `failedTemplate`), or a setup that cannot work (the outer error).
type RenderResult = Result<Result<Rendered, String>, String>;

/// The suite files matching `patterns`, in path order.
fn suite_files(dir: &Path, patterns: &[String]) -> Vec<PathBuf> {
    let matchers: Vec<globset::GlobMatcher> = patterns
        .iter()
        .filter_map(|p| {
            globset::GlobBuilder::new(p)
                .literal_separator(true)
                .build()
                .ok()
                .map(|g| g.compile_matcher())
        })
        .collect();
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir)
                && matchers.iter().any(|m| m.is_match(relative))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn run_test(
    chart: &Chart,
    scoped: &Chart,
    suite: &Suite,
    test: &Test,
    rendered: &RenderResult,
    snapshots: &mut snapshot::Snapshots,
) -> Outcome {
    let rendered = match rendered {
        Ok(Ok(rendered)) => Ok(rendered),
        Ok(Err(message)) => Err(message),
        Err(broken) => return Outcome::Failed(vec![broken.clone()]),
    };
    let mut failures = Vec::new();
    let mut snapshot_number = 0;
    for assert in &test.asserts {
        let patterns: Vec<String> = match &assert.template {
            Some(one) => vec![one.clone()],
            None if !test.templates.is_empty() => test.templates.clone(),
            None => suite.templates.clone(),
        };
        let label = if patterns.is_empty() {
            assert.kind.clone()
        } else {
            format!("{} ({})", assert.kind, patterns.join(", "))
        };
        let result = match &rendered {
            Err(message) => assert::check(assert, &assert::Subject::Failed(message)),
            Ok(rendered) if assert.kind.ends_with("Raw") => {
                notes_of(chart, rendered, &patterns, &assert.kind).and_then(|notes| {
                    if assert.kind == "matchSnapshotRaw" {
                        snapshot_number += 1;
                        snapshots.check(&test.it, snapshot_number, &Value::String(notes.into()))
                    } else {
                        assert::check(assert, &assert::Subject::Raw(notes))
                    }
                })
            }
            Ok(rendered) => select::documents(
                &rendered.manifest,
                &rendered.parsed,
                chart,
                scoped,
                &patterns,
                // The test's index beats the assert's, as in helm-unittest.
                test.document_index.or(assert.document_index),
                assert
                    .document_selector
                    .as_ref()
                    .or(test.document_selector.as_ref()),
            )
            .and_then(|templates| {
                // None: a selector with skipEmptyTemplates found nothing to check.
                let templates = templates.unwrap_or_default();
                let many = templates.len() > 1;
                for template in &templates {
                    let outcome = if assert.kind == "matchSnapshot" {
                        snapshot_documents(
                            assert,
                            &template.selected,
                            &test.it,
                            &mut snapshot_number,
                            snapshots,
                        )
                    } else {
                        assert::check(
                            assert,
                            &assert::Subject::Documents {
                                rendered: &template.rendered,
                                selected: &template.selected,
                            },
                        )
                    };
                    outcome.map_err(|why| {
                        if many {
                            format!("{}: {why}", template.name)
                        } else {
                            why
                        }
                    })?;
                }
                Ok(())
            }),
        };
        if let Err(why) = result {
            failures.push(format!("{label}: {why}"));
        }
    }
    if failures.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(failures)
    }
}

/// The rendered `NOTES.txt` a raw assert checks.
fn notes_of<'r>(
    chart: &Chart,
    rendered: &'r Rendered,
    patterns: &[String],
    kind: &str,
) -> Result<&'r str, String> {
    let is_notes = |t: &String| t.trim_start_matches("templates/") == "NOTES.txt";
    if patterns.is_empty() || !patterns.iter().all(is_notes) {
        return Err(format!(
            "{kind} checks NOTES.txt: set `template: NOTES.txt`"
        ));
    }
    match &rendered.notes {
        Some(notes) => Ok(notes),
        None if chart.templates.iter().any(|t| t.name == "NOTES.txt") => Err(
            "NOTES.txt is not among the templates the suite renders (add it to the suite's `templates`)".into(),
        ),
        None => Err("the chart has no templates/NOTES.txt".into()),
    }
}

/// `matchSnapshot`: each document (or its value at `path`) against the
/// test's next snapshot.
fn snapshot_documents(
    assert: &suite::Assert,
    documents: &[Value],
    it: &str,
    number: &mut usize,
    snapshots: &mut snapshot::Snapshots,
) -> Result<(), String> {
    let mut outcome = Ok(());
    for document in documents {
        *number += 1;
        let value = match assert.params.get("path").and_then(Value::as_str) {
            Some(path) => path::lookup(document, &path::parse(path)?)
                .cloned()
                .unwrap_or(Value::Null),
            None => document.clone(),
        };
        // With a pattern, helm-unittest checks the snapshot's text against
        // it instead of against the stored snapshot.
        let pattern = |key: &str| {
            assert
                .params
                .get(key)
                .and_then(|p| p.get("pattern"))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|p| !p.is_empty())
        };
        let (must, must_not) = (pattern("matchRegex"), pattern("notMatchRegex"));
        if must.is_some() || must_not.is_some() {
            let text = crate::yaml::to_yaml(&value);
            for (pattern, wanted) in [(must, true), (must_not, false)] {
                let Some(pattern) = pattern else { continue };
                let re = regex::Regex::new(pattern).map_err(|e| format!("{pattern}: {e}"))?;
                if re.is_match(&text) != wanted {
                    outcome = Err(if wanted {
                        format!("pattern {pattern:?} is not in snapshot {number}")
                    } else {
                        format!("pattern {pattern:?} should not be in snapshot {number}")
                    });
                }
            }
        } else if let Err(why) = snapshots.check(it, *number, &value) {
            outcome = Err(why);
        }
    }
    outcome
}

/// Renders with the suite's then the test's setup: the manifest, or the
/// render's error message (for `failedTemplate`); the outer error is a
/// setup that cannot work (a values file that does not read).
fn render(
    target: &Target,
    setups: &[&Setup],
    suite_dir: &Path,
) -> Result<Result<Rendered, String>, String> {
    let mut values = Values::new();
    for setup in setups {
        for file in &setup.values {
            let path = suite_dir.join(file);
            let text = crate::values::read_values_file(&path).map_err(|e| e.to_string())?;
            let parsed = crate::values::parse_values_text(&text, &path.display().to_string())
                .map_err(|e| e.to_string())?;
            crate::values::merge_maps(&mut values, parsed);
        }
    }
    for setup in setups {
        for (path, value) in &setup.set {
            set_path(&mut values, path, value.clone())?;
        }
    }
    let last = |pick: &dyn Fn(&Setup) -> Option<String>| setups.iter().rev().find_map(|s| pick(s));
    let upgrade = setups
        .iter()
        .rev()
        .find_map(|s| s.release_upgrade)
        .unwrap_or(false);
    let release = ReleaseInfo {
        name: last(&|s| s.release_name.clone()).unwrap_or_else(|| "RELEASE-NAME".into()),
        namespace: last(&|s| s.release_namespace.clone()).unwrap_or_else(|| "NAMESPACE".into()),
        revision: setups
            .iter()
            .rev()
            .find_map(|s| s.release_revision)
            .unwrap_or(0),
        is_install: !upgrade,
        is_upgrade: upgrade,
        // helm-unittest's value, so suites that check the managed-by label
        // run unchanged (`kinja render` says "kinja").
        service: "Helm".into(),
    };
    let mut capabilities = Capabilities::default();
    let major = setups.iter().rev().find_map(|s| s.kube_major);
    let minor = setups.iter().rev().find_map(|s| s.kube_minor);
    if major.is_some() || minor.is_some() {
        let current = &capabilities.kube_version;
        let text = format!(
            "v{}.{}.0",
            major.unwrap_or(current.major),
            minor.unwrap_or(current.minor)
        );
        capabilities.kube_version = KubeVersion::parse(&text)?;
    }
    // Only the suite's and the test's, together: helm-unittest renders
    // with no other API version (not Helm's default list).
    capabilities.api_versions = setups
        .iter()
        .filter_map(|s| s.api_versions.as_ref())
        .flatten()
        .cloned()
        .collect();
    let mut chart = target.chart.clone();
    if let Some(version) = last(&|s| s.chart_version.clone()) {
        chart.metadata.version = version.clone();
        chart
            .metadata
            .fields
            .insert("version".into(), version.into());
    }
    if let Some(app_version) = last(&|s| s.chart_app_version.clone()) {
        chart.metadata.app_version = Some(app_version.clone());
        chart
            .metadata
            .fields
            .insert("appVersion".into(), app_version.into());
    }
    Ok(
        match crate::pipeline::render_any_release_name(
            &chart,
            &chart.default_values,
            values,
            &release,
            &capabilities,
            &Harness {
                coverage: target.coverage.clone(),
                cluster: cluster(setups),
                ..Harness::default()
            },
        ) {
            Ok(output) => Ok(Rendered {
                // Parsed once for every assert of every test sharing the render.
                parsed: output
                    .manifest
                    .documents()
                    .map(|d| crate::yaml::parse_value_core(&d.text).map_err(|e| e.to_string()))
                    .collect(),
                manifest: output.manifest,
                notes: output.notes,
            }),
            Err(crate::error::Error::Render(e)) => Err(e.message),
            Err(other) => Err(other.to_string()),
        },
    )
}

/// What `lookup` finds: the test's objects, then the suite's (helm-unittest's
/// order); `None` when neither has any, so `lookup` finds nothing.
fn cluster(setups: &[&Setup]) -> Option<Arc<Cluster>> {
    let objects: Vec<Value> = setups
        .iter()
        .rev()
        .flat_map(|s| s.cluster_objects.iter().cloned())
        .collect();
    if objects.is_empty() {
        return None;
    }
    let namespaced = setups
        .iter()
        .rev()
        .flat_map(|s| s.cluster_scheme.iter().cloned())
        .collect();
    Some(Arc::new(Cluster {
        objects,
        namespaced,
    }))
}

/// A render for the asserts: its documents and its notes.
struct Rendered {
    manifest: crate::manifest::Manifest,
    /// Each document of `manifest.documents()`, parsed.
    parsed: Vec<Result<Value, String>>,
    notes: Option<String>,
}

/// Puts `value` at a path (`image.tag`, `podAnnotations.prometheus\.io/scrape`,
/// `ports[0].name`), making mappings and list slots on the way; a mapping
/// merges into the mapping already there, as `--set` merges.
fn set_path(values: &mut Values, key: &str, value: Value) -> Result<(), String> {
    let steps = path::parse(key).map_err(|e| format!("set: {e}"))?;
    let mut root = Value::Object(std::mem::take(values));
    let mut current = &mut root;
    for step in &steps {
        current = match step {
            path::Step::Key(name) => {
                if !current.is_object() {
                    *current = Value::Object(Values::new());
                }
                current
                    .as_object_mut()
                    .expect("made a mapping just above")
                    .entry(name.clone())
                    .or_insert(Value::Null)
            }
            path::Step::Index(index) => {
                let index = usize::try_from(*index)
                    .map_err(|_| format!("set: {key}: a negative index names no slot"))?;
                if index > 65_536 {
                    return Err(format!(
                        "set: {key}: index {index} is past 65536, as --set allows"
                    ));
                }
                if !current.is_array() {
                    *current = Value::Array(Vec::new());
                }
                let items = current.as_array_mut().expect("made a list just above");
                if items.len() <= index {
                    items.resize(index + 1, Value::Null);
                }
                &mut items[index]
            }
            other => {
                return Err(format!(
                    "set: {key}: {} picks values to read, not a place to set",
                    match other {
                        path::Step::Filter(_) => "a filter",
                        path::Step::Descend(_) => "`..`",
                        _ => "`*`",
                    }
                ));
            }
        };
    }
    match (current, value) {
        (Value::Object(existing), Value::Object(incoming)) => {
            crate::values::merge_maps(existing, incoming);
        }
        (slot, value) => *slot = value,
    }
    if let Value::Object(map) = root {
        *values = map;
    }
    Ok(())
}

/// One line per test, the failures' messages under them, what was
/// written, then the count.
pub fn report_text(report: &Report, color: bool) -> String {
    // Green, red, yellow marks on a terminal.
    let paint = |mark: &str, code: &str| {
        if color {
            format!("\x1b[{code}m{mark}\x1b[0m")
        } else {
            mark.to_string()
        }
    };
    let results = &report.results;
    let mut out = String::new();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for result in results {
        let (mark, details) = match &result.outcome {
            Outcome::Passed => {
                passed += 1;
                (paint("PASS", "32"), Vec::new())
            }
            Outcome::Failed(messages) => {
                failed += 1;
                (paint("FAIL", "31"), messages.clone())
            }
            Outcome::Skipped(reason) => {
                skipped += 1;
                (paint("SKIP", "33"), vec![reason.clone()])
            }
        };
        out.push_str(&format!("{mark}  {} › {}\n", result.suite, result.it));
        for detail in details {
            for line in detail.lines() {
                out.push_str(&format!("      {line}\n"));
            }
        }
    }
    for note in &report.notes {
        out.push_str(&format!("{note}\n"));
    }
    out.push_str(&format!("{passed} passed, {failed} failed"));
    if skipped > 0 {
        out.push_str(&format!(", {skipped} skipped"));
    }
    out.push('\n');
    out
}

/// Whether any test failed.
pub fn any_failed(report: &Report) -> bool {
    report
        .results
        .iter()
        .any(|r| matches!(r.outcome, Outcome::Failed(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_merges_mappings_and_takes_escapes_and_indexes() {
        let mut values = crate::values::test_values(json!({"resources": {"requests": {"cpu": 1}}}));
        set_path(&mut values, "resources", json!({"limits": {"cpu": 2}})).unwrap();
        set_path(
            &mut values,
            "podAnnotations.prometheus\\.io/scrape",
            json!("true"),
        )
        .unwrap();
        set_path(&mut values, "ports[1].name", json!("http")).unwrap();
        assert_eq!(
            Value::Object(values),
            json!({"resources": {"requests": {"cpu": 1}, "limits": {"cpu": 2}},
                   "podAnnotations": {"prometheus.io/scrape": "true"},
                   "ports": [null, {"name": "http"}]})
        );
    }
}
