//! Where each value came from (`kinja values --explain`): every leaf of the
//! merged values with the source that set it (a chart's `values.yaml`, a
//! `-f` file, a `--set` flag) and the values it overrode, winner first;
//! and each default a user's `null` deleted.
//!
//! Sources are traced as they are merged rather than by re-doing the
//! merge: a file's settings are its own leaves, a flag's the leaves it
//! wrote (or changed), a chart's defaults its `values.yaml` leaves under
//! the keys the chart goes by. A subchart's `global` is its own and then
//! its parent's (the parent's wins, as Helm copies it down).

use super::strvals::{self, SetFlag};
use super::{UserSource, Values};
use crate::yaml::{PathStep, Position, Positions};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;

/// A path into values: `image.tag`, `ingress.hosts[0].host`.
pub type Path = Vec<PathStep>;

/// What set a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A chart's `values.yaml` (`charts/db/values.yaml` for a subchart's).
    Default { file: String },
    /// A `-f` file (`<stdin>` for `-`).
    File { file: String },
    /// The `index`-th (from 1) argument of a `--set` flag.
    Flag {
        flag: &'static str,
        index: usize,
        arg: String,
    },
}

/// A source, and where in it (files only).
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub source: Source,
    pub position: Option<Position>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = |file: &str| match self.position {
            Some(p) => format!("{file}:{}:{}", p.line, p.column),
            None => file.to_string(),
        };
        match &self.source {
            Source::Default { file } => write!(f, "{} (chart default)", at(file)),
            Source::File { file } => f.write_str(&at(file)),
            Source::Flag { flag, index, arg } => {
                write!(f, "{flag} #{index} ({})", crate::error::shortened(arg, 60))
            }
        }
    }
}

/// One value a source gave a path.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub value: Value,
    pub origin: Origin,
}

/// A leaf of the merged values and its history.
#[derive(Debug, Clone, PartialEq)]
pub struct Explained {
    pub path: Path,
    pub value: Value,
    /// `None` for a value no source wrote (made while merging: an empty
    /// `global` a subchart is given).
    pub origin: Option<Origin>,
    /// What it overrode, newest first.
    pub overridden: Vec<Setting>,
}

/// A default a user's `null` deleted.
#[derive(Debug, Clone, PartialEq)]
pub struct Deleted {
    pub path: Path,
    pub by: Origin,
    pub default: Origin,
}

/// The sources of a merge, recorded as they come.
#[derive(Debug, Default)]
pub struct Trace {
    /// Each chart's defaults by path, in the order added (a subchart's first).
    defaults: HashMap<Path, Vec<Setting>>,
    /// Where each node of the defaults is, maps too (for deletions).
    default_nodes: HashMap<Path, Origin>,
    /// The user's settings by path, oldest first.
    user: HashMap<Path, Vec<Setting>>,
    /// The user's leaves after the last source, to see what a flag changed.
    previous: HashMap<Path, Value>,
}

impl Trace {
    /// The user's values from the values flags, with each source traced as
    /// it was merged.
    pub fn of_user_values(
        options: &super::ValuesOptions,
        stdin: &mut dyn super::Stdin,
    ) -> Result<(Values, Trace), super::ValuesError> {
        let mut trace = Trace::default();
        let values = super::load_user_values_traced(options, stdin, &mut |source, now| {
            trace.user_source(source, now)
        })?;
        Ok((values, trace))
    }

    /// A chart's defaults, its values under `prefix` (the keys it goes by
    /// within the top chart's values). Add a subchart's before its parent's.
    pub fn defaults(&mut self, prefix: &[&str], file: &str, values: &Values, text: Option<&str>) {
        let positions = text
            .and_then(|t| crate::yaml::parse_values_located(t).ok())
            .map(|(_, p)| p)
            .unwrap_or_default();
        let prefix: Path = prefix
            .iter()
            .map(|k| PathStep::Key(k.to_string()))
            .collect();
        let origin = |path: &[PathStep]| Origin {
            source: Source::Default {
                file: file.to_string(),
            },
            position: position_of(&positions, path),
        };
        for (path, value) in leaves(values) {
            let full = [prefix.as_slice(), &path].concat();
            let setting = Setting {
                value: value.clone(),
                origin: origin(&path),
            };
            self.defaults.entry(full).or_default().push(setting);
        }
        for path in positions.keys() {
            self.default_nodes
                .insert([prefix.as_slice(), path].concat(), origin(path));
        }
    }

    /// The user's values after `source` was merged into them.
    pub fn user_source(&mut self, source: UserSource, values: &Values) {
        let current: HashMap<Path, Value> = leaves(values)
            .into_iter()
            .map(|(path, value)| (path, value.clone()))
            .collect();
        let written: Vec<(Path, Origin)> = match source {
            UserSource::File { shown, text } => {
                let (own, positions) = crate::yaml::parse_values_located(text).unwrap_or_default();
                leaves(&own)
                    .into_iter()
                    .map(|(path, _)| {
                        let origin = Origin {
                            source: Source::File {
                                file: shown.to_string(),
                            },
                            position: position_of(&positions, &path),
                        };
                        (path, origin)
                    })
                    .collect()
            }
            UserSource::Flag { flag, index, arg } => {
                let origin = Origin {
                    source: Source::Flag {
                        flag: flag.flag_name(),
                        index,
                        arg: arg.to_string(),
                    },
                    position: None,
                };
                let own = flag_paths(flag, arg);
                current
                    .keys()
                    .filter(|path| {
                        let changed = self.previous.get(*path) != current.get(*path);
                        changed || own.get(*path).is_some_and(|v| !v.is_null())
                    })
                    .map(|path| (path.clone(), origin.clone()))
                    .collect()
            }
        };
        for (path, origin) in written {
            if let Some(value) = current.get(&path) {
                let setting = Setting {
                    value: value.clone(),
                    origin,
                };
                self.user.entry(path).or_default().push(setting);
            }
        }
        self.previous = current;
    }

    /// The user's last setting of a path.
    pub fn user_origin(&self, path: &[PathStep]) -> Option<&Origin> {
        self.user.get(path)?.last().map(|s| &s.origin)
    }

    /// Every leaf of the merged values with its history, in written order,
    /// and the defaults deleted by a `null`.
    pub fn explain(&self, merged: &Values) -> (Vec<Explained>, Vec<Deleted>) {
        let explained = leaves(merged)
            .into_iter()
            .map(|(path, value)| {
                let chain = self.chain(&path);
                match chain.iter().rposition(|s| s.value == *value) {
                    Some(winner) => Explained {
                        value: value.clone(),
                        origin: Some(chain[winner].origin.clone()),
                        overridden: chain[..winner].iter().rev().cloned().collect(),
                        path,
                    },
                    None => Explained {
                        value: value.clone(),
                        origin: None,
                        overridden: chain.into_iter().rev().collect(),
                        path,
                    },
                }
            })
            .collect();
        let mut deleted: Vec<Deleted> = self
            .user
            .iter()
            .filter_map(|(path, settings)| {
                let last = settings.last()?;
                let default = self.default_nodes.get(path)?;
                (last.value.is_null() && lookup(merged, path).is_none()).then(|| Deleted {
                    path: path.clone(),
                    by: last.origin.clone(),
                    default: default.clone(),
                })
            })
            .collect();
        deleted.sort_by(|a, b| a.path.cmp(&b.path));
        (explained, deleted)
    }

    /// The settings of a path, oldest first: defaults, then the user's; in
    /// a subchart's `global`, then its parent's `global`.
    fn chain(&self, path: &[PathStep]) -> Vec<Setting> {
        let mut chain: Vec<Setting> = Vec::new();
        chain.extend(self.defaults.get(path).into_iter().flatten().cloned());
        chain.extend(self.user.get(path).into_iter().flatten().cloned());
        let global = PathStep::Key("global".to_string());
        if let Some(at) = path.iter().skip(1).position(|s| *s == global) {
            chain.extend(self.chain(&path[at + 1..]));
        }
        chain
    }
}

/// The paths a `--set` argument writes, with their values, read on its own
/// (a `--set-file` reads no file here: what it changed tells).
fn flag_paths(flag: SetFlag, arg: &str) -> HashMap<Path, Value> {
    if flag == SetFlag::SetFile {
        return HashMap::new();
    }
    let mut alone = Map::new();
    let mut no_files = |_: &str| Err(String::new());
    if strvals::apply(flag, arg, &mut alone, &mut no_files).is_err() {
        return HashMap::new();
    }
    leaves(&alone)
        .into_iter()
        .map(|(path, value)| (path, value.clone()))
        .collect()
}

/// The position of a node, or of its nearest ancestor that has one (a
/// value an alias copied has only the alias's).
fn position_of(positions: &Positions, path: &[PathStep]) -> Option<Position> {
    (0..=path.len())
        .rev()
        .find_map(|end| positions.get(&path[..end]).copied())
}

/// The leaves of values: scalars, nulls, empty lists and maps, in written order.
pub fn leaves(values: &Values) -> Vec<(Path, &Value)> {
    fn walk<'v>(value: &'v Value, path: &mut Path, out: &mut Vec<(Path, &'v Value)>) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (key, child) in map {
                    path.push(PathStep::Key(key.clone()));
                    walk(child, path, out);
                    path.pop();
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for (i, child) in items.iter().enumerate() {
                    path.push(PathStep::Index(i));
                    walk(child, path, out);
                    path.pop();
                }
            }
            leaf => out.push((path.clone(), leaf)),
        }
    }
    let mut out = Vec::new();
    let mut path = Vec::new();
    for (key, value) in values {
        path.push(PathStep::Key(key.clone()));
        walk(value, &mut path, &mut out);
        path.pop();
    }
    out
}

/// The value at a path.
pub fn lookup<'v>(values: &'v Values, path: &[PathStep]) -> Option<&'v Value> {
    let (first, rest) = path.split_first()?;
    let PathStep::Key(key) = first else {
        return None;
    };
    rest.iter()
        .try_fold(values.get(key)?, |value, step| match step {
            PathStep::Key(key) => value.get(key),
            PathStep::Index(i) => value.get(*i),
        })
}

/// `image.tag`, `hosts[0].host`; a key holding a dot or a bracket escapes
/// it as `--set` does (`podAnnotations.prometheus\.io/scrape`).
pub fn path_text(path: &[PathStep]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            PathStep::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                for c in key.chars() {
                    if matches!(c, '.' | '[' | ']' | '\\') {
                        out.push('\\');
                    }
                    out.push(c);
                }
            }
            PathStep::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Reads a path as [`path_text`] writes it.
pub fn parse_path(text: &str) -> Result<Path, String> {
    let mut path = Vec::new();
    let mut key = String::new();
    let mut chars = text.chars().peekable();
    let bad = || format!("{text:?} is not a values path (write it as image.tag or hosts[0].host)");
    let mut after_index = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => key.push(chars.next().ok_or_else(bad)?),
            '.' => {
                if !key.is_empty() {
                    path.push(PathStep::Key(std::mem::take(&mut key)));
                } else if !after_index {
                    return Err(bad());
                }
                after_index = false;
            }
            '[' => {
                if !key.is_empty() {
                    path.push(PathStep::Key(std::mem::take(&mut key)));
                }
                let digits: String = chars.by_ref().take_while(|&c| c != ']').collect();
                let index = digits.parse().map_err(|_| bad())?;
                if path.is_empty() {
                    return Err(bad());
                }
                path.push(PathStep::Index(index));
                after_index = true;
            }
            _ => {
                if after_index {
                    return Err(bad());
                }
                key.push(c);
            }
        }
    }
    if !key.is_empty() {
        path.push(PathStep::Key(key));
    } else if !after_index {
        return Err(bad());
    }
    Ok(path)
}

#[cfg(test)]
mod tests;
