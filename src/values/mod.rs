//! Values: reading values files, the `--set` family, Helm's merge rules and
//! `values.schema.json`.
//!
//! The order is Helm's: the chart's `values.yaml` is the base; user input is
//! collected in one map from `-f` files (left to right), then `--set-json`,
//! `--set`, `--set-string`, `--set-file`, `--set-literal` (each group in
//! command-line order, the groups in that order whatever the command line
//! says); finally the chart defaults are coalesced *under* the user map.

mod coalesce;
pub mod explain;
pub mod origin;
mod schema;
pub mod strvals;
mod tree;
pub mod unused;

pub use coalesce::{coalesce_tables, coalesce_values, merge_maps, merge_tables};
pub use schema::{SchemaViolation, check_schema};
pub use tree::{ValuesNode, coalesce_tree, merge_tree, scoped};

use serde_json::{Map, Value};
use std::path::Path;
use strvals::SetFlag;

/// A values tree: string keys in the order they were written.
pub type Values = Map<String, Value>;

/// A `json!({...})` literal as values, for tests.
#[cfg(test)]
pub(crate) fn test_values(value: Value) -> Values {
    match value {
        Value::Object(map) => map,
        other => panic!("not a mapping: {other}"),
    }
}

/// The values flags of one command line, each in the order given.
#[derive(Debug, Clone, Default)]
pub struct ValuesOptions {
    /// `-f/--values` files; `-` is standard input.
    pub files: Vec<String>,
    pub set_json: Vec<String>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    pub set_file: Vec<String>,
    pub set_literal: Vec<String>,
}

impl ValuesOptions {
    /// No values flag at all.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
            && self.set_json.is_empty()
            && self.set.is_empty()
            && self.set_string.is_empty()
            && self.set_file.is_empty()
            && self.set_literal.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ValuesError {
    #[error("values file {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("values file {path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("values file {path}: {message}")]
    NotAMapping { path: String, message: String },
    #[error("{0}")]
    Set(#[from] strvals::StrvalsError),
    /// The merged values break the chart's `values.schema.json`.
    #[error("{}", schema_message(chart, schema_path, violations))]
    Schema {
        chart: String,
        schema_path: String,
        /// The keys of the chart's values within the top chart's (`["db"]`).
        scope: Vec<String>,
        violations: Vec<SchemaViolation>,
    },
    /// The parent's values for a subchart are not a mapping (Helm: "type mismatch").
    #[error(
        "values for subchart {path} must be a mapping, found {found}; `{path}` holds the subchart's values"
    )]
    SubchartValues { path: String, found: &'static str },
    /// `--explain PATH` for a path no value is at.
    #[error("no values path {path}; {hint}")]
    NoSuchPath { path: String, hint: String },
    #[error("{reason}")]
    BadPath { reason: String },
    #[error("{schema_path}: not a usable JSON Schema: {message}")]
    BadSchema {
        schema_path: String,
        message: String,
    },
}

fn schema_message(chart: &str, schema_path: &str, violations: &[SchemaViolation]) -> String {
    let mut message = format!("values don't meet the schema of chart {chart} ({schema_path}):");
    for violation in violations {
        message.push_str(&format!("\n- {violation}"));
    }
    message
}

/// Where `-` reads from; tests hand in a string, the CLI hands in stdin.
pub trait Stdin {
    fn read_all(&mut self) -> std::io::Result<String>;
}

impl<F: FnMut() -> std::io::Result<String>> Stdin for F {
    fn read_all(&mut self) -> std::io::Result<String> {
        self()
    }
}

/// Builds the user-supplied values (Helm's `config`): every `-f` file, then the
/// `--set` family, in Helm's order. `-` (a file or `--set-file`) reads `stdin`.
///
/// ```
/// use kinja::values::{ValuesOptions, load_user_values};
///
/// let options = ValuesOptions {
///     files: vec!["-".into()],
///     set: vec!["image.tag=1.27,replicaCount=3".into()],
///     ..ValuesOptions::default()
/// };
/// let mut stdin = || Ok("image: {repository: nginx, tag: '1.25'}\n".to_string());
/// let values = load_user_values(&options, &mut stdin).unwrap();
/// assert_eq!(values["image"]["tag"], "1.27", "--set wins over files");
/// assert_eq!(values["image"]["repository"], "nginx");
/// assert_eq!(values["replicaCount"], 3);
/// ```
pub fn load_user_values(
    options: &ValuesOptions,
    stdin: &mut dyn Stdin,
) -> Result<Values, ValuesError> {
    load_user_values_traced(options, stdin, &mut |_, _| {})
}

/// One source of user values, in the order they are merged.
#[derive(Debug, Clone, Copy)]
pub enum UserSource<'a> {
    /// A `-f` file (`<stdin>` for `-`) and its text.
    File { shown: &'a str, text: &'a str },
    /// The `index`-th (from 1) argument of a `--set` flag.
    Flag {
        flag: SetFlag,
        index: usize,
        arg: &'a str,
    },
}

/// [`load_user_values`], showing `after_each` the values after each source
/// is merged (`kinja values --explain` tells from it who set what).
pub fn load_user_values_traced(
    options: &ValuesOptions,
    stdin: &mut dyn Stdin,
    after_each: &mut dyn FnMut(UserSource, &Values),
) -> Result<Values, ValuesError> {
    let mut stdin_used = false;
    let mut read_stdin = |stdin: &mut dyn Stdin| -> Result<String, String> {
        if std::mem::replace(&mut stdin_used, true) {
            return Err("standard input can be read only once".to_string());
        }
        stdin.read_all().map_err(|e| e.to_string())
    };

    let mut values = Values::new();
    for path in &options.files {
        let text = if path == "-" {
            read_stdin(stdin).map_err(|reason| ValuesError::Unreadable {
                path: "<stdin>".into(),
                reason,
            })?
        } else {
            read_values_file(Path::new(path))?
        };
        let shown = if path == "-" {
            "<stdin>"
        } else {
            path.as_str()
        };
        merge_maps(&mut values, parse_values_text(&text, shown)?);
        after_each(UserSource::File { shown, text: &text }, &values);
    }

    let groups = [
        (SetFlag::SetJson, &options.set_json),
        (SetFlag::Set, &options.set),
        (SetFlag::SetString, &options.set_string),
        (SetFlag::SetFile, &options.set_file),
        (SetFlag::SetLiteral, &options.set_literal),
    ];
    for (flag, args) in groups {
        for (i, arg) in args.iter().enumerate() {
            let mut read_file = |path: &str| -> Result<String, String> {
                if path == "-" {
                    read_stdin(stdin)
                } else {
                    crate::input::read_text_file(Path::new(path))
                        .map_err(|e| format!("{path}: {}", crate::input::io_reason(&e)))
                }
            };
            strvals::apply(flag, arg, &mut values, &mut read_file)?;
            let source = UserSource::Flag {
                flag,
                index: i + 1,
                arg,
            };
            after_each(source, &values);
        }
    }
    Ok(values)
}

/// Reads a values file from disk (for `-f` and the chart's `values.yaml`); parsing is [`parse_values_text`].
pub fn read_values_file(path: &Path) -> Result<String, ValuesError> {
    crate::input::read_text_file(path).map_err(|e| ValuesError::Unreadable {
        path: path.display().to_string(),
        reason: crate::input::io_reason(&e),
    })
}

/// Parses values text, naming `shown` (a path or `<stdin>`) in errors.
pub fn parse_values_text(text: &str, shown: &str) -> Result<Values, ValuesError> {
    crate::yaml::parse_values(text).map_err(|e| match (e.line, e.column) {
        (Some(line), Some(column)) => ValuesError::Invalid {
            path: shown.to_string(),
            line,
            column,
            message: e.message,
        },
        _ => ValuesError::NotAMapping {
            path: shown.to_string(),
            message: e.message,
        },
    })
}
