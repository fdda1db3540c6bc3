//! Reading YAML straight into JSON values, the way Helm's YAML-to-JSON
//! reader sees them: keys become strings, a repeated key keeps its last value
//! (Helm's reader does not refuse it), merge keys (`<<: *base`) are applied
//! in document order as Helm's reader applies them, and tags are dropped.
//! Built in one pass, without an intermediate YAML tree.

use serde::Deserialize;
use serde::de::{self, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// One YAML node as a JSON value.
pub struct Tree(pub Value);

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tree, D::Error> {
        deserializer.deserialize_any(TreeVisitor).map(Tree)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Number(i.into()))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(Value::Number(u.into()))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        Number::from_f64(f).map(Value::Number).ok_or_else(|| {
            E::custom(format!(
                "the number {f} is not supported in values (JSON has no infinity or NaN)"
            ))
        })
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Tree::deserialize(d).map(|t| t.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Tree(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(Tree(key)) = access.next_key()? {
            let Tree(value) = access.next_value()?;
            let key = key_text(key).map_err(de::Error::custom)?;
            if key == "<<" {
                apply_merge(&mut map, value).map_err(de::Error::custom)?;
            } else {
                map.insert(key, value);
            }
        }
        Ok(Value::Object(map))
    }

    /// A tagged node (`!custom value`): the tag is dropped, as Helm's reader does.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, variant): (de::IgnoredAny, _) = data.variant()?;
        variant.newtype_variant::<Tree>().map(|t| t.0)
    }
}

/// Helm turns YAML into JSON, where every key is a string: `1: x` has key "1".
fn key_text(key: Value) -> Result<String, String> {
    match key {
        Value::String(s) => Ok(s),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Null => Ok("null".to_string()),
        Value::Array(_) | Value::Object(_) => {
            Err("a mapping key must be a scalar, not a list or a mapping".to_string())
        }
    }
}

/// Applies a merge key where it stands, as Helm's YAML reader does: its
/// keys override what came before and are overridden by what comes after;
/// in a list of sources, earlier ones win.
fn apply_merge(into: &mut Map<String, Value>, source: Value) -> Result<(), String> {
    let refused = |found: &Value| {
        format!(
            "a merge key (<<) takes a mapping or a list of mappings, found {}",
            super::json_type_name(found)
        )
    };
    let sources = match source {
        Value::Object(map) => vec![map],
        Value::Array(items) => items
            .into_iter()
            .rev()
            .map(|item| match item {
                Value::Object(map) => Ok(map),
                other => Err(refused(&other)),
            })
            .collect::<Result<_, _>>()?,
        other => return Err(refused(&other)),
    };
    for map in sources {
        into.extend(map);
    }
    Ok(())
}
