//! Deserializing helpers for generated types.
//!
//! JSON Schema counts `3.0` as an integer, and so does a validator; serde's integer types do not.
//! Generated integer fields read through [`integer`] so that a typed decode accepts exactly what
//! a validator accepts: any JSON number with no fractional part that fits the field's type.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, Error, Unexpected, Visitor};

/// Reads an integer of type `T` from any JSON number with no fractional part that fits `T`.
pub fn integer<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + TryFrom<i64>,
{
    deserializer.deserialize_any(IntegerVisitor(PhantomData))
}

/// Reads an optional member that is present: the member's value, never `null` (JSON Schema
/// gives an absent member and a `null` one different verdicts, so the types do too). Pair it with
/// `#[serde(default)]`, which makes an absent member `None`.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Like [`present`], for an integer member read as [`integer`] reads it.
pub fn present_integer<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + TryFrom<i64>,
{
    integer(deserializer).map(Some)
}

/// How serde's errors should name what was found.
pub fn unexpected(value: &serde_json::Value) -> Unexpected<'_> {
    use serde_json::Value;
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (_, Some(i), _) => Unexpected::Signed(i),
            (_, _, Some(f)) => Unexpected::Float(f),
            _ => Unexpected::Other("a number"),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

struct IntegerVisitor<T>(PhantomData<T>);

impl<T> IntegerVisitor<T> {
    fn expecting_text() -> String {
        let name = std::any::type_name::<T>();
        format!("an integer that fits {name}")
    }
}

impl<T: TryFrom<u64> + TryFrom<i64>> Visitor<'_> for IntegerVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Self::expecting_text())
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<T, E> {
        let invalid = || E::invalid_value(Unexpected::Float(v), &self);
        if v.fract() != 0.0 || !v.is_finite() {
            return Err(invalid());
        }
        // Both conversions are exact where they succeed: |v| < 2^64 and v has no fraction.
        if (0.0..18_446_744_073_709_551_616.0).contains(&v) {
            T::try_from(v as u64).map_err(|_| invalid())
        } else if (-9_223_372_036_854_775_808.0..0.0).contains(&v) {
            T::try_from(v as i64).map_err(|_| invalid())
        } else {
            Err(invalid())
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Fields {
        #[serde(deserialize_with = "super::integer")]
        small: u32,
        #[serde(default, deserialize_with = "super::present_integer")]
        maybe: Option<i32>,
        #[serde(default, deserialize_with = "super::present")]
        text: Option<String>,
    }

    fn check(input: serde_json::Value, expected: Result<(u32, Option<i32>), &str>) {
        let got = Fields::deserialize(&input)
            .map(|f| (f.small, f.maybe))
            .map_err(|e| e.to_string());
        match (got, expected) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{input}"),
            (Err(got), Err(want)) => assert!(got.contains(want), "{input}: {got}"),
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn integers_as_json_schema_counts_them() {
        check(json!({"small": 3}), Ok((3, None)));
        check(json!({"small": 3.0}), Ok((3, None)));
        check(
            json!({"small": 4294967295u64, "maybe": -2147483648i64}),
            Ok((u32::MAX, Some(i32::MIN))),
        );
        check(json!({"small": -0.0}), Ok((0, None)));
        check(
            json!({"small": 3, "maybe": null}),
            Err("invalid type: null"),
        );
        check(json!({"small": 3, "text": null}), Err("invalid type: null"));
        check(json!({"small": 3, "text": "t"}), Ok((3, None)));
        check(json!({"small": 3, "maybe": -7.0}), Ok((3, Some(-7))));
        check(
            json!({"small": 3.5}),
            Err("expected an integer that fits u32"),
        );
        check(
            json!({"small": 4294967296u64}),
            Err("invalid value: integer `4294967296`"),
        );
        check(json!({"small": -1}), Err("invalid value: integer `-1`"));
        check(
            json!({"small": 1e300}),
            Err("invalid value: floating point"),
        );
        check(json!({"small": "3"}), Err("invalid type: string \"3\""));
        check(json!({"small": 1, "maybe": 2147483648u64}), Err("fits i32"));
    }
}
