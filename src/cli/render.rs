//! `kinja render`: the chart, merged values and flags in; YAML out.

use super::{ValuesArgs, write_out};
use crate::chart::Chart;
use crate::error::Error;
use crate::render::{Capabilities, KubeVersion, Release};
use crate::{output, pipeline, values};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// What every rendering command takes: the chart, values and target cluster.
#[derive(Debug, Clone, Args)]
pub struct ChartArgs {
    /// The chart folder
    pub chart: PathBuf,
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Kubernetes version for capabilities.kube_version (default: 1.35.0)
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// An extra API group/version for capabilities.api_versions; repeatable
    #[arg(short = 'a', long = "api-versions", value_name = "GROUP/VERSION")]
    pub api_versions: Vec<String>,
}

/// A loaded chart with its user values and capabilities, ready to render.
pub struct RenderInputs {
    pub chart: Chart,
    pub user_values: values::Values,
    pub capabilities: Capabilities,
}

impl ChartArgs {
    pub fn capabilities(&self) -> Result<Capabilities, Error> {
        let mut capabilities = Capabilities::default();
        if let Some(version) = &self.kube_version {
            capabilities.kube_version = KubeVersion::parse(version).map_err(Error::Usage)?;
        }
        for api in &self.api_versions {
            for item in api.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                capabilities.api_versions.push(item.to_string());
            }
        }
        Ok(capabilities)
    }

    /// Loads the chart and reads the values flags (`-` reads standard input).
    pub fn load(&self) -> Result<RenderInputs, Error> {
        let capabilities = self.capabilities()?;
        let chart = Chart::load(&self.chart)?;
        let mut stdin = crate::input::read_stdin;
        let user_values = values::load_user_values(&self.values.to_options(), &mut stdin)?;
        Ok(RenderInputs {
            chart,
            user_values,
            capabilities,
        })
    }
}

#[derive(Debug, Clone, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub inputs: ChartArgs,
    /// Release name
    #[arg(long, default_value = "release-name")]
    pub name: String,
    /// Release namespace
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    /// Print only documents from this template (a path inside the chart, e.g. templates/service.yaml; globs work); repeatable
    #[arg(short = 's', long = "show-only", value_name = "TEMPLATE")]
    pub show_only: Vec<String>,
    /// Write one file per template under DIR/CHART/templates/ instead of printing
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Print the rendered NOTES.txt as a last document
    #[arg(long)]
    pub include_notes: bool,
}

pub fn run(args: RenderArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<(), Error> {
    let RenderInputs {
        chart,
        user_values,
        capabilities,
    } = args.inputs.load()?;
    let release = Release::for_render(&args.name, &args.namespace);
    let rendered = pipeline::render_chart(&chart, user_values, &release, &capabilities)?;
    print_warnings(&rendered.warnings, stderr);

    let documents = output::select(&rendered.manifest, &chart.metadata.name, &args.show_only)?;
    if let Some(dir) = &args.output_dir {
        let written = output::write_dir(&documents, dir)?;
        let listing: String = written
            .iter()
            .map(|p| format!("wrote {}\n", p.display()))
            .collect();
        return write_out(stdout, &listing);
    }
    let notes_source = format!("{}/templates/NOTES.txt", chart.metadata.name);
    let notes = match (&rendered.notes, args.include_notes) {
        (Some(text), true) => Some((notes_source.as_str(), text.as_str())),
        _ => None,
    };
    write_out(stdout, &output::to_text(&documents, notes))
}

/// Merge conflicts resolved in the user's favour go to stderr, one line each.
pub fn print_warnings(warnings: &[String], stderr: &mut dyn Write) {
    for warning in warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
}
