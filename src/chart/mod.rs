//! A chart: `Chart.yaml`, `values.yaml`, optional `values.schema.json`,
//! `templates/` and any other files. A folder is loaded into one [`Chart`]
//! value; a packaged `.tgz` will produce the same type.

pub mod compose;
pub mod create;
pub mod dependency;
mod files;
mod ignore;
mod metadata;
pub mod package;
pub mod show;
pub mod source;

pub use dependency::Dependency;
pub use files::{ChartFiles, FilesError};
pub use metadata::{ChartType, Metadata};

use crate::values::{self, Values};
use serde_json::Value;
use std::cell::Cell;
use std::path::{Path, PathBuf};

/// Everything a render needs from a chart, read once.
#[derive(Debug, Clone)]
pub struct Chart {
    /// The folder the chart was loaded from, as the user named it.
    pub dir: PathBuf,
    pub metadata: Metadata,
    /// `values.yaml`, parsed (empty when the chart has none).
    pub default_values: Values,
    /// `values.yaml` as written, for the positions `kinja values --explain` names.
    pub values_text: Option<String>,
    /// `values.schema.json`, parsed.
    pub schema: Option<Value>,
    /// Files under `templates/`, sorted by path; names are relative to `templates/`.
    pub templates: Vec<TemplateFile>,
    /// Files outside `templates/` that templates may read (`files.get(...)`).
    pub files: ChartFiles,
    /// `Chart.yaml` `dependencies`, as written.
    pub dependencies: Vec<Dependency>,
    /// The charts in `charts/`, in folder order, each loaded whole.
    pub subcharts: Vec<Chart>,
    /// Read from a `.tgz` archive rather than a folder.
    pub from_archive: bool,
    /// `Chart.yaml` has a `dependencies` key (even an empty list): only
    /// then does Helm process the subcharts' switches and values.
    pub declares_dependencies: bool,
}

/// One file under `templates/`.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// The path relative to `templates/`, with `/` separators: `deployment.yaml`, `_helpers.tpl`.
    pub name: String,
    pub source: String,
}

impl TemplateFile {
    /// Partials (`_helpers.tpl`) are imported, never rendered on their own.
    pub fn is_partial(&self) -> bool {
        base_name(&self.name).starts_with('_')
    }
}

/// Any `NOTES.txt` (even `MYNOTES.txt`) is kept out of the manifests, as in
/// Helm; only the top-level `NOTES.txt` becomes the notes.
pub fn is_notes_name(template_name: &str) -> bool {
    template_name.ends_with("NOTES.txt")
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChartError {
    #[error("chart {path}: no such folder")]
    NotFound { path: String },
    #[error("{name:?} is not a valid chart name: {reason}")]
    InvalidChartName { name: String, reason: String },
    #[error(
        "{path} exists already: kinja create writes a new folder and never overwrites one (pick another name, or remove it first)"
    )]
    AlreadyExists { path: String },
    #[error("chart {path}: not a chart folder or a .tgz chart archive")]
    NotAFolder { path: String },
    #[error("{path}: kinja package takes a chart folder (an archive is packaged already)")]
    NotAPackageSource { path: String },
    #[error("chart archive {path}: {reason}")]
    BadArchive { path: String, reason: String },
    #[error("{path}: cannot write: {reason}")]
    Unwritable { path: String, reason: String },
    #[error("{path}:{line}: {reason}")]
    InvalidIgnoreRule {
        path: String,
        line: usize,
        reason: String,
    },
    #[error(
        "chart {path}: Chart.yaml is missing; a chart folder needs Chart.yaml and templates/ (values.yaml is optional)"
    )]
    NoChartYaml { path: String },
    #[error("{path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path}:{line}:{column}: {message}")]
    InvalidYaml {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    InvalidMetadata { path: String, message: String },
    #[error("{0}")]
    Values(#[from] values::ValuesError),
    #[error("{path}: not valid JSON: {message}")]
    InvalidSchema { path: String, message: String },
    #[error(
        "chart {path}: {names} in Chart.yaml dependencies but not in charts/; put each chart (a folder or a .tgz) in {path}/charts/"
    )]
    MissingDependencies { path: String, names: String },
    #[error("{path}: not a chart (charts/ holds only chart folders)")]
    NotASubchart { path: String },
    #[error("{path}: the subchart {name} sits {depth} charts deep; more is a loop or a mistake")]
    TooDeep {
        path: String,
        name: String,
        depth: usize,
    },
    #[error("chart {chart}: subchart {name}: {message}")]
    Composition {
        chart: String,
        name: String,
        message: String,
    },
    #[error(
        "chart {name} is a library chart (type: library); library charts provide macros to other charts and cannot be rendered"
    )]
    Library { name: String },
    #[error("{chart_yaml}: kubeVersion {constraint:?} is not a valid constraint: {reason}")]
    InvalidKubeVersion {
        chart_yaml: String,
        constraint: String,
        reason: String,
    },
    #[error(
        "chart {name} requires kubeVersion {constraint}, which is incompatible with Kubernetes {kube_version}; pass --kube-version to render for another version"
    )]
    IncompatibleKubeVersion {
        name: String,
        constraint: String,
        kube_version: String,
    },
}

impl Chart {
    /// Loads a chart folder.
    ///
    /// ```
    /// let chart = kinja::chart::Chart::load("charts/seedapp".as_ref()).unwrap();
    /// assert_eq!(chart.metadata.name, "seedapp");
    /// assert!(chart.templates.iter().any(|t| t.name == "deployment.yaml"));
    /// assert_eq!(chart.source_path("service.yaml"), "seedapp/templates/service.yaml");
    /// ```
    pub fn load(dir: &Path) -> Result<Chart, ChartError> {
        Self::load_at(dir, 0)
    }

    fn load_at(path: &Path, depth: usize) -> Result<Chart, ChartError> {
        Self::from_source(&read_source(path)?, depth)
    }

    /// Builds a chart from its files (a folder's or an archive's).
    pub fn from_source(source: &source::Source, depth: usize) -> Result<Chart, ChartError> {
        Self::from_source_within(source, depth, &Cell::new(source::MAX_ARCHIVE_BYTES))
    }

    /// [`Chart::from_source`], the archives in `charts/` (at any depth)
    /// expanding within one `budget`.
    fn from_source_within(
        source: &source::Source,
        depth: usize,
        budget: &Cell<u64>,
    ) -> Result<Chart, ChartError> {
        let shown = source.shown.clone();
        let at = |file: &str| format!("{shown}/{file}");
        let Some(chart_yaml) = source.text("Chart.yaml")? else {
            return Err(ChartError::NoChartYaml { path: shown });
        };
        let metadata = Metadata::from_text(&chart_yaml, &at("Chart.yaml"))?;
        let dependencies =
            dependency::read(&metadata.fields).map_err(|message| ChartError::InvalidMetadata {
                path: at("Chart.yaml"),
                message,
            })?;
        let values_text = source.text("values.yaml")?;
        let default_values = match &values_text {
            Some(text) => values::parse_values_text(text, &at("values.yaml"))?,
            None => Values::new(),
        };
        let schema = match source.text("values.schema.json")? {
            Some(text) => {
                Some(
                    serde_json::from_str(&text).map_err(|e| ChartError::InvalidSchema {
                        path: at("values.schema.json"),
                        message: e.to_string(),
                    })?,
                )
            }
            None => None,
        };

        let mut templates = Vec::new();
        let mut files = ChartFiles::default();
        for (relative, bytes) in &source.files {
            if let Some(name) = relative.strip_prefix("templates/") {
                templates.push(TemplateFile {
                    name: name.to_string(),
                    source: source.text(relative)?.unwrap_or_default(),
                });
            } else if is_chart_file(relative) {
                files.insert(relative.clone(), bytes.clone());
            }
        }
        templates.sort_by(|a, b| a.name.cmp(&b.name));
        let subcharts = subcharts_of(source, depth, budget)?;
        let declares_dependencies = !matches!(
            metadata.fields.get("dependencies"),
            None | Some(serde_json::Value::Null)
        );

        Ok(Chart {
            dir: PathBuf::from(&source.shown),
            metadata,
            default_values,
            values_text,
            schema,
            templates,
            files,
            dependencies,
            subcharts,
            from_archive: source.from_archive,
            declares_dependencies,
        })
    }

    /// The name templates are known by in output: `CHART/templates/NAME`.
    pub fn source_path(&self, template_name: &str) -> String {
        format!("{}/templates/{}", self.metadata.name, template_name)
    }

    /// The file on disk a template came from, for error messages.
    pub fn template_file_path(&self, template_name: &str) -> String {
        self.dir
            .join("templates")
            .join(template_name)
            .display()
            .to_string()
    }
}

/// Files a template can read: everything but the chart's own machinery.
fn is_chart_file(relative: &str) -> bool {
    !matches!(
        relative,
        "Chart.yaml"
            | "Chart.lock"
            | "values.yaml"
            | "values.schema.json"
            | "requirements.yaml"
            | "requirements.lock"
    ) && !relative.starts_with("charts/")
}

/// How deep subcharts may nest: far beyond real charts, short of a loop
/// through symlinks.
const MAX_SUBCHART_DEPTH: usize = 32;

/// The charts in `charts/`: every folder and `.tgz` archive, in name
/// order; hidden entries and provenance files are skipped, anything else
/// is an error.
fn subcharts_of(
    source: &source::Source,
    depth: usize,
    budget: &Cell<u64>,
) -> Result<Vec<Chart>, ChartError> {
    let mut names: Vec<(String, bool)> = Vec::new();
    for path in source.files.keys() {
        let Some(rest) = path.strip_prefix("charts/") else {
            continue;
        };
        let (name, is_folder) = match rest.split_once('/') {
            Some((folder, _)) => (folder, true),
            None => (rest, false),
        };
        if names.last().is_some_and(|(last, _)| last == name) {
            continue;
        }
        names.push((name.to_string(), is_folder));
    }
    let mut subcharts = Vec::new();
    for (name, is_folder) in names {
        // As Helm's loader: `.` and `_` entries are not charts.
        if name.starts_with('.') || name.starts_with('_') || name.ends_with(".prov") {
            continue;
        }
        if depth + 1 > MAX_SUBCHART_DEPTH {
            return Err(ChartError::TooDeep {
                path: source.shown.clone(),
                name,
                depth: depth + 1,
            });
        }
        let relative = format!("charts/{name}");
        if is_folder {
            subcharts.push(Chart::from_source_within(
                &source.subfolder(&relative),
                depth + 1,
                budget,
            )?);
        } else if is_archive_name(&name) {
            let shown = format!("{}/{relative}", source.shown);
            let inner = source::read_archive_within(&source.files[&relative], &shown, budget)?;
            subcharts.push(Chart::from_source_within(&inner, depth + 1, budget)?);
        } else {
            return Err(ChartError::NotASubchart {
                path: format!("{}/{relative}", source.shown),
            });
        }
    }
    Ok(subcharts)
}

/// A chart's files from a folder or a `.tgz` archive, not yet read as a chart.
pub fn read_source(path: &Path) -> Result<source::Source, ChartError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|_| ChartError::NotFound {
        path: shown.clone(),
    })?;
    if meta.is_dir() {
        source::read_folder(path)
    } else if is_archive_name(&shown) {
        let bytes = crate::input::read_capped(
            std::fs::File::open(path).map_err(|e| unreadable(path, &e))?,
            source::MAX_ARCHIVE_BYTES,
        )
        .map_err(|e| unreadable(path, &e))?;
        source::read_archive(&bytes, &shown)
    } else {
        Err(ChartError::NotAFolder { path: shown })
    }
}

fn is_archive_name(name: &str) -> bool {
    name.ends_with(".tgz") || name.ends_with(".tar.gz")
}

fn unreadable(path: &Path, e: &std::io::Error) -> ChartError {
    ChartError::Unreadable {
        path: path.display().to_string(),
        reason: crate::input::io_reason(e),
    }
}
