//! Manifests: rendered template text split into Kubernetes documents, each
//! checked to be valid YAML, identified (apiVersion, kind, namespace, name)
//! and put in Helm's install order.
//!
//! Splitting follows Helm: a template's trimmed output is cut at `---` lines
//! (Helm's `(?:^|\s*\n)---\s*`); documents that hold only whitespace or
//! comments are dropped (Helm keeps them as kind `""`; they carry nothing).

mod duplicates;
mod error;
mod fast_head;
mod order;
mod text;

pub use duplicates::Duplicate;
pub use error::{ManifestError, ManifestErrorKind};
pub use order::{INSTALL_ORDER, install_rank};
pub use text::Text;

use crate::render::RenderedTemplate;
use std::collections::HashMap;
use std::sync::LazyLock;

/// One Kubernetes object as rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// `CHART/templates/FILE`, as printed in `# Source:`.
    pub source: String,
    /// The template path relative to `templates/`.
    pub template: String,
    /// The 1-based line of the template's output where this document starts.
    pub line: usize,
    /// The document text, trimmed.
    pub text: Text,
    pub head: Head,
}

/// What identifies and orders a document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Head {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// The `helm.sh/hook` annotation, when the document is a hook.
    pub hook: Option<String>,
    /// The `helm.sh/resource-policy` annotation (`keep`: Helm never deletes it).
    pub resource_policy: Option<String>,
}

impl Head {
    /// Helm leaves the resource in the cluster when it leaves the chart.
    pub fn is_kept(&self) -> bool {
        self.resource_policy
            .as_deref()
            .is_some_and(|policy| policy.trim().eq_ignore_ascii_case("keep"))
    }
}

/// Every document of a render: resources in install order, then hooks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Manifest {
    pub resources: Vec<Document>,
    pub hooks: Vec<Document>,
}

/// Hook events Helm knows; a document naming any other event is dropped, as Helm does.
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

static SEPARATOR: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(?:^|\s*\n)---\s*").expect("a valid pattern"));

impl Manifest {
    /// Orders the documents of every template, each template's as
    /// [`Manifest::documents_of`] returned them, in `# Source:` order: the
    /// first template's error is the one reported. Also says which hooks
    /// were left out for naming unknown events.
    pub fn from_documents(
        per_template: Vec<Result<Vec<Document>, ManifestError>>,
    ) -> Result<(Manifest, Vec<String>), ManifestError> {
        let count = per_template
            .iter()
            .map(|documents| documents.as_ref().map_or(0, Vec::len))
            .sum();
        let (mut resources, mut hooks) = (Vec::with_capacity(count), Vec::new());
        for template_documents in per_template {
            for document in template_documents? {
                match document.head.hook {
                    Some(_) => hooks.push(document),
                    None => resources.push(document),
                }
            }
        }
        let mut skipped = Vec::new();
        hooks.retain(|d| {
            let events = d.head.hook.as_deref().unwrap_or("");
            let known = events
                .split(',')
                .all(|event| HOOK_EVENTS.contains(&event.trim()));
            if !known {
                skipped.push(format!(
                    "{}: {} {:?} is left out: helm.sh/hook {events:?} names an unknown hook event (Helm skips it too)",
                    d.source, d.head.kind, d.head.name
                ));
            }
            known
        });
        let (resources, hooks) = (in_install_order(resources), in_install_order(hooks));
        Ok((Manifest { resources, hooks }, skipped))
    }

    /// The documents of one rendered template, each checked and identified;
    /// they share the template's text. Checking is as costly as rendering,
    /// so a render does it in the template's own job, as soon as it is done.
    pub fn documents_of(
        template: RenderedTemplate,
        file_of: &dyn Fn(&str) -> String,
    ) -> Result<Vec<Document>, ManifestError> {
        let RenderedTemplate { name, source, text } = template;
        let whole = std::sync::Arc::new(text);
        let mut documents = Vec::new();
        // Lines are counted incrementally: counting from the start for
        // every document is quadratic in a template with thousands of them.
        let (mut line, mut counted_to) = (1, 0);
        for (offset, text) in split_documents(&whole) {
            line += count_newlines(&whole.as_bytes()[counted_to..offset]);
            counted_to = offset;
            let head = parse_head(text).map_err(|problem| {
                let mut error = yaml_error_in(&whole, 1, file_of(&name), line, problem);
                error.from_template = true;
                error
            })?;
            documents.push(Document {
                source: source.clone(),
                template: name.clone(),
                line,
                text: Text::slice_of(&whole, offset..offset + text.len()),
                head,
            });
        }
        Ok(documents)
    }

    /// Every document, resources first, as `helm template` prints them.
    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.resources.iter().chain(&self.hooks)
    }

    /// The text `helm template` prints: `---`, `# Source:`, the document.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(
            self.documents()
                .map(|d| d.text.len() + d.source.len() + 16)
                .sum(),
        );
        for document in self.documents() {
            document.write_to(&mut out);
        }
        out
    }
}

impl Document {
    /// Appends this document in Helm's output format.
    pub fn write_to(&self, out: &mut String) {
        for piece in in_output_format(&self.source, &self.text) {
            out.push_str(piece);
        }
    }

    /// [`Document::write_to`] for a byte stream.
    pub fn write_io(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        write_in_output_format(out, &self.source, &self.text)
    }
}

/// A document in Helm's output format, in the pieces written one after the
/// other: `---`, the `# Source:` line, the text.
fn in_output_format<'a>(source: &'a str, text: &'a str) -> [&'a str; 5] {
    ["---\n# Source: ", source, "\n", text, "\n"]
}

/// Writes `text` from `source` in Helm's output format (a document, or the
/// notes printed as a last one).
pub fn write_in_output_format(
    out: &mut dyn std::io::Write,
    source: &str,
    text: &str,
) -> std::io::Result<()> {
    for piece in in_output_format(source, text) {
        out.write_all(piece.as_bytes())?;
    }
    Ok(())
}

/// One document of a stream, not yet read: where it starts and its text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece<'a> {
    /// The 1-based line of the stream where the document starts.
    pub line: usize,
    pub text: &'a str,
}

/// Splits a stream into documents without reading them (cheap: callers that
/// compare documents by text read only the ones that differ).
pub fn split_stream(text: &str) -> Vec<Piece<'_>> {
    let (mut line, mut counted_to) = (1, 0);
    split_documents(text)
        .into_iter()
        .map(|(offset, doc)| {
            line += count_newlines(&text.as_bytes()[counted_to..offset]);
            counted_to = offset;
            Piece { line, text: doc }
        })
        .collect()
}

impl<'a> Piece<'a> {
    /// A document that holds no object at all: a lone `---` left by Helm's
    /// separator, or `null`/`~`. Kubernetes skips such documents.
    pub fn is_empty_document(&self) -> bool {
        // Only a few characters can be a null document: a real one is
        // refused at its first line, before anything is parsed.
        let mut content = String::new();
        for line in self.text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if content.len() + line.len() > 16 {
                return false;
            }
            content.push_str(line);
            content.push('\n');
        }
        crate::yaml::parse_value(&content).is_ok_and(|value| value.is_null())
    }

    /// The document's kind and name if both are written plainly, read
    /// without checking the document (see [`fast_head::kind_and_name_hint`]).
    pub fn kind_and_name_hint(&self) -> Option<(&'a str, &'a str)> {
        fast_head::kind_and_name_hint(self.text)
    }

    /// Checks the document and reads its head; `file` names the whole input
    /// for errors, whose snippet shows only this document's lines.
    pub fn to_document(&self, file: &str) -> Result<Document, ManifestError> {
        let head = parse_head(self.text).map_err(|problem| {
            yaml_error_in(self.text, self.line, file.to_string(), self.line, problem)
        })?;
        Ok(self.with_head(head))
    }

    /// The document with a head read elsewhere (or none, for a linter that
    /// reports a malformed head itself).
    pub fn with_head(&self, head: Head) -> Document {
        let source = self
            .text
            .lines()
            .next()
            .and_then(|first| first.strip_prefix("# Source: "))
            .unwrap_or_default()
            .to_string();
        Document {
            source,
            template: String::new(),
            line: self.line,
            text: Text::from(self.text),
            head,
        }
    }
}

/// The documents sorted by kind in install order, documents of one kind in
/// the order given. Indices are sorted, then the documents are swapped into
/// place along the permutation's cycles: no second list of documents (a
/// render of thousands of documents has megabytes of them).
fn in_install_order(mut documents: Vec<Document>) -> Vec<Document> {
    let ranks: Vec<(usize, &str)> = documents
        .iter()
        .map(|d| install_rank(&d.head.kind))
        .collect();
    // order[k]: where the document that belongs at k is now.
    let mut order: Vec<usize> = (0..documents.len()).collect();
    order.sort_by_key(|&i| ranks[i]);
    drop(ranks);
    const PLACED: usize = usize::MAX;
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != PLACED {
            let from = std::mem::replace(&mut order[at], PLACED);
            if from == start {
                break;
            }
            documents.swap(at, from);
            at = from;
        }
    }
    documents
}

fn count_newlines(bytes: &[u8]) -> usize {
    // Counted in byte-wide lanes, a chunk at a time: the compiler vectorizes it.
    bytes
        .chunks(255)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'))))
        .sum()
}

/// The documents of one template's output with their byte offsets; empty and
/// comment-only pieces are left out.
fn split_documents(text: &str) -> Vec<(usize, &str)> {
    let start = text.len() - text.trim_start().len();
    let trimmed = text.trim();
    let mut pieces = Vec::new();
    let mut last = 0;
    for separator in SEPARATOR.find_iter(trimmed) {
        pieces.push((last, &trimmed[last..separator.start()]));
        last = separator.end();
    }
    pieces.push((last, &trimmed[last..]));
    pieces
        .into_iter()
        .map(|(offset, piece)| {
            let lead = piece.len() - piece.trim_start().len();
            (start + offset + lead, piece.trim())
        })
        .filter(|(_, piece)| !is_blank_or_comments(piece))
        .collect()
}

fn is_blank_or_comments(piece: &str) -> bool {
    piece
        .lines()
        .all(|line| line.trim().is_empty() || line.trim_start().starts_with('#'))
}

// Named for serde's messages: "invalid type: string, expected struct object".
#[derive(serde::Deserialize, Default)]
#[serde(default, rename = "object")]
struct RawHead {
    #[serde(rename = "apiVersion")]
    api_version: Option<String>,
    kind: Option<String>,
    metadata: Option<RawMetadata>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default, rename = "metadata")]
struct RawMetadata {
    name: Option<String>,
    namespace: Option<String>,
    annotations: Option<HashMap<String, crate::yaml::AnyValue>>,
}

/// Whether a document the head reader refused is valid YAML that is no
/// mapping (a scalar, a list, tagged or not): then it is no Kubernetes
/// object; otherwise the problem is inside it. Read only on that error path.
fn is_valid_non_mapping(text: &str) -> bool {
    fn is_mapping(value: &crate::yaml::AnyValue) -> bool {
        match value {
            crate::yaml::AnyValue::Tagged(tagged) => is_mapping(&tagged.value),
            other => other.is_mapping(),
        }
    }
    crate::yaml::parse_typed::<crate::yaml::AnyValue>(text).is_ok_and(|value| !is_mapping(&value))
}

/// Why a document could not be read: its kind, a message, and the line
/// within the document.
struct Problem {
    kind: ManifestErrorKind,
    message: String,
    line: usize,
}

/// Checks a whole document (so any YAML error is found) and keeps its head:
/// the fast reader for plain manifests, the full parser for everything else.
fn parse_head(text: &str) -> Result<Head, Problem> {
    match fast_head::read_head(text) {
        Some(head) => Ok(head),
        None => parse_head_fully(text),
    }
}

fn parse_head_fully(text: &str) -> Result<Head, Problem> {
    let raw: RawHead = crate::yaml::parse_typed(text).map_err(|e| {
        if is_valid_non_mapping(text) {
            Problem {
                kind: ManifestErrorKind::NotAnObject,
                message:
                    "a document must be a mapping (a Kubernetes object with apiVersion and kind)"
                        .to_string(),
                line: 1,
            }
        } else {
            Problem {
                kind: ManifestErrorKind::InvalidYaml,
                message: e.message,
                line: e.line.unwrap_or(1),
            }
        }
    })?;
    let metadata = raw.metadata.unwrap_or_default();
    let annotation = |key: &str| {
        metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let (hook, resource_policy) = (
        annotation("helm.sh/hook"),
        annotation("helm.sh/resource-policy"),
    );
    Ok(Head {
        api_version: raw.api_version.unwrap_or_default(),
        kind: raw.kind.unwrap_or_default(),
        name: metadata.name.unwrap_or_default(),
        namespace: metadata.namespace,
        hook,
        resource_policy,
    })
}

/// A YAML error whose snippet shows only the lines of `text` (the output,
/// not the template source, is what broke), which start at line
/// `first_line` of the whole output; the document starts at `document_line`.
fn yaml_error_in(
    text: &str,
    first_line: usize,
    file: String,
    document_line: usize,
    problem: Problem,
) -> ManifestError {
    let line = document_line + problem.line.saturating_sub(1);
    let lines: Vec<&str> = text.lines().collect();
    let first = line.saturating_sub(3).max(first_line);
    let last = (line + 1).min(first_line + lines.len().saturating_sub(1));
    let snippet = (first..=last)
        .filter_map(|n| {
            lines.get(n - first_line).map(|text| {
                let marker = if n == line { ">" } else { " " };
                format!("{marker} {n:>4} | {}", crate::error::shortened(text, 160))
            })
        })
        .collect::<Vec<_>>()
        .join("\n");
    ManifestError {
        kind: problem.kind,
        file,
        line,
        message: problem.message,
        snippet: Some(snippet),
        from_template: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(templates: &[(&str, &str)]) -> Result<Manifest, ManifestError> {
        let file_of = |n: &str| format!("templates/{n}");
        let per_template = templates
            .iter()
            .map(|(name, text)| {
                let template = RenderedTemplate {
                    name: name.to_string(),
                    source: format!("app/templates/{name}"),
                    text: text.to_string(),
                };
                Manifest::documents_of(template, &file_of)
            })
            .collect();
        Manifest::from_documents(per_template).map(|(m, _)| m)
    }

    #[test]
    fn splits_on_separators_and_drops_comment_only_documents() {
        let m = manifest(&[(
            "a.yaml",
            "\n---\nkind: A\n---\n# only a comment\n---\n\n---\nkind: B\nmetadata: {name: b}\n",
        )])
        .unwrap();
        let kinds: Vec<_> = m.resources.iter().map(|d| d.head.kind.as_str()).collect();
        assert_eq!(kinds, ["A", "B"]);
        assert_eq!(m.resources[1].head.name, "b");
        // Helm's separator swallows the blank line and leaves the second `---`
        // in the last document; Helm prints it that way too.
        assert_eq!(m.resources[1].line, 8);
        assert!(m.resources[1].text.starts_with("---\nkind: B"));
    }

    #[test]
    fn orders_by_kind_then_template_path() {
        let m = manifest(&[
            ("a.yaml", "kind: Deployment\nmetadata: {name: a}\n"),
            (
                "b.yaml",
                "kind: Service\nmetadata: {name: b}\n---\nkind: Deployment\nmetadata: {name: b}",
            ),
            ("c.yaml", "kind: Namespace\nmetadata: {name: c}\n"),
        ])
        .unwrap();
        let order: Vec<_> = m
            .resources
            .iter()
            .map(|d| format!("{}/{}", d.head.kind, d.head.name))
            .collect();
        assert_eq!(
            order,
            ["Namespace/c", "Service/b", "Deployment/a", "Deployment/b"]
        );
    }

    #[test]
    fn prints_in_helms_format() {
        let m = manifest(&[("cm.yaml", "  \napiVersion: v1\nkind: ConfigMap\n\n\n")]).unwrap();
        assert_eq!(
            m.to_text(),
            "---\n# Source: app/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\n"
        );
    }

    #[test]
    fn hooks_come_last_and_unknown_hook_events_are_dropped() {
        let m = manifest(&[(
            "a.yaml",
            "kind: Job\nmetadata:\n  name: j\n  annotations: {helm.sh/hook: pre-install}\n---\nkind: Job\nmetadata:\n  name: bad\n  annotations: {helm.sh/hook: sometime}\n---\nkind: Service\n",
        )])
        .unwrap();
        assert_eq!(m.resources.len(), 1);
        let hooks: Vec<_> = m.hooks.iter().map(|d| d.head.name.as_str()).collect();
        assert_eq!(hooks, ["j"]);
        let names: Vec<_> = m.documents().map(|d| d.head.kind.as_str()).collect();
        assert_eq!(names, ["Service", "Job"]);
    }

    #[test]
    fn invalid_yaml_names_the_template_and_output_line() {
        let err = manifest(&[(
            "bad.yaml",
            "kind: A\n---\nkind: B\nspec:\n  ports: [unclosed\n",
        )])
        .unwrap_err();
        assert_eq!(err.file, "templates/bad.yaml");
        assert_eq!(err.line, 6);
        assert_eq!(err.kind, ManifestErrorKind::InvalidYaml);
        assert!(err.snippet.unwrap().contains("    5 |   ports: [unclosed"));
    }

    /// The fast reader must never accept what the full parser refuses, nor
    /// read a different head. Checked on every snapshot document and on
    /// thousands of mutations of them (a small deterministic fuzzer).
    #[test]
    fn fast_reader_agrees_with_the_full_parser() {
        let mut corpus: Vec<String> = Vec::new();
        for entry in std::fs::read_dir("snapshots").unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let body = text.splitn(3, "\n---\n").nth(2).unwrap_or("");
            let documents = split_documents(body)
                .into_iter()
                .map(|(_, d)| d.to_string());
            corpus.extend(
                documents.filter(|d| !d.starts_with("# Source: seedapp/templates/NOTES.txt")),
            );
        }
        assert!(corpus.len() > 40, "the snapshots hold the corpus");
        // The head annotations, which the example charts do not use.
        corpus.push(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/resource-policy: keep\n    note: |\n      a block\n# a comment\nspec: {}\n"
                .to_string(),
        );
        let fast_count = corpus
            .iter()
            .filter(|d| fast_head::read_head(d).is_some())
            .count();
        assert_eq!(
            fast_count,
            corpus.len(),
            "every example document takes the fast path"
        );

        let mut next = crate::fuzz::numbers(0x9e3779b97f4a7c15);
        const PIECES: &[&str] = &[
            ":",
            " ",
            "-",
            "#",
            "\"",
            "'",
            "\t",
            "\n",
            "  ",
            "- ",
            ": ",
            "{",
            "[",
            "|",
            "&",
            "*",
            "!",
            "\\",
            "\n  ",
            "kind",
            "---",
            "null",
            "1",
            "\u{7f}",
            "\u{85}",
            "\u{1}",
            "\u{9c}",
            "helm.sh/resource-policy: ",
        ];
        let mut checked = 0;
        for round in 0..20_000 {
            let Some(doc) = crate::fuzz::mutated(&corpus[round % corpus.len()], PIECES, &mut next)
            else {
                continue;
            };
            if let Some(fast) = fast_head::read_head(&doc) {
                checked += 1;
                match parse_head_fully(&doc) {
                    Ok(full) => assert_eq!(fast, full, "heads differ for:\n{doc}"),
                    Err(Problem { message, .. }) => panic!(
                        "fast reader accepted a document the parser refuses ({message}):\n{doc}"
                    ),
                }
            }
        }
        assert!(
            checked > 5_000,
            "the mutations exercise the fast path ({checked})"
        );
    }

    #[test]
    fn line_breaks_the_fast_reader_does_not_split_on_go_to_the_parser() {
        for doc in [
            "# note\rkind: Secret\nmetadata:\n  name: s\n",
            "kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: |\n    x\rkind: Secret\n",
            "kind: ConfigMap\nmetadata:\n  name: c\u{2028}kind: Secret\n",
            "kind: ConfigMap\nmetadata:\n  name: c # \u{85}kind: Secret\n",
        ] {
            assert_eq!(fast_head::read_head(doc), None, "{doc:?}");
        }
        let windows = "kind: ConfigMap\r\nmetadata:\r\n  name: c\r\n";
        assert_eq!(fast_head::read_head(windows).unwrap().name, "c");
    }

    #[test]
    fn documents_that_hold_nothing_are_empty() {
        for text in ["---", "null", "~", "# Source: a\n---", "--- ~"] {
            assert!(Piece { line: 1, text }.is_empty_document(), "{text:?}");
        }
        for text in ["kind: A", "{}", "[]", "x", "\"\"", "0"] {
            assert!(!Piece { line: 1, text }.is_empty_document(), "{text:?}");
        }
    }

    #[test]
    fn a_scalar_document_is_refused() {
        for document in [
            "just some prose\n",
            ".inf\n",
            "- a\n- {b: 1}\n",
            "~\n",
            "[a, {x: .inf}]\n",
        ] {
            let err = manifest(&[("s.yaml", document)]).unwrap_err();
            assert_eq!(err.kind, ManifestErrorKind::NotAnObject, "{document}");
            assert!(err.message.contains("must be a mapping"), "{}", err.message);
        }
        let err = manifest(&[("s.yaml", "kind: [x\n")]).unwrap_err();
        assert_eq!(err.kind, ManifestErrorKind::InvalidYaml);
        // A tagged mapping is read as the mapping it is.
        let m = manifest(&[(
            "t.yaml",
            "--- !Foo\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        )])
        .unwrap();
        assert_eq!(m.resources[0].head.name, "c");
    }
}
