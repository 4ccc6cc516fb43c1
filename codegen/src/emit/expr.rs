//! Expression builders shared by the printers of validators and of the checks a decoded type
//! still needs: type tests, exact comparisons and membership tests over a `&Value`, and the
//! words of messages. They decide nothing about a schema; the plans do.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use serde_json::{Number, Value};

use crate::model::JsonType;

/// The mask of the lowest `bits` bits (at most 64).
pub(crate) fn mask_of(bits: usize) -> u64 {
    match bits {
        64.. => u64::MAX,
        n => (1u64 << n) - 1,
    }
}

/// Whether `tokens` use the identifier `name` anywhere, inside groups too.
pub(crate) fn mentions(tokens: &TokenStream, name: &str) -> bool {
    !used_names(tokens, &[name]).is_empty()
}

/// Which of `names` `tokens` use as identifiers, in one walk.
pub(crate) fn used_names<'n>(tokens: &TokenStream, names: &[&'n str]) -> BTreeSet<&'n str> {
    fn walk<'n>(tokens: &TokenStream, names: &[&'n str], out: &mut BTreeSet<&'n str>) {
        for tree in tokens.clone() {
            match tree {
                TokenTree::Ident(ident) => {
                    if let Some(name) = names.iter().find(|name| ident == **name) {
                        out.insert(name);
                    }
                }
                TokenTree::Group(group) => walk(&group.stream(), names, out),
                TokenTree::Punct(_) | TokenTree::Literal(_) => {}
            }
            if out.len() == names.len() {
                return;
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(tokens, names, &mut out);
    out
}

/// The pattern that binds `name` for `body`: `_` when the body never reads it, as a keyword's
/// check is printed the same way whether or not it needs the member's name or the item's index.
pub(crate) fn binding(name: &str, body: &TokenStream) -> TokenStream {
    if mentions(body, name) {
        Ident::new(name, Span::call_site()).into_token_stream()
    } else {
        quote! { _ }
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
        let ints = int_patterns(&ints);
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

/// Patterns matching exactly `ints`: runs of consecutive values as ranges.
fn int_patterns(ints: &BTreeSet<i64>) -> Vec<TokenStream> {
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for &n in ints {
        match runs.last_mut() {
            Some((_, last)) if last.checked_add(1) == Some(n) => *last = n,
            _ => runs.push((n, n)),
        }
    }
    runs.into_iter()
        .map(|(first, last)| {
            if first == last {
                quote! { #first }
            } else {
                quote! { #first..=#last }
            }
        })
        .collect()
}

/// `x.len() < count`, as `x.is_empty()` for a count of 1.
pub(crate) fn shorter_than(x: TokenStream, count: usize) -> TokenStream {
    if count == 1 {
        quote! { #x.is_empty() }
    } else {
        quote! { #x.len() < #count }
    }
}

/// A `match` on `name` with these arms and nothing to do for other names, as an `if` when
/// there is one arm.
pub(crate) fn match_name(name: TokenStream, arms: &[(&str, TokenStream)]) -> TokenStream {
    match arms {
        [] => TokenStream::new(),
        [(value, body)] => quote! { if #name == #value { #body } },
        arms => {
            let arms = arms
                .iter()
                .map(|(value, body)| quote! { #value => { #body } });
            quote! { match #name { #(#arms)* _ => {} } }
        }
    }
}

/// A boolean expression: the `&Value` `v` differs from the scalar `value` as JSON Schema
/// compares: the negation of [`equals_scalar`].
pub(crate) fn differs_scalar(value: &Value, v: TokenStream) -> TokenStream {
    match value {
        Value::Null => quote! { !#v.is_null() },
        Value::Bool(b) => quote! { #v.as_bool() != Some(#b) },
        Value::String(s) => quote! { #v.as_str() != Some(#s) },
        number => {
            let equals = equals_scalar(number, v);
            quote! { !#equals }
        }
    }
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
                quote! { matches!(#v, ::serde_json::Value::Number(n) if #compare.is_some_and(|o| o.is_eq())) }
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

/// `if test { then } else { otherwise }`, leaving out an empty branch: `not_test` is the
/// negated test, for when only `otherwise` has something to do.
pub(crate) fn if_else(
    test: TokenStream,
    not_test: TokenStream,
    then: Option<TokenStream>,
    otherwise: Option<TokenStream>,
) -> TokenStream {
    let then = then.filter(|t| !t.is_empty());
    let otherwise = otherwise.filter(|t| !t.is_empty());
    match (then, otherwise) {
        (None, None) => TokenStream::new(),
        (Some(then), None) => quote! { if #test { #then } },
        (None, Some(otherwise)) => quote! { if #not_test { #otherwise } },
        (Some(then), Some(otherwise)) => quote! { if #test { #then } else { #otherwise } },
    }
}

/// `return false` when the branch of a condition that applies fails: `then_fails` (any of
/// them) when all of `holds`, `else_fails` when any of `fails` (the negation of `holds`).
/// Printed without an `if` nested alone in another, which could be one condition.
pub(crate) fn branch_verdict(
    holds: &[TokenStream],
    fails: &[TokenStream],
    then_fails: &[TokenStream],
    else_fails: &[TokenStream],
) -> TokenStream {
    let all = |tests: &[TokenStream]| quote! { #(#tests)&&* };
    // Parenthesised where it stands beside `&&`.
    let any = |tests: &[TokenStream]| quote! { #(#tests)||* };
    let any_in_all = |tests: &[TokenStream]| match tests {
        [one] => one.clone(),
        tests => quote! { (#(#tests)||*) },
    };
    match (
        holds.is_empty(),
        then_fails.is_empty(),
        else_fails.is_empty(),
    ) {
        (true, true, _) | (false, true, true) => TokenStream::new(),
        (true, false, _) => {
            let then = any(then_fails);
            quote! { if #then { return false; } }
        }
        (false, false, true) => {
            let (holds, then) = (all(holds), any_in_all(then_fails));
            quote! { if #holds && #then { return false; } }
        }
        (false, true, false) => {
            let (fails, otherwise) = (any_in_all(fails), any_in_all(else_fails));
            quote! { if #fails && #otherwise { return false; } }
        }
        (false, false, false) => {
            let (holds, then, otherwise) = (all(holds), any(then_fails), any(else_fails));
            quote! { if #holds { if #then { return false; } } else if #otherwise { return false; } }
        }
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
