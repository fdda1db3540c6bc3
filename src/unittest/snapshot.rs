//! `matchSnapshot`: a suite's snapshots in `__snapshot__/SUITE_FILE.snap`
//! beside it (helm-unittest's layout and format: test name, then the
//! number of the snapshot within the test, then the YAML as text).
//! Snapshots compare as YAML values, so one helm-unittest wrote (keys
//! sorted by Go) matches kinja's render of the same objects.

use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// How snapshots that are missing or differ are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SnapshotMode {
    /// `-u`: write every snapshot anew.
    pub update: bool,
    /// `CI=true` or `--ci`: a missing snapshot fails instead of being written.
    pub ci: bool,
}

/// One suite's snapshot file, read at the start and written at the end.
pub struct Snapshots {
    path: PathBuf,
    stored: Map<String, Value>,
    fresh: Map<String, Value>,
    written: usize,
    mode: SnapshotMode,
}

impl Snapshots {
    pub fn open(suite_file: &Path, mode: SnapshotMode) -> Result<Snapshots, String> {
        let name = suite_file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = suite_file
            .with_file_name("__snapshot__")
            .join(format!("{name}.snap"));
        let stored = match std::fs::read_to_string(&path) {
            Ok(text) => match crate::yaml::parse_value_core(&text) {
                Ok(Value::Object(map)) => map,
                Ok(Value::Null) => Map::new(),
                Ok(_) | Err(_) => return Err(format!("{}: not a snapshot file", path.display())),
            },
            // Only a missing file is no snapshots; one that does not read is never overwritten.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Map::new(),
            Err(e) => {
                return Err(format!(
                    "{}: {}",
                    path.display(),
                    crate::input::io_reason(&e)
                ));
            }
        };
        Ok(Snapshots {
            path,
            stored,
            fresh: Map::new(),
            written: 0,
            mode,
        })
    }

    /// Checks `value` as snapshot `index` (1-based) of `test`.
    pub fn check(&mut self, test: &str, index: usize, value: &Value) -> Result<(), String> {
        let sorted = crate::yaml::sorted_keys(value.clone());
        let text = crate::yaml::to_yaml(&sorted);
        let key = index.to_string();
        let entry = self
            .fresh
            .entry(test.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        entry
            .as_object_mut()
            .expect("made a mapping just above")
            .insert(key.clone(), Value::String(text.clone()));
        if self.mode.update {
            return Ok(());
        }
        let stored = self
            .stored
            .get(test)
            .and_then(|t| t.get(&key))
            .and_then(Value::as_str);
        match stored {
            None if self.mode.ci => Err(format!(
                "no snapshot {index} of this test in {} (in CI a missing snapshot fails: run `kinja test -u` and commit it)",
                self.path.display()
            )),
            None => {
                self.written += 1;
                Ok(())
            }
            Some(stored) => {
                let same = crate::yaml::parse_value_core(stored)
                    .ok()
                    .map(crate::yaml::sorted_keys)
                    == Some(sorted);
                if same {
                    Ok(())
                } else {
                    let diff = unified_diff(stored, &text, "snapshot");
                    Err(format!(
                        "snapshot {index} differs (`kinja test -u` takes the new one):\n{diff}"
                    ))
                }
            }
        }
    }

    /// Writes the file when a snapshot was added or `-u` asked; says how many were written.
    pub fn finish(self) -> Result<Option<String>, String> {
        if !self.mode.update && self.written == 0 {
            return Ok(None);
        }
        // Tests that did not run (filtered, skipped, cut short) keep theirs;
        // with `-u` a test that ran has exactly its fresh snapshots.
        let mut merged = self.stored;
        for (test, entries) in self.fresh {
            if self.mode.update {
                merged.insert(test, entries);
                continue;
            }
            let slot = merged
                .entry(test)
                .or_insert_with(|| Value::Object(Map::new()));
            if let (Some(slot), Value::Object(entries)) = (slot.as_object_mut(), entries) {
                for (index, text) in entries {
                    slot.entry(index).or_insert(text);
                }
            }
        }
        let text = file_text(&merged);
        let folder = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        crate::output::replace_file(&self.path, text.as_bytes())
            .map_err(|e| format!("{}: {}", self.path.display(), crate::input::io_reason(&e)))?;
        Ok(Some(if self.mode.update {
            format!("{}: snapshots written anew", self.path.display())
        } else {
            format!(
                "{}: {} new snapshot(s) written",
                self.path.display(),
                self.written
            )
        }))
    }
}

/// The file as helm-unittest writes it: each test's name, then its
/// snapshots by number (plain integer keys), each a literal block.
fn file_text(snapshots: &Map<String, Value>) -> String {
    let mut out = String::new();
    for (test, entries) in snapshots {
        let key = crate::yaml::to_yaml(&Value::String(test.clone()));
        out.push_str(key.trim_end());
        out.push_str(":\n");
        let Some(entries) = entries.as_object() else {
            continue;
        };
        let mut numbered: Vec<(u64, &str)> = entries
            .iter()
            .filter_map(|(n, text)| Some((n.parse().ok()?, text.as_str()?)))
            .collect();
        numbered.sort();
        for (number, text) in numbered {
            // A literal block keeps the text exactly: an indentation
            // indicator when its first line starts with a space, and the
            // chomping that keeps its line breaks at the end (`|+` for
            // blank lines there, `|-` for none).
            let indent = if text.starts_with(' ') { "2" } else { "" };
            let chomp = if text.ends_with("\n\n") {
                "+"
            } else if text.ends_with('\n') || text.is_empty() {
                ""
            } else {
                "-"
            };
            out.push_str(&format!("  {number}: |{indent}{chomp}\n"));
            for line in text.lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str("    ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// A unified diff from `expected` (named `what`) to what rendered.
pub(super) fn unified_diff(expected: &str, rendered: &str, what: &str) -> String {
    similar::TextDiff::from_lines(expected, rendered)
        .unified_diff()
        .context_radius(3)
        .header(what, "rendered")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_texts_read_back_exactly() {
        for text in [
            "a: 1\n",
            "a\n\n\n",
            "no line break",
            "  indented\nnext\n",
            "",
            "x\n\n",
        ] {
            let mut entries = Map::new();
            entries.insert("1".into(), Value::String(text.into()));
            let mut snapshots = Map::new();
            snapshots.insert("a test".into(), Value::Object(entries));
            let file = file_text(&snapshots);
            let back = crate::yaml::parse_value_core(&file).unwrap();
            assert_eq!(
                back["a test"]["1"],
                Value::String(text.into()),
                "{text:?} as\n{file}"
            );
        }
    }
}
