//! The whole render, from a loaded chart and user values to an ordered
//! manifest: plain data in, plain data out, callable many times per process.

use crate::chart::compose::compose;
use crate::chart::{Chart, ChartError, ChartType};
use crate::error::Error;
use crate::manifest::Manifest;
use crate::render::{Capabilities, Harness, ReleaseInfo, Renderer};
use crate::values::{self, Values, ValuesError};

/// What a render produces.
#[derive(Debug, Clone)]
pub struct RenderOutput {
    pub manifest: Manifest,
    /// `templates/NOTES.txt`, rendered.
    pub notes: Option<String>,
    /// The merged values the templates saw.
    pub values: Values,
    /// For stderr: merge conflicts resolved in the user's favour, hooks left out.
    pub warnings: Vec<String>,
}

/// Coalesces the chart defaults under `user_values`, checks the schema and
/// the chart's `kubeVersion`, renders every template and builds the manifest.
///
/// ```
/// use kinja::chart::Chart;
/// use kinja::pipeline::render_chart;
/// use kinja::render::{Capabilities, ReleaseInfo};
///
/// let chart = Chart::load("charts/seedapp".as_ref()).unwrap();
/// let mut user_values = kinja::values::Values::new();
/// user_values.insert("replicaCount".into(), 5.into());
/// let release = ReleaseInfo::for_render("shop", "web");
/// let output = render_chart(&chart, user_values, &release, &Capabilities::default()).unwrap();
/// let text = output.manifest.to_text();
/// assert!(text.starts_with("---\n# Source: seedapp/templates/"));
/// assert!(text.contains("replicas: 5"));
/// assert_eq!(output.values["replicaCount"], 5);
/// ```
pub fn render_chart(
    chart: &Chart,
    user_values: Values,
    release: &ReleaseInfo,
    capabilities: &Capabilities,
) -> Result<RenderOutput, Error> {
    render_chart_over(
        chart,
        &chart.default_values,
        user_values,
        release,
        capabilities,
    )
}

/// [`render_chart`] with other defaults under the user values than the
/// chart's `values.yaml`: an upgrade with `--reuse-values` renders over the
/// last revision's merged values, as Helm does.
pub fn render_chart_over(
    chart: &Chart,
    defaults: &Values,
    user_values: Values,
    release: &ReleaseInfo,
    capabilities: &Capabilities,
) -> Result<RenderOutput, Error> {
    crate::names::validate_release_name(&release.name)?;
    render_any_release_name(
        chart,
        defaults,
        user_values,
        release,
        capabilities,
        &Harness::default(),
    )
}

/// What [`render_manifest`] produces: a render without the merged values.
#[derive(Debug, Clone)]
pub struct RenderedManifest {
    pub manifest: Manifest,
    /// `templates/NOTES.txt`, rendered.
    pub notes: Option<String>,
    /// For stderr: merge conflicts resolved in the user's favour, hooks left out.
    pub warnings: Vec<String>,
}

/// [`render_chart`] for a caller that needs only the manifest (`kinja
/// render`): the merged values are freed once the templates' own copy of
/// them is made, before anything renders, which at thousands of apps is a
/// fifth of the render's memory.
pub fn render_manifest(
    chart: &Chart,
    user_values: Values,
    release: &ReleaseInfo,
    capabilities: &Capabilities,
) -> Result<RenderedManifest, Error> {
    crate::names::validate_release_name(&release.name)?;
    let (rendered, ()) = render_merged(
        chart,
        &chart.default_values,
        user_values,
        release,
        capabilities,
        &Harness::default(),
        drop,
    )?;
    Ok(rendered)
}

/// [`render_chart_over`] for any release name: helm-unittest suites render
/// as `RELEASE-NAME` in `NAMESPACE`, names no cluster would take, with the
/// `harness` of the test run (coverage, objects for `lookup`).
pub(crate) fn render_any_release_name(
    chart: &Chart,
    defaults: &Values,
    user_values: Values,
    release: &ReleaseInfo,
    capabilities: &Capabilities,
    harness: &Harness,
) -> Result<RenderOutput, Error> {
    let (rendered, values) = render_merged(
        chart,
        defaults,
        user_values,
        release,
        capabilities,
        harness,
        |values| values,
    )?;
    Ok(RenderOutput {
        manifest: rendered.manifest,
        notes: rendered.notes,
        values,
        warnings: rendered.warnings,
    })
}

/// The render itself. The merged values go to `keep` once the templates'
/// contexts are built from them, before any template renders: a caller
/// that needs them back returns them, one that does not frees them.
fn render_merged<V>(
    chart: &Chart,
    defaults: &Values,
    user_values: Values,
    release: &ReleaseInfo,
    capabilities: &Capabilities,
    harness: &Harness,
    keep: impl FnOnce(Values) -> V,
) -> Result<(RenderedManifest, V), Error> {
    if chart.metadata.chart_type == ChartType::Library {
        return Err(ChartError::Library {
            name: chart.metadata.name.clone(),
        }
        .into());
    }
    check_kube_version(chart, capabilities)?;
    let Merged {
        composed,
        values,
        mut warnings,
    } = merge(chart, defaults, user_values)?;

    let renderer = Renderer::with_harness(&composed, harness)?;
    let contexts = renderer.contexts(&values, release, capabilities);
    let kept = keep(values);
    let file_of = |name: &str| renderer.file_of(name);
    let (per_template, notes) = renderer.render_each(&contexts, |t| {
        Manifest::documents_of(t, &file_of)
    })?;
    let (manifest, skipped_hooks) = Manifest::from_documents(per_template)?;
    warnings.extend(skipped_hooks);
    let rendered = RenderedManifest {
        manifest,
        notes,
        warnings,
    };
    Ok((rendered, kept))
}

/// The values a chart's templates see, without rendering them (`kinja
/// values`): the chart's defaults and its subcharts' coalesced under
/// `user_values` as a render merges them, each chart's
/// `values.schema.json` checked. With the warnings a render prints.
///
/// ```
/// use kinja::chart::Chart;
/// let chart = Chart::load("charts/seedapp".as_ref()).unwrap();
/// let mut user_values = kinja::values::Values::new();
/// user_values.insert("replicaCount".into(), 5.into());
/// let (values, _warnings) = kinja::pipeline::merged_values(&chart, user_values).unwrap();
/// assert_eq!(values["replicaCount"], 5);
/// assert_eq!(values["image"]["repository"], "nginx");
/// ```
pub fn merged_values(chart: &Chart, user_values: Values) -> Result<(Values, Vec<String>), Error> {
    let merged = merge(chart, &chart.default_values, user_values)?;
    Ok((merged.values, merged.warnings))
}

/// The merged values of [`merged_values`] with where each came from.
pub struct TracedValues {
    pub values: Values,
    pub warnings: Vec<String>,
    pub trace: values::origin::Trace,
}

/// [`merged_values`] from the values flags, tracing each source as it is
/// merged (`kinja values --explain`).
pub fn traced_values(
    chart: &Chart,
    options: &values::ValuesOptions,
    stdin: &mut dyn values::Stdin,
) -> Result<TracedValues, Error> {
    let (user, mut trace) = values::origin::Trace::of_user_values(options, stdin)?;
    let merged = merge(chart, &chart.default_values, user)?;
    // Deepest first: a parent's values.yaml overrides its subcharts'.
    for (node, keys) in merged.composed.walk().into_iter().rev() {
        let folder = node.path.split_once('/').map_or("", |(_, rest)| rest);
        let file = if folder.is_empty() {
            "values.yaml".to_string()
        } else {
            format!("{folder}/values.yaml")
        };
        let chart = node.chart;
        trace.defaults(
            &keys,
            &file,
            &chart.default_values,
            chart.values_text.as_deref(),
        );
    }
    Ok(TracedValues {
        values: merged.values,
        warnings: merged.warnings,
        trace,
    })
}

/// [`render_chart`], noting every values path the templates look up
/// (`kinja values --unused`, `kinja lint`'s unused values).
pub fn render_noting_reads(
    chart: &Chart,
    user_values: Values,
    release: &ReleaseInfo,
    capabilities: &Capabilities,
) -> Result<(RenderOutput, std::sync::Arc<crate::render::reads::Reads>), Error> {
    crate::names::validate_release_name(&release.name)?;
    let reads = std::sync::Arc::new(crate::render::reads::Reads::default());
    let harness = Harness {
        reads: Some(reads.clone()),
        ..Harness::default()
    };
    let output = render_any_release_name(
        chart,
        &chart.default_values,
        user_values,
        release,
        capabilities,
        &harness,
    )?;
    Ok((output, reads))
}

/// The user's values no template read, and the reads no source defines
/// (`kinja values --unused`): a render of `chart` as `release-name` with
/// the values flags, the templates' reads noted.
pub fn unused_values(
    chart: &Chart,
    options: &values::ValuesOptions,
    stdin: &mut dyn values::Stdin,
) -> Result<(Vec<values::unused::Unread>, Vec<values::unused::Undefined>), Error> {
    let (user, trace) = values::origin::Trace::of_user_values(options, stdin)?;
    let release = ReleaseInfo::for_render("release-name", "default");
    let (output, reads) =
        render_noting_reads(chart, user.clone(), &release, &Capabilities::default())?;
    Ok(values::unused::find(
        &user,
        &output.values,
        &trace,
        &reads.found(),
        &reads.missing(),
    ))
}

/// An error about a value, with the user's source of that value named
/// (a schema violation says `set by prod.yaml:4:9`). The values flags are
/// read again, only when there is such an error: a plain render traces
/// nothing. Standard input, read once already, is not named.
pub fn with_value_sources(error: Error, options: &values::ValuesOptions) -> Error {
    let Error::Values(ValuesError::Schema {
        chart,
        schema_path,
        scope,
        mut violations,
    }) = error
    else {
        return error;
    };
    let mut no_stdin = || Ok(String::new());
    if let Ok((_, trace)) = values::origin::Trace::of_user_values(options, &mut no_stdin) {
        for violation in &mut violations {
            let mut path: Vec<crate::yaml::PathStep> = scope
                .iter()
                .map(|k| crate::yaml::PathStep::Key(k.clone()))
                .collect();
            path.extend(violation.steps.iter().cloned());
            violation.set_by = trace.user_origin(&path).map(ToString::to_string);
        }
    }
    Error::Values(ValuesError::Schema {
        chart,
        schema_path,
        scope,
        violations,
    })
}

/// A chart composed with its enabled subcharts, and the values they see.
struct Merged<'c> {
    composed: crate::chart::compose::Composed<'c>,
    values: Values,
    warnings: Vec<String>,
}

fn merge<'c>(
    chart: &'c Chart,
    defaults: &Values,
    user_values: Values,
) -> Result<Merged<'c>, Error> {
    let (composed, mut warnings) = compose(chart, defaults, &user_values)?;
    let tree = composed.defaults(defaults, &mut warnings)?;
    let values = values::coalesce_tree(&tree.values_node(), user_values, &mut warnings)?;
    for (node, keys) in composed.walk() {
        check_schema(
            node.chart,
            &node.path,
            &keys,
            values::scoped(&values, &keys),
        )?;
    }
    Ok(Merged {
        composed,
        values,
        warnings,
    })
}

fn check_kube_version(chart: &Chart, capabilities: &Capabilities) -> Result<(), ChartError> {
    let Some(required) = chart.metadata.kube_version.as_deref() else {
        return Ok(());
    };
    let chart_yaml = chart.dir.join("Chart.yaml").display().to_string();
    let constraint = crate::version::Constraint::parse(required).map_err(|reason| {
        ChartError::InvalidKubeVersion {
            chart_yaml,
            constraint: required.to_string(),
            reason,
        }
    })?;
    if !constraint.matches(&capabilities.kube_version.semver()) {
        return Err(ChartError::IncompatibleKubeVersion {
            name: chart.metadata.name.clone(),
            constraint: required.to_string(),
            kube_version: capabilities.kube_version.version.clone(),
        });
    }
    Ok(())
}

/// `values.schema.json` of one chart of the tree against its values;
/// `shown` names the chart (`app/charts/db` for a subchart).
fn check_schema(
    chart: &Chart,
    shown: &str,
    keys: &[&str],
    values: &Values,
) -> Result<(), ValuesError> {
    let Some(schema) = &chart.schema else {
        return Ok(());
    };
    let schema_path = chart.dir.join("values.schema.json").display().to_string();
    let violations =
        values::check_schema(schema, values).map_err(|message| ValuesError::BadSchema {
            schema_path: schema_path.clone(),
            message,
        })?;
    if violations.is_empty() {
        Ok(())
    } else {
        Err(ValuesError::Schema {
            chart: shown.to_string(),
            schema_path,
            scope: keys.iter().map(|k| k.to_string()).collect(),
            violations,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::coverage::Coverage;

    /// Counting branches must not change a byte of what renders: every
    /// example chart, with its defaults and with each of its CI overlays.
    #[test]
    fn covered_renders_are_the_same_text() {
        let mut checked = 0;
        for entry in std::fs::read_dir("charts").unwrap() {
            let dir = entry.unwrap().path();
            let chart = Chart::load(&dir).unwrap();
            let mut overlays = vec![Values::new()];
            if let Ok(files) = std::fs::read_dir(dir.join("ci")) {
                for file in files {
                    let path = file.unwrap().path();
                    let text = values::read_values_file(&path).unwrap();
                    overlays.push(values::parse_values_text(&text, "overlay").unwrap());
                }
            }
            for user_values in overlays {
                let release = ReleaseInfo::for_render("shop", "web");
                let caps = Capabilities::default();
                let render = |coverage: Option<std::sync::Arc<Coverage>>| {
                    render_any_release_name(
                        &chart,
                        &chart.default_values,
                        user_values.clone(),
                        &release,
                        &caps,
                        &Harness {
                            coverage,
                            ..Harness::default()
                        },
                    )
                    .map(|output| (output.manifest.to_text(), output.notes))
                    .map_err(|e| e.to_string())
                };
                let coverage = Coverage::of_chart(&chart);
                assert_eq!(
                    render(Some(coverage.clone())),
                    render(None),
                    "{}",
                    dir.display()
                );
                assert!(coverage.results().iter().any(|t| t.renders > 0));
                checked += 1;
            }
        }
        assert!(checked >= 15, "{checked} renders compared");
    }
}
