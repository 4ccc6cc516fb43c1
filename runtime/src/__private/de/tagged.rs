//! One-pass decoding of an internally tagged enum: an object whose tag member (a `const` in
//! each branch of a schema's `oneOf` or `anyOf`) names the variant, the rest of the object being
//! that variant's struct.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, Error, MapAccess, Visitor};
use serde_json::Value;

use super::Replay;

/// An enum whose variant the object's member [`Tagged::TAG`] names, decoded in one pass by
/// [`deserialize_tagged`].
pub trait Tagged: Sized {
    /// The member that names the variant.
    const TAG: &'static str;
    /// What the type expects, for error messages.
    const EXPECTING: &'static str;

    /// Decodes the variant `tag` names from `members`: the object without its tag member.
    fn decode_tagged<'de, D: Deserializer<'de>>(tag: Value, members: D) -> Result<Self, D::Error>;
}

/// Decodes a [`Tagged`] type: the members before the tag are kept as [`Value`]s until it is
/// read, then the variant decodes them and the rest of the object straight from the input. An
/// object without the tag is refused as missing it.
pub fn deserialize_tagged<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Tagged,
{
    deserializer.deserialize_map(TaggedVisitor(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut before = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value: Value = map.next_value()?;
            if key == T::TAG {
                let members = Replay {
                    buffered: before.into_iter(),
                    value: None,
                    rest: Some(map),
                };
                return T::decode_tagged(value, MapAccessDeserializer::new(members));
            }
            before.push((key, value));
        }
        Err(A::Error::missing_field(T::TAG))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::Value;

    use super::{Tagged, deserialize_tagged};

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Circle {
        radius: u32,
    }

    #[derive(Debug, PartialEq)]
    enum Shape {
        Circle(Circle),
        Unknown(serde_json::Map<String, Value>),
    }

    impl Tagged for Shape {
        const TAG: &'static str = "kind";
        const EXPECTING: &'static str = "an object told apart by its member `kind`";

        fn decode_tagged<'de, D: serde::Deserializer<'de>>(
            tag: Value,
            members: D,
        ) -> Result<Self, D::Error> {
            match tag.as_str() {
                Some("circle") => Circle::deserialize(members).map(Shape::Circle),
                _ => {
                    let mut object = serde_json::Map::deserialize(members)?;
                    object.insert(Self::TAG.to_owned(), tag);
                    Ok(Shape::Unknown(object))
                }
            }
        }
    }

    impl<'de> Deserialize<'de> for Shape {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_tagged(d)
        }
    }

    fn decode(text: &str) -> Result<Shape, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn the_tag_picks_the_variant_and_is_not_passed_on() {
        let circle = Ok(Shape::Circle(Circle { radius: 2 }));
        assert_eq!(decode(r#"{"kind": "circle", "radius": 2}"#), circle);
        // Members before the tag are replayed to the variant.
        assert_eq!(decode(r#"{"radius": 2, "kind": "circle"}"#), circle);
        let unknown = decode(r#"{"radius": 2, "kind": "square"}"#).expect("kept");
        let Shape::Unknown(object) = unknown else {
            panic!("{unknown:?}")
        };
        assert_eq!(
            Value::Object(object),
            serde_json::json!({"kind": "square", "radius": 2})
        );
    }

    #[test]
    fn errors_name_the_tag_or_come_from_the_variant() {
        let error = decode(r#"{"radius": 2}"#).expect_err("no tag");
        assert!(error.contains("missing field `kind`"), "{error}");
        let error = decode(r#"{"kind": "circle", "radius": "2"}"#).expect_err("a string");
        assert!(error.contains("invalid type: string"), "{error}");
        let error = decode(r#"{"kind": "circle", "radius": 2, "x": 1}"#).expect_err("denied");
        assert!(error.contains("unknown field `x`"), "{error}");
        let error = decode("[1]").expect_err("not an object");
        assert!(error.contains("told apart by its member `kind`"), "{error}");
    }
}
