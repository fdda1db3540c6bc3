//! `kinja release`, `history`, `get`, `rollback`, `list`, `uninstall`: the
//! release history, kept in the store. Each handler calls one function of
//! [`crate::release`] or [`crate::store`] and prints what it returns.

use super::args::{
    ChartArgs, HistoryMaxArg, ListFormatArg, NamespaceArg, ReleaseRef, StoreArgs, UpgradeValuesArgs,
};
use super::{print_warnings, write_out};
use crate::diff::summary_line;
use crate::error::Error;
use crate::release::listing::{self, Part};
use crate::release::{self as ops, Mode, UpgradeRequest, ValuesRule};
use crate::store::{Store, StoreError};
use clap::{Args, Subcommand};
use std::io::Write;

/// What every command that records a rendered revision takes (`install`).
#[derive(Debug, Clone, Args)]
pub struct RevisionArgs {
    /// The release name
    pub name: String,
    #[command(flatten)]
    pub inputs: ChartArgs,
    #[command(flatten)]
    pub namespace: NamespaceArg,
    /// A description for this revision (default: "Install complete" / "Upgrade complete")
    #[arg(long)]
    pub description: Option<String>,
    #[command(flatten)]
    pub history_max: HistoryMaxArg,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// `kinja release`: an install or an upgrade, so it takes the upgrade's
/// values flags.
#[derive(Debug, Clone, Args)]
pub struct ReleaseArgs {
    #[command(flatten)]
    pub revision: RevisionArgs,
    #[command(flatten)]
    pub values_rule: UpgradeValuesArgs,
}

/// `kinja upgrade`: `kinja release` that refuses a release with no live
/// revision unless `--install` is given.
#[derive(Debug, Clone, Args)]
pub struct UpgradeArgs {
    #[command(flatten)]
    pub release: ReleaseArgs,
    /// Install the release if it has no live revision (Helm's `upgrade --install`)
    #[arg(short = 'i', long)]
    pub install: bool,
}

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub release: ReleaseRef,
    /// Show only the latest N revisions
    #[arg(long, value_name = "N")]
    pub max: Option<usize>,
    #[command(flatten)]
    pub format: ListFormatArg,
}

#[derive(Debug, Clone, Subcommand)]
pub enum GetCommand {
    /// The rendered manifest of a revision
    Manifest(GetArgs),
    /// The values a revision was rendered with (user-supplied; --all for the merged values)
    Values(GetValuesArgs),
    /// The rendered NOTES.txt of a revision
    Notes(GetArgs),
    /// The release's name, chart, version, namespace, revision, status and time, as `helm get metadata`
    Metadata(GetFormatArgs),
    /// Everything recorded for a revision
    All(GetArgs),
}

#[derive(Debug, Clone, Args)]
pub struct GetFormatArgs {
    #[command(flatten)]
    pub get: GetArgs,
    #[command(flatten)]
    pub format: ListFormatArg,
}

/// `kinja status`: a revision's status and notes, as `helm status` shows them.
#[derive(Debug, Clone, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub get: GetArgs,
    #[command(flatten)]
    pub format: ListFormatArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ValuesFormat {
    Yaml,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    #[command(flatten)]
    pub release: ReleaseRef,
    /// The revision (default: the latest)
    #[arg(long)]
    pub revision: Option<u64>,
}

#[derive(Debug, Clone, Args)]
pub struct GetValuesArgs {
    #[command(flatten)]
    pub get: GetArgs,
    /// The merged values, not only what the user supplied
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value = "yaml")]
    pub output: ValuesFormat,
}

#[derive(Debug, Clone, Args)]
pub struct RollbackArgs {
    /// The release name
    pub name: String,
    /// The revision to return to (default, or 0: the one before the latest)
    pub revision: Option<u64>,
    #[command(flatten)]
    pub namespace: NamespaceArg,
    #[command(flatten)]
    pub history_max: HistoryMaxArg,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub namespace: NamespaceArg,
    /// Every namespace
    #[arg(short = 'A', long, conflicts_with = "namespace")]
    pub all_namespaces: bool,
    /// Releases of every status, uninstalled ones (history kept) included
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only releases uninstalled with --keep-history
    #[arg(long, conflicts_with = "all")]
    pub uninstalled: bool,
    #[command(flatten)]
    pub format: ListFormatArg,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Args)]
pub struct UninstallArgs {
    #[command(flatten)]
    pub release: ReleaseRef,
    /// Keep the history, marking the latest revision uninstalled
    #[arg(long)]
    pub keep_history: bool,
}

/// `kinja release`, `install`, `upgrade`: render and record the next
/// revision, if `mode` allows it.
pub fn release(
    args: RevisionArgs,
    values_rule: ValuesRule,
    mode: Mode,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Error> {
    let inputs = args.inputs.load_for_release(&args.name)?;
    let request = UpgradeRequest {
        description: args.description.clone(),
        history_max: args.history_max.history_max,
        mode,
        values_rule,
        ..inputs.upgrade_request(&args.name, &args.namespace.namespace)
    };
    let done = ops::upgrade(&args.store.open()?, &request)
        .map_err(|e| crate::pipeline::with_value_sources(e, &args.inputs.values.to_options()))?;
    print_warnings(&done.warnings, stderr);
    write_out(stdout, &listing::recorded_text(&done.record, &done.summary))
}

pub fn history(args: HistoryArgs, stdout: &mut dyn Write) -> Result<(), Error> {
    let release = &args.release;
    let records = release
        .store
        .open()?
        .history(&release.namespace.namespace, &release.name)?;
    write_out(
        stdout,
        &listing::history_text(&records, args.max, args.format.to_format()),
    )
}

pub fn get(command: GetCommand, stdout: &mut dyn Write) -> Result<(), Error> {
    let args = match &command {
        GetCommand::Manifest(a) | GetCommand::Notes(a) | GetCommand::All(a) => a,
        GetCommand::Values(a) => &a.get,
        GetCommand::Metadata(a) => &a.get,
    };
    let record = args.read()?;
    let text = match &command {
        GetCommand::Manifest(_) => listing::record_text(&record, Part::Manifest),
        GetCommand::Notes(_) => listing::record_text(&record, Part::Notes),
        GetCommand::All(_) => listing::record_text(&record, Part::All),
        GetCommand::Values(a) => {
            listing::values_text(&record, a.all, matches!(a.output, ValuesFormat::Json))
        }
        GetCommand::Metadata(a) => listing::metadata_text(&record, a.format.to_format()),
    };
    write_out(stdout, &text)
}

pub fn status(args: StatusArgs, stdout: &mut dyn Write) -> Result<(), Error> {
    let record = args.get.read()?;
    write_out(
        stdout,
        &listing::status_text(&record, args.format.to_format()),
    )
}

impl GetArgs {
    /// The revision asked for (default: the latest).
    fn read(&self) -> Result<crate::store::Record, Error> {
        let release = &self.release;
        Ok(release
            .store
            .open()?
            .get(&release.namespace.namespace, &release.name, self.revision)?)
    }
}

pub fn rollback(args: RollbackArgs, stdout: &mut dyn Write) -> Result<(), Error> {
    let done = ops::rollback(
        &args.store.open()?,
        &args.namespace.namespace,
        &args.name,
        args.revision,
        args.history_max.history_max,
    )?;
    write_out(
        stdout,
        &format!(
            "Rolled back release {:?} to revision {}: new revision {}.\n{}\n",
            done.record.name,
            done.target,
            done.record.revision,
            summary_line(&done.summary)
        ),
    )
}

/// Lists what it can read; a release whose latest record is unreadable is
/// named on stderr, and the command then fails (exit 1).
pub fn list(args: ListArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<(), Error> {
    let namespace = (!args.all_namespaces).then_some(args.namespace.namespace.as_str());
    let listing = args.store.open()?.list(namespace)?;
    let records = listing::listed(listing.records, args.all, args.uninstalled);
    write_out(
        stdout,
        &listing::list_text(&records, args.format.to_format()),
    )?;
    if listing.unreadable.is_empty() {
        return Ok(());
    }
    for error in &listing.unreadable {
        let _ = writeln!(stderr, "Error: {error}");
    }
    Err(StoreError::UnreadableReleases {
        count: listing.unreadable.len(),
    }
    .into())
}

pub fn uninstall(args: UninstallArgs, stdout: &mut dyn Write) -> Result<(), Error> {
    let release = &args.release;
    release.store.open()?.uninstall(
        &release.namespace.namespace,
        &release.name,
        args.keep_history,
    )?;
    let kept = if args.keep_history {
        " (history kept)"
    } else {
        ""
    };
    write_out(
        stdout,
        &format!("release {:?} uninstalled{kept}\n", release.name),
    )
}
