//! `kinja test`: helm-unittest suites, run natively.

use super::{Outcome, write_out};
use crate::error::Error;
use crate::unittest::{Report, SnapshotMode, TestOptions, any_failed, report_text, run};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct TestArgs {
    /// The chart folders to test
    #[arg(required = true)]
    pub charts: Vec<PathBuf>,
    /// Suite files, a glob relative to the chart (default: tests/*_test.yaml); repeatable
    #[arg(short = 'f', long = "file", value_name = "GLOB")]
    pub files: Vec<String>,
    /// Run only the tests whose suite or name holds this text
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Write every matchSnapshot snapshot anew
    #[arg(short = 'u', long)]
    pub update_snapshot: bool,
    /// A missing snapshot fails instead of being written (also when CI=true)
    #[arg(long)]
    pub ci: bool,
}

pub fn run_tests(args: TestArgs, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let ci = args.ci || std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let options = TestOptions {
        files: args.files,
        filter: args.filter,
        snapshots: SnapshotMode {
            update: args.update_snapshot,
            ci,
        },
    };
    let mut report = Report::default();
    for chart in &args.charts {
        let one = run(chart, &options)?;
        report.results.extend(one.results);
        report.notes.extend(one.notes);
    }
    write_out(stdout, &report_text(&report))?;
    Ok(if any_failed(&report) {
        Outcome::Failed
    } else {
        Outcome::Done
    })
}
