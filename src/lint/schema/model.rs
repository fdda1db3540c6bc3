//! Object schemas, compiled from the JSON Schema subset Kubernetes writes
//! (its OpenAPI definitions and CRDs' `openAPIV3Schema`), and a value
//! checked against one: wrong types, missing required fields, unknown
//! fields, values outside an enum.
//!
//! Only what decides whether the API server takes an object is read; the
//! validation-only keywords a CRD may add (`pattern`, `minimum`, `oneOf`,
//! CEL rules...) are left to the server rather than half-implemented.

use indexmap::IndexMap;
use serde_json::Value;

pub type NodeId = usize;

/// The JSON types a node accepts, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Types(u8);

impl Types {
    pub const OBJECT: Types = Types(1);
    pub const ARRAY: Types = Types(2);
    pub const STRING: Types = Types(4);
    pub const INTEGER: Types = Types(8);
    pub const NUMBER: Types = Types(16);
    pub const BOOLEAN: Types = Types(32);
    pub const ANY: Types = Types(63);

    fn named(name: &str) -> Types {
        match name {
            "object" => Types::OBJECT,
            "array" => Types::ARRAY,
            "string" => Types::STRING,
            "integer" => Types::INTEGER,
            // A number takes an integer too, as in JSON Schema.
            "number" => Types(Types::NUMBER.0 | Types::INTEGER.0),
            "boolean" => Types::BOOLEAN,
            _ => Types::ANY,
        }
    }

    fn with(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    fn has(self, other: Types) -> bool {
        self.0 & other.0 == other.0
    }

    /// `a string`, `an integer or a string`.
    pub fn described(self) -> String {
        if self.0 == 0 {
            return "null".to_string();
        }
        let names: Vec<&str> = [
            (Types::OBJECT, "a map"),
            (Types::ARRAY, "a list"),
            (Types::STRING, "a string"),
            (Types::INTEGER, "an integer"),
            (Types::NUMBER, "a number"),
            (Types::BOOLEAN, "a boolean"),
        ]
        .into_iter()
        .filter(|(t, _)| self.has(*t))
        .filter(|(t, _)| !(*t == Types::INTEGER && self.has(Types::NUMBER)))
        .map(|(_, name)| name)
        .collect();
        names.join(" or ")
    }
}

/// The type of a value, and the value as a message quotes it (scalars only).
fn type_of(value: &Value) -> (Types, Option<String>) {
    let types = match value {
        Value::Null => Types(0),
        Value::Bool(_) => Types::BOOLEAN,
        Value::Number(n) if n.is_i64() || n.is_u64() => Types::INTEGER,
        // 2.0 is an integer to JSON Schema and to the API server's decoder.
        Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => Types::INTEGER,
        Value::Number(_) => Types::NUMBER,
        Value::String(_) => Types::STRING,
        Value::Array(_) => return (Types::ARRAY, None),
        Value::Object(_) => return (Types::OBJECT, None),
    };
    (types, (!value.is_null()).then(|| shown_value(value)))
}

#[derive(Debug, Clone)]
pub enum Node {
    /// Another node (a definition), by id.
    Ref(NodeId),
    Schema(Box<Schema>),
}

#[derive(Debug, Clone)]
pub struct Schema {
    pub types: Types,
    pub nullable: bool,
    /// A map's known fields; `None` when the node lists none.
    pub properties: Option<IndexMap<String, NodeId>>,
    pub required: Vec<String>,
    pub additional: Additional,
    pub items: Option<NodeId>,
    pub allowed: Vec<Value>,
}

/// What a map takes beyond its listed fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Additional {
    /// Anything (no fields listed, or the schema keeps unknown fields).
    Anything,
    /// Nothing: a field not listed is unknown.
    Nothing,
    /// Values of this schema (a map like `labels`).
    Values(NodeId),
}

/// Nodes, each addressed by id; definitions come first, in the order given.
#[derive(Debug, Clone, Default)]
pub struct Arena {
    nodes: Vec<Node>,
    /// The name each definition (or CRD schema) is shown by in messages: `PodSpec`.
    shown: std::collections::HashMap<NodeId, String>,
}

/// How a schema's text is read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dialect {
    /// The OpenAPI definitions: `"type": ["string", "null"]` is a nullable
    /// string; `$ref` names a definition.
    Definitions,
    /// A CRD's `openAPIV3Schema`: the API server drops a null before it
    /// validates, and listed fields are all a map takes unless it says
    /// `x-kubernetes-preserve-unknown-fields`.
    Crd,
}

impl Arena {
    /// Compiles named definitions; references between them resolve by
    /// name. A definition's id is its place in `definitions` (`ids`).
    pub fn of_definitions(
        definitions: &IndexMap<String, Value>,
        ids: &std::collections::HashMap<&str, NodeId>,
    ) -> Arena {
        let mut arena = Arena::default();
        for (i, name) in definitions.keys().enumerate() {
            arena.nodes.push(Node::Ref(usize::MAX));
            let shown = name.rsplit('.').next().unwrap_or(name);
            arena.shown.insert(i, shown.to_string());
        }
        for (i, node) in definitions.values().enumerate() {
            arena.nodes[i] = arena.node(node, Dialect::Definitions, &|name| ids.get(name).copied());
        }
        arena
    }

    /// Compiles one schema (a CRD version's), shown as `shown`; its id.
    pub fn add(&mut self, schema: &Value, shown: &str) -> NodeId {
        let id = self.nodes.len();
        self.nodes.push(Node::Ref(usize::MAX));
        self.shown.insert(id, shown.to_string());
        self.nodes[id] = self.node(schema, Dialect::Crd, &|_| None);
        id
    }

    pub fn shown(&self, id: NodeId) -> Option<&str> {
        self.shown.get(&id).map(String::as_str)
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn child(
        &mut self,
        value: &Value,
        dialect: Dialect,
        resolve: &dyn Fn(&str) -> Option<NodeId>,
    ) -> NodeId {
        let node = self.node(value, dialect, resolve);
        self.push(node)
    }

    fn node(
        &mut self,
        value: &Value,
        dialect: Dialect,
        resolve: &dyn Fn(&str) -> Option<NodeId>,
    ) -> Node {
        if let Some(reference) = value.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or(reference);
            if let Some(id) = resolve(name) {
                return Node::Ref(id);
            }
        }
        let flag = |key: &str| value.get(key).and_then(Value::as_bool).unwrap_or(false);
        let (mut types, mut nullable) = match value.get("type") {
            Some(Value::String(name)) => (Types::named(name), false),
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).fold(
                (Types(0), false),
                |(types, nullable), name| match name {
                    "null" => (types, true),
                    _ => (types.with(Types::named(name)), nullable),
                },
            ),
            _ => (Types::ANY, true),
        };
        if flag("x-kubernetes-int-or-string") {
            types = Types::STRING.with(Types::INTEGER);
            nullable = true;
        }
        if flag("x-kinja-quantity") {
            types = Types::STRING.with(Types::NUMBER).with(Types::INTEGER);
            nullable = true;
        }
        if dialect == Dialect::Crd {
            nullable = true;
        }
        let properties = value.get("properties").and_then(Value::as_object).map(|p| {
            p.iter()
                .map(|(k, v)| (k.clone(), self.child(v, dialect, resolve)))
                .collect::<IndexMap<_, _>>()
        });
        // An embedded object has apiVersion, kind and metadata beyond the
        // fields it lists: it is left open rather than half-checked.
        let keeps_unknown =
            flag("x-kubernetes-preserve-unknown-fields") || flag("x-kubernetes-embedded-resource");
        let additional = match value.get("additionalProperties") {
            _ if keeps_unknown => Additional::Anything,
            Some(Value::Bool(false)) => Additional::Nothing,
            Some(schema @ Value::Object(_)) => {
                Additional::Values(self.child(schema, dialect, resolve))
            }
            // A CRD's listed fields are all a map takes (the server
            // prunes the rest, or refuses them under strict field
            // validation, kubectl's default).
            None if dialect == Dialect::Crd && properties.is_some() => Additional::Nothing,
            _ => Additional::Anything,
        };
        let items = value
            .get("items")
            .filter(|items| items.is_object())
            .map(|items| self.child(items, dialect, resolve));
        let required = value
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let allowed = value
            .get("enum")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        Node::Schema(Box::new(Schema {
            types,
            nullable,
            properties,
            required,
            additional,
            items,
            allowed,
        }))
    }

    /// The schema a node stands for, its references followed, and the
    /// name of the definition it is (when it is one).
    fn resolve(&self, mut id: NodeId) -> (&Schema, Option<&str>) {
        loop {
            match &self.nodes[id] {
                Node::Ref(next) => id = *next,
                Node::Schema(schema) => return (schema, self.shown(id)),
            }
        }
    }

    /// Checks `value` against node `id`; `path` is where `value` sits and
    /// `owner` the definition around it (`DeploymentSpec`), for messages.
    pub fn check<'v>(
        &self,
        id: NodeId,
        value: &'v Value,
        owner: &str,
        path: &mut Vec<Step<'v>>,
        out: &mut Vec<Violation>,
    ) {
        let (schema, shown) = self.resolve(id);
        // A definition names itself in messages; a node inside one (a CRD's
        // nested fields) is named by its path and the definition around it.
        let at_definition = shown.is_some();
        let owner = shown.unwrap_or(owner);
        let (found, value_shown) = type_of(value);
        let fits = if value.is_null() {
            schema.nullable
        } else {
            schema.types.has(found)
        };
        if !fits {
            out.push(Violation::Type {
                path: render_path(path),
                expected: schema.types,
                found,
                value: value_shown,
            });
        }
        if !fits || value.is_null() {
            return;
        }
        if !schema.allowed.is_empty() && !schema.allowed.contains(value) {
            out.push(Violation::NotAllowed {
                path: render_path(path),
                value: shown_value(value),
                allowed: schema.allowed.iter().map(shown_value).collect(),
            });
        }
        match value {
            Value::Object(map) => {
                let of = |at: &[Step]| Owner {
                    name: owner.to_string(),
                    inside: (!at_definition).then(|| render_path(at)),
                };
                for field in &schema.required {
                    if !map.contains_key(field) {
                        out.push(Violation::Missing {
                            path: render_path(path),
                            field: field.clone(),
                            of: of(path),
                        });
                    }
                }
                for (key, child) in map {
                    path.push(Step::Key(key));
                    match schema.properties.as_ref().and_then(|p| p.get(key)) {
                        Some(&field) => self.check(field, child, owner, path, out),
                        None => match schema.additional {
                            Additional::Values(values) => {
                                self.check(values, child, owner, path, out)
                            }
                            Additional::Anything => {}
                            Additional::Nothing => out.push(Violation::Unknown {
                                path: render_path(path),
                                field: key.clone(),
                                of: of(&path[..path.len() - 1]),
                                parent_keys: keys_of(&path[..path.len() - 1]),
                                known: schema
                                    .properties
                                    .as_ref()
                                    .map(|p| p.keys().cloned().collect())
                                    .unwrap_or_default(),
                            }),
                        },
                    }
                    path.pop();
                }
            }
            Value::Array(items) => {
                if let Some(item) = schema.items {
                    for (i, child) in items.iter().enumerate() {
                        path.push(Step::Index(i));
                        self.check(item, child, owner, path, out);
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }
}

/// One step of a path inside an object.
#[derive(Debug, Clone, Copy)]
pub enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

/// `spec.template.spec.containers[0].name`.
pub fn render_path(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            // A key holding a dot or a bracket (`app.kubernetes.io/name`) in brackets.
            Step::Key(key) if key.contains(['.', '[', ']', '"']) => {
                out.push_str(&format!("[{key:?}]"));
            }
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// The keys of a path, its list indexes left out: `spec.template.spec`
/// (as `kubectl explain` takes it).
fn keys_of(steps: &[Step]) -> Vec<String> {
    steps
        .iter()
        .filter_map(|step| match step {
            Step::Key(key) => Some(key.to_string()),
            Step::Index(_) => None,
        })
        .collect()
}

/// A value as a message quotes it: short, on one line.
fn shown_value(value: &Value) -> String {
    let text = match value {
        Value::Object(_) => return "a map".to_string(),
        Value::Array(_) => return "a list".to_string(),
        other => other.to_string(),
    };
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text,
    }
}

/// The definition a violation is in: `PodSpec`; for a node inside one
/// (a CRD's nested field), its path too.
#[derive(Debug, Clone, PartialEq)]
pub struct Owner {
    pub name: String,
    pub inside: Option<String>,
}

/// What a value gets wrong against its schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    Type {
        path: String,
        expected: Types,
        found: Types,
        /// The value, when it is a scalar.
        value: Option<String>,
    },
    Missing {
        path: String,
        field: String,
        of: Owner,
    },
    Unknown {
        path: String,
        field: String,
        of: Owner,
        /// The keys of the map's path, for `kubectl explain`.
        parent_keys: Vec<String>,
        known: Vec<String>,
    },
    NotAllowed {
        path: String,
        value: String,
        allowed: Vec<String>,
    },
}
