//! `kinja create`, `kinja package` and `kinja show`: a new chart, a chart as
//! an archive, and its parts.

use super::write_out;
use crate::chart::create::create;
use crate::chart::package::{PackageOptions, package};
use crate::chart::show::{Part, show};
use crate::error::Error;
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    /// The new chart's folder; its last part is the chart's name
    pub path: PathBuf,
    /// A chart folder to start from instead of the built-in starter
    #[arg(short = 'p', long, value_name = "DIR")]
    pub starter: Option<PathBuf>,
}

pub fn create_chart(args: CreateArgs, stdout: &mut dyn Write) -> Result<(), Error> {
    create(&args.path, args.starter.as_deref())?;
    let path = args.path.display();
    write_out(
        stdout,
        &format!(
            "Creating {path}
Render it with `kinja render {path}`, test it with `kinja test {path} --coverage`.\n"
        ),
    )
}

#[derive(Debug, Clone, Args)]
pub struct PackageArgs {
    /// The chart folder
    pub chart: PathBuf,
    /// The folder to write NAME-VERSION.tgz into (default: the current folder)
    #[arg(short = 'd', long, value_name = "DIR", default_value = ".")]
    pub destination: PathBuf,
    /// Set the chart's version in the package
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// Set the chart's appVersion in the package
    #[arg(long, value_name = "VERSION")]
    pub app_version: Option<String>,
}

pub fn package_chart(args: PackageArgs, stdout: &mut dyn Write) -> Result<(), Error> {
    let options = PackageOptions {
        version: args.version,
        app_version: args.app_version,
    };
    let file = package(&args.chart, &args.destination, &options)?;
    write_out(
        stdout,
        &format!(
            "Successfully packaged chart and saved it to: {}\n",
            file.display()
        ),
    )
}

#[derive(Debug, Clone, Subcommand)]
pub enum ShowCommand {
    /// Chart.yaml, as written
    Chart(ShowArgs),
    /// values.yaml, as written
    Values(ShowArgs),
    /// The chart's README (README.md, README.txt or README)
    Readme(ShowArgs),
    /// Chart.yaml, values.yaml and the README, separated by ---
    All(ShowArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// The chart folder or .tgz archive
    pub chart: PathBuf,
}

pub fn show_part(command: ShowCommand, stdout: &mut dyn Write) -> Result<(), Error> {
    let (part, args) = match command {
        ShowCommand::Chart(a) => (Part::Chart, a),
        ShowCommand::Values(a) => (Part::Values, a),
        ShowCommand::Readme(a) => (Part::Readme, a),
        ShowCommand::All(a) => (Part::All, a),
    };
    let source = crate::chart::read_source(&args.chart)?;
    write_out(stdout, &show(&source, part)?)
}
