//! `.helmignore` (and `.kinjaignore`, the same syntax): files a chart
//! leaves out of its archive and of `files`. The rules are Helm's
//! (`pkg/ignore`): one shell glob a line, `#` comments; a pattern without
//! `/` matches a base name, one with `/` the path from the chart's top
//! (a leading `/` anchors it there too), a trailing `/` matches folders
//! only, and `**` is refused. A `!` pattern is Helm's odd negation: what it
//! does not match is ignored. An ignored folder's files are all ignored.

use super::ChartError;
use std::path::Path;

/// The ignore files a chart may have, read in this order.
const IGNORE_FILES: [&str; 2] = [".helmignore", ".kinjaignore"];

#[derive(Debug, Clone, Default)]
pub struct IgnoreRules {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    negate: bool,
    folders_only: bool,
    /// Matched against the base name only.
    base_name: bool,
    matcher: globset::GlobMatcher,
}

impl IgnoreRules {
    /// The rules of a chart folder's ignore files.
    pub fn of_folder(dir: &Path) -> Result<IgnoreRules, ChartError> {
        let mut rules = IgnoreRules::default();
        for name in IGNORE_FILES {
            let path = dir.join(name);
            if path.is_file() {
                let text =
                    crate::input::read_text_file(&path).map_err(|e| ChartError::Unreadable {
                        path: path.display().to_string(),
                        reason: crate::input::io_reason(&e),
                    })?;
                rules.add(&text, &path.display().to_string())?;
            }
        }
        Ok(rules)
    }

    fn add(&mut self, text: &str, shown: &str) -> Result<(), ChartError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let refuse = |reason: String| ChartError::InvalidIgnoreRule {
                path: shown.to_string(),
                line: index + 1,
                reason,
            };
            let (negate, pattern) = match line.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, line),
            };
            if pattern.contains("**") {
                return Err(refuse(
                    "`**` is not supported (as in Helm); use one `*` per folder".into(),
                ));
            }
            let folders_only = pattern.ends_with('/');
            let pattern = pattern.trim_end_matches('/');
            let anchored = pattern.starts_with('/');
            let pattern = pattern.trim_start_matches('/');
            let base_name = !anchored && !pattern.contains('/');
            // Go's filepath.Match has no `{a,b}`: braces are plain characters.
            let pattern = pattern.replace('{', "[{]").replace('}', "[}]");
            let matcher = globset::GlobBuilder::new(&pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| refuse(e.kind().to_string()))?
                .compile_matcher();
            self.rules.push(Rule {
                negate,
                folders_only,
                base_name,
                matcher,
            });
        }
        Ok(())
    }

    /// Whether a file or folder (path from the chart's top) is ignored.
    pub fn ignores(&self, path: &str, is_folder: bool) -> bool {
        let base = path.rsplit('/').next().unwrap_or(path);
        for rule in &self.rules {
            let subject = if rule.base_name { base } else { path };
            if rule.negate {
                if rule.folders_only && !is_folder {
                    return true;
                }
                if !rule.matcher.is_match(subject) {
                    return true;
                }
                continue;
            }
            if rule.folders_only && !is_folder {
                continue;
            }
            if rule.matcher.is_match(subject) {
                return true;
            }
        }
        false
    }

    /// Whether a file is ignored, itself or through a folder it is in.
    #[cfg(test)]
    pub fn ignores_path(&self, path: &str) -> bool {
        if self.rules.is_empty() {
            return false;
        }
        let parts: Vec<&str> = path.split('/').collect();
        (1..parts.len()).any(|n| self.ignores(&parts[..n].join("/"), true))
            || self.ignores(path, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> IgnoreRules {
        let mut rules = IgnoreRules::default();
        rules.add(text, ".helmignore").unwrap();
        rules
    }

    #[test]
    fn patterns_match_as_helm_matches_them() {
        let r = rules("# editor files\n*.swp\n/secrets.txt\nci/*.yaml\ntmp/\n");
        assert!(
            r.ignores_path("templates/a.yaml.swp"),
            "a base-name pattern matches at any depth"
        );
        assert!(r.ignores_path("secrets.txt"));
        assert!(
            !r.ignores_path("config/secrets.txt"),
            "a leading / anchors at the top"
        );
        assert!(r.ignores_path("ci/prod.yaml"));
        assert!(
            !r.ignores_path("ci/deep/prod.yaml"),
            "* stays in one folder"
        );
        assert!(
            r.ignores_path("tmp/x/y.txt"),
            "an ignored folder's files are ignored"
        );
        assert!(
            !r.ignores_path("tmp"),
            "a folder-only pattern skips a file of that name"
        );
        assert!(!r.ignores_path("values.yaml"));
        let braces = rules("\u{feff}{a,b}.txt\n");
        assert!(
            braces.ignores_path("{a,b}.txt") && !braces.ignores_path("a.txt"),
            "braces are literal, as in Go"
        );
    }

    #[test]
    fn double_stars_are_refused_with_the_line() {
        let mut r = IgnoreRules::default();
        let error = r.add("a\n**/x\n", ".helmignore").unwrap_err().to_string();
        assert!(error.contains(".helmignore:2"), "{error}");
    }
}
