//! Values checked against their schema's bounds when they are made: [`Bounded`] integers,
//! [`BoundedString`]s and [`BoundedVec`]s.
//!
//! Generated types use them where a schema asks for what the caller sends (a request), so that
//! a value built from them is never refused by its own schema for a bound or a length: the
//! check happens once, when the value is made (`new` or `TryFrom`), and decoding refuses what
//! the schema refuses.
//!
//! ```
//! use wecom_rooms_runtime::{Bounded, NonEmptyString, NonEmptyVec};
//!
//! let limit = Bounded::<u32, 1, 50>::new(20).expect("20 is in 1..=50");
//! assert_eq!(limit.get(), 20);
//! assert!(Bounded::<u32, 1, 50>::new(0).is_none());
//!
//! let id = NonEmptyString::new("room-1").expect("not empty");
//! assert_eq!(id, "room-1");
//! assert!(NonEmptyString::new("").is_none());
//! assert!(NonEmptyVec::new(vec![id]).is_some());
//! ```

use std::fmt;
use std::ops::Deref;

use serde::de::{Deserialize, Deserializer, Error as _, Unexpected};
use serde::{Serialize, Serializer};

/// A value outside the bounds its schema sets: an integer out of range, a string or a list of
/// the wrong length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutOfBounds {
    expected: String,
}

impl OutOfBounds {
    fn new(expected: String) -> Self {
        OutOfBounds { expected }
    }
}

impl fmt::Display for OutOfBounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "out of bounds: expected {}", self.expected)
    }
}

impl std::error::Error for OutOfBounds {}

/// The integer types a [`Bounded`] can hold.
pub trait BoundedInt:
    Copy + Into<i128> + TryFrom<u64> + TryFrom<i64> + fmt::Debug + fmt::Display + Serialize
{
}

impl BoundedInt for i32 {}
impl BoundedInt for u32 {}
impl BoundedInt for i64 {}
impl BoundedInt for u64 {}

/// An integer of type `T` in `MIN..=MAX` (a schema's `minimum` and `maximum`, or the exclusive
/// ones made inclusive).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bounded<T, const MIN: i128, const MAX: i128>(T);

impl<T: BoundedInt, const MIN: i128, const MAX: i128> Bounded<T, MIN, MAX> {
    /// The smallest value allowed.
    pub const MIN: i128 = MIN;
    /// The largest value allowed.
    pub const MAX: i128 = MAX;

    /// `value`, if it is in `MIN..=MAX`.
    pub fn new(value: T) -> Option<Self> {
        (MIN..=MAX)
            .contains(&value.into())
            .then_some(Bounded(value))
    }

    /// The value.
    pub fn get(self) -> T {
        self.0
    }

    fn expected() -> String {
        format!("an integer in {MIN}..={MAX}")
    }
}

impl<T: BoundedInt, const MIN: i128, const MAX: i128> TryFrom<u64> for Bounded<T, MIN, MAX>
where
    T: TryFrom<u64>,
{
    type Error = OutOfBounds;

    /// The value, if it fits `T` and is in `MIN..=MAX`: `Bounded::<u32, 1, 50>::try_from(20)`.
    fn try_from(value: u64) -> Result<Self, OutOfBounds> {
        T::try_from(value)
            .ok()
            .and_then(Self::new)
            .ok_or_else(|| OutOfBounds::new(Self::expected()))
    }
}

impl<T: BoundedInt, const MIN: i128, const MAX: i128> fmt::Debug for Bounded<T, MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<T: BoundedInt, const MIN: i128, const MAX: i128> fmt::Display for Bounded<T, MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl<T: BoundedInt, const MIN: i128, const MAX: i128> Serialize for Bounded<T, MIN, MAX> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: BoundedInt, const MIN: i128, const MAX: i128> Deserialize<'de>
    for Bounded<T, MIN, MAX>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value: T = crate::__private::de::integer(deserializer)?;
        Self::new(value).ok_or_else(|| {
            let shown: i128 = value.into();
            let unexpected = match i64::try_from(shown) {
                Ok(n) => Unexpected::Signed(n),
                Err(_) => Unexpected::Other("a large integer"),
            };
            D::Error::invalid_value(unexpected, &Self::expected().as_str())
        })
    }
}

#[cfg(feature = "schemars")]
impl<T: BoundedInt, const MIN: i128, const MAX: i128> schemars::JsonSchema
    for Bounded<T, MIN, MAX>
{
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Integer_{MIN}_{MAX}").replace('-', "m").into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "integer", "minimum": MIN as f64, "maximum": MAX as f64 })
    }
}

/// The number of characters (code points, as JSON Schema counts them) in `MIN..=MAX`.
fn length_in(len: usize, min: usize, max: usize) -> bool {
    (min..=max).contains(&len)
}

fn length_phrase(what: &str, min: usize, max: usize) -> String {
    if max == usize::MAX {
        format!("{what} of at least {min}")
    } else {
        format!("{what} of {min} to {max}")
    }
}

/// A string of `MIN..=MAX` characters (code points, as a schema's `minLength` and `maxLength`
/// count them). It dereferences to `str`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct BoundedString<const MIN: usize, const MAX: usize = { usize::MAX }>(String);

/// A string of at least one character: a schema's `minLength: 1`.
pub type NonEmptyString = BoundedString<1>;

impl<const MIN: usize, const MAX: usize> BoundedString<MIN, MAX> {
    /// `value`, if its length in characters is in `MIN..=MAX`.
    pub fn new(value: impl Into<String>) -> Option<Self> {
        let value = value.into();
        length_in(value.chars().count(), MIN, MAX).then_some(BoundedString(value))
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The string, unwrapped.
    pub fn into_string(self) -> String {
        self.0
    }

    fn expected() -> String {
        length_phrase("a string with a length", MIN, MAX)
    }
}

impl<const MIN: usize, const MAX: usize> Deref for BoundedString<MIN, MAX> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> AsRef<str> for BoundedString<MIN, MAX> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> std::borrow::Borrow<str> for BoundedString<MIN, MAX> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> TryFrom<String> for BoundedString<MIN, MAX> {
    type Error = OutOfBounds;

    fn try_from(value: String) -> Result<Self, OutOfBounds> {
        Self::new(value).ok_or_else(|| OutOfBounds::new(Self::expected()))
    }
}

impl<const MIN: usize, const MAX: usize> TryFrom<&str> for BoundedString<MIN, MAX> {
    type Error = OutOfBounds;

    fn try_from(value: &str) -> Result<Self, OutOfBounds> {
        Self::new(value).ok_or_else(|| OutOfBounds::new(Self::expected()))
    }
}

impl<const MIN: usize, const MAX: usize> std::str::FromStr for BoundedString<MIN, MAX> {
    type Err = OutOfBounds;

    fn from_str(value: &str) -> Result<Self, OutOfBounds> {
        Self::try_from(value)
    }
}

impl<const MIN: usize, const MAX: usize> From<BoundedString<MIN, MAX>> for String {
    fn from(value: BoundedString<MIN, MAX>) -> String {
        value.0
    }
}

impl<const MIN: usize, const MAX: usize> PartialEq<str> for BoundedString<MIN, MAX> {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl<const MIN: usize, const MAX: usize> PartialEq<&str> for BoundedString<MIN, MAX> {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl<const MIN: usize, const MAX: usize> PartialEq<String> for BoundedString<MIN, MAX> {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl<const MIN: usize, const MAX: usize> PartialEq<BoundedString<MIN, MAX>> for String {
    fn eq(&self, other: &BoundedString<MIN, MAX>) -> bool {
        self == &other.0
    }
}

impl<const MIN: usize, const MAX: usize> PartialEq<BoundedString<MIN, MAX>> for str {
    fn eq(&self, other: &BoundedString<MIN, MAX>) -> bool {
        self == other.0
    }
}

impl<const MIN: usize, const MAX: usize> fmt::Debug for BoundedString<MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<const MIN: usize, const MAX: usize> fmt::Display for BoundedString<MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl<const MIN: usize, const MAX: usize> Serialize for BoundedString<MIN, MAX> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de, const MIN: usize, const MAX: usize> Deserialize<'de> for BoundedString<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        let len = value.chars().count();
        if length_in(len, MIN, MAX) {
            Ok(BoundedString(value))
        } else {
            Err(D::Error::invalid_length(len, &Self::expected().as_str()))
        }
    }
}

#[cfg(feature = "schemars")]
impl<const MIN: usize, const MAX: usize> schemars::JsonSchema for BoundedString<MIN, MAX> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("String_{MIN}_{MAX}").into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema = schemars::json_schema!({ "type": "string", "minLength": MIN });
        if MAX != usize::MAX {
            schema.insert("maxLength".to_owned(), MAX.into());
        }
        schema
    }
}

/// A list of `MIN..=MAX` items (a schema's `minItems` and `maxItems`). It dereferences to a
/// slice.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BoundedVec<T, const MIN: usize, const MAX: usize = { usize::MAX }>(Vec<T>);

/// A list of at least one item: a schema's `minItems: 1`.
pub type NonEmptyVec<T> = BoundedVec<T, 1>;

impl<T, const MIN: usize, const MAX: usize> BoundedVec<T, MIN, MAX> {
    /// `items`, if there are `MIN..=MAX` of them.
    pub fn new(items: Vec<T>) -> Option<Self> {
        length_in(items.len(), MIN, MAX).then_some(BoundedVec(items))
    }

    /// The items.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// The items, unwrapped.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }

    fn expected() -> String {
        length_phrase("a list with a length", MIN, MAX)
    }
}

impl<T, const MIN: usize, const MAX: usize> Deref for BoundedVec<T, MIN, MAX> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T, const MIN: usize, const MAX: usize> TryFrom<Vec<T>> for BoundedVec<T, MIN, MAX> {
    type Error = OutOfBounds;

    fn try_from(items: Vec<T>) -> Result<Self, OutOfBounds> {
        Self::new(items).ok_or_else(|| OutOfBounds::new(Self::expected()))
    }
}

impl<T, const MIN: usize, const MAX: usize> From<BoundedVec<T, MIN, MAX>> for Vec<T> {
    fn from(value: BoundedVec<T, MIN, MAX>) -> Vec<T> {
        value.0
    }
}

impl<'a, T, const MIN: usize, const MAX: usize> IntoIterator for &'a BoundedVec<T, MIN, MAX> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T, const MIN: usize, const MAX: usize> IntoIterator for BoundedVec<T, MIN, MAX> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T: fmt::Debug, const MIN: usize, const MAX: usize> fmt::Debug for BoundedVec<T, MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<T: Serialize, const MIN: usize, const MAX: usize> Serialize for BoundedVec<T, MIN, MAX> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>, const MIN: usize, const MAX: usize> Deserialize<'de>
    for BoundedVec<T, MIN, MAX>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<T>::deserialize(deserializer)?;
        let len = items.len();
        Self::new(items).ok_or_else(|| D::Error::invalid_length(len, &Self::expected().as_str()))
    }
}

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema, const MIN: usize, const MAX: usize> schemars::JsonSchema
    for BoundedVec<T, MIN, MAX>
{
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Array_of_{}_{MIN}_{MAX}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema = schemars::json_schema!({
            "type": "array",
            "items": generator.subschema_for::<T>(),
            "minItems": MIN,
        });
        if MAX != usize::MAX {
            schema.insert("maxItems".to_owned(), MAX.into());
        }
        schema
    }
}

/// A builder's `build` with a required member left unset: the member's name (for an
/// either-or choice, its members joined with ` | `).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissingMember(pub &'static str);

impl fmt::Display for MissingMember {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the required member `{}` is not set", self.0)
    }
}

impl std::error::Error for MissingMember {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_checked_when_made_and_when_decoded() {
        type Limit = Bounded<u32, 1, 50>;
        assert!(Limit::new(0).is_none() && Limit::new(51).is_none());
        assert_eq!(Limit::new(50).map(Limit::get), Some(50));
        assert!(Limit::try_from(u64::MAX).is_err());
        assert_eq!(
            serde_json::from_str::<Limit>("3.0").map(Limit::get).ok(),
            Some(3)
        );
        assert!(serde_json::from_str::<Limit>("51").is_err());
        assert_eq!(
            serde_json::to_string(&Limit::new(7)).ok().as_deref(),
            Some("7")
        );
    }

    #[test]
    fn lengths_count_code_points() {
        assert!(BoundedString::<1, 2>::new("会议").is_some());
        assert!(BoundedString::<1, 2>::new("会议室").is_none());
        assert!(serde_json::from_str::<NonEmptyString>("\"\"").is_err());
        assert!(serde_json::from_str::<NonEmptyVec<u32>>("[]").is_err());
        assert_eq!(
            serde_json::from_str::<NonEmptyVec<u32>>("[1]")
                .ok()
                .map(|v| v.len()),
            Some(1)
        );
    }
}
