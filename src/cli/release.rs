//! `kinja release`, `history`, `get`, `rollback`, `list`, `uninstall`: the
//! release history, kept in the store.

use super::render::{ChartArgs, RenderInputs, print_warnings};
use super::{StoreArgs, write_out};
use crate::error::Error;
use crate::pipeline;
use crate::release::{ChartInfo, Record, Status, Store, now_rfc3339};
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;

#[derive(Debug, Clone, Args)]
pub struct ReleaseArgs {
    /// Release name
    pub name: String,
    #[command(flatten)]
    pub inputs: ChartArgs,
    /// Release namespace
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    /// A description for this revision (default: "Install complete" / "Upgrade complete")
    #[arg(long)]
    pub description: Option<String>,
    /// Revisions to keep; older ones are deleted (0: keep all)
    #[arg(long, default_value_t = 10)]
    pub history_max: usize,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Yaml,
}

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    pub name: String,
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value = "table")]
    pub output: ListFormat,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Subcommand)]
pub enum GetCommand {
    /// The rendered manifest of a revision
    Manifest(GetArgs),
    /// The values a revision was rendered with (user-supplied; --all for the merged values)
    Values(GetValuesArgs),
    /// The rendered NOTES.txt of a revision
    Notes(GetArgs),
    /// Everything recorded for a revision
    All(GetArgs),
}

#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    pub name: String,
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    /// The revision (default: the latest)
    #[arg(long)]
    pub revision: Option<u64>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Args)]
pub struct GetValuesArgs {
    #[command(flatten)]
    pub get: GetArgs,
    /// The merged values, not only what the user supplied
    #[arg(short = 'a', long)]
    pub all: bool,
}

#[derive(Debug, Clone, Args)]
pub struct RollbackArgs {
    pub name: String,
    /// The revision to return to (default: the one before the latest)
    pub revision: Option<u64>,
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    #[arg(long, default_value_t = 10)]
    pub history_max: usize,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Only this namespace
    #[arg(
        short = 'n',
        long,
        default_value = "default",
        conflicts_with = "all_namespaces"
    )]
    pub namespace: String,
    /// Every namespace
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Releases of every status, uninstalled ones (history kept) included
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only releases uninstalled with --keep-history
    #[arg(long, conflicts_with = "all")]
    pub uninstalled: bool,
    #[arg(short = 'o', long, value_enum, default_value = "table")]
    pub output: ListFormat,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Args)]
pub struct UninstallArgs {
    pub name: String,
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    /// Keep the history, marking the latest revision uninstalled
    #[arg(long)]
    pub keep_history: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// `kinja release`: render and record the next revision.
pub fn release(
    args: ReleaseArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Error> {
    crate::release::validate_release_name(&args.name).map_err(Error::Usage)?;
    let RenderInputs {
        chart,
        user_values,
        capabilities,
    } = args.inputs.load()?;
    let store = args.store.open()?;
    let mut warnings = Vec::new();
    let mut summary = String::new();
    let record = store.append(
        &args.namespace,
        &args.name,
        args.history_max,
        &mut |previous| {
            let release = crate::release::next_release(&args.name, &args.namespace, previous);
            let rendered =
                pipeline::render_chart(&chart, user_values.clone(), &release, &capabilities)?;
            warnings = rendered.warnings;
            let now = now_rfc3339();
            let record = Record {
                name: release.name,
                namespace: release.namespace,
                revision: release.revision,
                status: Status::Deployed,
                first_deployed: previous.map_or_else(|| now.clone(), |p| p.first_deployed.clone()),
                last_deployed: now,
                description: args.description.clone().unwrap_or_else(|| {
                    if release.is_upgrade {
                        "Upgrade complete"
                    } else {
                        "Install complete"
                    }
                    .to_string()
                }),
                chart: ChartInfo {
                    name: chart.metadata.name.clone(),
                    version: chart.metadata.version.clone(),
                    app_version: chart.metadata.app_version.clone(),
                },
                config: user_values.clone(),
                values: rendered.values,
                notes: rendered.notes,
                manifest: rendered.manifest.to_text(),
            };
            // Before anything is written: a manifest the diff refuses (one
            // resource twice) must not become a revision.
            summary = change_summary(crate::release::live_manifest(previous), &record)?;
            Ok(record)
        },
    )?;
    print_warnings(&warnings, stderr);
    write_out(
        stdout,
        &format!(
            "Release {:?} in namespace {:?}: revision {} {} ({}).\n{summary}\n",
            record.name,
            record.namespace,
            record.revision,
            record.status.as_str(),
            record.chart.label()
        ),
    )
}

/// `N to add, N to change, N to remove` against the previous manifest.
fn change_summary(previous_manifest: &str, record: &Record) -> Result<String, Error> {
    let options = crate::diff::DiffOptions {
        default_namespace: record.namespace.clone(),
        ..crate::diff::DiffOptions::default()
    };
    let report = crate::diff::diff_manifests(
        ("previous revision", previous_manifest),
        ("this revision", &record.manifest),
        &options,
    )?;
    Ok(crate::diff::summary_line(&report.summary))
}

pub fn history(args: HistoryArgs, stdout: &mut dyn Write) -> Result<(), Error> {
    let records = args.store.open()?.history(&args.namespace, &args.name)?;
    let rows: Vec<serde_json::Value> = records
        .iter()
        .map(|r| {
            serde_json::json!({
                "revision": r.revision,
                "updated": r.last_deployed,
                "status": r.status.as_str(),
                "chart": r.chart.label(),
                "app_version": r.chart.app_version.clone().unwrap_or_default(),
                "description": r.description,
            })
        })
        .collect();
    let text = match args.output {
        ListFormat::Json => serde_json::to_string_pretty(&rows).expect("JSON") + "\n",
        ListFormat::Yaml => crate::yaml::to_yaml(&serde_json::Value::Array(rows)),
        ListFormat::Table => table(
            &[
                "REVISION",
                "UPDATED",
                "STATUS",
                "CHART",
                "APP VERSION",
                "DESCRIPTION",
            ],
            records.iter().map(|r| {
                vec![
                    r.revision.to_string(),
                    r.last_deployed.clone(),
                    r.status.as_str().to_string(),
                    r.chart.label(),
                    r.chart.app_version.clone().unwrap_or_default(),
                    r.description.clone(),
                ]
            }),
        ),
    };
    write_out(stdout, &text)
}

pub fn get(command: GetCommand, stdout: &mut dyn Write) -> Result<(), Error> {
    let (what, args, all_values) = match &command {
        GetCommand::Manifest(a) => ("manifest", a, false),
        GetCommand::Values(a) => ("values", &a.get, a.all),
        GetCommand::Notes(a) => ("notes", a, false),
        GetCommand::All(a) => ("all", a, false),
    };
    let record = args
        .store
        .open()?
        .get(&args.namespace, &args.name, args.revision)?;
    let values = |all: bool| {
        let shown = if all { &record.values } else { &record.config };
        crate::yaml::to_yaml(&serde_json::Value::Object(shown.clone()))
    };
    let text = match what {
        "manifest" => record.manifest.clone(),
        "values" => values(all_values),
        "notes" => record.notes.clone().unwrap_or_default(),
        _ => format!(
            "NAME: {}\nNAMESPACE: {}\nREVISION: {}\nSTATUS: {}\nCHART: {}\nLAST DEPLOYED: {}\nDESCRIPTION: {}\nUSER-SUPPLIED VALUES:\n{}\nCOMPUTED VALUES:\n{}\nMANIFEST:\n{}\nNOTES:\n{}",
            record.name,
            record.namespace,
            record.revision,
            record.status.as_str(),
            record.chart.label(),
            record.last_deployed,
            record.description,
            values(false),
            values(true),
            record.manifest,
            record.notes.clone().unwrap_or_default()
        ),
    };
    write_out(stdout, &text)
}

pub fn rollback(args: RollbackArgs, stdout: &mut dyn Write) -> Result<(), Error> {
    let store = args.store.open()?;
    // Refuse a missing release before the lock creates its folder.
    store.get(&args.namespace, &args.name, None)?;
    let mut summary = String::new();
    let mut target_revision = 0;
    let record = store.append(
        &args.namespace,
        &args.name,
        args.history_max,
        &mut |previous| {
            // Under the lock: a release landing meanwhile cannot shift "the previous one".
            let latest = previous.map_or(0, |p| p.revision);
            target_revision = match args.revision {
                Some(r) => r,
                None if latest > 1 => latest - 1,
                None => {
                    return Err(Error::Usage(format!(
                        "release {:?} has only revision 1; there is nothing to roll back to",
                        args.name
                    )));
                }
            };
            let mut record = store.get(&args.namespace, &args.name, Some(target_revision))?;
            record.status = Status::Deployed;
            record.first_deployed = previous.map_or_else(now_rfc3339, |p| p.first_deployed.clone());
            record.last_deployed = now_rfc3339();
            record.description = format!("Rollback to {target_revision}");
            summary = change_summary(crate::release::live_manifest(previous), &record)?;
            Ok(record)
        },
    )?;
    write_out(
        stdout,
        &format!(
            "Rolled back release {:?} to revision {target_revision}: new revision {}.\n{summary}\n",
            record.name, record.revision
        ),
    )
}

pub fn list(args: ListArgs, stdout: &mut dyn Write) -> Result<(), Error> {
    let namespace = (!args.all_namespaces).then_some(args.namespace.as_str());
    let mut records = args.store.open()?.list(namespace)?;
    // As in Helm: uninstalled releases only when asked for.
    if !args.all {
        records.retain(|r| (r.status == Status::Uninstalled) == args.uninstalled);
    }
    let rows: Vec<serde_json::Value> = records
        .iter()
        .map(|r| {
            serde_json::json!({
                "name": r.name,
                "namespace": r.namespace,
                "revision": r.revision,
                "updated": r.last_deployed,
                "status": r.status.as_str(),
                "chart": r.chart.label(),
                "app_version": r.chart.app_version.clone().unwrap_or_default(),
            })
        })
        .collect();
    let text = match args.output {
        ListFormat::Json => serde_json::to_string_pretty(&rows).expect("JSON") + "\n",
        ListFormat::Yaml => crate::yaml::to_yaml(&serde_json::Value::Array(rows)),
        ListFormat::Table => table(
            &[
                "NAME",
                "NAMESPACE",
                "REVISION",
                "UPDATED",
                "STATUS",
                "CHART",
                "APP VERSION",
            ],
            records.iter().map(|r| {
                vec![
                    r.name.clone(),
                    r.namespace.clone(),
                    r.revision.to_string(),
                    r.last_deployed.clone(),
                    r.status.as_str().to_string(),
                    r.chart.label(),
                    r.chart.app_version.clone().unwrap_or_default(),
                ]
            }),
        ),
    };
    write_out(stdout, &text)
}

pub fn uninstall(args: UninstallArgs, stdout: &mut dyn Write) -> Result<(), Error> {
    args.store
        .open()?
        .uninstall(&args.namespace, &args.name, args.keep_history)?;
    let kept = if args.keep_history {
        " (history kept)"
    } else {
        ""
    };
    write_out(
        stdout,
        &format!("release {:?} uninstalled{kept}\n", args.name),
    )
}

/// How wide a table cell may grow before it is cut (a description can be anything).
const MAX_CELL: usize = 80;

/// Left-aligned columns separated by two spaces, header first. Control
/// characters are shown escaped, so a cell cannot fake a line of its own.
fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = std::iter::once(header.iter().map(|h| h.to_string()).collect())
        .chain(rows)
        .map(|row| row.iter().map(|cell| table_cell(cell)).collect())
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            line.push_str(cell);
            let pad = width - cell.chars().count() + 2;
            line.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn table_cell(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    match escaped.char_indices().nth(MAX_CELL) {
        Some((cut, _)) => format!("{}...", &escaped[..cut]),
        None => escaped,
    }
}
