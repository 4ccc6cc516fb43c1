//! Types: model → serde structs and enums.
//!
//! The mapping, in the order it is tried (codegen's README has the table):
//! - `if: {properties: {K: {const: C}}}` with `then` → an enum told apart by member K: the
//!   `then` type when K is C, otherwise the `else` type (or the schema's own `$ref` target);
//! - `oneOf`/`anyOf` of titled integer `const`s, or an `enum` of strings or of integers → a
//!   closed-set enum with an `Unknown` variant, so undocumented values still decode;
//! - `oneOf`/`anyOf` of `{"type": "null"}` and one other branch → `Option` of that branch;
//! - `oneOf`/`anyOf` of objects that each pin member K to a different string → an internally
//!   tagged enum, a struct per branch;
//! - `oneOf`/`anyOf` of branches of different JSON kinds → an enum that keeps what was sent;
//! - `type: object` with only `additionalProperties: <schema>` → a `BTreeMap`;
//! - `type: object` or `properties` → a struct; members it does not name are kept in `extra`
//!   (or rejected, with `additionalProperties: false`);
//! - `type: array` → `Vec`; strings → `String`, [`Base64String`] with `contentEncoding:
//!   base64`; integers → `i32`, `u32`, `i64` or `u64` by their bounds; numbers → `f64`;
//! - `null` beside one of these (`type: [X, "null"]`, an `enum` with `null`) → `Option`;
//! - `x-secret: true` wraps any of these in `Secret`;
//! - anything else → `serde_json::Value`: validators still enforce it, types just don't narrow it.
//!
//! The shape of every type is decided first, for the whole root (`shape.rs`: [`Def`]s and
//! [`Ty`]s, with `nullable.rs` for `null` and `discriminated.rs` for enums told apart by a
//! member); then each is printed (`render.rs`, with `choice.rs` for either-or choices and
//! requests' builders, `enums.rs` for closed sets and alternatives, `discriminated.rs`,
//! `schemars.rs` for derives and `JsonSchema`), with the checks that a decoded value still
//! needs (`checks.rs`).
//!
//! [`Base64String`]: https://docs.rs/wecom-rooms-runtime

mod boxed;
mod checks;
mod choice;
mod discriminated;
mod enums;
mod nullable;
mod render;
mod schemars;
mod shape;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::Schemars;
use super::expr::join_or;
use super::names::{Scope, camel, ident, snake};
use crate::model::{JsonType, Keywords, Model, NodeId, Schema};

/// A Rust type for a schema.
#[derive(Clone, Debug, PartialEq)]
enum Ty {
    Bool,
    Int(IntTy),
    F64,
    String,
    Base64,
    Secret(Box<Ty>),
    Vec(Box<Ty>),
    Named(usize),
    Value,
    /// An integer checked against bounds narrower than its type's (`Bounded`).
    BoundedInt(IntTy, i128, i128),
    /// A string checked against a length in characters (`BoundedString`); no maximum is `None`.
    BoundedStr(u64, Option<u64>),
    /// A list checked against its number of items (`BoundedVec`).
    BoundedVec(Box<Ty>, u64, Option<u64>),
    /// A value or `null` (`Option`); never wraps `Value`, which holds `null` itself.
    Nullable(Box<Ty>),
    /// An object whose members are all described by one `additionalProperties` schema
    /// (`BTreeMap`, so that encoding is in a deterministic order).
    Map(Box<Ty>),
    /// A named type on the heap, where holding it by value would make a type hold itself.
    Boxed(Box<Ty>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IntTy {
    I32,
    U32,
    I64,
    U64,
}

impl IntTy {
    fn tokens(self) -> TokenStream {
        match self {
            IntTy::I32 => quote!(i32),
            IntTy::U32 => quote!(u32),
            IntTy::I64 => quote!(i64),
            IntTy::U64 => quote!(u64),
        }
    }

    /// The smallest and largest value of the type.
    fn bounds(self) -> (i128, i128) {
        match self {
            IntTy::I32 => (i32::MIN.into(), i32::MAX.into()),
            IntTy::U32 => (0, u32::MAX.into()),
            IntTy::I64 => (i64::MIN.into(), i64::MAX.into()),
            IntTy::U64 => (0, u64::MAX.into()),
        }
    }

    fn range(self) -> (proc_macro2::Literal, proc_macro2::Literal) {
        use proc_macro2::Literal;
        match self {
            IntTy::I32 => (
                Literal::i32_suffixed(i32::MIN),
                Literal::i32_suffixed(i32::MAX),
            ),
            IntTy::U32 => (Literal::u32_suffixed(0), Literal::u32_suffixed(u32::MAX)),
            IntTy::I64 => (
                Literal::i64_suffixed(i64::MIN),
                Literal::i64_suffixed(i64::MAX),
            ),
            IntTy::U64 => (Literal::u64_suffixed(0), Literal::u64_suffixed(u64::MAX)),
        }
    }

    fn phrase(self) -> &'static str {
        match self {
            IntTy::I32 => "an integer in -2147483648..=2147483647",
            IntTy::U32 => "an integer in 0..=4294967295",
            IntTy::I64 => "an integer in -9223372036854775808..=9223372036854775807",
            IntTy::U64 => "an integer in 0..=18446744073709551615",
        }
    }
}

/// The JSON kind a type is read from, for enums that keep what was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Bool,
    Int,
    Float,
    Str,
    Seq,
    Map,
}

#[derive(Debug)]
struct Def {
    name: String,
    doc: Vec<String>,
    body: DefBody,
    /// The schema node that shapes the type.
    node: NodeId,
}

#[derive(Debug)]
enum DefBody {
    Struct {
        fields: Vec<Field>,
        extra: Option<String>,
        /// An either-or pair (or more): one field holding which member was sent.
        choice: Option<Choice>,
        /// The name of its builder: for a request's struct of more than two members, and for
        /// any struct that requires more than `MAX_NEW_ARGS` (which then has no `new`).
        builder: Option<String>,
    },
    /// The enum of an either-or choice: one variant per member, each the member's type.
    Choice { variants: Vec<(String, Field)> },
    ClosedInt {
        repr: IntTy,
        variants: Vec<(String, i128, Vec<String>)>,
    },
    ClosedStr {
        variants: Vec<(String, String, Vec<String>)>,
    },
    Alternatives {
        variants: Vec<(String, Kind, Ty, Vec<String>)>,
    },
    Discriminated {
        property: String,
        value: Value,
        absent_selects_then: bool,
        then: (String, Ty),
        otherwise: (String, Ty),
    },
    /// An internally tagged enum: member `tag` names the variant, each (variant, tag value,
    /// struct without the tag, doc).
    Tagged {
        tag: String,
        variants: Vec<(String, String, Ty, Vec<String>)>,
    },
}

/// The field of a struct that holds an either-or choice.
#[derive(Debug)]
struct Choice {
    rust: String,
    /// The def of the choice's enum.
    def: usize,
    /// Where its members sit among the struct's fields (for encoding in the schema's order).
    position: usize,
}

#[derive(Debug)]
struct Field {
    rust: String,
    wire: String,
    node: NodeId,
    ty: Ty,
    required: bool,
    doc: Vec<String>,
}

/// The name a type would get: the preferred one (a member's name) unless another type has it,
/// then the qualified one (its parent's name and the member's).
#[derive(Debug)]
struct Name {
    preferred: String,
    qualified: String,
}

impl Name {
    fn nested(parent: &str, member: &str) -> Self {
        Name {
            preferred: member.to_owned(),
            qualified: format!("{parent}{member}"),
        }
    }
}

/// Emits the types of one root schema; the root's type is called `root_name` if it is a named
/// type. Returns the items and what decoding needs to know of the root's type.
pub fn emit(
    model: &Model,
    root: NodeId,
    root_name: &str,
    schemars: &Schemars,
    checked: bool,
    with_checks: bool,
) -> (TokenStream, RootType) {
    let mut cx = TypeCx {
        checked,
        model,
        defs: Vec::new(),
        named: BTreeMap::new(),
        typing: BTreeSet::new(),
        scope: Scope::default(),
        schemars,
        trait_table: Vec::new(),
        branch_nodes: BTreeMap::new(),
        satisfies: Vec::new(),
    };
    // Names of `$defs` win over names derived from members, whatever order they are met in.
    for node in &model.nodes {
        if let Some(def) = &node.def_name {
            cx.scope.reserve_later(&camel(def));
        }
    }
    let root_name = Name {
        preferred: root_name.to_owned(),
        qualified: root_name.to_owned(),
    };
    let root_ty = cx.ty(root, Some(root_name));
    let mut defs = std::mem::take(&mut cx.defs);
    boxed::box_cycles(&mut defs);
    cx.trait_table = TypeCx::trait_table(&defs);
    // `decode_validated` calls the root's check, which calls those of the types it holds:
    // only those are printed, each in its type's one inherent `impl`.
    let checks = if with_checks {
        cx.schema_checks(&defs)
    } else {
        vec![None; defs.len()]
    };
    let reached = match root_ty {
        Ty::Named(i) if checks[i].is_some() => reached_checks(i, &defs),
        _ => BTreeSet::new(),
    };
    cx.satisfies = checks
        .iter()
        .enumerate()
        .map(|(i, check)| check.as_ref().filter(|_| reached.contains(&i)).cloned())
        .collect();
    let items = defs.iter().enumerate().map(|(i, def)| {
        let def_tokens = cx.def_tokens(def, &defs);
        // Alternatives have no inherent `impl` of their own to hold the check.
        let own_impl = matches!(def.body, DefBody::Alternatives { .. })
            .then(|| cx.satisfies_method(i))
            .flatten()
            .map(|method| {
                let name = ident(&def.name);
                quote! { impl #name { #method } }
            });
        quote! { #def_tokens #own_impl }
    });
    let items = quote! { #(#items)* };
    let discriminated =
        matches!(root_ty, Ty::Named(i) if matches!(defs[i].body, DefBody::Discriminated { .. }));
    let ty = cx.ty_tokens(&root_ty, &defs);
    // How a validated `Value` becomes the root type without being copied, and how bytes become
    // it fastest.
    let (from_value, from_slice) = if discriminated {
        (quote! { #ty::from_value }, quote! { #ty::from_slice })
    } else {
        (
            quote! { ::serde_json::from_value::<#ty> },
            quote! { ::wecom_rooms_runtime::__private::from_bytes::<#ty> },
        )
    };
    let checked = matches!(root_ty, Ty::Named(i) if checks[i].is_some());
    let named = match root_ty {
        Ty::Named(i) => Some(defs[i].name.clone()),
        _ => None,
    };
    let outcome = match &root_ty {
        Ty::Named(i) => match &defs[*i].body {
            DefBody::Discriminated {
                then, otherwise, ..
            } => Some(OutcomeVariants {
                success: (ident(&then.0), cx.ty_tokens(&then.1, &defs)),
                failure: (ident(&otherwise.0), cx.ty_tokens(&otherwise.1, &defs)),
            }),
            _ => None,
        },
        _ => None,
    };
    let root = RootType {
        ty,
        from_value,
        from_slice,
        checked,
        named,
        outcome,
    };
    (items, root)
}

/// What decoding code needs to know of a root schema's type.
pub struct RootType {
    pub ty: TokenStream,
    /// A function from an owned `serde_json::Value` to the type.
    pub from_value: TokenStream,
    /// A function from `&[u8]` to the type.
    pub from_slice: TokenStream,
    /// Whether the type has a `satisfies_schema` check, so that a value decoded straight from
    /// bytes and passing it is known to be valid.
    pub checked: bool,
    /// The name of the root's type, if it is a type of its own (not `String` or `Value`).
    pub named: Option<String>,
    /// For a success-or-failure enum (a discriminated root), its two variants.
    pub outcome: Option<OutcomeVariants>,
}

/// The variants of a discriminated root type, each as (variant, type of its value): `then`'s
/// is the success, the other the failure.
pub struct OutcomeVariants {
    pub success: (Ident, TokenStream),
    pub failure: (Ident, TokenStream),
}

struct TypeCx<'m> {
    /// Whether bounds and lengths become checked types (`Bounded`, `BoundedString`,
    /// `BoundedVec`): for what a caller sends, so that a typed value satisfies them.
    checked: bool,
    model: &'m Model,
    defs: Vec<Def>,
    /// Named types already made, by the node that shapes them.
    named: BTreeMap<NodeId, usize>,
    /// The shaping nodes whose types are being made, to break cycles through unnamed types.
    typing: BTreeSet<NodeId>,
    scope: Scope,
    schemars: &'m Schemars,
    /// What each def can derive, once its members are known (see [`TypeCx::trait_table`]).
    trait_table: Vec<(bool, bool, bool)>,
    /// The branch nodes of enum types: `Alternatives` in variant order, `Discriminated` as
    /// [then, otherwise].
    branch_nodes: BTreeMap<usize, Vec<NodeId>>,
    /// The body of each def's `satisfies_schema`, where it is printed (see `checks.rs`).
    satisfies: Vec<Option<TokenStream>>,
}

impl TypeCx<'_> {
    /// The `satisfies_schema` method of def `index`, for its inherent `impl`, if it has one.
    fn satisfies_method(&self, index: usize) -> Option<TokenStream> {
        let body = self.satisfies.get(index)?.as_ref()?;
        Some(quote! {
            /// Whether this decoded value satisfies the schema: the checks its type does not
            /// make itself (see `decode_validated`).
            fn satisfies_schema(&self) -> bool {
                #body
            }
        })
    }
}

/// The defs whose `satisfies_schema` the root's calls, itself included: a checked def's check
/// calls that of every named type among its fields and variants (through lists, secrets and
/// checked values).
fn reached_checks(root: usize, defs: &[Def]) -> BTreeSet<usize> {
    fn named(ty: &Ty, out: &mut Vec<usize>) {
        match ty {
            Ty::Named(j) => out.push(*j),
            Ty::Secret(inner)
            | Ty::Vec(inner)
            | Ty::BoundedVec(inner, ..)
            | Ty::Nullable(inner)
            | Ty::Boxed(inner)
            | Ty::Map(inner) => named(inner, out),
            _ => {}
        }
    }
    let mut reached = BTreeSet::from([root]);
    let mut stack = vec![root];
    while let Some(i) = stack.pop() {
        let mut held = Vec::new();
        match &defs[i].body {
            DefBody::Struct { fields, .. } => fields.iter().for_each(|f| named(&f.ty, &mut held)),
            DefBody::Alternatives { variants } => {
                variants.iter().for_each(|v| named(&v.2, &mut held));
            }
            DefBody::Discriminated {
                then, otherwise, ..
            } => {
                named(&then.1, &mut held);
                named(&otherwise.1, &mut held);
            }
            DefBody::Tagged { variants, .. } => {
                variants.iter().for_each(|v| named(&v.2, &mut held));
            }
            DefBody::Choice { .. } | DefBody::ClosedInt { .. } | DefBody::ClosedStr { .. } => {}
        }
        stack.extend(held.into_iter().filter(|&j| reached.insert(j)));
    }
    reached
}

fn int_ty(k: &Keywords) -> IntTy {
    let min = k.minimum.as_ref().and_then(|n| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    });
    let max = k.maximum.as_ref().and_then(|n| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    });
    let fits = |lo: i128, hi: i128| min.is_some_and(|m| m >= lo) && max.is_some_and(|m| m <= hi);
    if fits(0, u32::MAX.into()) {
        IntTy::U32
    } else if fits(i32::MIN.into(), i32::MAX.into()) {
        IntTy::I32
    } else if min.is_some_and(|m| m >= 0) {
        IntTy::U64
    } else {
        IntTy::I64
    }
}

fn int_literal(value: i128, repr: IntTy) -> proc_macro2::Literal {
    match repr {
        IntTy::I32 => proc_macro2::Literal::i32_unsuffixed(value as i32),
        IntTy::U32 => proc_macro2::Literal::u32_unsuffixed(value as u32),
        IntTy::I64 => proc_macro2::Literal::i64_unsuffixed(value as i64),
        IntTy::U64 => proc_macro2::Literal::u64_unsuffixed(value as u64),
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Bool => "Boolean",
        Kind::Int => "Integer",
        Kind::Float => "Number",
        Kind::Str => "String",
        Kind::Seq => "Array",
        Kind::Map => "Object",
    }
}

fn kind_phrase(kind: Kind) -> &'static str {
    match kind {
        Kind::Bool => "a boolean",
        Kind::Int => "an integer",
        Kind::Float => "a number",
        Kind::Str => "a string",
        Kind::Seq => "an array",
        Kind::Map => "an object",
    }
}

pub(super) fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| super::names::doc_text(l));
    quote! { #( #[doc = #lines] )* }
}
