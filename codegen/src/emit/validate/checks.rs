//! The keywords of one node other than its members' (`members.rs`) and its annotations
//! (`annotate.rs`): `type`, `const`, `enum`, array, string and number keywords, and the in-place
//! applicators, printed in either mode.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::plan::Mode;
use super::{Checks, Statics};
use crate::emit::assertion::{self, Assertion, Bound, Limit};
use crate::emit::expr::{
    binding, branch_verdict, compare_number, differs_scalar, equals_scalar, escape_braces, if_else,
    join_or, membership, mentions, plural, type_test,
};
use crate::model::{JsonType, NodeId};

impl Checks<'_> {
    pub(super) fn body(&self, statics: &mut Statics) -> TokenStream {
        let k = self.k;
        let assertions = assertion::of(k);
        let mut out = TokenStream::new();
        out.extend(self.type_and_value(&assertions, statics));
        // Only `is_valid` fuses member walks.
        let fusion = self
            .node_plan()
            .fusion
            .as_ref()
            .filter(|_| self.mode == Mode::IsValid);
        out.extend(self.object_checks(&assertions, statics));
        out.extend(self.array_checks(&assertions));
        out.extend(self.string_checks(&assertions, statics));
        out.extend(self.number_checks(&assertions));
        let fused = |id: NodeId| fusion.is_some_and(|f| f.replaces(id));
        for &sub in k.reference.iter().chain(&k.all_of) {
            if !fused(sub) {
                out.extend(self.apply_in_place(sub));
            }
        }
        if let Some(fusion) = fusion {
            out.extend(fusion.emit(self.plan().model, |id| self.is_valid_fn(id)));
        }
        out.extend(self.any_of());
        out.extend(self.one_of());
        if let Some(not) = k.not {
            let is_valid = self.is_valid_fn(not);
            let location = self.plan().model.node(not).display.clone();
            let fail = self.fail("not", quote! {
                format!("expected a value that does not match the schema at {}, found {}", #location, describe(v))
            });
            out.extend(quote! { if #is_valid(v) { #fail } });
        }
        if let Some(condition) = k.if_.filter(|&c| !fused(c)) {
            let test = self.is_valid_fn(condition);
            out.extend(if self.mode == Mode::IsValid {
                let fails = |branch: Option<NodeId>| -> Vec<TokenStream> {
                    let f = branch.map(|b| self.is_valid_fn(b));
                    f.map(|f| quote!(!#f(v))).into_iter().collect()
                };
                let (then, otherwise) = (fails(k.then_), fails(k.else_));
                branch_verdict(&[quote!(#test(v))], &[quote!(!#test(v))], &then, &otherwise)
            } else {
                let then = k.then_.map(|t| self.apply_in_place(t));
                let otherwise = k.else_.map(|e| self.apply_in_place(e));
                if_else(quote!(#test(v)), quote!(!#test(v)), then, otherwise)
            });
        }
        out.extend(self.unevaluated(statics));
        if self.mode == Mode::Validate
            && k.annotations.content_encoding.as_deref() == Some("base64")
        {
            let location = self.cx.location("contentEncoding");
            out.extend(quote! {
                if ctx.options().tolerances {
                    if let Value::String(s) = v {
                        if !::wecom_rooms_runtime::__private::is_base64(s) {
                            ctx.warning("contentEncoding", #location, format!("expected base64 (RFC 4648), found {}", describe(v)));
                        }
                    }
                }
            });
        }
        out
    }

    /// What the node expects of a value, as messages put it ("an integer in 0..=4294967295").
    fn expectation(&self) -> Option<String> {
        let k = self.k;
        let types = k.types.as_deref()?;
        let phrase = |t: &JsonType| -> String {
            match t {
                JsonType::Integer | JsonType::Number => {
                    let noun = t.phrase();
                    match (
                        &k.minimum,
                        &k.maximum,
                        &k.exclusive_minimum,
                        &k.exclusive_maximum,
                    ) {
                        (Some(min), Some(max), None, None) => format!("{noun} in {min}..={max}"),
                        (Some(min), None, None, None) => format!("{noun} >= {min}"),
                        (None, Some(max), None, None) => format!("{noun} <= {max}"),
                        _ => noun.to_owned(),
                    }
                }
                JsonType::String => match (k.min_length, k.max_length) {
                    (Some(min), None) => {
                        format!("a string of at least {min} character{}", plural(min))
                    }
                    (None, Some(max)) => {
                        format!("a string of at most {max} character{}", plural(max))
                    }
                    (Some(min), Some(max)) => format!("a string of {min} to {max} characters"),
                    (None, None) => "a string".to_owned(),
                },
                other => other.phrase().to_owned(),
            }
        };
        let phrases: Vec<String> = types.iter().map(phrase).collect();
        Some(join_or(&phrases))
    }

    /// `type`, `const` and `enum`, which judge a value of any type.
    fn type_and_value(&self, assertions: &[Assertion], statics: &mut Statics) -> TokenStream {
        let mut out = TokenStream::new();
        for assertion in assertions {
            let (test, expected) = match *assertion {
                Assertion::Type(types) => (
                    type_test(types, &quote!(v)),
                    self.expectation().expect("types are set"),
                ),
                Assertion::Const(value) => (differs(value, statics), value.to_string()),
                // One scalar: a `const` in effect.
                Assertion::Enum([value]) if !value.is_array() && !value.is_object() => {
                    (differs_scalar(value, quote!(v)), value.to_string())
                }
                Assertion::Enum(values) => {
                    let test = match membership(&values.iter().collect::<Vec<_>>()) {
                        Some(test) => test,
                        None if values.is_empty() => quote! { false },
                        None => {
                            let tests = values.iter().map(|value| equals(value, statics));
                            quote! { #(#tests)||* }
                        }
                    };
                    let listed = values.iter().map(|v| v.to_string()).collect::<Vec<_>>();
                    (quote! { !(#test) }, join_or(&listed))
                }
                _ => continue,
            };
            let fail = self.fail_found(assertion.keyword(), &expected);
            out.extend(match assertion {
                Assertion::Type(_) => quote! { if !#test { #fail } },
                _ => quote! { if #test { #fail } },
            });
        }
        out
    }

    fn array_checks(&self, assertions: &[Assertion]) -> TokenStream {
        let k = self.k;
        let mut out = TokenStream::new();
        for assertion in assertions {
            out.extend(match *assertion {
                Assertion::Items(Limit::Min, min) => {
                    let template = format!(
                        "expected an array of at least {min} item{}, found {{}}",
                        plural(min)
                    );
                    let fail = self.fail(
                        assertion.keyword(),
                        quote! {
                            format!(#template, arr.len())
                        },
                    );
                    quote! { if (arr.len() as u64) < #min { #fail } }
                }
                Assertion::Items(Limit::Max, max) => {
                    let template = format!(
                        "expected an array of at most {max} item{}, found {{}}",
                        plural(max)
                    );
                    let fail = self.fail(
                        assertion.keyword(),
                        quote! {
                            format!(#template, arr.len())
                        },
                    );
                    quote! { if (arr.len() as u64) > #max { #fail } }
                }
                Assertion::UniqueItems => {
                    let fail = self.fail(
                        assertion.keyword(),
                        quote! { "expected unique items, found duplicates".to_owned() },
                    );
                    quote! { if !json::has_unique_items(arr) { #fail } }
                }
                _ => continue,
            });
        }
        if !k.prefix_items.is_empty() || k.items.is_some() {
            let mut arms = Vec::new();
            for (i, sub) in k.prefix_items.iter().enumerate() {
                let apply = self.apply_child(*sub, quote!(x), quote!(Segment::Index(i)));
                arms.push((i, apply));
            }
            let rest = || match k.items {
                Some(items) => self.apply_child(items, quote!(x), quote!(Segment::Index(i))),
                None => quote! {},
            };
            let bare_type = self
                .node_plan()
                .inline_items
                .filter(|_| self.mode == Mode::IsValid)
                .map(|types| type_test(types, &quote!(x)));
            if let Some(test) = bare_type {
                // Items that only need a type test are tested four at a time, with `&` rather
                // than `&&`, so the loop has one branch per four items.
                out.extend(quote! {
                    let item_ok = |x: &Value| #test;
                    let mut chunks = arr.chunks_exact(4);
                    for c in &mut chunks {
                        if !(item_ok(&c[0]) & item_ok(&c[1]) & item_ok(&c[2]) & item_ok(&c[3])) {
                            return false;
                        }
                    }
                    if !chunks.remainder().iter().all(item_ok) { return false; }
                });
            } else if let Some(items) = k.items.filter(|items| {
                arms.is_empty()
                    && self.mode == Mode::Validate
                    && !self.plan().tolerated.contains_key(items)
            }) {
                let validate = self.plan().name(Mode::Validate, items);
                out.extend(quote! { ctx.items(arr, #validate); });
            } else if arms.is_empty() {
                let rest = rest();
                out.extend(if mentions(&rest, "i") {
                    let x = binding("x", &rest);
                    quote! { for (i, #x) in arr.iter().enumerate() { #rest } }
                } else {
                    let x = binding("x", &rest);
                    quote! { for #x in arr { #rest } }
                });
            } else {
                let rest = rest();
                let body = match arms.as_slice() {
                    // Items past the one prefix item need nothing.
                    [(first, apply)] if rest.is_empty() => quote! { if i == #first { #apply } },
                    arms => {
                        let arms = arms.iter().map(|(i, apply)| quote! { #i => { #apply } });
                        quote! { match i { #(#arms)* _ => { #rest } } }
                    }
                };
                let x = binding("x", &body);
                out.extend(quote! { for (i, #x) in arr.iter().enumerate() { #body } });
            }
        }
        if let Some(contains) = k.contains {
            let is_valid = self.is_valid_fn(contains);
            let min = k.min_contains.unwrap_or(1);
            let location = self.plan().model.node(contains).display.clone();
            let mut checks = TokenStream::new();
            if min > 0 {
                let template = format!(
                    "expected at least {min} item{} matching the schema at {{}}, found {{}}",
                    plural(min)
                );
                let fail = self.fail(
                    "contains",
                    quote! {
                        format!(#template, #location, matching)
                    },
                );
                checks.extend(quote! { if (matching as u64) < #min { #fail } });
            }
            if let Some(max) = k.max_contains {
                let template = format!(
                    "expected at most {max} item{} matching the schema at {{}}, found {{}}",
                    plural(max)
                );
                let fail = self.fail(
                    "contains",
                    quote! {
                        format!(#template, #location, matching)
                    },
                );
                checks.extend(quote! { if (matching as u64) > #max { #fail } });
            }
            if !checks.is_empty() {
                out.extend(quote! {
                    let matching = arr.iter().filter(|x| #is_valid(x)).count();
                    #checks
                });
            }
        }
        if out.is_empty() {
            return out;
        }
        quote! { if let Value::Array(arr) = v { #out } }
    }

    fn string_checks(&self, assertions: &[Assertion], statics: &mut Statics) -> TokenStream {
        let mut out = TokenStream::new();
        // The node's own phrase when it names the length ("a string of 1 to 64 characters").
        let expected = self.expectation().filter(|e| e.contains("character"));
        let length = quote! { (json::char_count(s) as u64) };
        for assertion in assertions {
            let (test, phrase) = match *assertion {
                Assertion::Length(Limit::Min, min) => (
                    quote! { #length < #min },
                    expected.clone().unwrap_or_else(|| {
                        format!("a string of at least {min} character{}", plural(min))
                    }),
                ),
                Assertion::Length(Limit::Max, max) => (
                    quote! { #length > #max },
                    expected.clone().unwrap_or_else(|| {
                        format!("a string of at most {max} character{}", plural(max))
                    }),
                ),
                Assertion::Pattern(source) => {
                    let pattern = statics.pattern(source);
                    (
                        quote! { !#pattern.is_match(s) },
                        format!("a string matching /{source}/"),
                    )
                }
                Assertion::Format(name) => {
                    let check = format_ident!("{}", name.replace('-', "_"));
                    (
                        quote! { !::wecom_rooms_runtime::__private::format::#check(s) },
                        format!("a valid {name}"),
                    )
                }
                _ => continue,
            };
            let fail = self.fail_found(assertion.keyword(), &phrase);
            out.extend(quote! { if #test { #fail } });
        }
        if out.is_empty() {
            return out;
        }
        quote! { if let Value::String(s) = v { #out } }
    }

    fn number_checks(&self, assertions: &[Assertion]) -> TokenStream {
        let mut out = TokenStream::new();
        let expected = self.expectation().filter(|e| e.contains(".."));
        for assertion in assertions {
            let (test, phrase) = match *assertion {
                Assertion::Bound(bound, limit) => {
                    // The `Ordering` of the number against the bound that fails.
                    let failing = match bound {
                        Bound::Minimum => quote! { Ordering::is_lt },
                        Bound::Maximum => quote! { Ordering::is_gt },
                        Bound::ExclusiveMinimum => quote! { Ordering::is_le },
                        Bound::ExclusiveMaximum => quote! { Ordering::is_ge },
                    };
                    let compare = compare_number(quote!(n), limit);
                    let relation = bound.relation();
                    (
                        quote! { #compare.is_some_and(#failing) },
                        expected
                            .clone()
                            .unwrap_or_else(|| format!("a number {relation} {limit}")),
                    )
                }
                Assertion::MultipleOf(divisor) => {
                    let test = match divisor.as_u64() {
                        Some(d) => quote! { json::is_multiple_of_u64(n, #d) },
                        None => {
                            let d =
                                Literal::f64_suffixed(divisor.as_f64().expect("a finite divisor"));
                            quote! { json::is_multiple_of(n, #d) }
                        }
                    };
                    (quote! { !#test }, format!("a multiple of {divisor}"))
                }
                _ => continue,
            };
            let fail = self.fail_found(assertion.keyword(), &phrase);
            out.extend(quote! { if #test { #fail } });
        }
        if out.is_empty() {
            return out;
        }
        quote! { if let Value::Number(n) = v { #out } }
    }

    fn any_of(&self) -> TokenStream {
        let k = self.k;
        if k.any_of.is_empty() {
            return TokenStream::new();
        }
        let tests: Vec<Ident> = k.any_of.iter().map(|&b| self.is_valid_fn(b)).collect();
        let expected = self.alternatives_phrase(&k.any_of);
        let fail = self.fail_found("anyOf", &expected);
        quote! { if !(#(#tests(v))||*) { #fail } }
    }

    fn one_of(&self) -> TokenStream {
        let k = self.k;
        if k.one_of.is_empty() {
            return TokenStream::new();
        }
        let tests: Vec<Ident> = k.one_of.iter().map(|&b| self.is_valid_fn(b)).collect();
        let count = k.one_of.len();
        let expected = match self.const_branches(&k.one_of) {
            Some(listed) => format!("one of {listed}"),
            None => format!(
                "exactly one of {count} alternatives to match ({})",
                self.alternatives_phrase(&k.one_of)
            ),
        };
        let template = format!(
            "expected {}, found {{}} (matching {{}} of them)",
            escape_braces(&expected)
        );
        let fail = self.fail(
            "oneOf",
            quote! { format!(#template, describe(v), matching) },
        );
        if self.mode == Mode::IsValid
            && let Some(constants) = &self.node_plan().one_of_constants
            && let Some(membership) = membership(constants)
        {
            // Distinct constants: at most one can match, so "exactly one" is "one of them".
            return quote! { if !(#membership) { return false; } };
        }
        match self.mode {
            Mode::IsValid => quote! {
                let mut matching = 0usize;
                #( if #tests(v) { matching += 1; if matching > 1 { return false; } } )*
                if matching != 1 { return false; }
            },
            Mode::Validate => quote! {
                let matching = #(usize::from(#tests(v)))+*;
                if matching != 1 { #fail }
            },
            Mode::Annotate => unreachable!("annotations are not checks"),
        }
    }

    /// `0 (Disabled), 1 (Enabled)` when every branch is a titled or untitled `const`.
    fn const_branches(&self, branches: &[NodeId]) -> Option<String> {
        let listed: Option<Vec<String>> = branches
            .iter()
            .map(|&b| {
                let k = self.plan().model.keywords(b)?;
                let value = k.const_value.as_ref()?;
                Some(match &k.annotations.title {
                    Some(title) => format!("{value} ({title})"),
                    None => value.to_string(),
                })
            })
            .collect();
        listed.map(|l| l.join(", "))
    }

    /// "a string or an integer in 0..=4294967295" when every branch has a type; otherwise
    /// "a value matching one of N schemas".
    fn alternatives_phrase(&self, branches: &[NodeId]) -> String {
        if let Some(listed) = self.const_branches(branches) {
            return format!("one of {listed}");
        }
        let phrases: Option<Vec<String>> = branches
            .iter()
            .map(|&b| {
                let k = self.plan().model.keywords(b)?;
                let k = match (k.types.is_none(), k.reference) {
                    (true, Some(target)) => self.plan().model.keywords(target)?,
                    _ => k,
                };
                Checks {
                    cx: self.cx,
                    k,
                    mode: self.mode,
                }
                .expectation()
            })
            .collect();
        match phrases {
            Some(p) => join_or(&p),
            None => format!(
                "a value matching at least one of {} schemas",
                branches.len()
            ),
        }
    }
}

/// A boolean expression: `v` differs from `value` as JSON Schema compares.
fn differs(value: &Value, statics: &mut Statics) -> TokenStream {
    match value {
        Value::Array(_) | Value::Object(_) => {
            let constant = statics.value(value);
            quote! { !json::equal(v, &#constant) }
        }
        scalar => differs_scalar(scalar, quote!(v)),
    }
}

/// A boolean expression: `v` equals `value` as JSON Schema compares (1 equals 1.0).
fn equals(value: &Value, statics: &mut Statics) -> TokenStream {
    match value {
        Value::Array(_) | Value::Object(_) => {
            let constant = statics.value(value);
            quote! { json::equal(v, &#constant) }
        }
        scalar => equals_scalar(scalar, quote!(v)),
    }
}
