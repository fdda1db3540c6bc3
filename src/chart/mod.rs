//! A chart: `Chart.yaml`, `values.yaml`, optional `values.schema.json`,
//! `templates/` and any other files. A folder is loaded into one [`Chart`]
//! value; a packaged `.tgz` will produce the same type.

pub mod compose;
mod dependency;
mod files;
mod metadata;

pub use dependency::Dependency;
pub use files::{ChartFiles, FilesError};
pub use metadata::{ChartType, Metadata};

use crate::values::{self, Values};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Everything a render needs from a chart, read once.
#[derive(Debug, Clone)]
pub struct Chart {
    /// The folder the chart was loaded from, as the user named it.
    pub dir: PathBuf,
    pub metadata: Metadata,
    /// `values.yaml`, parsed (empty when the chart has none).
    pub default_values: Values,
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
    #[error(
        "chart {path}: not a folder (packaged .tgz charts are not supported yet; unpack it with `tar xzf`)"
    )]
    NotAFolder { path: String },
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
        "chart {path}: {names} in Chart.yaml dependencies but not in charts/; put each chart (a folder) in {path}/charts/"
    )]
    MissingDependencies { path: String, names: String },
    #[error(
        "{path}: packaged subcharts (.tgz) are not supported yet; unpack it into a folder in charts/ with `tar xzf`"
    )]
    PackagedSubchart { path: String },
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

    fn load_at(dir: &Path, depth: usize) -> Result<Chart, ChartError> {
        let shown = dir.display().to_string();
        let meta = std::fs::metadata(dir).map_err(|_| ChartError::NotFound {
            path: shown.clone(),
        })?;
        if !meta.is_dir() {
            return Err(ChartError::NotAFolder { path: shown });
        }
        let chart_yaml = dir.join("Chart.yaml");
        if !chart_yaml.is_file() {
            return Err(ChartError::NoChartYaml { path: shown });
        }
        let metadata = Metadata::load(&chart_yaml)?;
        let dependencies =
            dependency::read(&metadata.fields).map_err(|message| ChartError::InvalidMetadata {
                path: chart_yaml.display().to_string(),
                message,
            })?;

        let values_path = dir.join("values.yaml");
        let default_values = if values_path.is_file() {
            let text = values::read_values_file(&values_path)?;
            values::parse_values_text(&text, &values_path.display().to_string())?
        } else {
            Values::new()
        };

        let schema_path = dir.join("values.schema.json");
        let schema = if schema_path.is_file() {
            let text = read_text(&schema_path)?;
            let parsed = serde_json::from_str(&text).map_err(|e| ChartError::InvalidSchema {
                path: schema_path.display().to_string(),
                message: e.to_string(),
            })?;
            Some(parsed)
        } else {
            None
        };

        let mut templates = Vec::new();
        let mut files = ChartFiles::default();
        let mut walker = Vec::new();
        collect_files(dir, "", &mut walker)?;
        for (relative, path) in walker {
            if let Some(name) = relative.strip_prefix("templates/") {
                templates.push(TemplateFile {
                    name: name.to_string(),
                    source: read_text(&path)?,
                });
            } else if is_chart_file(&relative) {
                let bytes = crate::input::read_file(&path).map_err(|e| unreadable(&path, &e))?;
                files.insert(relative, bytes);
            }
        }
        templates.sort_by(|a, b| a.name.cmp(&b.name));
        let subcharts = load_subcharts(dir, depth)?;
        let missing: Vec<&str> = dependencies
            .iter()
            .filter(|d| !subcharts.iter().any(|c| c.metadata.name == d.name))
            .map(|d| d.name.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(ChartError::MissingDependencies {
                path: shown,
                names: missing.join(", "),
            });
        }

        Ok(Chart {
            dir: dir.to_path_buf(),
            metadata,
            default_values,
            schema,
            templates,
            files,
            dependencies,
            subcharts,
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

/// The charts in `charts/`: every folder, in name order; hidden entries are
/// skipped, archives are not read yet, anything else is an error.
fn load_subcharts(dir: &Path, depth: usize) -> Result<Vec<Chart>, ChartError> {
    let charts_dir = dir.join("charts");
    let Ok(entries) = std::fs::read_dir(&charts_dir) else {
        return Ok(Vec::new());
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    let mut subcharts = Vec::new();
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with('.') || name.ends_with(".prov") {
            continue;
        }
        if path.is_dir() {
            if depth + 1 > MAX_SUBCHART_DEPTH {
                return Err(ChartError::TooDeep {
                    path: dir.display().to_string(),
                    name,
                    depth: depth + 1,
                });
            }
            subcharts.push(Chart::load_at(&path, depth + 1)?);
        } else if name.ends_with(".tgz") {
            return Err(ChartError::PackagedSubchart {
                path: path.display().to_string(),
            });
        } else {
            return Err(ChartError::NotASubchart {
                path: path.display().to_string(),
            });
        }
    }
    Ok(subcharts)
}

/// Walks the chart folder in sorted order, skipping hidden files and folders
/// directly in `templates/` (Helm's default ignore rule, `templates/.?*`,
/// which leaves deeper ones alone) and following no symlinked folders.
fn collect_files(
    dir: &Path,
    prefix: &str,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), ChartError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| unreadable(dir, &e))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = format!("{prefix}{name}");
        if name.starts_with('.') && prefix == "templates/" {
            continue;
        }
        let file_type = entry
            .file_type()
            .map_err(|e| unreadable(&entry.path(), &e))?;
        if file_type.is_dir() {
            collect_files(&entry.path(), &format!("{relative}/"), out)?;
        } else if file_type.is_file() || entry.path().is_file() {
            out.push((relative, entry.path()));
        }
    }
    Ok(())
}

fn read_text(path: &Path) -> Result<String, ChartError> {
    crate::input::read_text_file(path).map_err(|e| unreadable(path, &e))
}

fn unreadable(path: &Path, e: &std::io::Error) -> ChartError {
    ChartError::Unreadable {
        path: path.display().to_string(),
        reason: crate::input::io_reason(e),
    }
}
