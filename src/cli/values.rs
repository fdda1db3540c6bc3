//! `kinja values`: the merged values exactly as the templates see them.

use super::args::ValuesArgs;
use super::{Outcome, print_warnings, write_out};
use crate::chart::Chart;
use crate::error::Error;
use crate::values::explain;
use clap::Args;
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct ValuesCommandArgs {
    /// The chart folder (or .tgz archive)
    pub chart: PathBuf,
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Output: yaml (in the order the values were written; with --explain, text) or json
    #[arg(short = 'o', long, value_enum, default_value = "yaml")]
    pub output: ValuesFormat,
    /// Print the chart's own values.yaml alone, as written (like `helm show values`); with -o json, parsed
    #[arg(long, conflicts_with = "explain")]
    pub defaults: bool,
    /// Say where every value came from; with PATHs (image.tag, hosts[0].host), the whole chain of each, winner first
    #[arg(long, value_name = "PATH", num_args = 0..=1, action = clap::ArgAction::Append)]
    pub explain: Option<Vec<String>>,
    /// Report the values given (-f, --set) that no template reads, and reads of keys no source defines; exit 1 if any
    #[arg(long, conflicts_with_all = ["explain", "defaults"])]
    pub unused: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ValuesFormat {
    Yaml,
    Json,
}

pub fn run(
    args: ValuesCommandArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Outcome, Error> {
    if args.unused {
        let chart = Chart::load(&args.chart)?;
        let mut stdin = crate::input::read_stdin;
        let options = args.values.to_options();
        let (unread, undefined) = crate::pipeline::unused_values(&chart, &options, &mut stdin)?;
        write_out(stdout, &crate::values::unused::to_text(&unread, &undefined))?;
        let clean = unread.is_empty() && undefined.is_empty();
        return Ok(if clean {
            Outcome::Done
        } else {
            Outcome::Failed
        });
    }
    print_values(args, stdout, stderr).map(|()| Outcome::Done)
}

fn print_values(
    args: ValuesCommandArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Error> {
    let options = args.values.to_options();
    if args.defaults {
        if !options.is_empty() {
            return Err(Error::Usage(
                "--defaults prints the chart's values.yaml alone: drop the -f and --set flags, or drop --defaults to see them merged".into(),
            ));
        }
        if args.output == ValuesFormat::Yaml {
            let source = crate::chart::read_source(&args.chart)?;
            let text = crate::chart::show::show(&source, crate::chart::show::Part::Values)?;
            return write_out(stdout, &text);
        }
        let chart = Chart::load(&args.chart)?;
        return write_out(stdout, &json(chart.default_values));
    }
    let chart = Chart::load(&args.chart)?;
    let mut stdin = crate::input::read_stdin;
    if let Some(wanted) = &args.explain {
        let traced = crate::pipeline::traced_values(&chart, &options, &mut stdin)?;
        print_warnings(&traced.warnings, stderr);
        let (explained, deleted) = traced.trace.explain(&traced.values);
        let (explained, deleted) = explain::select(explained, deleted, wanted)?;
        let text = match args.output {
            ValuesFormat::Yaml => explain::to_text(&explained, &deleted, !wanted.is_empty()),
            ValuesFormat::Json => explain::to_json(&explained, &deleted),
        };
        return write_out(stdout, &text);
    }
    let user_values = crate::values::load_user_values(&options, &mut stdin)?;
    let (values, warnings) = crate::pipeline::merged_values(&chart, user_values)
        .map_err(|e| crate::pipeline::with_value_sources(e, &options))?;
    print_warnings(&warnings, stderr);
    let text = match args.output {
        ValuesFormat::Yaml => crate::yaml::to_yaml(&Value::Object(values)),
        ValuesFormat::Json => json(values),
    };
    write_out(stdout, &text)
}

fn json(values: crate::values::Values) -> String {
    let mut text = serde_json::to_string_pretty(&Value::Object(values)).expect("values serialize");
    text.push('\n');
    text
}
