//! A chart's files, read whole into memory from a folder or a `.tgz`
//! archive before anything is parsed, so both load the same way. Reading
//! enforces Helm's limits (5 MiB a file, 100 MiB an archive expanded, so a
//! decompression bomb ends in an error) and refuses archive entries that
//! would leave the chart (`../`, absolute paths) or are links.
//! `.helmignore` (and `.kinjaignore`, same syntax) leave files out.

use super::ChartError;
use super::ignore::IgnoreRules;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Helm's limit on one file of a chart.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
/// Helm's limit on a whole chart archive, expanded.
pub const MAX_ARCHIVE_BYTES: u64 = 100 * 1024 * 1024;

/// The files of one chart, by path relative to the chart's top folder.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// How messages name the chart: its folder, or its archive.
    pub shown: String,
    pub files: BTreeMap<String, Vec<u8>>,
    /// The files came from a `.tgz` archive.
    pub from_archive: bool,
}

impl Source {
    /// The files under `folder/` (such as `charts/db`), relative to it.
    pub fn subfolder(&self, folder: &str) -> Source {
        let prefix = format!("{folder}/");
        Source {
            from_archive: false,
            shown: format!("{}/{folder}", self.shown),
            files: self
                .files
                .iter()
                .filter_map(|(path, bytes)| {
                    path.strip_prefix(&prefix)
                        .map(|p| (p.to_string(), bytes.clone()))
                })
                .collect(),
        }
    }

    /// A file's text, naming it in the error when it is not UTF-8.
    pub fn text(&self, path: &str) -> Result<Option<String>, ChartError> {
        let Some(bytes) = self.files.get(path) else {
            return Ok(None);
        };
        String::from_utf8(bytes.clone())
            .map(Some)
            .map_err(|_| ChartError::Unreadable {
                path: format!("{}/{path}", self.shown),
                reason: "not UTF-8 text (is it a binary file?)".into(),
            })
    }
}

/// Reads a chart folder: every file in name order, hidden files directly in
/// `templates/` skipped (Helm's default rule), ignored files left out; no
/// symlinked folder is followed.
pub fn read_folder(dir: &Path) -> Result<Source, ChartError> {
    let shown = dir.display().to_string();
    let rules = IgnoreRules::of_folder(dir)?;
    let mut files = BTreeMap::new();
    let mut visited = std::collections::HashSet::new();
    if let Ok(canonical) = dir.canonicalize() {
        visited.insert(canonical);
    }
    walk(dir, "", &rules, &mut visited, &mut files)?;
    Ok(Source {
        shown,
        files,
        from_archive: false,
    })
}

/// Symlinks are followed, as Helm follows them; a link to a folder on the
/// way to it (a loop) is an error. `visited` holds those folders.
fn walk(
    dir: &Path,
    prefix: &str,
    rules: &IgnoreRules,
    visited: &mut std::collections::HashSet<std::path::PathBuf>,
    files: &mut BTreeMap<String, Vec<u8>>,
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
        let path = entry.path();
        // Through a link: what it points at (a broken link is an error).
        let meta = std::fs::metadata(&path).map_err(|e| unreadable(&path, &e))?;
        let is_dir = meta.is_dir();
        if rules.ignores(&relative, is_dir) {
            continue;
        }
        if is_dir {
            let canonical = path.canonicalize().map_err(|e| unreadable(&path, &e))?;
            // Only the folders on the way here: two links to one folder are fine.
            if !visited.insert(canonical.clone()) {
                return Err(ChartError::Unreadable {
                    path: path.display().to_string(),
                    reason: "links back to a folder it is in (a symlink loop)".into(),
                });
            }
            walk(&path, &format!("{relative}/"), rules, visited, files)?;
            visited.remove(&canonical);
        } else if meta.is_file() {
            let bytes = crate::input::read_capped(
                std::fs::File::open(&path).map_err(|e| unreadable(&path, &e))?,
                MAX_FILE_BYTES,
            )
            .map_err(|e| unreadable(&path, &e))?;
            files.insert(relative, bytes);
        }
    }
    Ok(())
}

/// Reads a chart archive (`.tgz`): one top folder holding the chart.
pub fn read_archive(compressed: &[u8], shown: &str) -> Result<Source, ChartError> {
    read_archive_within(compressed, shown, &Cell::new(MAX_ARCHIVE_BYTES))
}

/// [`read_archive`] drawing on `budget`, the bytes still allowed to
/// expand: the archives nested in one chart's `charts/` share it, so a
/// thousand small bombs are one error, not a thousand allowed expansions.
pub fn read_archive_within(
    compressed: &[u8],
    shown: &str,
    budget: &Cell<u64>,
) -> Result<Source, ChartError> {
    let refuse = |reason: String| ChartError::BadArchive {
        path: shown.to_string(),
        reason,
    };
    // The expanded stream is capped as it is read: a bomb stops at the limit.
    // Every gzip member, as Go reads them (a concatenated archive is whole).
    let expanded = Capped {
        inner: flate2::read::MultiGzDecoder::new(compressed),
        left: budget.get() + TAR_OVERHEAD,
    };
    let mut archive = tar::Archive::new(expanded);
    let mut files = BTreeMap::new();
    let mut top: Option<String> = None;
    let mut total: u64 = 0;
    let entries = archive
        .entries()
        .map_err(|e| refuse(format!("not a gzipped tar archive ({e})")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| refuse(archive_reason(&e)))?;
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions() || kind.is_dir() || kind.is_pax_local_extensions() {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(refuse(format!(
                "{raw} is a link; a chart archive holds only files"
            )));
        }
        if !(kind.is_file() || kind.is_contiguous()) {
            return Err(refuse(format!("{raw} is not a regular file")));
        }
        let (first, rest) = inside_chart(&raw)
            .ok_or_else(|| refuse(format!("{raw} would be written outside the chart folder")))?;
        match &top {
            None => top = Some(first.clone()),
            Some(folder) if *folder != first => {
                return Err(refuse(format!(
                    "{raw} is outside the chart's top folder {folder}/; a chart archive holds one folder"
                )));
            }
            Some(_) => {}
        }
        let size = entry.header().size().unwrap_or(0);
        if size > MAX_FILE_BYTES {
            return Err(refuse(format!(
                "{raw} is larger than {} MiB, the most a chart file may be",
                MAX_FILE_BYTES >> 20
            )));
        }
        total += size;
        if total > budget.get() {
            return Err(refuse(format!(
                "it expands beyond {} MiB, the most a chart may be",
                MAX_ARCHIVE_BYTES >> 20
            )));
        }
        let mut bytes = Vec::with_capacity(size as usize);
        entry
            .by_ref()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| refuse(archive_reason(&e)))?;
        if !rest.is_empty() {
            files.insert(rest, bytes);
        }
    }
    if top.is_none() {
        return Err(refuse("it holds no files".into()));
    }
    budget.set(budget.get() - total);
    // As in Helm, an archive is read whole: its ignore files were applied
    // when it was packaged.
    Ok(Source {
        shown: shown.to_string(),
        files,
        from_archive: true,
    })
}

/// An entry's top folder and its path below it, when the path stays inside
/// the chart: relative, no `..`, no drive or backslash tricks.
fn inside_chart(raw: &str) -> Option<(String, String)> {
    if raw.starts_with('/') || raw.contains('\\') || raw.contains(':') {
        return None;
    }
    let parts: Vec<&str> = raw
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() || parts.contains(&"..") {
        return None;
    }
    Some((parts[0].to_string(), parts[1..].join("/")))
}

/// Room for tar's headers and padding beyond the files' own bytes.
const TAR_OVERHEAD: u64 = 16 * 1024 * 1024;

/// What the stream says when an archive expands past the limit.
const EXPANDS_TOO_FAR: &str = "the archive expands past the limit";

/// A reader that fails, rather than ends, past its limit: a truncated
/// archive and a bomb must not look alike.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One byte more would be past the limit: is there one?
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(EXPANDS_TOO_FAR)),
            };
        }
        let room = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let read = self.inner.read(&mut buf[..room])?;
        self.left -= read as u64;
        Ok(read)
    }
}

fn archive_reason(e: &std::io::Error) -> String {
    if e.to_string().contains(EXPANDS_TOO_FAR) {
        format!(
            "it expands beyond {} MiB, the most a chart may be",
            MAX_ARCHIVE_BYTES >> 20
        )
    } else {
        format!("not a readable gzipped tar archive ({e})")
    }
}

fn unreadable(path: &Path, e: &std::io::Error) -> ChartError {
    ChartError::Unreadable {
        path: path.display().to_string(),
        reason: crate::input::io_reason(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gzipped tar of entries (path, type, content), built by hand so
    /// entries no tool would write can be tested.
    fn archive(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, kind, content) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(*kind);
            header.set_size(content.len() as u64);
            header.set_mode(0o644);
            {
                let name = header.as_old_mut().name.as_mut();
                name[..path.len()].copy_from_slice(path.as_bytes());
            }
            if kind.is_symlink() {
                header.set_link_name("/etc/passwd").unwrap();
            }
            header.set_cksum();
            builder.append(&header, *content).unwrap();
        }
        let tar = builder.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn an_archive_reads_as_its_top_folder() {
        let bytes = archive(&[
            ("app/Chart.yaml", tar::EntryType::Regular, b"name: app\n"),
            (
                "app/templates/a.yaml",
                tar::EntryType::Regular,
                b"kind: A\n",
            ),
        ]);
        let source = read_archive(&bytes, "app.tgz").unwrap();
        let paths: Vec<&String> = source.files.keys().collect();
        assert_eq!(paths, ["Chart.yaml", "templates/a.yaml"]);
    }

    #[test]
    fn entries_leaving_the_chart_links_and_bombs_are_refused() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (
                archive(&[("app/../../etc/x", tar::EntryType::Regular, b"x")]),
                "outside the chart folder",
            ),
            (
                archive(&[("/etc/x", tar::EntryType::Regular, b"x")]),
                "outside the chart folder",
            ),
            (
                archive(&[("app/link", tar::EntryType::Symlink, b"")]),
                "is a link",
            ),
            (
                archive(&[
                    ("app/Chart.yaml", tar::EntryType::Regular, b"x"),
                    ("other/Chart.yaml", tar::EntryType::Regular, b"x"),
                ]),
                "holds one folder",
            ),
            (b"not gzip at all".to_vec(), "archive"),
        ];
        // The error, never the (possibly huge) files read.
        let refusal = |bytes: &[u8]| match read_archive(bytes, "bad.tgz") {
            Ok(source) => format!("accepted {} files", source.files.len()),
            Err(error) => error.to_string(),
        };
        for (bytes, expected) in cases {
            let error = refusal(&bytes);
            assert!(error.contains(expected), "{error}");
        }
        // 6 MiB of zeros compress to a few KiB: one file over the limit.
        let zeros = vec![0u8; 6 * 1024 * 1024];
        let big = archive(&[("app/big", tar::EntryType::Regular, &zeros)]);
        assert!(big.len() < 100_000);
        let error = refusal(&big);
        assert!(error.contains("larger than 5 MiB"), "{error}");
        // 26 files of 4 MiB: each allowed, together past 100 MiB.
        let many: Vec<(String, Vec<u8>)> = (0..26)
            .map(|i| (format!("app/f{i}"), vec![0u8; 4 * 1024 * 1024]))
            .collect();
        let entries: Vec<(&str, tar::EntryType, &[u8])> = many
            .iter()
            .map(|(p, b)| (p.as_str(), tar::EntryType::Regular, b.as_slice()))
            .collect();
        let error = refusal(&archive(&entries));
        assert!(error.contains("expands beyond 100 MiB"), "{error}");
    }
}
