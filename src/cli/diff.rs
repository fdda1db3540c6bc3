//! `kinja diff upgrade|revision|rollback|files`: what would change, resource
//! by resource.

use super::render::{ChartArgs, RenderInputs, print_warnings};
use super::{Outcome, StoreArgs, write_out};
use crate::diff::{
    DiffOptions, DiffReport, diff_manifests, format_diff, format_json, format_simple,
};
use crate::error::Error;
use crate::pipeline;
use crate::release::{Record, Store, StoreError};
use clap::{Args, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::Path;

#[derive(Debug, Clone, Subcommand)]
pub enum DiffCommand {
    /// The next render of CHART against the latest revision of release NAME
    Upgrade(UpgradeArgs),
    /// Revision A against revision B (default: the latest)
    Revision(RevisionArgs),
    /// What rolling back to REVISION would change against the latest revision
    Rollback(RollbackDiffArgs),
    /// Two manifest files (`-` reads standard input)
    Files(FilesArgs),
}

#[derive(Debug, Clone, Args)]
pub struct UpgradeArgs {
    pub name: String,
    #[command(flatten)]
    pub inputs: ChartArgs,
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RevisionArgs {
    pub name: String,
    pub from: u64,
    pub to: Option<u64>,
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RollbackDiffArgs {
    pub name: String,
    pub revision: u64,
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Args)]
pub struct FilesArgs {
    pub old: String,
    pub new: String,
    /// The namespace of documents that name none
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    Diff,
    Simple,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Lines of context around each change
    #[arg(long, default_value_t = 3)]
    pub context: usize,
    /// Show the values of Secrets (hidden by default)
    #[arg(long)]
    pub show_secrets: bool,
    /// Hide the diffs of this kind (its changes still count); repeatable
    #[arg(long, value_name = "KIND")]
    pub suppress: Vec<String>,
    #[arg(short = 'o', long, value_enum, default_value = "diff")]
    pub output: DiffFormat,
    /// Colour: auto (a terminal, unless NO_COLOR is set), always or never
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Exit 2 when there are changes, 0 when there are none
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Show a removed and an added resource of one kind as a rename when at least this similar (0 to 1)
    #[arg(long, value_name = "FRACTION")]
    pub find_renames: Option<f64>,
}

pub fn run(
    command: DiffCommand,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Outcome, Error> {
    let (old, new, namespace, common) = match command {
        DiffCommand::Upgrade(args) => upgrade_inputs(args, stderr)?,
        DiffCommand::Revision(args) => {
            let store = args.store.open()?;
            let from = store.get(&args.namespace, &args.name, Some(args.from))?;
            let to = store.get(&args.namespace, &args.name, args.to)?;
            (
                (format!("revision {}", from.revision), from.manifest),
                (format!("revision {}", to.revision), to.manifest),
                args.namespace,
                args.common,
            )
        }
        DiffCommand::Rollback(args) => {
            let store = args.store.open()?;
            let latest = store.get(&args.namespace, &args.name, None)?;
            let target = store.get(&args.namespace, &args.name, Some(args.revision))?;
            (
                live_side(&latest),
                (format!("revision {}", target.revision), target.manifest),
                args.namespace,
                args.common,
            )
        }
        DiffCommand::Files(args) => {
            if args.old == "-" && args.new == "-" {
                return Err(Error::Usage(
                    "only one of the two files can be `-` (standard input)".into(),
                ));
            }
            let old = (args.old.clone(), read_input(&args.old)?);
            let new = (args.new.clone(), read_input(&args.new)?);
            (old, new, args.namespace, args.common)
        }
    };
    if common
        .find_renames
        .is_some_and(|f| !(0.0..=1.0).contains(&f))
    {
        return Err(Error::Usage(
            "--find-renames takes a fraction from 0 to 1, e.g. 0.5".into(),
        ));
    }
    let options = DiffOptions {
        context: common.context,
        show_secrets: common.show_secrets,
        suppress: common.suppress.clone(),
        find_renames: common.find_renames,
        default_namespace: namespace,
        list_unchanged: matches!(common.output, DiffFormat::Json),
    };
    let report = diff_manifests((&old.0, &old.1), (&new.0, &new.1), &options)?;
    write_out(stdout, &formatted(&report, &common))?;
    Ok(if common.detailed_exitcode && report.has_changes() {
        Outcome::Changes
    } else {
        Outcome::Done
    })
}

fn formatted(report: &DiffReport, common: &CommonArgs) -> String {
    match common.output {
        DiffFormat::Diff => format_diff(report, use_color(common.color)),
        DiffFormat::Simple => format_simple(report),
        DiffFormat::Json => format_json(report),
    }
}

/// The flag beats the environment: `--color always` colours even under NO_COLOR.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

type Side = (String, String);

/// What is live now: the latest revision, or nothing once it was uninstalled.
fn live_side(latest: &Record) -> Side {
    match crate::release::live(Some(latest)) {
        Some(live) => (format!("revision {}", live.revision), live.manifest.clone()),
        None => (
            format!("revision {} (uninstalled)", latest.revision),
            String::new(),
        ),
    }
}

/// The latest revision's manifest and the next render of the chart.
fn upgrade_inputs(
    args: UpgradeArgs,
    stderr: &mut dyn Write,
) -> Result<(Side, Side, String, CommonArgs), Error> {
    crate::release::validate_release_name(&args.name).map_err(Error::Usage)?;
    let RenderInputs {
        chart,
        user_values,
        capabilities,
    } = args.inputs.load()?;
    let latest = match args.store.open()?.get(&args.namespace, &args.name, None) {
        Ok(record) => Some(record),
        Err(StoreError::ReleaseNotFound { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let release = crate::release::next_release(&args.name, &args.namespace, latest.as_ref());
    let rendered =
        pipeline::render_chart(&chart, user_values, &release, &capabilities).map_err(|error| {
            match error {
                // The rendered lines around broken output could be a Secret's
                // values, and a diff does not show those unless asked.
                Error::Render(mut render)
                    if !args.common.show_secrets && render.message.contains("rendered output") =>
                {
                    render.snippet = None;
                    Error::Render(render)
                }
                other => other,
            }
        })?;
    // Only once the render worked, so an error stays the first line on stderr.
    if latest.is_none() {
        let _ = writeln!(
            stderr,
            "release {:?} has no revisions in namespace {:?}; showing the render as a new install",
            args.name, args.namespace
        );
    }
    print_warnings(&rendered.warnings, stderr);
    let old = match &latest {
        Some(record) => live_side(record),
        None => ("no revision".to_string(), String::new()),
    };
    Ok((
        old,
        ("the new render".to_string(), rendered.manifest.to_text()),
        args.namespace,
        args.common,
    ))
}

fn read_input(path: &str) -> Result<String, Error> {
    if path == "-" {
        return crate::input::read_stdin().map_err(|e| Error::io(Path::new("<stdin>"), &e));
    }
    crate::input::read_text_file(Path::new(path)).map_err(|e| Error::io(Path::new(path), &e))
}
