//! `kinja package`: a chart folder as `NAME-VERSION.tgz`, Helm's layout
//! (one top folder named after the chart), byte for byte the same for the
//! same input: entries sorted, fixed times, modes and owners, no name or
//! time in the gzip header. Ignored files (`.helmignore`, `.kinjaignore`)
//! are left out, as `helm package` leaves them out.

use super::source::{self, Source};
use super::{Chart, ChartError};
use crate::version::Version;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `--version` and `--app-version` set in the packaged `Chart.yaml`.
#[derive(Debug, Clone, Default)]
pub struct PackageOptions {
    pub version: Option<String>,
    pub app_version: Option<String>,
}

/// Packages the chart folder `dir` into `out_dir`; returns the archive's path.
/// The chart is loaded first, so a chart that does not load is not packaged.
pub fn package(
    dir: &Path,
    out_dir: &Path,
    options: &PackageOptions,
) -> Result<PathBuf, ChartError> {
    if !dir.is_dir() {
        return Err(ChartError::NotAPackageSource {
            path: dir.display().to_string(),
        });
    }
    let mut source = source::read_folder(dir)?;
    if options.version.is_some() || options.app_version.is_some() {
        set_versions(&mut source, options)?;
    }
    let chart = Chart::from_source(&source, 0)?;
    let name = &chart.metadata.name;
    let file = out_dir.join(format!("{name}-{}.tgz", chart.metadata.version));
    let bytes = archive_bytes(&source, name).map_err(|e| unwritable(&file, &e))?;
    // As Helm's Save, a destination that does not exist yet is made.
    std::fs::create_dir_all(out_dir).map_err(|e| unwritable(out_dir, &e))?;
    write_atomically(&file, &bytes)?;
    Ok(file)
}

/// `Chart.yaml` written again with the versions asked for (as Helm does,
/// which writes the whole file anew too).
fn set_versions(source: &mut Source, options: &PackageOptions) -> Result<(), ChartError> {
    let shown = format!("{}/Chart.yaml", source.shown);
    let text = source
        .text("Chart.yaml")?
        .ok_or_else(|| ChartError::NoChartYaml {
            path: source.shown.clone(),
        })?;
    let mut fields = match crate::yaml::parse_value(&text) {
        Ok(serde_json::Value::Object(fields)) => fields,
        _ => {
            return Err(ChartError::InvalidMetadata {
                path: shown,
                message: "Chart.yaml must be a mapping of fields".into(),
            });
        }
    };
    if let Some(version) = &options.version {
        if Version::parse_lenient(version).is_none() {
            return Err(ChartError::InvalidMetadata {
                path: shown,
                message: format!(
                    "--version {version:?} is not a valid SemVer version (e.g. 1.2.3)"
                ),
            });
        }
        fields.insert("version".into(), version.clone().into());
    }
    if let Some(app_version) = &options.app_version {
        fields.insert("appVersion".into(), app_version.clone().into());
    }
    let rewritten = crate::yaml::to_yaml(&serde_json::Value::Object(fields));
    source
        .files
        .insert("Chart.yaml".into(), rewritten.into_bytes());
    Ok(())
}

/// The gzipped tar of a chart's files under `top/`, the same bytes for the same files.
pub fn archive_bytes(source: &Source, top: &str) -> std::io::Result<Vec<u8>> {
    let mut tar = tar::Builder::new(Vec::new());
    tar.mode(tar::HeaderMode::Deterministic);
    // Chart.yaml first, as Helm writes it (readers may look at the first entry).
    let mut paths: Vec<&String> = source.files.keys().collect();
    paths.sort_by_key(|p| (p.as_str() != "Chart.yaml", p.as_str()));
    for path in paths {
        let bytes = &source.files[path];
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        tar.append_data(&mut header, format!("{top}/{path}"), bytes.as_slice())?;
    }
    let tar = tar.into_inner()?;
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar)?;
    gz.finish()
}

/// Written beside its final name, then renamed: never a half archive.
fn write_atomically(file: &Path, bytes: &[u8]) -> Result<(), ChartError> {
    crate::output::replace_file(file, bytes).map_err(|e| unwritable(file, &e))
}

fn unwritable(path: &Path, e: &std::io::Error) -> ChartError {
    ChartError::Unwritable {
        path: path.display().to_string(),
        reason: crate::input::io_reason(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_is_reproducible_and_loads_as_the_folder_does() {
        let out = tempfile::tempdir().unwrap();
        let first = package(
            Path::new("charts/seedapp"),
            out.path(),
            &PackageOptions::default(),
        )
        .unwrap();
        assert!(first.ends_with("seedapp-1.4.0.tgz"), "{}", first.display());
        let bytes = std::fs::read(&first).unwrap();
        let again = package(
            Path::new("charts/seedapp"),
            out.path(),
            &PackageOptions::default(),
        )
        .unwrap();
        assert_eq!(std::fs::read(again).unwrap(), bytes, "the same bytes twice");
        let packed = Chart::load(&first).unwrap();
        let folder = Chart::load(Path::new("charts/seedapp")).unwrap();
        assert_eq!(packed.metadata.fields, folder.metadata.fields);
        assert_eq!(packed.templates.len(), folder.templates.len());
        assert_eq!(packed.default_values, folder.default_values);
    }

    #[test]
    fn versions_can_be_set_and_must_be_semver() {
        let out = tempfile::tempdir().unwrap();
        let options = PackageOptions {
            version: Some("2.0.0-rc.1".into()),
            app_version: Some("9.9".into()),
        };
        let file = package(Path::new("charts/seedapp"), out.path(), &options).unwrap();
        assert!(file.ends_with("seedapp-2.0.0-rc.1.tgz"));
        let chart = Chart::load(&file).unwrap();
        assert_eq!(chart.metadata.app_version.as_deref(), Some("9.9"));
        let bad = PackageOptions {
            version: Some("two".into()),
            ..PackageOptions::default()
        };
        assert!(package(Path::new("charts/seedapp"), out.path(), &bad).is_err());
    }
}
