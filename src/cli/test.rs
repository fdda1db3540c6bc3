//! `kinja test`: helm-unittest suites, run natively.

use super::{Outcome, write_out};
use crate::error::Error;
use crate::unittest::{Report, SnapshotMode, TestOptions, any_failed, junit_xml, report_text, run};
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
    /// Stop at the first failed test
    #[arg(long)]
    pub fail_fast: bool,
    /// Also write the results in this format (helm-unittest's flag): junit
    #[arg(short = 't', long, value_enum, requires = "output_file")]
    pub output_type: Option<OutputType>,
    /// Where --output-type writes
    #[arg(short = 'o', long, value_name = "FILE", requires = "output_type")]
    pub output_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OutputType {
    Junit,
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
        fail_fast: args.fail_fast,
    };
    let mut report = Report::default();
    for chart in &args.charts {
        let one = run(chart, &options)?;
        report.results.extend(one.results);
        report.notes.extend(one.notes);
    }
    if let (Some(OutputType::Junit), Some(file)) = (args.output_type, &args.output_file) {
        let io = |e: std::io::Error| Error::Io {
            path: file.display().to_string(),
            reason: crate::input::io_reason(&e),
        };
        let folder = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let temporary = tempfile::NamedTempFile::new_in(folder).map_err(io)?;
        std::fs::write(temporary.path(), junit_xml(&report)).map_err(io)?;
        temporary.persist(file).map_err(|e| io(e.error))?;
    }
    write_out(stdout, &report_text(&report))?;
    Ok(if any_failed(&report) {
        Outcome::Failed
    } else {
        Outcome::Done
    })
}
