//! The command line: clap definitions and one small handler per subcommand.
//! Handlers take the parsed flags, call one library function and print its
//! result; flags shared by several commands are defined once in [`args`].

pub mod args;
mod chart;
mod dependency;
mod diff;
mod lint;
mod release;
mod render;
mod test;
mod values;

pub use render::RenderArgs;

use crate::error::Error;
use crate::release::{Mode, ValuesRule};
use clap::{Parser, Subcommand};
use std::io::Write;

/// kinja renders Helm-style charts whose templates are Jinja (minijinja).
#[derive(Debug, Parser)]
#[command(name = "kinja", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render a chart into Kubernetes YAML, as `helm template` does.
    #[command(visible_alias = "template")]
    Render(RenderArgs),
    /// Render a chart and record it as the next revision of a release (an install or an upgrade).
    Release(release::ReleaseArgs),
    /// Record the first revision of a release; a name with a history is refused, as in Helm.
    Install(release::RevisionArgs),
    /// Record the next revision of a live release (with --install, install it if it has none).
    Upgrade(release::UpgradeArgs),
    /// Show the revisions of a release.
    History(release::HistoryArgs),
    /// Show the status of a release: its latest revision (or --revision) and its notes.
    Status(release::StatusArgs),
    /// Show what a revision recorded.
    #[command(subcommand)]
    Get(release::GetCommand),
    /// Record a new revision whose manifest and values are an earlier revision's.
    Rollback(release::RollbackArgs),
    /// List the releases in the store.
    List(release::ListArgs),
    /// Remove a release from the store.
    Uninstall(release::UninstallArgs),
    /// Show what would change, resource by resource.
    #[command(subcommand)]
    Diff(diff::DiffCommand),
    /// Create a new chart folder: a Deployment, its Service and tests, ready to render.
    Create(chart::CreateArgs),
    /// Package a chart folder as NAME-VERSION.tgz (reproducible: the same bytes for the same chart).
    Package(chart::PackageArgs),
    /// Show a chart's Chart.yaml, values.yaml or README (folder or .tgz).
    #[command(subcommand)]
    Show(chart::ShowCommand),
    /// List, fetch (into charts/) and lock (Chart.lock) a chart's dependencies.
    #[command(subcommand)]
    Dependency(dependency::DependencyCommand),
    /// Find the mistakes a chart would carry to a cluster: its objects, and the objects against each other.
    Lint(lint::LintArgs),
    /// Print the merged values exactly as the templates see them (or, with --defaults, the chart's own).
    Values(values::ValuesCommandArgs),
    /// Run a chart's helm-unittest suites (tests/*_test.yaml) against its templates.
    Test(test::TestArgs),
    /// Print a shell completion script (see the README for where each shell wants it).
    Completion {
        /// The shell
        shell: clap_complete::Shell,
    },
}

/// How a successful command ended: `Changes` is `diff --detailed-exitcode`
/// finding changes (exit code 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Changes,
    /// `kinja test` or `kinja lint` ran and found failures (exit code 1, the report on stdout).
    Failed,
}

/// Runs a parsed command line, writing results to `stdout` and warnings to `stderr`.
pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Outcome, Error> {
    let done = match cli.command {
        Command::Render(args) => render::run(args, stdout, stderr),
        Command::Release(args) => release::release(
            args.revision,
            args.values_rule.rule(),
            Mode::InstallOrUpgrade,
            stdout,
            stderr,
        ),
        Command::Install(args) => {
            release::release(args, ValuesRule::Default, Mode::Install, stdout, stderr)
        }
        Command::Upgrade(args) => {
            let mode = if args.install {
                Mode::InstallOrUpgrade
            } else {
                Mode::Upgrade
            };
            let rule = args.release.values_rule.rule();
            release::release(args.release.revision, rule, mode, stdout, stderr)
        }
        Command::History(args) => release::history(args, stdout),
        Command::Status(args) => release::status(args, stdout),
        Command::Get(command) => release::get(command, stdout),
        Command::Rollback(args) => release::rollback(args, stdout),
        Command::List(args) => release::list(args, stdout, stderr),
        Command::Uninstall(args) => release::uninstall(args, stdout),
        Command::Diff(command) => return diff::run(command, stdout, stderr),
        Command::Create(args) => chart::create_chart(args, stdout),
        Command::Package(args) => chart::package_chart(args, stdout),
        Command::Show(command) => chart::show_part(command, stdout),
        Command::Dependency(command) => dependency::run(command, stdout, stderr),
        Command::Test(args) => return test::run_tests(args, stdout),
        Command::Lint(args) => return lint::run(args, stdout),
        Command::Values(args) => return values::run(args, stdout, stderr),
        Command::Completion { shell } => {
            let mut script = Vec::new();
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "kinja", &mut script);
            write_out(stdout, &String::from_utf8_lossy(&script))
        }
    };
    done.map(|()| Outcome::Done)
}

/// Merge conflicts resolved in the user's favour go to stderr, one line each.
pub(crate) fn print_warnings(warnings: &[String], stderr: &mut dyn Write) {
    for warning in warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
}

/// Writes all of `text`, treating a closed pipe (`kinja render | head`) as success.
pub(crate) fn write_out(out: &mut dyn Write, text: &str) -> Result<(), Error> {
    stream_out(out, |out| out.write_all(text.as_bytes()))
}

/// Output written piece by piece by `write`, then flushed; a reader that
/// stops early (`| head`) is no error.
pub(crate) fn stream_out(
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    match write(out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Io {
            path: "<stdout>".into(),
            reason: e.to_string(),
        }),
    }
}
