//! `kinja dependency`: what a chart's `dependencies` ask for and what
//! `charts/` holds.

use super::args::{ChartArgs, ListFormatArg};
use super::{print_warnings, write_out};
use crate::chart::compose::compose;
use crate::chart::dependency::{list, list_text};
use crate::error::Error;
use clap::{Args, Subcommand};
use std::io::Write;

#[derive(Debug, Clone, Subcommand)]
pub enum DependencyCommand {
    /// Each dependency: its range, repository, whether charts/ holds it, and whether the values given enable it
    List(Box<ListArgs>),
    /// Fetch the newest version in each dependency's range into charts/ and write Chart.lock
    Update(FolderArgs),
    /// Fetch the versions Chart.lock names into charts/
    Build(FolderArgs),
}

#[derive(Debug, Clone, Args)]
pub struct FolderArgs {
    /// The chart folder
    pub chart: std::path::PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub inputs: ChartArgs,
    #[command(flatten)]
    pub format: ListFormatArg,
}

pub fn run(
    command: DependencyCommand,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Error> {
    let args = match command {
        DependencyCommand::List(args) => *args,
        DependencyCommand::Update(args) => {
            let now = crate::store::now_rfc3339();
            let fetched =
                crate::dependency::update(&args.chart, &crate::dependency::HttpFetch, now)?;
            return write_out(stdout, &fetched_text(&fetched, true));
        }
        DependencyCommand::Build(args) => {
            let fetched = crate::dependency::build(&args.chart, &crate::dependency::HttpFetch)?;
            return write_out(stdout, &fetched_text(&fetched, false));
        }
    };
    let inputs = args.inputs.load()?;
    let chart = &inputs.chart;
    // Which are enabled needs a composable chart; a missing one is listed as missing.
    let enabled: Vec<String> = match compose(chart, &chart.default_values, &inputs.user_values) {
        Ok((composed, warnings)) => {
            print_warnings(&warnings, stderr);
            composed.children.iter().map(|c| c.name.clone()).collect()
        }
        Err(crate::chart::ChartError::MissingDependencies { .. }) => Vec::new(),
        Err(other) => return Err(other.into()),
    };
    let enabled: Vec<&str> = enabled.iter().map(String::as_str).collect();
    let rows = list(chart, &enabled);
    write_out(stdout, &list_text(&rows, args.format.to_format()))
}

/// One line per chart fetched, then what was written.
fn fetched_text(fetched: &[crate::dependency::Fetched], lock_written: bool) -> String {
    let mut out = String::new();
    for f in fetched {
        if f.from.is_empty() {
            out.push_str(&format!("{} {}: {}\n", f.name, f.version, f.file));
        } else {
            out.push_str(&format!(
                "{} {} from {} -> {}\n",
                f.name, f.version, f.from, f.file
            ));
        }
    }
    if lock_written {
        out.push_str("Chart.lock written\n");
    }
    out
}
