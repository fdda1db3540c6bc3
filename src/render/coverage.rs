//! Template coverage: which branches of a chart's own templates were rendered.
//!
//! A covered chart's templates compile from an instrumented copy of their
//! source. After every `{% if %}`, `{% elif %}`, `{% else %}`, `{% for %}`
//! and `{% macro %}` tag goes `{% do __kinja_cover(N) %}`, closed with the
//! tag's own right whitespace mark, so the output stays byte for byte the
//! same; an `if` without `else` gets `{% else %}{% do … %}` before its
//! `endif`, so "the condition was false" is a branch too (an untested
//! `ingress.enabled: false` is as untested as `true`). Nothing is inserted
//! on a line of its own, so the line numbers of errors stay exact.
//!
//! Counts are atomic: suites render on all cores into one [`Coverage`].

use super::line_ends;
use crate::chart::Chart;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The function the inserted tags call; registered only for covered renders.
pub(super) const COVER_FUNCTION: &str = "__kinja_cover";

/// What opens a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BranchKind {
    If,
    Elif,
    Else,
    /// An `if` without `else`, its condition false.
    NoElse,
    /// A loop's body, run at least once.
    Loop,
    /// A loop's `else`: the sequence was empty.
    LoopElse,
    /// A macro's body, called at least once.
    Macro(String),
}

impl BranchKind {
    /// How a report names the branch, with the line of its tag.
    pub fn describe(&self, line: usize) -> String {
        match self {
            BranchKind::If => format!("`if` at line {line}"),
            BranchKind::Elif => format!("`elif` at line {line}"),
            BranchKind::Else => format!("`else` at line {line}"),
            BranchKind::NoElse => format!("`if` at line {line} never false"),
            BranchKind::Loop => format!("loop body at line {line}"),
            BranchKind::LoopElse => format!("loop `else` at line {line}"),
            BranchKind::Macro(name) => format!("macro `{name}` at line {line}"),
        }
    }
}

/// One branch of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    pub kind: BranchKind,
    /// The line (from 1) of the tag that opens it; for [`BranchKind::NoElse`] the `if`'s.
    pub line: usize,
    /// Which statement of the template it belongs to, counted from 0: an
    /// `if` with its `elif`s and `else`, a loop, a macro.
    pub block: usize,
    /// The first and last line holding only this branch's body; `None`
    /// when the body shares its lines with the tags around it.
    pub body: Option<(usize, usize)>,
}

/// A template's source with the counting tags in, and its branches:
/// branch `i` counts into `first_id + i`, and a tag at the very end counts
/// the renders into `first_id + branches.len()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Instrumented {
    pub source: String,
    pub branches: Vec<Branch>,
}

/// An open `if`, loop or macro while reading a template.
struct Open {
    kind: Statement,
    block: usize,
    has_else: bool,
    /// The branch whose body runs until the next tag of this statement.
    branch: usize,
    /// Where that body starts (just past its tag).
    body_start: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Statement {
    If,
    Loop,
    Macro,
}

/// Instruments `source` (a template as the environment compiles it). A
/// template whose tags do not nest (a syntax error the compiler will
/// report) is left as it is, with no branches.
pub fn instrument(source: &str, first_id: usize) -> Instrumented {
    match try_instrument(source, first_id) {
        Some(instrumented) => instrumented,
        None => Instrumented {
            source: source.to_string(),
            branches: Vec::new(),
        },
    }
}

fn try_instrument(source: &str, first_id: usize) -> Option<Instrumented> {
    let bytes = source.as_bytes();
    let lines = Lines::new(source);
    let mut branches: Vec<Branch> = Vec::new();
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let mut blocks = 0;
    let mut at = 0;
    while let Some(start) = line_ends::find_tag(bytes, at) {
        let Some(end) = line_ends::tag_end(bytes, start) else {
            break;
        };
        at = end;
        if bytes[start + 1] != b'%' {
            continue;
        }
        let body = &source[start + 2..end - 2];
        if line_ends::is_raw(body) {
            at = line_ends::end_of_raw(source, end)?;
            continue;
        }
        let (name, rest) = tag_name(body);
        let right_mark = mark(bytes[end - 3]);
        let mut opens = |kind: BranchKind, branches: &mut Vec<Branch>, block: usize| {
            let id = first_id + branches.len();
            inserts.push((
                end,
                format!("{{% do {COVER_FUNCTION}({id}) {right_mark}%}}"),
            ));
            branches.push(Branch {
                kind,
                line: lines.of(start),
                block,
                body: None,
            });
            branches.len() - 1
        };
        match name {
            "if" | "for" | "macro" => {
                let (kind, statement) = match name {
                    "if" => (BranchKind::If, Statement::If),
                    "for" => (BranchKind::Loop, Statement::Loop),
                    _ => (
                        BranchKind::Macro(tag_name(rest).0.to_string()),
                        Statement::Macro,
                    ),
                };
                let branch = opens(kind, &mut branches, blocks);
                open.push(Open {
                    kind: statement,
                    block: blocks,
                    has_else: false,
                    branch,
                    body_start: end,
                });
                blocks += 1;
            }
            "elif" | "else" => {
                let top = open.last_mut()?;
                let kind = match (name, top.kind) {
                    ("elif", Statement::If) if !top.has_else => BranchKind::Elif,
                    ("else", Statement::If) if !top.has_else => BranchKind::Else,
                    ("else", Statement::Loop) if !top.has_else => BranchKind::LoopElse,
                    _ => return None,
                };
                top.has_else |= name == "else";
                branches[top.branch].body = lines.body(source, top.body_start, start);
                top.branch = opens(kind, &mut branches, top.block);
                top.body_start = end;
            }
            "endif" | "endfor" | "endmacro" => {
                let top = open.pop()?;
                let expected = match name {
                    "endif" => Statement::If,
                    "endfor" => Statement::Loop,
                    _ => Statement::Macro,
                };
                if top.kind != expected {
                    return None;
                }
                branches[top.branch].body = lines.body(source, top.body_start, start);
                if top.kind == Statement::If && !top.has_else {
                    let id = first_id + branches.len();
                    let left_mark = mark(bytes[start + 2]);
                    inserts.push((
                        start,
                        format!("{{%{left_mark} else %}}{{% do {COVER_FUNCTION}({id}) %}}"),
                    ));
                    let line = branches
                        .iter()
                        .find(|b| b.block == top.block)
                        .map_or(lines.of(start), |b| b.line);
                    branches.push(Branch {
                        kind: BranchKind::NoElse,
                        line,
                        block: top.block,
                        body: None,
                    });
                }
            }
            _ => {}
        }
    }
    if !open.is_empty() {
        return None;
    }
    let renders_id = first_id + branches.len();
    // `{%+` keeps trailing spaces of a last line without a line break.
    inserts.push((
        source.len(),
        format!("{{%+ do {COVER_FUNCTION}({renders_id}) %}}"),
    ));
    let mut out = String::with_capacity(source.len() + inserts.len() * 32);
    let mut from = 0;
    for (at, text) in inserts {
        out.push_str(&source[from..at]);
        out.push_str(&text);
        from = at;
    }
    out.push_str(&source[from..]);
    Some(Instrumented {
        source: out,
        branches,
    })
}

/// A block tag's name and what follows it: `if` and ` x %` of `{%- if x %}`.
fn tag_name(body: &str) -> (&str, &str) {
    let body = body.trim_start_matches(['-', '+']).trim_start();
    let end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    (&body[..end], &body[end..])
}

/// A whitespace mark (`-` or `+`) to copy, or nothing.
fn mark(byte: u8) -> &'static str {
    match byte {
        b'-' => "-",
        b'+' => "+",
        _ => "",
    }
}

/// Line numbers of byte offsets.
struct Lines {
    /// Offsets of every `\n`.
    breaks: Vec<usize>,
}

impl Lines {
    fn new(source: &str) -> Lines {
        Lines {
            breaks: source
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The line (from 1) holding byte `offset`.
    fn of(&self, offset: usize) -> usize {
        self.breaks.partition_point(|&b| b < offset) + 1
    }

    /// The lines holding only the text between a tag ending at `start`
    /// and one starting at `end`: not blank, not shared with either tag.
    fn body(&self, source: &str, start: usize, end: usize) -> Option<(usize, usize)> {
        let text = &source[start..end];
        let leading = text.len() - text.trim_start().len();
        let trailing = text.len() - text.trim_end().len();
        if leading == text.len() {
            return None;
        }
        let mut first = self.of(start + leading);
        let mut last = self.of(end - trailing - 1);
        if first == self.of(start.saturating_sub(1)) {
            first += 1;
        }
        if last == self.of(end) {
            last -= 1;
        }
        (first <= last).then_some((first, last))
    }
}

/// A chart's templates, instrumented, and how often each branch rendered.
#[derive(Debug)]
pub struct Coverage {
    templates: Vec<CoveredTemplate>,
    by_name: HashMap<String, usize>,
    counters: Vec<AtomicU64>,
}

#[derive(Debug)]
struct CoveredTemplate {
    name: String,
    file: String,
    instrumented: Instrumented,
    first_id: usize,
    /// Lines (from 1) holding anything but whitespace.
    lines: Vec<usize>,
}

/// One template's coverage after a run: plain data for reports.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateCoverage {
    /// Its name in `templates/`: `deployment.yaml`.
    pub name: String,
    /// The file on disk.
    pub file: String,
    /// How often it rendered (or was imported).
    pub renders: u64,
    /// Every branch and how often it rendered, in the template's order.
    pub branches: Vec<(Branch, u64)>,
    /// Every line holding text, and how often it rendered: the count of
    /// the innermost branch around it, else the template's.
    pub lines: Vec<(usize, u64)>,
}

impl TemplateCoverage {
    pub fn branches_hit(&self) -> usize {
        self.branches.iter().filter(|(_, count)| *count > 0).count()
    }
}

impl Coverage {
    /// The chart's own templates (not its subcharts'), instrumented.
    pub fn of_chart(chart: &Chart) -> Arc<Coverage> {
        let mut templates = Vec::new();
        let mut next_id = 0;
        for template in &chart.templates {
            let source = line_ends::keep_line_ends(&template.source);
            let instrumented = instrument(&source, next_id);
            let lines = source
                .lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .map(|(i, _)| i + 1)
                .collect();
            templates.push(CoveredTemplate {
                name: template.name.clone(),
                file: chart.template_file_path(&template.name),
                first_id: next_id,
                lines,
                instrumented,
            });
            // Its branches, and one count of its renders.
            next_id += templates
                .last()
                .map_or(0, |t| t.instrumented.branches.len())
                + 1;
        }
        Arc::new(Coverage {
            by_name: templates
                .iter()
                .enumerate()
                .map(|(i, t)| (t.name.clone(), i))
                .collect(),
            counters: (0..next_id).map(|_| AtomicU64::new(0)).collect(),
            templates,
        })
    }

    /// The instrumented source of the root chart's template `name`.
    pub(super) fn source_of(&self, name: &str) -> Option<&str> {
        let index = *self.by_name.get(name)?;
        Some(&self.templates[index].instrumented.source)
    }

    /// Called by the inserted tags.
    pub(super) fn hit(&self, id: usize) {
        if let Some(counter) = self.counters.get(id) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Every template's counts so far, in path order.
    pub fn results(&self) -> Vec<TemplateCoverage> {
        self.templates
            .iter()
            .map(|t| {
                let count = |i: usize| self.counters[t.first_id + i].load(Ordering::Relaxed);
                let branches: Vec<(Branch, u64)> = t
                    .instrumented
                    .branches
                    .iter()
                    .enumerate()
                    .map(|(i, b)| (b.clone(), count(i)))
                    .collect();
                let renders = count(branches.len());
                let lines = t
                    .lines
                    .iter()
                    .map(|&line| (line, count_of_line(&branches, line).unwrap_or(renders)))
                    .collect();
                TemplateCoverage {
                    name: t.name.clone(),
                    file: t.file.clone(),
                    renders,
                    branches,
                    lines,
                }
            })
            .collect()
    }
}

/// The count of the innermost branch whose body holds `line`.
fn count_of_line(branches: &[(Branch, u64)], line: usize) -> Option<u64> {
    branches
        .iter()
        .filter_map(|(b, count)| b.body.map(|(first, last)| (first, last, *count)))
        .filter(|(first, last, _)| (*first..=*last).contains(&line))
        .min_by_key(|(first, last, _)| last - first)
        .map(|(_, _, count)| count)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `source` as the renderer compiles it, plain or instrumented.
    fn render(source: &str, instrumented: bool, context: minijinja::Value) -> String {
        let mut env = minijinja::Environment::new();
        env.set_syntax(super::super::syntax());
        env.add_function(COVER_FUNCTION, |_: usize| ());
        let source = line_ends::keep_line_ends(source).into_owned();
        let source = if instrumented {
            instrument(&source, 0).source
        } else {
            source
        };
        env.add_template_owned("t", source).unwrap();
        env.get_template("t").unwrap().render(context).unwrap()
    }

    const TRICKY: &[&str] = &[
        "{% if a %}\nx: 1\n{% endif %}\ny: 2\n",
        "a: {% if a %}on{% endif %}\nb: 2\n",
        "  {% if a -%}\n   x\n  {%- elif b +%}\n y\n{% else %}  z  {% endif %}   \n",
        "{%- if a %}\n\n{%- endif %}\n  tail   ",
        "{% for i in items %}\n- {{ i }}\n{% else %}\n[]\n{% endfor %}\n",
        "{% for i in items if i > 1 %}{{ i }}{% endfor %}\n",
        "{% macro m(x) %}\n  v: {{ x }}\n{% endmacro %}\n{{ m(1) }}{% if a %}{{ m(2) }}{% endif %}\n",
        "{% if a %}{% if b %}ab{% else %}a{% endif %}{% elif b %}b{% endif %}",
        "{% raw %}{% if a %}{% endraw %}\n{% if a %}1{% endif %}\n",
        "{# {% if a %} #}\n{% set s = \"{% if %}\" %}{{ s }}\n",
        "{% if a %}{% endif %}",
        "x\n    {% if a %}\n    y\n    {% endif %}\n",
    ];

    #[test]
    fn instrumented_templates_render_the_same_text() {
        for source in TRICKY {
            for (a, b, items) in [
                (true, true, vec![1, 2]),
                (false, true, vec![]),
                (false, false, vec![3]),
                (true, false, vec![]),
            ] {
                let context = minijinja::context! { a, b, items };
                assert_eq!(
                    render(source, true, context.clone()),
                    render(source, false, context),
                    "{source:?} with a={a} b={b}"
                );
            }
        }
    }

    #[test]
    fn every_branch_is_found_with_its_line_and_body() {
        let source = "{% if a %}\nx\n{% elif b %}\ny\n{% endif %}\n{% for i in l %}\n{{ i }}\n{% else %}\nnone\n{% endfor %}\n{% macro m() %}{% endmacro %}\n";
        let branches = instrument(source, 0).branches;
        type Found = (BranchKind, usize, usize, Option<(usize, usize)>);
        let kinds: Vec<Found> = branches
            .into_iter()
            .map(|b| (b.kind, b.line, b.block, b.body))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (BranchKind::If, 1, 0, Some((2, 2))),
                (BranchKind::Elif, 3, 0, Some((4, 4))),
                (BranchKind::NoElse, 1, 0, None),
                (BranchKind::Loop, 6, 1, Some((7, 7))),
                (BranchKind::LoopElse, 8, 1, Some((9, 9))),
                (BranchKind::Macro("m".into()), 11, 2, None),
            ]
        );
    }

    #[test]
    fn a_body_on_its_tags_line_has_no_lines_of_its_own() {
        let branches = instrument("a: {% if x %}on{% else %}off{% endif %}\nb: 1\n", 0).branches;
        assert!(branches.iter().all(|b| b.body.is_none()), "{branches:?}");
        let branches = instrument("{% if x %}a\nb\nc{% endif %}\n", 0).branches;
        assert_eq!(branches[0].body, Some((2, 2)));
    }

    #[test]
    fn tags_that_do_not_nest_leave_the_template_alone() {
        for source in [
            "{% if a %}",
            "{% endif %}",
            "{% for x in y %}{% endif %}",
            "{% else %}",
        ] {
            let instrumented = instrument(source, 0);
            assert_eq!(instrumented.source, source);
            assert!(instrumented.branches.is_empty());
        }
    }

    #[test]
    fn the_counts_say_which_branches_rendered() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Chart.yaml"),
            "apiVersion: v2\nname: c\nversion: 1.0.0\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/hpa.yaml"),
            "kind: X\n{% if on %}\nspec: {}\n{% endif %}\n",
        )
        .unwrap();
        let chart = crate::chart::Chart::load(dir.path()).unwrap();
        let coverage = Coverage::of_chart(&chart);
        let mut env = minijinja::Environment::new();
        let counted = coverage.clone();
        env.add_function(COVER_FUNCTION, move |id: usize| counted.hit(id));
        env.add_template_owned(
            "hpa.yaml",
            coverage.source_of("hpa.yaml").unwrap().to_string(),
        )
        .unwrap();
        let template = env.get_template("hpa.yaml").unwrap();
        template
            .render(minijinja::context! { on => false })
            .unwrap();
        template
            .render(minijinja::context! { on => false })
            .unwrap();
        let hpa = coverage.results().remove(0);
        assert_eq!(hpa.name, "hpa.yaml");
        assert_eq!(hpa.renders, 2);
        let counts: Vec<(BranchKind, u64)> = hpa
            .branches
            .iter()
            .map(|(b, c)| (b.kind.clone(), *c))
            .collect();
        assert_eq!(counts, vec![(BranchKind::If, 0), (BranchKind::NoElse, 2)]);
        assert_eq!(hpa.branches_hit(), 1);
        assert_eq!(hpa.lines, vec![(1, 2), (2, 2), (3, 0), (4, 2)]);
    }
}
