//! The whole render, from a loaded chart and user values to an ordered
//! manifest: plain data in, plain data out, callable many times per process.

use crate::chart::{Chart, ChartType};
use crate::error::Error;
use crate::manifest::Manifest;
use crate::render::{Capabilities, Release, Renderer};
use crate::values::{self, Values};

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
pub fn render_chart(
    chart: &Chart,
    user_values: Values,
    release: &Release,
    capabilities: &Capabilities,
) -> Result<RenderOutput, Error> {
    crate::release::validate_release_name(&release.name).map_err(Error::Usage)?;
    if chart.metadata.chart_type == ChartType::Library {
        return Err(Error::Usage(format!(
            "chart {} is a library chart (type: library); library charts provide macros to other charts and cannot be rendered",
            chart.metadata.name
        )));
    }
    check_kube_version(chart, capabilities)?;

    let mut warnings = Vec::new();
    let values = values::coalesce_values(&chart.default_values, user_values, &mut warnings);
    check_schema(chart, &values)?;

    let rendered = Renderer::new(chart)?.render(&values, release, capabilities)?;
    let (manifest, skipped_hooks) =
        Manifest::from_rendered(&rendered, &chart.metadata.name, &|name| {
            chart.template_file_path(name)
        })?;
    warnings.extend(skipped_hooks);
    Ok(RenderOutput {
        manifest,
        notes: rendered.notes,
        values,
        warnings,
    })
}

fn check_kube_version(chart: &Chart, capabilities: &Capabilities) -> Result<(), Error> {
    let Some(required) = chart.metadata.kube_version.as_deref() else {
        return Ok(());
    };
    let chart_yaml = chart.dir.join("Chart.yaml").display().to_string();
    let constraint = crate::version::Constraint::parse(required).map_err(|e| {
        Error::Usage(format!(
            "{chart_yaml}: kubeVersion {required:?} is not a valid constraint: {e}"
        ))
    })?;
    if !constraint.matches(&capabilities.kube_version.semver()) {
        return Err(Error::Usage(format!(
            "chart {} requires kubeVersion {required}, which is incompatible with Kubernetes {}; pass --kube-version to render for another version",
            chart.metadata.name, capabilities.kube_version.version
        )));
    }
    Ok(())
}

fn check_schema(chart: &Chart, values: &Values) -> Result<(), Error> {
    let Some(schema) = &chart.schema else {
        return Ok(());
    };
    let schema_path = chart.dir.join("values.schema.json").display().to_string();
    let violations = values::check_schema(schema, values).map_err(|message| Error::BadSchema {
        schema_path: schema_path.clone(),
        message,
    })?;
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::Schema {
            chart: chart.metadata.name.clone(),
            schema_path,
            violations,
        })
    }
}
