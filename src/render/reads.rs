//! Which values the templates read (`kinja values --unused`): the values
//! are handed to the templates as objects that note every path looked up,
//! found or not. Only a render asked to track gets them; the plain render
//! hands plain values over.

use crate::yaml::PathStep;
use minijinja::value::{Enumerator, Object, ObjectRepr, Serde, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

type Path = Vec<PathStep>;

/// What a render's templates looked up, from the root chart's values.
#[derive(Debug, Default)]
pub struct Reads {
    found: Mutex<BTreeSet<Path>>,
    /// Keys looked up in a map that lacks them, with the templates that did.
    missing: Mutex<BTreeMap<Path, BTreeSet<String>>>,
}

impl Reads {
    /// Every path a template looked up and found.
    pub fn found(&self) -> BTreeSet<Path> {
        self.found.lock().expect("not poisoned").clone()
    }

    /// Every path a template looked up in a map that lacks it, with the
    /// templates (`CHART/templates/FILE`) that did.
    pub fn missing(&self) -> BTreeMap<Path, BTreeSet<String>> {
        self.missing.lock().expect("not poisoned").clone()
    }
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

    fn child(&self, step: PathStep) -> Value {
        let mut path = self.path.clone();
        path.push(step);
        let tracked = Tracked {
            root: self.root.clone(),
            path,
            reads: self.reads.clone(),
            template: self.template.clone(),
        };
        match tracked.node() {
            serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                Value::from_object(tracked)
            }
            scalar => Value::from(Serde(scalar)),
        }
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
        let step = match self.node() {
            serde_json::Value::Object(map) => {
                let name = key.as_str()?;
                if !map.contains_key(name) {
                    let mut path = self.path.clone();
                    path.push(PathStep::Key(name.to_string()));
                    let mut missing = self.reads.missing.lock().expect("not poisoned");
                    missing
                        .entry(path)
                        .or_default()
                        .insert(self.template.to_string());
                    return None;
                }
                PathStep::Key(name.to_string())
            }
            serde_json::Value::Array(items) => {
                let index = usize::try_from(key.as_i64()?).ok()?;
                if index >= items.len() {
                    return None;
                }
                PathStep::Index(index)
            }
            _ => return None,
        };
        let mut path = self.path.clone();
        path.push(step.clone());
        self.reads.found.lock().expect("not poisoned").insert(path);
        Some(self.child(step))
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
