//! Rendering: a chart's templates through minijinja, set up for YAML.
//!
//! `trim_blocks` and `lstrip_blocks` are on (but a block tag ending a line
//! after other content keeps the newline: see `line_ends`), the trailing newline is kept, no
//! auto-escaping, and undefined values are strict: printing or iterating a
//! value that does not exist is an error naming the template, the line and
//! the expression, while `default(...)`, `is defined` and `if x` keep working.
//!
//! A [`Renderer`] compiles a chart's templates once and renders them as many
//! times as asked, with values, release and capabilities as plain data.

mod cluster;
mod context;
pub mod coverage;
mod defaults;
mod error;
pub mod helm_compat;
mod helm_time;
mod helm_values;
mod line_ends;
pub mod reads;

pub use cluster::Cluster;
pub use context::{
    Capabilities, DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION, KubeVersion, ReleaseInfo,
    TemplateContext,
};
pub use error::{RenderError, RenderErrorKind};

use crate::chart::ChartType;
use crate::chart::compose::Composed;
use crate::values::Values;
use minijinja::{Environment, UndefinedBehavior};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One template's output, before it is split into documents.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedTemplate {
    /// Its name in the environment: the path relative to `templates/` for
    /// the root chart, `charts/SUB/templates/PATH` for a subchart's.
    pub name: String,
    /// Its path in output, `CHART/templates/NAME` (or
    /// `CHART/charts/SUB/templates/NAME`), as printed in `# Source:`.
    pub source: String,
    pub text: String,
}

/// One template of the composed chart, as the environment knows it.
#[derive(Debug, Clone)]
struct Unit {
    /// Its name in the environment (see [`RenderedTemplate::name`]).
    name: String,
    source: String,
    /// The file on disk, for errors.
    file: String,
    /// Which chart of [`Composed::walk`] it belongs to, and which of its templates.
    node: usize,
    template: usize,
    /// Rendered on its own (not a partial, not a library chart's, not a subchart's notes).
    renders: bool,
    is_notes: bool,
    size: usize,
}

/// Jinja's delimiters, with `trim_blocks` and `lstrip_blocks` on and the
/// trailing newline kept: how every template compiles.
fn syntax() -> minijinja::syntax::SyntaxConfig {
    minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid")
}

/// What a test run adds to a render: branch counting for `--coverage`,
/// and objects for `lookup` (a suite's `kubernetesProvider`).
#[derive(Debug, Clone, Default)]
pub struct Harness {
    pub coverage: Option<std::sync::Arc<coverage::Coverage>>,
    pub cluster: Option<std::sync::Arc<Cluster>>,
    /// With `kinja values --unused`: where the templates' value reads go.
    pub reads: Option<std::sync::Arc<reads::Reads>>,
}

/// A composed chart's templates compiled into one minijinja environment.
pub struct Renderer<'a, 'c> {
    composed: &'a Composed<'c>,
    units: Vec<Unit>,
    env: Environment<'static>,
    reads: Option<std::sync::Arc<reads::Reads>>,
}

impl<'a, 'c> Renderer<'a, 'c> {
    /// Compiles every template of every chart; syntax errors are reported here.
    pub fn new(composed: &'a Composed<'c>) -> Result<Renderer<'a, 'c>, RenderError> {
        Renderer::with_harness(composed, &Harness::default())
    }

    /// [`Renderer::new`], with the root chart's templates counting their
    /// branches into the harness's coverage, and `lookup` finding its objects.
    pub fn with_harness(
        composed: &'a Composed<'c>,
        harness: &Harness,
    ) -> Result<Renderer<'a, 'c>, RenderError> {
        let coverage = harness.coverage.clone();
        let mut env = Environment::new();
        env.set_syntax(syntax());
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_fuel(Some(error::FUEL_PER_TEMPLATE));
        // Errors need the template source to name the undefined value and
        // show the line; minijinja keeps it only in debug builds unless asked.
        env.set_debug(true);
        env.set_formatter(helm_compat::format_value);
        defaults::register(&mut env);
        let units = units_of(composed);
        env.set_path_join_callback(import_resolver(composed, &units));
        let files: Vec<(String, String)> = units
            .iter()
            .map(|u| (u.name.clone(), u.file.clone()))
            .collect();
        let file_of = |name: &str| file_in(&files, name);
        let nodes = composed.walk();
        for unit in &units {
            let template = &nodes[unit.node].0.chart.templates[unit.template];
            let covered = coverage
                .as_ref()
                .filter(|_| unit.node == 0)
                .and_then(|c| c.source_of(&template.name));
            let source = match covered {
                Some(instrumented) => instrumented.to_string(),
                None => line_ends::keep_line_ends(&template.source).into_owned(),
            };
            env.add_template_owned(unit.name.clone(), source)
                .map_err(|e| RenderError::from_minijinja(&e, &file_of, None))?;
        }
        if let Some(coverage) = coverage {
            env.add_function(coverage::COVER_FUNCTION, move |id: usize| coverage.hit(id));
        }
        if let Some(cluster) = harness.cluster.clone() {
            env.add_function(
                "lookup",
                move |api_version: &str, kind: &str, namespace: &str, name: &str| {
                    minijinja::Value::from(minijinja::value::Serde(&cluster.lookup(
                        api_version,
                        kind,
                        namespace,
                        name,
                    )))
                },
            );
        }
        Ok(Renderer {
            composed,
            units,
            env,
            reads: harness.reads.clone(),
        })
    }

    /// The file on disk of a template, by its name in the environment.
    pub fn file_of(&self, name: &str) -> String {
        self.units
            .iter()
            .find(|u| u.name == name)
            .map_or_else(|| name.to_string(), |u| u.file.clone())
    }

    /// Renders every template that renders on its own, each one's output
    /// handed to `then` in the job that rendered it (on all cores, while the
    /// text is hot in cache); the results come back in `# Source:` order,
    /// with the rendered notes. The first failure in that order is returned.
    /// `contexts` are [`Renderer::contexts`].
    pub fn render_each<T: Send>(
        &self,
        contexts: &[TemplateContext],
        then: impl Fn(RenderedTemplate) -> T + Sync,
    ) -> Result<(Vec<T>, Option<String>), RenderError> {
        let jobs: Vec<&Unit> = self.units.iter().filter(|u| u.renders).collect();
        // One output budget for all templates, however many run at once.
        let budget = AtomicUsize::new(0);
        let outputs: Vec<Result<Output<T>, Failure>> = crate::parallel::map(
            &jobs,
            |unit| unit.size,
            |unit| {
                let text = self.render_one(unit, &contexts[unit.node], &budget)?;
                Ok(if unit.is_notes {
                    Output::Notes(text)
                } else {
                    Output::Template(then(RenderedTemplate {
                        name: unit.name.clone(),
                        source: unit.source.clone(),
                        text,
                    }))
                })
            },
        );

        // Past the output limit every template still writing fails: blame
        // the one that wrote the most, not the first in path order.
        let largest = outputs
            .iter()
            .filter_map(|output| output.as_ref().err())
            .filter(|failure| failure.error.kind == RenderErrorKind::TooLarge)
            .max_by_key(|failure| failure.written);
        if let Some(failure) = largest {
            return Err(failure.error.clone());
        }
        let mut templates = Vec::with_capacity(jobs.len());
        let mut notes = None;
        for output in outputs {
            match output.map_err(|failure| failure.error)? {
                Output::Notes(text) => notes = Some(text),
                Output::Template(done) => templates.push(done),
            }
        }
        Ok((templates, notes))
    }

    /// What the templates of each chart of the tree see, in the tree's
    /// order: `values` are the root chart's merged values, and each
    /// subchart sees its part of them. They are converted here, so a render
    /// needs `values` no longer.
    pub fn contexts(
        &self,
        values: &Values,
        release: &ReleaseInfo,
        capabilities: &Capabilities,
    ) -> Vec<TemplateContext> {
        let root = self.reads.as_ref().map(|reads| reads.root(values));
        self.composed
            .walk()
            .into_iter()
            .map(|(node, keys)| {
                let scoped = crate::values::scoped(values, &keys);
                match (&self.reads, &root) {
                    (Some(reads), Some(root)) => {
                        let tracking = context::Tracking {
                            root: root.clone(),
                            path: keys
                                .iter()
                                .map(|k| crate::yaml::PathStep::Key(k.to_string()))
                                .collect(),
                            reads: reads.clone(),
                        };
                        TemplateContext::tracked(node, scoped, release, capabilities, tracking)
                    }
                    _ => TemplateContext::new(node, scoped, release, capabilities),
                }
            })
            .collect()
    }

    fn render_one(
        &self,
        unit: &Unit,
        context: &TemplateContext,
        budget: &AtomicUsize,
    ) -> Result<String, Failure> {
        let _named = crate::memory::rendering(&unit.file);
        let seen = context.for_template(&unit.source);
        let to_error = |e: minijinja::Error| {
            RenderError::from_minijinja(&e, &|n| self.file_of(n), Some(&seen))
        };
        let template = self.env.get_template(&unit.name).map_err(|e| Failure {
            error: to_error(e),
            written: 0,
        })?;
        let mut output = CappedOutput {
            text: Vec::new(),
            reserved: 0,
            budget,
        };
        if let Err(e) = template.render_captured_to(seen.clone(), &mut output) {
            let error = match e.kind() {
                // Raised by the capped output, outside any template's place.
                minijinja::ErrorKind::WriteFailure => RenderError::too_large(unit.file.clone()),
                _ => to_error(e),
            };
            return Err(Failure {
                error,
                written: output.text.len(),
            });
        }
        Ok(String::from_utf8(output.finish()).expect("templates write text"))
    }
}

/// How an import names a partial: a plain name is a file of the importing
/// chart's own `templates/`; `@NAME/FILE` is a file of the chart called
/// NAME nearest the importer: one of its own subcharts, else one of its
/// parent's (a sibling), and so on up to the root's, else the root itself.
/// So a library chart's macros are `{% from "@common/_labels.tpl" import
/// labels %}` from the parent and from every sibling, and two charts'
/// partials of one file name never shadow each other.
fn import_resolver(
    composed: &Composed,
    units: &[Unit],
) -> impl for<'s> Fn(&'s str, &'s str) -> std::borrow::Cow<'s, str> + Send + Sync + 'static {
    let nodes = composed.walk();
    let keys: Vec<Vec<String>> = nodes
        .iter()
        .map(|(_, keys)| keys.iter().map(|k| k.to_string()).collect())
        .collect();
    let prefixes: Vec<String> = nodes
        .iter()
        .map(|(node, _)| env_prefix(composed, node))
        .collect();
    let node_of: std::collections::HashMap<String, usize> =
        units.iter().map(|u| (u.name.clone(), u.node)).collect();
    let by_keys: std::collections::HashMap<Vec<String>, usize> = keys
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect();
    let root_name = composed.name.clone();
    move |name, parent| {
        let importer = node_of.get(parent).copied().unwrap_or(0);
        let Some(reference) = name.strip_prefix('@') else {
            return match prefixes[importer].as_str() {
                "" => name.into(),
                prefix => format!("{prefix}{name}").into(),
            };
        };
        let Some((chart, file)) = reference.split_once('/') else {
            return name.into();
        };
        let own = &keys[importer];
        let target = (0..=own.len()).rev().find_map(|depth| {
            let mut wanted = own[..depth].to_vec();
            wanted.push(chart.to_string());
            by_keys.get(&wanted).copied()
        });
        match target.or((chart == root_name).then_some(0)) {
            Some(node) => format!("{}{file}", prefixes[node]).into(),
            None => name.into(),
        }
    }
}

/// A chart's templates in the environment: nothing for the root,
/// `charts/A/charts/B/templates/` for a subchart.
fn env_prefix(root: &Composed, node: &Composed) -> String {
    match node.path.strip_prefix(root.path.as_str()) {
        Some(rest) if !rest.is_empty() => format!("{}/templates/", rest.trim_start_matches('/')),
        _ => String::new(),
    }
}

/// Every template of every chart of the tree, sorted by `# Source:` path
/// (the order Helm renders and sorts them in).
fn units_of(composed: &Composed) -> Vec<Unit> {
    let mut units = Vec::new();
    for (node, (chart_node, _)) in composed.walk().into_iter().enumerate() {
        let chart = chart_node.chart;
        let is_root = node == 0;
        let is_library = chart.metadata.chart_type == ChartType::Library;
        let prefix = env_prefix(composed, chart_node);
        for (index, template) in chart.templates.iter().enumerate() {
            let is_notes = is_root && template.name == "NOTES.txt";
            units.push(Unit {
                name: format!("{prefix}{}", template.name),
                source: format!("{}/templates/{}", chart_node.path, template.name),
                file: chart.template_file_path(&template.name),
                node,
                template: index,
                renders: !template.is_partial()
                    && !is_library
                    && (is_notes || !crate::chart::is_notes_name(&template.name)),
                is_notes,
                size: template.source.len(),
            });
        }
    }
    units.sort_by(|a, b| a.source.cmp(&b.source));
    units
}

fn file_in(files: &[(String, String)], name: &str) -> String {
    files
        .iter()
        .find(|(n, _)| n == name)
        .map_or_else(|| name.to_string(), |(_, f)| f.clone())
}

/// What one render job gives back.
enum Output<T> {
    Notes(String),
    Template(T),
}

/// A template that failed, and how much it had written by then.
struct Failure {
    error: RenderError,
    written: usize,
}

/// The most text one render may produce, all templates together: far
/// above any real chart (5,000 apps of the fleet chart are 11 MB), low
/// enough that a runaway template ends in an error, not out of memory.
pub const MAX_OUTPUT_BYTES: usize = 256 * 1024 * 1024;

/// A template's output, drawing on the render's shared budget of
/// [`MAX_OUTPUT_BYTES`] (minijinja reports a refusal as a write failure).
/// It reserves in growing chunks, so the shared counter is touched rarely,
/// and gives back what it did not use when the template is done.
struct CappedOutput<'b> {
    text: Vec<u8>,
    /// Bytes taken from the budget so far, at least `text.len()`.
    reserved: usize,
    budget: &'b AtomicUsize,
}

impl CappedOutput<'_> {
    fn finish(self) -> Vec<u8> {
        self.budget
            .fetch_sub(self.reserved - self.text.len(), Ordering::Relaxed);
        self.text
    }
}

impl std::io::Write for CappedOutput<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let needed = self.text.len() + bytes.len();
        if needed > self.reserved {
            let exact = needed - self.reserved;
            // Growing with the text, so a large one reserves rarely; at most
            // 1 MiB ahead, so reservations of templates still rendering
            // hold back little of the budget.
            let chunk = (self.text.len() / 8).clamp(4096, 1 << 20).max(exact);
            let before = self.budget.fetch_add(chunk, Ordering::Relaxed);
            if before + chunk <= MAX_OUTPUT_BYTES {
                self.reserved += chunk;
            } else {
                // Near the limit: take only what this write needs.
                self.budget.fetch_sub(chunk - exact, Ordering::Relaxed);
                self.reserved += exact;
                if before + exact > MAX_OUTPUT_BYTES {
                    return Err(std::io::Error::other("the output limit is reached"));
                }
            }
        }
        self.text.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
