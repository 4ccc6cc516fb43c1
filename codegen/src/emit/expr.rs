//! Expression builders shared by the printers of validators and of the checks a decoded type
//! still needs: type tests, exact comparisons and membership tests over a `&Value`, and the
//! words of messages. They decide nothing about a schema; the plans do.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Number, Value};

use crate::model::JsonType;

/// The mask of the lowest `bits` bits (at most 64).
pub(crate) fn mask_of(bits: usize) -> u64 {
    match bits {
        64.. => u64::MAX,
        n => (1u64 << n) - 1,
    }
}

/// A boolean expression: `x` (a `&Value`) has one of `types`.
pub(crate) fn type_test(types: &[JsonType], x: &TokenStream) -> TokenStream {
    // `integer` needs a guard, which would bind to every alternative of one pattern: it gets a
    // `matches!` of its own (unless `number` already admits every number).
    let integer_alone = types.contains(&JsonType::Integer) && !types.contains(&JsonType::Number);
    let patterns: Vec<TokenStream> = types
        .iter()
        .filter_map(|t| match t {
            JsonType::Null => Some(quote! { Value::Null }),
            JsonType::Boolean => Some(quote! { Value::Bool(_) }),
            JsonType::Object => Some(quote! { Value::Object(_) }),
            JsonType::Array => Some(quote! { Value::Array(_) }),
            JsonType::String => Some(quote! { Value::String(_) }),
            JsonType::Number => Some(quote! { Value::Number(_) }),
            JsonType::Integer => None,
        })
        .collect();
    let mut tests = Vec::new();
    if !patterns.is_empty() {
        tests.push(quote! { matches!(#x, #(#patterns)|*) });
    }
    if integer_alone {
        tests.push(quote! { matches!(#x, Value::Number(n) if json::is_integer(n)) });
    }
    match tests.as_slice() {
        [one] => one.clone(),
        _ => quote! { (#(#tests)||*) },
    }
}

/// A membership test of `v` in `values` in one `matches!`, when they are all `i64` integers
/// or all strings (and not none).
pub(crate) fn membership(values: &[&Value]) -> Option<TokenStream> {
    if values.is_empty() {
        return None;
    }
    if let Some(ints) = values
        .iter()
        .map(|c| c.as_i64())
        .collect::<Option<BTreeSet<i64>>>()
    {
        let ints = ints.iter();
        return Some(
            quote! { matches!(v, Value::Number(n) if matches!(json::exact_i64(n), Some(#(#ints)|*))) },
        );
    }
    let strs = values
        .iter()
        .map(|c| c.as_str())
        .collect::<Option<BTreeSet<&str>>>()?;
    let strs = strs.iter();
    Some(quote! { matches!(v.as_str(), Some(#(#strs)|*)) })
}

/// A boolean expression: the `&Value` `v` equals the scalar `value` as JSON Schema compares.
pub(crate) fn equals_scalar(value: &Value, v: TokenStream) -> TokenStream {
    match value {
        Value::Null => quote! { #v.is_null() },
        Value::Bool(b) => quote! { #v.as_bool() == Some(#b) },
        Value::String(s) => quote! { #v.as_str() == Some(#s) },
        // An i64 constant equals exactly the numbers whose integer value is it (`3.0` is 3).
        Value::Number(bound) => match bound.as_i64() {
            Some(b) => {
                quote! { matches!(#v, ::serde_json::Value::Number(n) if json::exact_i64(n) == Some(#b)) }
            }
            None => {
                let compare = compare_number(quote!(n), bound);
                quote! { matches!(#v, ::serde_json::Value::Number(n) if #compare == Some(::core::cmp::Ordering::Equal)) }
            }
        },
        Value::Array(_) | Value::Object(_) => unreachable!("only scalars are compared inline"),
    }
}

/// An `Ordering` expression comparing the number `n` with `bound`, exactly.
pub(crate) fn compare_number(n: TokenStream, bound: &Number) -> TokenStream {
    if let Some(u) = bound.as_u64() {
        quote! { json::cmp_u64(#n, #u) }
    } else if let Some(i) = bound.as_i64() {
        quote! { json::cmp_i64(#n, #i) }
    } else {
        let f = Literal::f64_suffixed(bound.as_f64().expect("serde_json numbers are finite"));
        quote! { json::cmp_f64(#n, #f) }
    }
}

pub(crate) fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub(crate) fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

pub(crate) fn escape_braces(s: &str) -> String {
    s.replace('{', "{{").replace('}', "}}")
}
