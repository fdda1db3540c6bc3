//! `kinja diff upgrade|revision|rollback|files`: what would change, resource
//! by resource. Each subcommand gets its two sides from [`crate::release::compare`]
//! (or the two files), then one diff prints them.

use super::args::{ChartArgs, NamespaceArg, ReleaseRef, UpgradeValuesArgs};
use super::args::{ColorChoice, use_color};
use super::{Outcome, print_warnings, write_out};
use crate::diff::{DiffOptions, format_diff, format_json, format_simple};
use crate::error::Error;
use crate::release::compare::{self, Side};
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;

#[derive(Debug, Clone, Subcommand)]
pub enum DiffCommand {
    /// The next render of CHART against the latest revision of release NAME
    Upgrade(Box<UpgradeArgs>),
    /// Revision A against revision B (default: the latest)
    Revision(RevisionArgs),
    /// What rolling back to REVISION would change against the latest revision
    Rollback(RollbackDiffArgs),
    /// Two manifest files (`-` reads standard input)
    Files(FilesArgs),
}

#[derive(Debug, Clone, Args)]
pub struct UpgradeArgs {
    #[command(flatten)]
    pub release: ReleaseRef,
    #[command(flatten)]
    pub inputs: ChartArgs,
    #[command(flatten)]
    pub values_rule: UpgradeValuesArgs,
    #[command(flatten)]
    pub diff: DiffArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RevisionArgs {
    #[command(flatten)]
    pub release: ReleaseRef,
    /// The revision to compare from
    pub from: u64,
    /// The revision to compare to (default: the latest)
    pub to: Option<u64>,
    #[command(flatten)]
    pub diff: DiffArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RollbackDiffArgs {
    #[command(flatten)]
    pub release: ReleaseRef,
    /// The revision a rollback would return to
    pub revision: u64,
    #[command(flatten)]
    pub diff: DiffArgs,
}

#[derive(Debug, Clone, Args)]
pub struct FilesArgs {
    /// The old manifest (`-` reads standard input)
    pub old: String,
    /// The new manifest (`-` reads standard input)
    pub new: String,
    #[command(flatten)]
    pub namespace: NamespaceArg,
    #[command(flatten)]
    pub diff: DiffArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    Diff,
    Simple,
    Json,
}

/// What every diff subcommand takes: how to compare and how to print.
#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// Lines of context around each change
    #[arg(
        long,
        value_name = "LINES",
        default_value_t = 3,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MAX_CONTEXT)
    )]
    pub context: usize,
    /// Show the values of Secrets (hidden by default)
    #[arg(long)]
    pub show_secrets: bool,
    /// Hide the diffs of this kind (its changes still count); repeatable
    #[arg(long, value_name = "KIND")]
    pub suppress: Vec<String>,
    /// Output format: unified diffs, one line per change, or JSON
    #[arg(short = 'o', long, value_enum, default_value = "diff")]
    pub output: DiffFormat,
    /// Colour for -o diff and -o simple: auto (a terminal, unless NO_COLOR is set), always or never
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Exit 2 when there are changes, 0 when there are none
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Show a removed and an added resource of one kind as a rename when less than this fraction of their lines changed (helm-diff's meaning; 0, the default, is off)
    #[arg(short = 'D', long, value_name = "FRACTION", value_parser = fraction)]
    pub find_renames: Option<f64>,
    /// Leave changed lines matching this regular expression out of the diffs (they still count, for --detailed-exitcode too); repeatable
    #[arg(long, value_name = "REGEX", value_parser = line_regex)]
    pub suppress_output_line_regex: Vec<regex::Regex>,
}

fn line_regex(text: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(text).map_err(|e| format!("not a regular expression: {e}"))
}

/// More context than any manifest has lines; a larger `--context` is a typo.
const MAX_CONTEXT: u64 = 1_000_000;

fn fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err("takes a fraction from 0 to 1, e.g. 0.5".into()),
    }
}

impl DiffArgs {
    fn to_options(&self, namespace: &str) -> DiffOptions {
        DiffOptions {
            context: self.context,
            show_secrets: self.show_secrets,
            suppress: self.suppress.clone(),
            find_renames: self.find_renames.filter(|&f| f > 0.0),
            suppress_lines: self.suppress_output_line_regex.clone(),
            default_namespace: namespace.to_string(),
            list_unchanged: matches!(self.output, DiffFormat::Json),
        }
    }
}

pub fn run(
    command: DiffCommand,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Outcome, Error> {
    let (old, new, namespace, args) = match command {
        DiffCommand::Upgrade(args) => {
            let (old, new) = upgrade_sides(&args, stderr)?;
            (old, new, args.release.namespace, args.diff)
        }
        DiffCommand::Revision(args) => {
            let release = &args.release;
            let (old, new) = compare::revision_sides(
                &release.store.open()?,
                &release.namespace.namespace,
                &release.name,
                args.from,
                args.to,
            )?;
            (old, new, args.release.namespace, args.diff)
        }
        DiffCommand::Rollback(args) => {
            let release = &args.release;
            let (old, new) = compare::rollback_sides(
                &release.store.open()?,
                &release.namespace.namespace,
                &release.name,
                args.revision,
            )?;
            (old, new, args.release.namespace, args.diff)
        }
        DiffCommand::Files(args) => {
            if args.old == "-" && args.new == "-" {
                return Err(Error::Usage(
                    "only one of the two files can be `-` (standard input)".into(),
                ));
            }
            let old = Side::new(args.old.clone(), crate::input::read_named(&args.old)?);
            let new = Side::new(args.new.clone(), crate::input::read_named(&args.new)?);
            (old, new, args.namespace, args.diff)
        }
    };
    let report = compare::diff(&old, &new, &args.to_options(&namespace.namespace))?;
    print_warnings(&report.warnings, stderr);
    let text = match args.output {
        DiffFormat::Diff => format_diff(&report, use_color(args.color)),
        DiffFormat::Simple => format_simple(&report, use_color(args.color)),
        DiffFormat::Json => format_json(&report),
    };
    write_out(stdout, &text)?;
    Ok(if args.detailed_exitcode && report.has_changes() {
        Outcome::Changes
    } else {
        Outcome::Done
    })
}

/// The latest revision's manifest and the next render of the chart.
fn upgrade_sides(
    args: &UpgradeArgs,
    stderr: &mut dyn Write,
) -> Result<(Side<'static>, Side<'static>), Error> {
    let release = &args.release;
    let inputs = args.inputs.load_for_release(&release.name)?;
    let request = crate::release::UpgradeRequest {
        values_rule: args.values_rule.rule(),
        ..inputs.upgrade_request(&release.name, &release.namespace.namespace)
    };
    let sides = compare::upgrade_sides(&release.store.open()?, &request, args.diff.show_secrets)?;
    // Only once the render worked, so an error stays the first line on stderr.
    if sides.new_install {
        let _ = writeln!(
            stderr,
            "release {:?} has no revisions in namespace {:?}; showing the render as a new install",
            release.name, release.namespace.namespace
        );
    }
    print_warnings(&sides.warnings, stderr);
    Ok((sides.old, sides.new))
}
