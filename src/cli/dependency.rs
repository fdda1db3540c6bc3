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
    List(ListArgs),
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
    let DependencyCommand::List(args) = command;
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
