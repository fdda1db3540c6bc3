//! Which values the templates read (`kinja values --unused`): the values
//! are handed to the templates as objects that note every path looked up,
//! found or not. Only a render asked to track gets them; the plain render
//! hands plain values over.

use crate::yaml::PathStep;
use minijinja::value::{Enumerator, Object, ObjectRepr, Serde, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

type Path = Vec<PathStep>;

/// What a render's templates looked up, from the root chart's values.
#[derive(Debug, Default)]
pub struct Reads {
    /// The values the templates saw, shared by all of them.
    root: OnceLock<Arc<serde_json::Value>>,
    /// The nodes looked up and found, by address within `root` (cheaper
    /// to note, a lookup at a time, than their paths).
    found: Mutex<HashSet<usize>>,
    /// Keys looked up in a map that lacks them, with the templates that did.
    missing: Mutex<BTreeMap<Path, BTreeSet<String>>>,
}

impl Reads {
    /// The values the templates will see: set once, by the renderer.
    pub fn root(&self, values: &crate::values::Values) -> Arc<serde_json::Value> {
        self.root
            .get_or_init(|| Arc::new(serde_json::Value::Object(values.clone())))
            .clone()
    }

    /// Every path a template looked up and found.
    pub fn found(&self) -> BTreeSet<Path> {
        let found = self.found.lock().expect("not poisoned");
        let mut paths = BTreeSet::new();
        if let Some(root) = self.root.get() {
            let mut path = Vec::new();
            collect(root, &found, &mut path, &mut paths);
        }
        paths
    }

    /// Every path a template looked up in a map that lacks it, with the
    /// templates (`CHART/templates/FILE`) that did.
    pub fn missing(&self) -> BTreeMap<Path, BTreeSet<String>> {
        self.missing.lock().expect("not poisoned").clone()
    }
}

/// The paths of the nodes under `value` whose addresses are in `found`.
fn collect(
    value: &serde_json::Value,
    found: &HashSet<usize>,
    path: &mut Path,
    out: &mut BTreeSet<Path>,
) {
    let mut visit = |step: PathStep, child: &serde_json::Value, path: &mut Path| {
        path.push(step);
        if found.contains(&address(child)) {
            out.insert(path.clone());
        }
        collect(child, found, path, out);
        path.pop();
    };
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                visit(PathStep::Key(key.clone()), child, path);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                visit(PathStep::Index(i), child, path);
            }
        }
        _ => {}
    }
}

fn address(value: &serde_json::Value) -> usize {
    value as *const serde_json::Value as usize
}

/// The values of one chart of the tree as one template sees them.
#[derive(Debug)]
pub struct Tracked {
    /// The root chart's merged values.
    pub root: Arc<serde_json::Value>,
    /// Where this node is within the root's values.
    pub path: Path,
    pub reads: Arc<Reads>,
    /// The template looking (`CHART/templates/FILE`).
    pub template: Arc<str>,
}

impl Tracked {
    fn node(&self) -> &serde_json::Value {
        self.path
            .iter()
            .try_fold(&*self.root, |value, step| match step {
                PathStep::Key(key) => value.get(key),
                PathStep::Index(i) => value.get(*i),
            })
            .unwrap_or(&serde_json::Value::Null)
    }
}

impl Object for Tracked {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        match self.node() {
            serde_json::Value::Array(_) => ObjectRepr::Seq,
            _ => ObjectRepr::Map,
        }
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let (step, child) = match self.node() {
            serde_json::Value::Object(map) => {
                let name = key.as_str()?;
                let Some(child) = map.get(name) else {
                    let mut path = self.path.clone();
                    path.push(PathStep::Key(name.to_string()));
                    let mut missing = self.reads.missing.lock().expect("not poisoned");
                    missing
                        .entry(path)
                        .or_default()
                        .insert(self.template.to_string());
                    return None;
                };
                (PathStep::Key(name.to_string()), child)
            }
            serde_json::Value::Array(items) => {
                let index = usize::try_from(key.as_i64()?).ok()?;
                (PathStep::Index(index), items.get(index)?)
            }
            _ => return None,
        };
        self.reads
            .found
            .lock()
            .expect("not poisoned")
            .insert(address(child));
        Some(match child {
            serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                let mut path = self.path.clone();
                path.push(step);
                Value::from_object(Tracked {
                    root: self.root.clone(),
                    path,
                    reads: self.reads.clone(),
                    template: self.template.clone(),
                })
            }
            scalar => Value::from(Serde(scalar)),
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        match self.node() {
            serde_json::Value::Object(map) => {
                Enumerator::Values(map.keys().map(|k| Value::from(k.as_str())).collect())
            }
            serde_json::Value::Array(items) => Enumerator::Seq(items.len()),
            _ => Enumerator::Empty,
        }
    }
}
