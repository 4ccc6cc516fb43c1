//! Schema documents as ordered JSON.
//!
//! serde_json's `Value` sorts object members unless its `preserve_order` feature is on, and that
//! feature would leak into every crate that shares the build. The generator wants the schema's own
//! order (fields appear in the order the doc lists them), so it reads schemas into this type.

use std::fmt;

use indexmap::IndexMap;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value whose objects keep their members in document order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(IndexMap<String, Json>),
}

impl Json {
    pub fn as_object(&self) -> Option<&IndexMap<String, Json>> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value's kind with a short rendering, for what an error found: `a string ("3")`,
    /// `a number (-1)`, `an array of 2 items`, `an object`.
    pub fn describe(&self) -> String {
        const LONGEST: usize = 40;
        let short = |text: String| {
            if text.chars().count() <= LONGEST {
                text
            } else {
                let cut: String = text.chars().take(LONGEST).collect();
                format!("{cut}…")
            }
        };
        match self {
            Json::Null => "null".into(),
            Json::Bool(b) => format!("`{b}`"),
            Json::Number(n) => format!("a number ({n})"),
            Json::String(_) => format!("a string ({})", short(self.to_text(false))),
            Json::Array(items) if items.len() == 1 => "an array of 1 item".into(),
            Json::Array(items) => format!("an array of {} items", items.len()),
            Json::Object(_) => "an object".into(),
        }
    }

    /// The value as serde_json has it, for constants emitted into generated code.
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.clone()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// Serializes in document order, compactly or with two-space indentation.
    pub fn to_text(&self, pretty: bool) -> String {
        let mut out = String::new();
        self.write_text(&mut out, pretty, 0);
        out
    }

    fn write_text(&self, out: &mut String, pretty: bool, depth: usize) {
        let newline = |out: &mut String, depth: usize| {
            if pretty {
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
            }
        };
        match self {
            Json::Array(items) if !items.is_empty() => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    item.write_text(out, pretty, depth + 1);
                }
                newline(out, depth);
                out.push(']');
            }
            Json::Object(members) if !members.is_empty() => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    out.push_str(&serde_json::Value::String(key.clone()).to_string());
                    out.push_str(if pretty { ": " } else { ":" });
                    value.write_text(out, pretty, depth + 1);
                }
                newline(out, depth);
                out.push('}');
            }
            other => out.push_str(&other.to_value().to_string()),
        }
    }

    /// The value at a JSON pointer (RFC 6901), if any.
    pub fn pointer(&self, pointer: &str) -> Option<&Json> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut target = self;
        for token in rest.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            target = match target {
                Json::Object(members) => members.get(&token)?,
                Json::Array(items) => {
                    // RFC 6901: no leading zeros, no sign.
                    if token.len() > 1 && token.starts_with('0') {
                        return None;
                    }
                    items.get(token.parse::<usize>().ok()?)?
                }
                _ => return None,
            };
        }
        Some(target)
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn pointer_push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Json, E> {
        serde_json::Number::from_f64(v)
            .map(Json::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = IndexMap::new();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            // Like serde_json: the last of duplicate keys wins, at the first key's position.
            members.insert(key, value);
        }
        Ok(Json::Object(members))
    }
}
