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

mod context;
mod defaults;
mod error;
pub mod helm_compat;
mod helm_time;
mod helm_values;
mod line_ends;

pub use context::{
    Capabilities, DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION, KubeVersion, ReleaseInfo,
    TemplateContext,
};
pub use error::{RenderError, RenderErrorKind};

use crate::chart::Chart;
use crate::values::Values;
use minijinja::{Environment, UndefinedBehavior};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One template's output, before it is split into documents.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedTemplate {
    /// The path relative to `templates/`.
    pub name: String,
    /// Its path in output, `CHART/templates/NAME`, as printed in `# Source:`.
    pub source: String,
    pub text: String,
}

/// The output of every renderable template, in path order, and the notes.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub templates: Vec<RenderedTemplate>,
    /// `templates/NOTES.txt`, rendered, when the chart has one.
    pub notes: Option<String>,
}

/// A chart's templates compiled into a minijinja environment.
pub struct Renderer<'c> {
    chart: &'c Chart,
    env: Environment<'static>,
}

impl<'c> Renderer<'c> {
    /// Compiles every template of the chart; syntax errors are reported here.
    pub fn new(chart: &'c Chart) -> Result<Renderer<'c>, RenderError> {
        let mut env = Environment::new();
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("the default delimiters are valid"),
        );
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_fuel(Some(error::FUEL_PER_TEMPLATE));
        // Errors need the template source to name the undefined value and
        // show the line; minijinja keeps it only in debug builds unless asked.
        env.set_debug(true);
        env.set_formatter(helm_compat::format_value);
        defaults::register(&mut env);
        for template in &chart.templates {
            env.add_template_owned(
                template.name.clone(),
                line_ends::keep_line_ends(&template.source).into_owned(),
            )
            .map_err(|e| RenderError::from_minijinja(&e, &|n| chart.template_file_path(n), None))?;
        }
        Ok(Renderer { chart, env })
    }

    /// Renders every non-partial template; the first failure in path order is returned.
    pub fn render(
        &self,
        values: &Values,
        release: &ReleaseInfo,
        capabilities: &Capabilities,
    ) -> Result<Rendered, RenderError> {
        let context = TemplateContext::new(self.chart, values, release, capabilities);
        let jobs: Vec<&str> = self
            .chart
            .templates
            .iter()
            .filter(|t| !t.is_partial())
            .map(|t| t.name.as_str())
            .collect();
        let outputs = self.render_all(&jobs, &context);

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
        for (name, output) in jobs.iter().zip(outputs) {
            let text = output.map_err(|failure| failure.error)?;
            if *name == "NOTES.txt" {
                notes = Some(text);
            } else if !crate::chart::is_notes_name(name) {
                templates.push(RenderedTemplate {
                    name: name.to_string(),
                    source: self.chart.source_path(name),
                    text,
                });
            }
        }
        Ok(Rendered { templates, notes })
    }

    /// Renders templates on all cores, the largest first so the longest one starts early.
    fn render_all(&self, jobs: &[&str], context: &TemplateContext) -> Vec<Result<String, Failure>> {
        let size = |name: &&str| {
            self.chart
                .templates
                .iter()
                .find(|t| t.name == *name)
                .map_or(0, |t| t.source.len())
        };
        // One output budget for all templates, however many run at once.
        let budget = AtomicUsize::new(0);
        crate::parallel::map(jobs, size, |name| self.render_one(name, context, &budget))
    }

    fn render_one(
        &self,
        name: &str,
        context: &TemplateContext,
        budget: &AtomicUsize,
    ) -> Result<String, Failure> {
        let file = self.chart.template_file_path(name);
        let _named = crate::memory::rendering(&file);
        let seen = context.for_template(&self.chart.source_path(name));
        let to_error = |e: minijinja::Error| {
            RenderError::from_minijinja(&e, &|n| self.chart.template_file_path(n), Some(&seen))
        };
        let template = self.env.get_template(name).map_err(|e| Failure {
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
                minijinja::ErrorKind::WriteFailure => RenderError::too_large(file.clone()),
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
