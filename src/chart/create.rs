//! `kinja create`: a new chart folder, from the built-in starter or from a
//! starter chart of the team's own.
//!
//! As in Helm, the chart's name is the folder's last part, the folder it
//! goes in must exist, and `<CHARTNAME>` in the starter's templates and
//! values becomes the name. Unlike Helm, an existing folder is refused,
//! not written over, a starter's own `Chart.yaml` is kept (with the new
//! name) instead of replaced by a default one, and `<CHARTNAME>` is also
//! replaced in `Chart.yaml`, `values.schema.json` and the test suites
//! under `tests/`, which name the chart's objects.

use super::ChartError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The longest name `create` takes: `RELEASE-NAME-` (13 characters, the
/// suites' release) and the name still fit Kubernetes' 63.
const MAX_NAME: usize = 50;

/// What starter files say where the chart's name goes.
pub const PLACEHOLDER: &str = "<CHARTNAME>";

/// The built-in starter: a Deployment with its Service, ServiceAccount and
/// ConfigMap, an Ingress, a PersistentVolumeClaim and an autoscaler that
/// are off until asked for, a values schema, and test suites that render
/// every branch of every template.
const STARTER: &[(&str, &str)] = &[
    (".helmignore", include_str!("starter/.helmignore")),
    ("Chart.yaml", include_str!("starter/Chart.yaml")),
    ("values.yaml", include_str!("starter/values.yaml")),
    (
        "values.schema.json",
        include_str!("starter/values.schema.json"),
    ),
    (
        "templates/NOTES.txt",
        include_str!("starter/templates/NOTES.txt"),
    ),
    (
        "templates/_helpers.tpl",
        include_str!("starter/templates/_helpers.tpl"),
    ),
    (
        "templates/configmap.yaml",
        include_str!("starter/templates/configmap.yaml"),
    ),
    (
        "templates/deployment.yaml",
        include_str!("starter/templates/deployment.yaml"),
    ),
    (
        "templates/hpa.yaml",
        include_str!("starter/templates/hpa.yaml"),
    ),
    (
        "templates/ingress.yaml",
        include_str!("starter/templates/ingress.yaml"),
    ),
    (
        "templates/pvc.yaml",
        include_str!("starter/templates/pvc.yaml"),
    ),
    (
        "templates/service.yaml",
        include_str!("starter/templates/service.yaml"),
    ),
    (
        "templates/serviceaccount.yaml",
        include_str!("starter/templates/serviceaccount.yaml"),
    ),
    (
        "tests/configmap_test.yaml",
        include_str!("starter/tests/configmap_test.yaml"),
    ),
    (
        "tests/deployment_test.yaml",
        include_str!("starter/tests/deployment_test.yaml"),
    ),
    (
        "tests/hpa_test.yaml",
        include_str!("starter/tests/hpa_test.yaml"),
    ),
    (
        "tests/ingress_test.yaml",
        include_str!("starter/tests/ingress_test.yaml"),
    ),
    (
        "tests/notes_test.yaml",
        include_str!("starter/tests/notes_test.yaml"),
    ),
    (
        "tests/pvc_test.yaml",
        include_str!("starter/tests/pvc_test.yaml"),
    ),
    (
        "tests/service_test.yaml",
        include_str!("starter/tests/service_test.yaml"),
    ),
    (
        "tests/serviceaccount_test.yaml",
        include_str!("starter/tests/serviceaccount_test.yaml"),
    ),
];

/// Writes a new chart at `path` (its last part is the chart's name) from
/// `starter` (a chart folder) or the built-in starter; returns the files
/// written, relative to `path`.
pub fn create(path: &Path, starter: Option<&Path>) -> Result<Vec<String>, ChartError> {
    let name = chart_name(path)?;
    let files = match starter {
        Some(dir) => starter_files(dir)?,
        None => STARTER
            .iter()
            .map(|(file, text)| (file.to_string(), text.as_bytes().to_vec()))
            .collect(),
    };
    let files: BTreeMap<String, Vec<u8>> = files
        .into_iter()
        .map(|(file, bytes)| {
            let bytes = if names_the_chart(&file) {
                let text = String::from_utf8_lossy(&bytes).replace(PLACEHOLDER, &name);
                if file == "Chart.yaml" {
                    with_name(&text, &name).into_bytes()
                } else {
                    text.into_bytes()
                }
            } else {
                bytes
            };
            (file, bytes)
        })
        .collect();
    write_new_folder(path, &files)?;
    Ok(files.into_keys().collect())
}

/// The folder's last part, if it is a name Kubernetes objects can carry:
/// the starter names every object after it. (Helm takes any of
/// `[A-Za-z0-9._-]`, and its charts then render names the API refuses.)
fn chart_name(path: &Path) -> Result<String, ChartError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if crate::names::is_dns1123_label(&name) && name.len() <= MAX_NAME {
        return Ok(name);
    }
    let reason = if name.is_empty() {
        "the path ends in no folder name".to_string()
    } else if name.len() > MAX_NAME {
        format!(
            "{} characters, {MAX_NAME} at most (objects are named RELEASE-{{chart}}, 63 characters at most: leave the release name room)",
            name.len()
        )
    } else {
        "lower-case letters, digits and '-' only, starting and ending with a letter or digit (objects are named after the chart)".to_string()
    };
    Err(ChartError::InvalidChartName {
        name: if name.is_empty() {
            path.display().to_string()
        } else {
            name
        },
        reason,
    })
}

/// Files where `<CHARTNAME>` stands for the chart's name.
fn names_the_chart(file: &str) -> bool {
    matches!(file, "Chart.yaml" | "values.yaml" | "values.schema.json")
        || file.starts_with("templates/")
        || file.starts_with("tests/")
}

/// `Chart.yaml`'s text with its top-level `name:` line saying `name`
/// (comments and the rest kept as written).
fn with_name(chart_yaml: &str, name: &str) -> String {
    let mut found = false;
    let mut lines: Vec<String> = chart_yaml
        .lines()
        .map(|line| {
            if !found && (line.starts_with("name:") || line.starts_with("name :")) {
                found = true;
                format!("name: {name}")
            } else {
                line.to_string()
            }
        })
        .collect();
    if !found {
        lines.insert(0, format!("name: {name}"));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// A starter chart's files, as `kinja package` would take them (its
/// `.helmignore` applies).
fn starter_files(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, ChartError> {
    if !dir.is_dir() {
        return Err(ChartError::Unreadable {
            path: dir.display().to_string(),
            reason: "no such folder (--starter takes a chart folder)".into(),
        });
    }
    let source = super::source::read_folder(dir)?;
    if !source.files.contains_key("Chart.yaml") {
        return Err(ChartError::NoChartYaml {
            path: dir.display().to_string(),
        });
    }
    Ok(source.files)
}

/// Creates `path` (never an existing one) and writes `files` into it; on a
/// failure the half-written folder is removed again.
fn write_new_folder(path: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<(), ChartError> {
    let shown = path.display().to_string();
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(ChartError::Unwritable {
            path: shown,
            reason: format!("the folder {} does not exist", parent.display()),
        });
    }
    if let Err(e) = std::fs::create_dir(path) {
        return Err(if e.kind() == std::io::ErrorKind::AlreadyExists {
            ChartError::AlreadyExists { path: shown }
        } else {
            ChartError::Unwritable {
                path: shown,
                reason: crate::input::io_reason(&e),
            }
        });
    }
    let written = files.iter().try_for_each(|(file, bytes)| {
        let target: PathBuf = path.join(file);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::write(&target, bytes)
    });
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(path);
        return Err(ChartError::Unwritable {
            path: shown,
            reason: crate::input::io_reason(&e),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_objects_can_carry_are_taken() {
        assert_eq!(
            chart_name(Path::new("charts/web-app2")).unwrap(),
            "web-app2"
        );
        for bad in ["Web", "my_chart", "a.b", "-x", "x-", ".."] {
            let error = chart_name(&Path::new("charts").join(bad)).unwrap_err();
            assert!(
                matches!(error, ChartError::InvalidChartName { .. }),
                "{bad}: {error}"
            );
        }
        let long = "a".repeat(64);
        assert!(
            chart_name(Path::new(&long))
                .unwrap_err()
                .to_string()
                .contains("64 characters")
        );
    }

    #[test]
    fn chart_yaml_gets_the_name_and_keeps_its_comments() {
        assert_eq!(
            with_name(
                "# mine\napiVersion: v2\nname: starter\nversion: 1.0.0\n",
                "web"
            ),
            "# mine\napiVersion: v2\nname: web\nversion: 1.0.0\n"
        );
        assert_eq!(
            with_name("apiVersion: v2\n", "web"),
            "name: web\napiVersion: v2\n"
        );
    }

    #[test]
    fn the_starter_lists_every_file_of_its_folder() {
        fn walk(dir: &Path, top: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, top, out);
                } else {
                    out.push(path.strip_prefix(top).unwrap().display().to_string());
                }
            }
        }
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/chart/starter");
        let mut on_disk = Vec::new();
        walk(&folder, &folder, &mut on_disk);
        on_disk.sort();
        let mut listed: Vec<String> = STARTER.iter().map(|(file, _)| file.to_string()).collect();
        listed.sort();
        assert_eq!(listed, on_disk);
    }
}
