//! Reading YAML straight into JSON values, the way Helm's YAML-to-JSON
//! reader (sigs.k8s.io/yaml, YAML 1.1) sees them: keys become strings, a
//! repeated key keeps its last value (Helm's reader does not refuse it),
//! merge keys (`<<: *base`) are applied in document order as Helm's reader
//! applies them, tags are dropped, and plain scalars resolve as YAML 1.1
//! resolves them (see [`super::yaml11`]). Built in one pass, without an
//! intermediate YAML tree.

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};
use std::fmt;

/// Reads one YAML node of `source` as a JSON value. The parser hands plain
/// scalars and quoted ones to the visitor alike; the source text tells them
/// apart, since a quoted scalar's text follows its opening quote.
#[derive(Clone, Copy)]
pub struct Tree<'s> {
    pub source: &'s str,
    /// Resolve plain scalars as YAML 1.1 (Helm's reader); false: YAML 1.2's
    /// core schema, where `on` and `0755` stay text (Go's yaml.v3).
    pub yaml_1_1: bool,
}

impl<'de> DeserializeSeed<'de> for Tree<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Tree<'_> {
    /// Whether `text`, a slice the parser borrowed from the source, was
    /// written as a plain scalar without a tag. A borrowed quoted scalar
    /// ends right before its closing quote, which a plain one never does (a
    /// quote there would be part of it); a tag (`!!str 7` is text) stands
    /// before the scalar on its line, perhaps beside an anchor.
    fn is_plain_untagged(&self, text: &str) -> bool {
        let start = self.source.as_ptr() as usize;
        let at = text.as_ptr() as usize;
        if at < start || at + text.len() > start + self.source.len() {
            return false;
        }
        let bytes = self.source.as_bytes();
        let offset = at - start;
        if matches!(bytes.get(offset + text.len()), Some(b'"' | b'\'')) {
            return false;
        }
        let mut rest = &bytes[..offset];
        for _ in 0..2 {
            let trimmed = rest.len()
                - rest
                    .iter()
                    .rev()
                    .take_while(|b| matches!(b, b' ' | b'\t'))
                    .count();
            rest = &rest[..trimmed];
            let token_start = rest
                .iter()
                .rposition(|b| b.is_ascii_whitespace())
                .map_or(0, |i| i + 1);
            match rest.get(token_start) {
                Some(b'!') => return false,
                Some(b'&') => rest = &rest[..token_start],
                _ => break,
            }
        }
        true
    }
}

impl<'de> Visitor<'de> for Tree<'_> {
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

    /// Only a scalar the parser could borrow whole is possibly plain: one
    /// spanning lines or holding escapes is copied, and never a YAML 1.1
    /// boolean or number.
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Value, E> {
        match super::yaml11::resolve(s).filter(|_| self.yaml_1_1) {
            Some(value) if self.is_plain_untagged(s) => Ok(value),
            _ => Ok(Value::String(s.to_string())),
        }
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
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key_seed(self)? {
            let value = access.next_value_seed(self)?;
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
        variant.newtype_variant_seed(self)
    }
}

/// Helm turns YAML into JSON, where every key is a string: `1: x` has key "1".
pub(super) fn key_text(key: Value) -> Result<String, String> {
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
pub(super) fn apply_merge(into: &mut Map<String, Value>, source: Value) -> Result<(), String> {
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
