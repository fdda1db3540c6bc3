//! `kinja lint`: charts rendered and linted, or any rendered stream.

use super::args::{ClusterArgs, NamespaceArg, ValuesArgs};
use super::{Outcome, write_out};
use crate::chart::Chart;
use crate::error::Error;
use crate::lint::{LintOptions, LintReport, lint_chart, lint_stream, to_json, to_sarif, to_text};
use crate::render::ReleaseInfo;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct LintArgs {
    /// The chart folders (or .tgz archives) to render and lint
    #[arg(required_unless_present = "manifest", conflicts_with = "manifest")]
    pub charts: Vec<PathBuf>,
    /// Lint a rendered stream instead (`helm template ... | kinja lint --manifest -`)
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    #[command(flatten)]
    pub values: ValuesArgs,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Release name the charts render as
    #[arg(long, default_value = "release-name")]
    pub name: String,
    #[command(flatten)]
    pub namespace: NamespaceArg,
    /// Also report the info-level habits (resource requests, readiness probes), and fail on warnings
    #[arg(long)]
    pub strict: bool,
    /// Output: text (rustc's style), json (an array) or sarif (SARIF 2.1.0)
    #[arg(short = 'o', long, value_enum, default_value = "text")]
    pub output: LintFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Sarif,
}

pub fn run(args: LintArgs, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let capabilities = args.cluster.to_capabilities();
    let options = LintOptions {
        strict: args.strict,
        namespace: &args.namespace.namespace,
        kube_minor: capabilities.kube_version.minor,
        chart_crds: &[],
    };
    let mut report = LintReport::default();
    if let Some(file) = &args.manifest {
        let shown = file.display().to_string();
        let text = crate::input::read_named(&shown)?;
        report = lint_stream(&text, &shown, &options);
    } else {
        let mut stdin = crate::input::read_stdin;
        let user_values = crate::values::load_user_values(&args.values.to_options(), &mut stdin)?;
        let release = ReleaseInfo::for_render(&args.name, &args.namespace.namespace);
        for dir in &args.charts {
            let chart = Chart::load(dir)?;
            let one = lint_chart(
                &chart,
                user_values.clone(),
                &release,
                &capabilities,
                &options,
            );
            report.diagnostics.extend(one.diagnostics);
        }
        // Said once, however many charts were linted.
        let mut noted = false;
        report
            .diagnostics
            .retain(|d| d.rule != "kube-version" || !std::mem::replace(&mut noted, true));
    }
    let text = match args.output {
        LintFormat::Text => to_text(&report),
        LintFormat::Json => to_json(&report),
        LintFormat::Sarif => to_sarif(&report),
    };
    write_out(stdout, &text)?;
    Ok(if report.fails(&options) {
        Outcome::Failed
    } else {
        Outcome::Done
    })
}
