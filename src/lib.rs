//! kinja: Helm's chart model with Jinja templates.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! chart::Chart::load ─► values (user input, coalesce, schema) ─► render::Renderer
//!     ─► manifest::Manifest (split, check, install order) ─► output (stdout or --output-dir)
//! ```
//!
//! [`pipeline::render_chart`] runs the whole pipeline with plain data in and out;
//! the CLI in [`cli`] is a thin shell over it.

pub mod chart;
pub mod cli;
pub mod dependency;
pub mod diff;
pub mod error;
pub mod input;
pub mod lint;
pub mod manifest;
pub mod memory;
pub mod names;
pub mod output;
pub mod parallel;
pub mod pipeline;
pub mod release;
pub mod render;
pub mod store;
pub mod table;
pub mod unittest;
pub mod values;
pub mod version;
pub mod yaml;

#[cfg(test)]
mod fuzz;

pub use error::Error;
