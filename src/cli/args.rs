//! Every flag that more than one command takes, defined once: each group a
//! struct to flatten into a command, each flag with its help line, and the
//! one place where flags become library options (`to_...` methods).
//! Values clap can check (ranges, versions) are checked here, before any
//! work is done.

use crate::chart::Chart;
use crate::error::Error;
use crate::release::{UpgradeRequest, ValuesRule};
use crate::render::{Capabilities, KubeVersion};
use crate::store::FileStore;
use crate::values::{self, Values, ValuesOptions};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// The values flags of every command that renders (Helm's names and order).
#[derive(Debug, Clone, Args, Default)]
pub struct ValuesArgs {
    /// Values file to merge over the chart's values.yaml; repeat it, the rightmost wins; `-` reads stdin
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub files: Vec<String>,
    /// Set values: `a.b=1,list[0]=x,tags={a,b}` (Helm's --set grammar)
    #[arg(long = "set", value_name = "K=V")]
    pub set: Vec<String>,
    /// Set values, every value taken as a string
    #[arg(long = "set-string", value_name = "K=V")]
    pub set_string: Vec<String>,
    /// Set values from JSON: `a={"b":[1,2]}`
    #[arg(long = "set-json", value_name = "K=JSON")]
    pub set_json: Vec<String>,
    /// Set a value to the content of a file: `cert=tls.crt` (`-` reads stdin)
    #[arg(long = "set-file", value_name = "K=PATH")]
    pub set_file: Vec<String>,
    /// Set one value literally: everything after the first `=`, no escapes
    #[arg(long = "set-literal", value_name = "K=V")]
    pub set_literal: Vec<String>,
}

impl ValuesArgs {
    pub fn to_options(&self) -> ValuesOptions {
        ValuesOptions {
            files: self.files.clone(),
            set_json: self.set_json.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_file: self.set_file.clone(),
            set_literal: self.set_literal.clone(),
        }
    }
}

/// What every rendering command takes: the chart, values and target cluster.
#[derive(Debug, Clone, Args)]
pub struct ChartArgs {
    /// The chart folder
    pub chart: PathBuf,
    #[command(flatten)]
    pub values: ValuesArgs,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

/// The cluster a render is for (`capabilities`).
#[derive(Debug, Clone, Args, Default)]
pub struct ClusterArgs {
    /// Kubernetes version for capabilities.kube_version (default: 1.35.0, as Helm 4.1)
    #[arg(long, value_name = "VERSION", value_parser = kube_version)]
    pub kube_version: Option<KubeVersion>,
    /// An extra API group/version for capabilities.api_versions; repeatable, or comma-separated
    #[arg(short = 'a', long = "api-versions", value_name = "GROUP/VERSION")]
    pub api_versions: Vec<String>,
}

fn kube_version(text: &str) -> Result<KubeVersion, String> {
    KubeVersion::parse(text)
}

impl ClusterArgs {
    pub fn to_capabilities(&self) -> Capabilities {
        let mut capabilities = Capabilities::default();
        if let Some(version) = &self.kube_version {
            capabilities.kube_version = version.clone();
        }
        for api in &self.api_versions {
            for item in api.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                capabilities.api_versions.push(item.to_string());
            }
        }
        capabilities
    }
}

/// A loaded chart with its user values and capabilities, ready to render.
pub struct ChartInputs {
    pub chart: Chart,
    pub user_values: Values,
    pub capabilities: Capabilities,
}

impl ChartArgs {
    /// For the commands that render a release: refuses a bad release name
    /// before anything is read, then loads.
    pub fn load_for_release(&self, name: &str) -> Result<ChartInputs, Error> {
        crate::names::validate_release_name(name)?;
        self.load()
    }

    /// Loads the chart and reads the values flags (`-` reads standard input).
    pub fn load(&self) -> Result<ChartInputs, Error> {
        let chart = Chart::load(&self.chart)?;
        let mut stdin = crate::input::read_stdin;
        let user_values = values::load_user_values(&self.values.to_options(), &mut stdin)?;
        Ok(ChartInputs {
            chart,
            user_values,
            capabilities: self.cluster.to_capabilities(),
        })
    }
}

impl ChartInputs {
    /// A request to render these inputs as the next revision of a release.
    pub fn upgrade_request<'a>(&'a self, name: &'a str, namespace: &'a str) -> UpgradeRequest<'a> {
        UpgradeRequest {
            user_values: self.user_values.clone(),
            ..UpgradeRequest::new(name, namespace, &self.chart, &self.capabilities)
        }
    }
}

/// How an upgrade treats the last revision's values (Helm's three flags;
/// without them, an upgrade given no values reuses the last revision's).
#[derive(Debug, Clone, Args)]
pub struct UpgradeValuesArgs {
    /// Use only the chart's defaults and the values given now, not the last revision's (beats the two below, as in Helm)
    #[arg(long)]
    pub reset_values: bool,
    /// Merge the values given now over the last revision's, all over the last revision's merged values (the chart's new defaults are not seen)
    #[arg(long)]
    pub reuse_values: bool,
    /// Merge the values given now over the last revision's, over the chart's new defaults
    #[arg(long)]
    pub reset_then_reuse_values: bool,
}

impl UpgradeValuesArgs {
    pub fn rule(&self) -> ValuesRule {
        ValuesRule::from_flags(
            self.reset_values,
            self.reuse_values,
            self.reset_then_reuse_values,
        )
    }
}

/// The release namespace.
#[derive(Debug, Clone, Args)]
pub struct NamespaceArg {
    /// The release's namespace (diffs also give it to documents that name none)
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
}

/// Which release store a command uses.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// The release store folder (default: $KINJA_STORE, else $XDG_DATA_HOME/kinja, else ~/.local/share/kinja)
    #[arg(long, value_name = "DIR", global = true)]
    pub store: Option<PathBuf>,
}

impl StoreArgs {
    /// The flag wins over the environment, as in every common CLI.
    pub fn open(&self) -> Result<FileStore, Error> {
        let root = crate::store::store_root(self.store.clone(), |name| std::env::var_os(name))?;
        Ok(FileStore::new(root))
    }
}

/// A release of the store: its name, namespace and the store itself.
#[derive(Debug, Clone, Args)]
pub struct ReleaseRef {
    /// The release name
    pub name: String,
    #[command(flatten)]
    pub namespace: NamespaceArg,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// How many revisions a writing command keeps.
#[derive(Debug, Clone, Args)]
pub struct HistoryMaxArg {
    /// Revisions to keep; older ones are deleted (0 keeps all)
    #[arg(
        long,
        value_name = "N",
        default_value_t = crate::release::DEFAULT_HISTORY_MAX,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MAX_HISTORY)
    )]
    pub history_max: usize,
}

/// More revisions than any release needs; a larger `--history-max` is a typo.
const MAX_HISTORY: u64 = 1_000_000;

/// How `history` and `list` print.
#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum ListFormat {
    #[default]
    Table,
    Json,
    Yaml,
}

#[derive(Debug, Clone, Args)]
pub struct ListFormatArg {
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value = "table")]
    pub output: ListFormat,
}

impl ListFormatArg {
    pub fn to_format(&self) -> crate::release::listing::Format {
        use crate::release::listing::Format;
        match self.output {
            ListFormat::Table => Format::Table,
            ListFormat::Json => Format::Json,
            ListFormat::Yaml => Format::Yaml,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cli::Cli;
    use clap::{CommandFactory, Parser};

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("kinja").chain(args.iter().copied()))
    }

    #[test]
    fn every_argument_of_every_command_has_a_help_line() {
        fn check(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let builtin = matches!(arg.get_id().as_str(), "help" | "version");
                if !builtin && arg.get_help().is_none() {
                    missing.push(format!("{path} {}", arg.get_id()));
                }
            }
            for sub in command.get_subcommands() {
                if sub.get_about().is_none() {
                    missing.push(format!("{path} {} (no about)", sub.get_name()));
                }
                check(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        check(&Cli::command(), "kinja", &mut missing);
        assert!(missing.is_empty(), "without help: {missing:?}");
        Cli::command().debug_assert();
    }

    #[test]
    fn out_of_range_numbers_are_refused_before_any_work() {
        for args in [
            &["release", "shop", "/no/such/chart", "--history-max", "-1"][..],
            &[
                "release",
                "shop",
                "/no/such/chart",
                "--history-max",
                "2000000",
            ],
            &["diff", "files", "a", "b", "--find-renames", "1.5"],
            &["diff", "files", "a", "b", "--find-renames", "NaN"],
            &["diff", "files", "a", "b", "--context", "-3"],
            &["render", "/no/such/chart", "--kube-version", "1"],
        ] {
            let error = parse(args).expect_err(&args.join(" "));
            // `-1` reads as an unknown flag to clap, which refuses it too.
            assert!(
                matches!(
                    error.kind(),
                    clap::error::ErrorKind::ValueValidation
                        | clap::error::ErrorKind::UnknownArgument
                ),
                "{}: {error}",
                args.join(" ")
            );
        }
        assert!(parse(&["diff", "files", "a", "b", "--find-renames", "0.5"]).is_ok());
        assert!(parse(&["render", "c", "--kube-version", "v1.29.3-gke.1"]).is_ok());
    }

    #[test]
    fn all_namespaces_and_one_namespace_exclude_each_other() {
        let error = parse(&["list", "-A", "-n", "web"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}

/// `--color`, for `diff` and `test`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The flag beats the environment: `--color always` colours even under NO_COLOR.
pub fn use_color(choice: ColorChoice) -> bool {
    use std::io::IsTerminal;
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}
