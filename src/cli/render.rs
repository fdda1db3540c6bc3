//! `kinja render`: the chart, merged values and flags in; YAML out.

use super::args::{ChartArgs, ChartInputs, NamespaceArg};
use super::{print_warnings, write_out};
use crate::error::Error;
use crate::render::ReleaseInfo;
use crate::{output, pipeline};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub inputs: ChartArgs,
    /// Release name
    #[arg(long, default_value = "release-name")]
    pub name: String,
    #[command(flatten)]
    pub namespace: NamespaceArg,
    /// Print only documents from this template (a path inside the chart, e.g. templates/service.yaml; globs work); repeatable
    #[arg(short = 's', long = "show-only", value_name = "TEMPLATE")]
    pub show_only: Vec<String>,
    /// Write one file per template under DIR/CHART/templates/ instead of printing (with --include-notes, NOTES.txt too)
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Print the rendered NOTES.txt as a last document
    #[arg(long)]
    pub include_notes: bool,
    /// Lint what renders (as `kinja lint`): errors fail the render, warnings go to stderr
    #[arg(long)]
    pub validate: bool,
}

pub fn run(args: RenderArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<(), Error> {
    let ChartInputs {
        chart,
        user_values,
        capabilities,
    } = args.inputs.load()?;
    let release = ReleaseInfo::for_render(&args.name, &args.namespace.namespace);
    let rendered = pipeline::render_manifest(&chart, user_values, &release, &capabilities)
        .map_err(|e| pipeline::with_value_sources(e, &args.inputs.values.to_options()))?;
    print_warnings(&rendered.warnings, stderr);
    // Helm renders them too; `release` refuses them.
    let duplicates = rendered.manifest.duplicates(&release.namespace);
    print_warnings(
        &duplicates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        stderr,
    );

    if args.validate {
        validate(
            &chart,
            &rendered.manifest,
            &release.namespace,
            &capabilities,
            stderr,
        )?;
    }

    let template_names: Vec<&str> = chart.templates.iter().map(|t| t.name.as_str()).collect();
    let documents = output::select(
        &rendered.manifest,
        &chart.metadata.name,
        &template_names,
        &args.show_only,
    )?;
    let notes_source = chart.source_path("NOTES.txt");
    let notes = match (&rendered.notes, args.include_notes) {
        (Some(text), true) => Some((notes_source.as_str(), text.as_str())),
        _ => None,
    };
    if let Some(dir) = &args.output_dir {
        let written = output::write_dir(&documents, notes, dir)?;
        let listing: String = written
            .iter()
            .map(|p| format!("wrote {}\n", p.display()))
            .collect();
        return write_out(stdout, &listing);
    }
    let written = super::stream_out(stdout, |out| output::write_text(out, &documents, notes));
    // The process ends here: freeing thousands of documents and the values
    // one by one would only delay the exit (2% of a large render).
    std::mem::forget(rendered);
    written
}

/// `--validate`: the lint's errors fail the render; its warnings are printed.
fn validate(
    chart: &crate::chart::Chart,
    manifest: &crate::manifest::Manifest,
    namespace: &str,
    capabilities: &crate::render::Capabilities,
    stderr: &mut dyn Write,
) -> Result<(), Error> {
    use crate::lint::config::LintConfig;
    use crate::lint::{LintOptions, LintReport, Severity, lint_rendered, to_text};
    let config = LintConfig::of_chart(&chart.dir).map_err(Error::Invalid)?;
    let options = LintOptions {
        namespace,
        kube_minor: capabilities.kube_version.minor,
        ..LintOptions::default()
    };
    let report = LintReport::new(lint_rendered(chart, manifest, &config, &options), &options);
    let (errors, others): (Vec<_>, Vec<_>) = report
        .diagnostics
        .into_iter()
        .partition(|d| d.severity == Severity::Error);
    if !others.is_empty() {
        let _ = write!(
            stderr,
            "{}",
            to_text(&LintReport {
                diagnostics: others
            })
        );
    }
    if errors.is_empty() {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "the render does not pass kinja lint (--validate):\n\n{}",
        to_text(&LintReport {
            diagnostics: errors
        })
        .trim_end()
    )))
}
