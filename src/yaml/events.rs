//! Values read straight from the parser's events (saphyr-parser), with the
//! same meaning [`super::read::Tree`] gives them through serde_yaml: keys
//! become strings, a repeated key keeps its last value in its first place,
//! merge keys (`<<: *base`) apply where they stand, tags are dropped (a
//! tagged scalar stays text, `!!str` included), and plain scalars resolve
//! as Helm's YAML 1.1 reader resolves them. One pass, no recursion (an
//! explicit stack: nesting cannot overflow it), and every node's position
//! is at hand for whoever needs it.

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Value};
use std::collections::HashMap;

use super::YamlError;
use super::read::{apply_merge, key_text};

/// A value being built: a list or a map still open.
enum Open {
    List {
        items: Vec<Value>,
        anchor: usize,
    },
    Map {
        map: Map<String, Value>,
        /// The key read, waiting for its value.
        key: Option<String>,
        anchor: usize,
    },
}

/// How deep lists and maps may nest: serde_yaml's limit, which values
/// files have always had (the code that merges and renders values recurses).
const MAX_DEPTH: usize = 128;

/// Aliases may repeat a big anchor many times ("billion laughs"): past this
/// many values copied from anchors, the file is refused.
const ALIAS_BUDGET: usize = 1_000_000;

/// One step of a path into values: a map's key or a list's index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

/// Where a node starts in its text: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The position of every node of a values text, by its path (a later
/// document's node replaces an earlier one's; keys a merge key brings in
/// are where the merge key's value is).
pub type Positions = HashMap<Vec<PathStep>, Position>;

/// Reads every document of `text`; `each` takes each document's value.
/// With `positions`, records where each node starts.
pub fn read_documents(
    text: &str,
    mut positions: Option<&mut Positions>,
    mut each: impl FnMut(Value) -> Result<(), YamlError>,
) -> Result<(), YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut copied = 0usize;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let marker = e.marker();
            YamlError {
                message: e.info().to_string(),
                line: Some(marker.line()),
                column: Some(marker.col() + 1),
            }
        })?;
        if let Some(positions) = positions.as_deref_mut()
            && matches!(
                event,
                Event::Scalar(..)
                    | Event::SequenceStart(..)
                    | Event::MappingStart(..)
                    | Event::Alias(_)
            )
            && let Some(path) = value_path(&stack)
        {
            let position = Position {
                line: span.start.line(),
                column: span.start.col() + 1,
            };
            positions.insert(path, position);
        }
        let (value, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                (scalar(&text, style, tag.as_deref(), span)?, anchor)
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if stack.len() >= MAX_DEPTH => {
                return Err(at(
                    span,
                    &format!("lists and maps are nested more than {MAX_DEPTH} levels deep"),
                ));
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Open::List {
                    items: Vec::new(),
                    anchor,
                });
                continue;
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Open::Map {
                    map: Map::new(),
                    key: None,
                    anchor,
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::List { items, anchor }) => (Value::Array(items), anchor),
                Some(Open::Map { map, anchor, .. }) => (Value::Object(map), anchor),
                None => continue,
            },
            Event::Alias(id) => {
                let value = anchors.get(&id).cloned().ok_or_else(|| {
                    at(
                        span,
                        "an alias names an anchor that is not defined before it",
                    )
                })?;
                copied += size(&value);
                if copied > ALIAS_BUDGET {
                    return Err(at(
                        span,
                        "aliases repeat too much data (over a million values); write the values out",
                    ));
                }
                (value, 0)
            }
            Event::DocumentStart(_) => continue,
            Event::DocumentEnd => {
                anchors.clear();
                continue;
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
        };
        if anchor != 0 {
            anchors.insert(anchor, value.clone());
        }
        // A merge key's value: the path of its `<<` entry, for the positions.
        let merge_path = match stack.last() {
            Some(Open::Map { key: Some(k), .. }) if k == "<<" && positions.is_some() => {
                steps_of(&stack)
            }
            _ => None,
        };
        match stack.last_mut() {
            None => each(value)?,
            Some(Open::List { items, .. }) => items.push(value),
            Some(Open::Map { map, key, .. }) => match key.take() {
                None => *key = Some(key_text(value).map_err(|m| at(span, &m))?),
                Some(k) if k == "<<" => {
                    if let (Some(positions), Some(mut path), Value::Object(merged)) =
                        (positions.as_deref_mut(), merge_path, &value)
                    {
                        // The keys a merge key brings are where its value is.
                        if let Some(&position) = positions.get(&path) {
                            path.pop();
                            for key in merged.keys() {
                                path.push(PathStep::Key(key.clone()));
                                positions.insert(path.clone(), position);
                                path.pop();
                            }
                        }
                    }
                    apply_merge(map, value).map_err(|m| at(span, &m))?
                }
                Some(k) => {
                    map.insert(k, value);
                }
            },
        }
    }
    Ok(())
}

/// The path of the node an event starts, or `None` when it starts a key
/// (or the document itself).
fn value_path(stack: &[Open]) -> Option<Vec<PathStep>> {
    steps_of(stack).filter(|path| !path.is_empty())
}

/// The path the open lists and maps lead to; `None` inside a key.
fn steps_of(stack: &[Open]) -> Option<Vec<PathStep>> {
    let mut path = Vec::with_capacity(stack.len());
    for open in stack {
        path.push(match open {
            Open::List { items, .. } => PathStep::Index(items.len()),
            Open::Map { key: Some(key), .. } => PathStep::Key(key.clone()),
            Open::Map { key: None, .. } => return None,
        });
    }
    Some(path)
}

fn at(span: Span, message: &str) -> YamlError {
    YamlError {
        message: message.to_string(),
        line: Some(span.start.line()),
        column: Some(span.start.col() + 1),
    }
}

/// How many values a value holds, itself included.
fn size(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(size).sum::<usize>(),
        _ => 1,
    }
}

/// A scalar's value: quoted and block scalars are text, and so is one
/// tagged `!!str`; a plain one is null, a boolean, a number or text as
/// YAML 1.1 reads it (any other tag is dropped).
fn scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    span: Span,
) -> Result<Value, YamlError> {
    let text_tag = tag.is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
    if style != ScalarStyle::Plain || text_tag {
        return Ok(Value::String(text.to_string()));
    }
    resolve_plain(text).ok_or_else(|| {
        at(
            span,
            &format!("the number {text} is not supported in values (JSON has no infinity or NaN)"),
        )
    })
}

/// A plain scalar as YAML 1.1 reads it: null, a boolean, a number or
/// text; `None` for infinity and NaN, which JSON cannot hold.
pub(super) fn resolve_plain(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return None;
    }
    Some(super::yaml11::resolve(text).unwrap_or_else(|| Value::String(text.to_string())))
}
