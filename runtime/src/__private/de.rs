//! Deserializing helpers for generated types.
//!
//! JSON Schema counts `3.0` as an integer, and so does a validator; serde's integer types do not.
//! Generated integer fields read through [`integer`] so that a typed decode accepts exactly what
//! a validator accepts: any JSON number with no fractional part that fits the field's type.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, StringDeserializer};
use serde::de::{
    DeserializeSeed, Deserializer, Error, IntoDeserializer, MapAccess, Unexpected, Visitor,
};
use serde_json::Value;

mod tagged;
pub use tagged::{Tagged, deserialize_tagged};

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

/// Reads a member that may be `null`: `None` for `null`, otherwise the value. A required
/// member reads through this rather than serde's own `Option`, which would make an absent member
/// `None` too (JSON Schema tells a missing required member from a `null` one).
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer)
}

/// Like [`nullable`], for an integer read as [`integer`] reads it.
pub fn nullable_integer<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + TryFrom<i64>,
{
    deserializer.deserialize_option(NullableIntegerVisitor(PhantomData))
}

/// An optional member that may be `null`, present: `Some(None)` for `null`, so that an absent
/// member (`None`, from `#[serde(default)]`) and a `null` one stay apart.
pub fn present_nullable_integer<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + TryFrom<i64>,
{
    nullable_integer(deserializer).map(Some)
}

struct NullableIntegerVisitor<T>(PhantomData<T>);

impl<'de, T: TryFrom<u64> + TryFrom<i64>> Visitor<'de> for NullableIntegerVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} or null", IntegerVisitor::<T>::expecting_text())
    }

    fn visit_none<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        integer(deserializer).map(Some)
    }
}

/// How serde's errors should name what was found.
pub fn unexpected(value: &Value) -> Unexpected<'_> {
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

/// A type whose variant one member of its object selects (a schema's `if: {properties: {K:
/// {const: C}}}` with `then`), decoded in one pass by [`deserialize_discriminated`].
pub trait Discriminated: Sized {
    /// The member whose value selects the variant.
    const MEMBER: &'static str;
    /// What the type expects, for error messages.
    const EXPECTING: &'static str;

    /// Decodes the chosen variant from `members`, given the selecting member's value (`None`
    /// when the object has no such member). `members` yields the whole object.
    fn decode_selected<'de, D: Deserializer<'de>>(
        selector: Option<&Value>,
        members: D,
    ) -> Result<Self, D::Error>;
}

/// Decodes a [`Discriminated`] type in one pass over the input: the members before the
/// selecting one are kept as [`Value`]s, and once it is read the chosen variant decodes them,
/// then the rest of the object straight from the input. Responses put `errcode` first, so
/// nothing is kept in practice, where buffering the whole document (or reading it twice) would
/// cost as much as decoding it.
pub fn deserialize_discriminated<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Discriminated,
{
    deserializer.deserialize_map(DiscriminatedVisitor(PhantomData))
}

struct DiscriminatedVisitor<T>(PhantomData<T>);

impl<'de, T: Discriminated> Visitor<'de> for DiscriminatedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut before = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value: Value = map.next_value()?;
            let selects = key == T::MEMBER;
            before.push((key, value));
            if selects {
                let selector = before.last().map(|(_, value)| value.clone());
                let members = Replay {
                    buffered: before.into_iter(),
                    value: None,
                    rest: Some(map),
                };
                return T::decode_selected(selector.as_ref(), MapAccessDeserializer::new(members));
            }
        }
        let members = Replay::<A> {
            buffered: before.into_iter(),
            value: None,
            rest: None,
        };
        T::decode_selected(None, MapAccessDeserializer::new(members))
    }
}

/// The members of an object: first the ones already read, then the rest from the input.
struct Replay<A> {
    buffered: std::vec::IntoIter<(String, Value)>,
    /// The value of the buffered member whose key was handed out last.
    value: Option<Value>,
    /// The input's own access to the rest of the object, while it has members left.
    rest: Option<A>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.buffered.next() {
            self.value = Some(value);
            let key: StringDeserializer<A::Error> = key.into_deserializer();
            return seed.deserialize(key).map(Some);
        }
        match &mut self.rest {
            Some(rest) => rest.next_key_seed(seed),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match (self.value.take(), &mut self.rest) {
            (Some(value), _) => seed.deserialize(value).map_err(A::Error::custom),
            (None, Some(rest)) => rest.next_value_seed(seed),
            (None, None) => Err(A::Error::custom("a member's value was asked for twice")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        let rest = match &self.rest {
            Some(rest) => rest.size_hint()?,
            None => 0,
        };
        Some(self.buffered.len() + rest)
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

#[cfg(test)]
mod discriminated_tests {
    use serde::Deserialize;

    use super::{Discriminated, Value, deserialize_discriminated};

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Success {
        code: u32,
        body: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Failure {
        code: u32,
        message: String,
    }

    #[derive(Debug, PartialEq)]
    enum Answer {
        Success(Success),
        Failure(Failure),
    }

    impl Discriminated for Answer {
        const MEMBER: &'static str = "code";
        const EXPECTING: &'static str = "an object told apart by its member `code`";

        fn decode_selected<'de, D: serde::Deserializer<'de>>(
            selector: Option<&Value>,
            members: D,
        ) -> Result<Self, D::Error> {
            if selector.and_then(Value::as_u64) == Some(0) {
                Success::deserialize(members).map(Answer::Success)
            } else {
                Failure::deserialize(members).map(Answer::Failure)
            }
        }
    }

    impl<'de> Deserialize<'de> for Answer {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_discriminated(d)
        }
    }

    fn check(text: &str, expected: Result<Answer, &str>) {
        let got = serde_json::from_str::<Answer>(text).map_err(|e| e.to_string());
        match (got, expected) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{text}"),
            (Err(got), Err(want)) => assert!(got.contains(want), "{text}: {got}"),
            (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
        }
    }

    fn success(body: &str) -> Result<Answer, &'static str> {
        Ok(Answer::Success(Success {
            code: 0,
            body: body.to_owned(),
        }))
    }

    #[test]
    fn the_selecting_member_picks_the_variant_wherever_it_stands() {
        check(r#"{"code": 0, "body": "b"}"#, success("b"));
        // Members before the selecting one are replayed to the variant.
        check(r#"{"body": "b", "code": 0}"#, success("b"));
        check(
            r#"{"message": "busy", "code": 7}"#,
            Ok(Answer::Failure(Failure {
                code: 7,
                message: "busy".to_owned(),
            })),
        );
        // Without it, the other variant decides what is missing.
        check(r#"{"message": "m"}"#, Err("missing field `code`"));
        check(r#"{}"#, Err("missing field `code`"));
    }

    #[test]
    fn a_value_decodes_as_its_text_does() {
        for text in [
            r#"{"code": 0, "body": "b"}"#,
            r#"{"body": "b", "code": 0}"#,
            r#"{"message": "m", "code": 1}"#,
            r#"{"message": "m"}"#,
            r#"{"x": 1, "code": 0, "body": "b"}"#,
            r#"{"body": 1, "code": 0}"#,
        ] {
            let value: Value = serde_json::from_str(text).expect("JSON");
            let from_value = Answer::deserialize(&value).map_err(|e| e.to_string());
            let from_text = serde_json::from_str::<Answer>(text).map_err(|e| e.to_string());
            assert_eq!(from_value.is_ok(), from_text.is_ok(), "{text}");
            assert_eq!(from_value.ok(), from_text.ok(), "{text}");
        }
    }

    #[test]
    fn errors_come_from_the_chosen_variant_or_the_input() {
        check(
            r#"{"code": 0, "body": 1}"#,
            Err("invalid type: integer `1`"),
        );
        check(
            r#"{"body": 1, "code": 0}"#,
            Err("invalid type: integer `1`"),
        );
        check(
            r#"{"code": 0, "body": "b", "x": 1}"#,
            Err("unknown field `x`"),
        );
        check(
            r#"{"x": 1, "code": 0, "body": "b"}"#,
            Err("unknown field `x`"),
        );
        check(
            r#"{"code": 0, "body": "b", "body": "c"}"#,
            Err("duplicate field `body`"),
        );
        check(
            r#"{"body": "b", "code": 0, "body": "c"}"#,
            Err("duplicate field `body`"),
        );
        check(
            r#""text""#,
            Err("expected an object told apart by its member `code`"),
        );
        check(r#"{"code": 0, "body": "b""#, Err("EOF while parsing"));
    }
}
