//! The objects templates see: `values`, `release`, `chart`, `capabilities`,
//! `files` and `template`. They are plain data in their own files;
//! [`TemplateContext`] turns them into minijinja values once per render.

mod capabilities;
mod files;
mod kube_version;
mod release_info;

pub use capabilities::{Capabilities, DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION};
pub use files::FilesObject;
pub use kube_version::KubeVersion;
pub use release_info::ReleaseInfo;

use crate::chart::compose::Composed;
use crate::values::Values;
use minijinja::value::{Serde, Value};
use std::sync::Arc;

/// Everything a template sees but `template` itself, converted once per render
/// and shared by every template (minijinja values are reference-counted).
#[derive(Debug, Clone)]
pub struct TemplateContext {
    values: Value,
    /// With `kinja values --unused`: the values as objects that note reads.
    tracked: Option<Tracking>,
    release: Value,
    chart: Value,
    capabilities: Value,
    files: Value,
    /// `CHART/templates`.
    base_path: String,
}

/// The root's values and where this chart's part is in them, for values
/// that note which paths the templates read.
#[derive(Debug, Clone)]
pub struct Tracking {
    pub root: Arc<serde_json::Value>,
    pub path: Vec<crate::yaml::PathStep>,
    pub reads: Arc<crate::render::reads::Reads>,
}

impl TemplateContext {
    /// [`TemplateContext::new`], with values that note what templates read.
    pub fn tracked(
        node: &Composed,
        values: &Values,
        release: &ReleaseInfo,
        capabilities: &Capabilities,
        tracking: Tracking,
    ) -> Self {
        TemplateContext {
            tracked: Some(tracking),
            ..TemplateContext::new(node, values, release, capabilities)
        }
    }

    /// The context of one chart of a composed tree: `values` are its own
    /// (a subchart's part of the root's), `chart.name` is the name it goes by.
    pub fn new(
        node: &Composed,
        values: &Values,
        release: &ReleaseInfo,
        capabilities: &Capabilities,
    ) -> Self {
        let chart = node.chart;
        let mut fields = chart_fields(&chart.metadata.fields);
        fields.insert("name".into(), serde_json::Value::String(node.name.clone()));
        TemplateContext {
            values: Value::from(Serde(values)),
            tracked: None,
            release: Value::from(Serde(release)),
            chart: Value::from(Serde(&fields)),
            capabilities: minijinja::context! {
                kube_version => Value::from_object(capabilities.kube_version.clone()),
                api_versions => Value::from(Serde(&capabilities.api_versions)),
            },
            files: Value::from_object(FilesObject(Arc::new(chart.files.clone()))),
            base_path: format!("{}/templates", node.path),
        }
    }

    /// The context for one template; `source` is its path in output
    /// (`CHART/templates/NAME`, from [`Chart::source_path`]).
    pub fn for_template(&self, source: &str) -> Value {
        let values = match &self.tracked {
            Some(t) => Value::from_object(crate::render::reads::Tracked {
                root: t.root.clone(),
                path: t.path.clone(),
                reads: t.reads.clone(),
                template: Arc::from(source),
            }),
            None => self.values.clone(),
        };
        minijinja::context! {
            values => values,
            release => self.release.clone(),
            chart => self.chart.clone(),
            capabilities => self.capabilities.clone(),
            files => self.files.clone(),
            template => minijinja::context! {
                name => source,
                base_path => self.base_path.clone(),
            },
        }
    }
}

/// Every field Helm defines for `Chart.yaml`, with Helm's empty value
/// where the chart leaves it out (`chart.appVersion` is `""`, as
/// `.Chart.AppVersion`): only `values` are strict. Fields as written come
/// first, in their order; unknown ones stay.
fn chart_fields(
    written: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::{Value as Json, json};
    let mut fields = written.clone();
    for (name, empty) in [
        ("apiVersion", json!("")),
        ("name", json!("")),
        ("version", json!("")),
        ("kubeVersion", json!("")),
        ("description", json!("")),
        ("type", json!("")),
        ("keywords", json!([])),
        ("home", json!("")),
        ("sources", json!([])),
        ("dependencies", json!([])),
        ("maintainers", json!([])),
        ("icon", json!("")),
        ("appVersion", json!("")),
        ("deprecated", json!(false)),
        ("annotations", json!({})),
        ("condition", json!("")),
        ("tags", json!("")),
    ] {
        match fields.get(name) {
            None | Some(Json::Null) => {
                fields.insert(name.to_string(), empty);
            }
            Some(_) => {}
        }
    }
    fields
}

/// The names of the context objects, in the order `tpl` rebuilds them.
pub const CONTEXT_NAMES: &[&str] = &[
    "values",
    "release",
    "chart",
    "capabilities",
    "files",
    "template",
];
