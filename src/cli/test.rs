//! `kinja test`: helm-unittest suites, run natively.

use super::{Outcome, write_out};
use crate::error::Error;
use crate::unittest::{
    Report, SnapshotMode, TestOptions, any_failed, coverage_text, junit_xml, lcov, report_text, run,
};
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
    /// Colour the PASS/FAIL marks: auto (a terminal, unless NO_COLOR is set), always or never
    #[arg(long, value_enum, default_value = "auto")]
    pub color: super::args::ColorChoice,
    /// Show which branches of each template the tests rendered
    #[arg(long)]
    pub coverage: bool,
    /// Also write the coverage in this format to FILE (implies --coverage): lcov
    #[arg(long, num_args = 2, value_names = ["FORMAT", "FILE"])]
    pub coverage_format: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OutputType {
    Junit,
}

pub fn run_tests(args: TestArgs, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let coverage_file = match args.coverage_format.as_deref() {
        None => None,
        Some([format, file]) if format == "lcov" => Some(PathBuf::from(file)),
        Some([format, _]) => {
            return Err(Error::Usage(format!(
                "--coverage-format {format}: the one format is lcov (--coverage-format lcov FILE)"
            )));
        }
        Some(_) => unreachable!("clap takes two values"),
    };
    let ci = args.ci || std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let options = TestOptions {
        files: args.files,
        filter: args.filter,
        snapshots: SnapshotMode {
            update: args.update_snapshot,
            ci,
        },
        fail_fast: args.fail_fast,
        coverage: args.coverage || coverage_file.is_some(),
    };
    let mut report = Report::default();
    for chart in &args.charts {
        let one = run(chart, &options)?;
        report.results.extend(one.results);
        report.notes.extend(one.notes);
        if let Some(templates) = one.coverage {
            report.coverage.get_or_insert_default().extend(templates);
        }
    }
    if let (Some(OutputType::Junit), Some(file)) = (args.output_type, &args.output_file) {
        write_replacing(file, &junit_xml(&report))?;
    }
    if let (Some(file), Some(templates)) = (&coverage_file, &report.coverage) {
        write_replacing(file, &lcov(templates))?;
    }
    let mut text = report_text(&report, super::args::use_color(args.color));
    if let Some(templates) = &report.coverage {
        text.push_str(&coverage_text(templates));
    }
    write_out(stdout, &text)?;
    Ok(if any_failed(&report) {
        Outcome::Failed
    } else {
        Outcome::Done
    })
}

/// Writes a report file whole: a CI step never reads half of one.
fn write_replacing(file: &std::path::Path, text: &str) -> Result<(), Error> {
    crate::output::replace_file(file, text.as_bytes()).map_err(|e| Error::Io {
        path: file.display().to_string(),
        reason: crate::input::io_reason(&e),
    })
}
