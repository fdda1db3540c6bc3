//! `kinja test`: helm-unittest suites, run natively.

use super::{Outcome, write_out};
use crate::error::Error;
use crate::unittest::{TestOptions, any_failed, report_text, run};
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
}

pub fn run_tests(args: TestArgs, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let options = TestOptions {
        files: args.files,
        filter: args.filter,
    };
    let mut results = Vec::new();
    for chart in &args.charts {
        results.extend(run(chart, &options)?);
    }
    write_out(stdout, &report_text(&results))?;
    Ok(if any_failed(&results) {
        Outcome::Failed
    } else {
        Outcome::Done
    })
}
