//! What a node's keywords assert of the value itself, as opposed to its members and items
//! (which subschemas judge) and its in-place subschemas: decided once from the model, here.
//! The validators print each [`Assertion`] over a `serde_json::Value` (`validate/checks.rs`,
//! `validate/members.rs`); `satisfies_schema` prints the same list over a decoded Rust value,
//! or declines the type when one cannot be printed there (`types/checks.rs`). So both read a
//! keyword the same way, because both read this list.

use serde_json::{Number, Value};

use crate::model::{JsonType, Keywords};

/// One check of the value itself.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Assertion<'m> {
    /// `type`: the value has one of these JSON types.
    Type(&'m [JsonType]),
    /// `const`: the value equals this one, as JSON Schema compares (1 equals 1.0).
    Const(&'m Value),
    /// `enum`: the value equals one of these.
    Enum(&'m [Value]),
    /// `minProperties` and `maxProperties`, on an object.
    Properties(Limit, u64),
    /// `minItems` and `maxItems`, on an array.
    Items(Limit, u64),
    /// `uniqueItems: true`, on an array.
    UniqueItems,
    /// `minLength` and `maxLength`, in characters, on a string.
    Length(Limit, u64),
    /// `pattern`, an ECMA-262 regular expression, on a string.
    Pattern(&'m str),
    /// `format`, when lowering made it an assertion, on a string.
    Format(&'m str),
    /// `minimum`, `maximum`, `exclusiveMinimum` and `exclusiveMaximum`, on a number.
    Bound(Bound, &'m Number),
    /// `multipleOf`, on a number.
    MultipleOf(&'m Number),
}

/// Which end of a count an assertion limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Limit {
    Min,
    Max,
}

/// Which bound a number must keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bound {
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
}

impl Bound {
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            Bound::Minimum => "minimum",
            Bound::Maximum => "maximum",
            Bound::ExclusiveMinimum => "exclusiveMinimum",
            Bound::ExclusiveMaximum => "exclusiveMaximum",
        }
    }

    /// The relation a valid number has to the bound, as Rust writes it.
    pub(crate) fn relation(self) -> &'static str {
        match self {
            Bound::Minimum => ">=",
            Bound::Maximum => "<=",
            Bound::ExclusiveMinimum => ">",
            Bound::ExclusiveMaximum => "<",
        }
    }
}

impl Limit {
    fn keyword(self, min: &'static str, max: &'static str) -> &'static str {
        match self {
            Limit::Min => min,
            Limit::Max => max,
        }
    }
}

impl Assertion<'_> {
    /// The keyword that makes the assertion.
    pub(crate) fn keyword(&self) -> &'static str {
        match self {
            Assertion::Type(_) => "type",
            Assertion::Const(_) => "const",
            Assertion::Enum(_) => "enum",
            Assertion::Properties(limit, _) => limit.keyword("minProperties", "maxProperties"),
            Assertion::Items(limit, _) => limit.keyword("minItems", "maxItems"),
            Assertion::UniqueItems => "uniqueItems",
            Assertion::Length(limit, _) => limit.keyword("minLength", "maxLength"),
            Assertion::Pattern(_) => "pattern",
            Assertion::Format(_) => "format",
            Assertion::Bound(bound, _) => bound.keyword(),
            Assertion::MultipleOf(_) => "multipleOf",
        }
    }
}

/// The assertions of `k` on the value itself, in the order they are checked: `type`, `const`
/// and `enum` first, then those of objects, arrays, strings and numbers.
pub(crate) fn of(k: &Keywords) -> Vec<Assertion<'_>> {
    let mut out = Vec::new();
    out.extend(k.types.as_deref().map(Assertion::Type));
    out.extend(k.const_value.as_ref().map(Assertion::Const));
    out.extend(k.enum_values.as_deref().map(Assertion::Enum));
    // A minimum count of 0 holds for every value: it asserts nothing.
    let limits = |min: Option<u64>, max: Option<u64>| {
        [(Limit::Min, min.filter(|&n| n > 0)), (Limit::Max, max)]
            .into_iter()
            .filter_map(|(limit, n)| Some((limit, n?)))
    };
    out.extend(
        limits(k.min_properties, k.max_properties).map(|(l, n)| Assertion::Properties(l, n)),
    );
    out.extend(limits(k.min_items, k.max_items).map(|(l, n)| Assertion::Items(l, n)));
    if k.unique_items {
        out.push(Assertion::UniqueItems);
    }
    out.extend(limits(k.min_length, k.max_length).map(|(l, n)| Assertion::Length(l, n)));
    out.extend(k.pattern.as_deref().map(Assertion::Pattern));
    out.extend(k.format.as_deref().map(Assertion::Format));
    let bounds = [
        (Bound::Minimum, &k.minimum),
        (Bound::Maximum, &k.maximum),
        (Bound::ExclusiveMinimum, &k.exclusive_minimum),
        (Bound::ExclusiveMaximum, &k.exclusive_maximum),
    ];
    out.extend(
        bounds
            .into_iter()
            .filter_map(|(bound, n)| Some(Assertion::Bound(bound, n.as_ref()?))),
    );
    out.extend(k.multiple_of.as_ref().map(Assertion::MultipleOf));
    out
}
