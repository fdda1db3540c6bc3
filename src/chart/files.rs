//! The chart files templates may read (`files.get("config/app.ini")`): every
//! file outside `templates/`, `charts/` and the chart's own metadata, read once
//! at load. Paths are relative to the chart folder and may never leave it.

use base64::Engine;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct ChartFiles {
    by_path: BTreeMap<String, Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FilesError {
    #[error("the path {0:?} leaves the chart folder; files can only be read from inside the chart")]
    OutsideChart(String),
    #[error("invalid glob pattern {pattern:?}: {reason}")]
    BadPattern { pattern: String, reason: String },
    #[error(
        "the file {0:?} is not UTF-8 text; use files.as_secrets for binary files (it base64-encodes them)"
    )]
    NotText(String),
}

impl ChartFiles {
    pub fn insert(&mut self, path: String, bytes: Vec<u8>) {
        self.by_path.insert(path, bytes);
    }

    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    /// The bytes of a file; `Ok(None)` when there is no such file.
    pub fn get_bytes(&self, path: &str) -> Result<Option<&[u8]>, FilesError> {
        let normalized = normalize(path)?;
        Ok(self.by_path.get(&normalized).map(Vec::as_slice))
    }

    /// A file's text; a missing file is `""`, as in Helm.
    pub fn get(&self, path: &str) -> Result<String, FilesError> {
        match self.get_bytes(path)? {
            None => Ok(String::new()),
            Some(bytes) => {
                String::from_utf8(bytes.to_vec()).map_err(|_| FilesError::NotText(path.to_string()))
            }
        }
    }

    /// A file's lines, after dropping one trailing newline (Helm's `Lines`).
    pub fn lines(&self, path: &str) -> Result<Vec<String>, FilesError> {
        let text = self.get(path)?;
        let text = text.strip_suffix('\n').unwrap_or(&text);
        if text.is_empty() {
            return Ok(Vec::new());
        }
        Ok(text.split('\n').map(str::to_string).collect())
    }

    /// Files whose path matches a glob: `*` stays within a folder, `**` crosses folders.
    pub fn glob(&self, pattern: &str) -> Result<Vec<(&str, &[u8])>, FilesError> {
        let matcher = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| FilesError::BadPattern {
                pattern: pattern.to_string(),
                reason: e.kind().to_string(),
            })?
            .compile_matcher();
        Ok(self
            .by_path
            .iter()
            .filter(|(path, _)| matcher.is_match(path.as_str()))
            .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
            .collect())
    }

    /// YAML mapping of each matching file's base name to its content, keys
    /// sorted, no trailing newline: ready for a ConfigMap's `data`.
    pub fn as_config(&self, pattern: &str) -> Result<String, FilesError> {
        let mut entries = BTreeMap::new();
        for (path, bytes) in self.glob(pattern)? {
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| FilesError::NotText(path.to_string()))?;
            entries.insert(base_name(path), text);
        }
        Ok(mapping_yaml(entries))
    }

    /// Like [`ChartFiles::as_config`], with each content base64-encoded: ready for a Secret's `data`.
    pub fn as_secrets(&self, pattern: &str) -> Result<String, FilesError> {
        let entries = self
            .glob(pattern)?
            .into_iter()
            .map(|(path, bytes)| {
                (
                    base_name(path),
                    base64::engine::general_purpose::STANDARD.encode(bytes),
                )
            })
            .collect();
        Ok(mapping_yaml(entries))
    }
}

fn mapping_yaml(entries: BTreeMap<&str, String>) -> String {
    if entries.is_empty() {
        return String::new();
    }
    let map = entries
        .into_iter()
        .map(|(key, value)| (key.to_string(), serde_json::Value::String(value)))
        .collect();
    let text = crate::yaml::to_yaml(&serde_json::Value::Object(map));
    text.strip_suffix('\n').unwrap_or(&text).to_string()
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Resolves `.` and `..` without touching the disk; refuses paths that climb out.
fn normalize(path: &str) -> Result<String, FilesError> {
    if path.starts_with('/') || path.contains('\\') {
        return Err(FilesError::OutsideChart(path.to_string()));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(FilesError::OutsideChart(path.to_string()));
                }
            }
            other => parts.push(other),
        }
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> ChartFiles {
        let mut f = ChartFiles::default();
        f.insert("config/app.ini".into(), b"a=1\nb=2\n".to_vec());
        f.insert("config/nested/deep.ini".into(), b"deep\n".to_vec());
        f.insert("config/z.txt".into(), b"zed".to_vec());
        f.insert("bin/blob".into(), vec![0xff, 0x00]);
        f
    }

    #[test]
    fn get_reads_text_and_missing_files_are_empty() {
        assert_eq!(files().get("config/app.ini").unwrap(), "a=1\nb=2\n");
        assert_eq!(files().get("./config/../config/z.txt").unwrap(), "zed");
        assert_eq!(files().get("nope.txt").unwrap(), "");
    }

    #[test]
    fn paths_that_leave_the_chart_are_refused() {
        for bad in ["../secret", "config/../../x", "/etc/passwd"] {
            assert_eq!(
                files().get(bad),
                Err(FilesError::OutsideChart(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn lines_drop_one_trailing_newline() {
        assert_eq!(files().lines("config/app.ini").unwrap(), ["a=1", "b=2"]);
    }

    #[test]
    fn star_stays_in_a_folder_and_double_star_crosses() {
        let f = files();
        let one: Vec<_> = f
            .glob("config/*")
            .unwrap()
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(one, ["config/app.ini", "config/z.txt"]);
        let all: Vec<_> = f
            .glob("config/**")
            .unwrap()
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(all.len(), 3);
    }

    #[test]
    fn as_config_and_as_secrets_key_by_base_name() {
        let f = files();
        assert_eq!(
            f.as_config("config/*").unwrap(),
            "app.ini: |\n  a=1\n  b=2\nz.txt: zed"
        );
        assert_eq!(f.as_secrets("config/z.txt").unwrap(), "z.txt: emVk");
    }
}
