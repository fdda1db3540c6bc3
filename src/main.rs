//! The kinja binary: parse the arguments, run the command, print the error,
//! choose the exit code (0 success, 1 user error or failed tests, 2 changes
//! found by `diff --detailed-exitcode`).

use clap::Parser;
use std::process::ExitCode;

/// A runaway template ends in an error, not in the OOM killer.
#[global_allocator]
static ALLOCATOR: kinja::memory::CappedAllocator = kinja::memory::CappedAllocator;

fn main() -> ExitCode {
    let cli = match kinja::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(1),
            };
        }
    };
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    match kinja::cli::run(cli, &mut stdout, &mut stderr) {
        Ok(kinja::cli::Outcome::Done) => ExitCode::SUCCESS,
        Ok(kinja::cli::Outcome::Changes) => ExitCode::from(2),
        Ok(kinja::cli::Outcome::Failed) => ExitCode::from(1),
        Err(e) => {
            use std::io::Write;
            let _ = writeln!(stderr, "Error: {e}");
            ExitCode::from(1)
        }
    }
}
