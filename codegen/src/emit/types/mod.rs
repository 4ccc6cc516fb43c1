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
mod conditions;
mod discriminated;
mod enums;
mod nullable;
mod paginated;
mod render;
mod schemars;
mod shape;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::Schemars;
use super::expr::join_or;
use super::names::{Scope, camel, ident, module_path, snake};
use super::share::{self, ModulePath, Sharing};
use crate::error::Error;
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
    /// The module the type is printed in.
    module: ModulePath,
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

/// The types of every root, each printed once, in the module that owns it (see
/// [`Sharing`]): the items of each module, and what decoding needs to know of each root's type.
pub struct Types {
    /// Each module's types, and the `Paginated` impls of its request types.
    pub modules: BTreeMap<ModulePath, TokenStream>,
    /// Per root, in the model's order.
    pub roots: Vec<RootType>,
}

/// Emits the types of every root schema; a root's type is called by the last segment of its
/// name (`Request`, `Response`) if it is a named type. A definition that two roots' types use
/// becomes one type, which both refer to; two definitions that would get one name in one
/// module are an error naming both.
pub fn emit(
    model: &Model,
    sharing: &Sharing,
    schemars: &Schemars,
    with_checks: bool,
) -> Result<Types, Error> {
    let mut cx = TypeCx {
        sharing,
        model,
        defs: Vec::new(),
        named: BTreeMap::new(),
        typing: BTreeSet::new(),
        scopes: BTreeMap::new(),
        def_names: model
            .nodes
            .iter()
            .filter_map(|node| node.def_name.as_deref().map(camel))
            .collect(),
        def_owners: BTreeMap::new(),
        collision: None,
        root_names: BTreeMap::new(),
        here: Vec::new(),
        imports: Default::default(),
        schemars,
        trait_table: Vec::new(),
        closed: Vec::new(),
        shared: Vec::new(),
        branch_nodes: BTreeMap::new(),
        satisfies: Vec::new(),
        satisfies_strictly: Vec::new(),
        checking_strictly: std::cell::Cell::new(false),
    };
    for root in &model.roots {
        let name = root.name.rsplit('/').next().unwrap_or(&root.name);
        cx.root_names
            .entry(root.node)
            .or_insert_with(|| camel(name));
    }
    let root_tys: Vec<Ty> = model
        .roots
        .iter()
        .map(|root| cx.ty(root.node, None))
        .collect();
    if let Some(error) = cx.collision.take() {
        return Err(error);
    }
    let mut defs = std::mem::take(&mut cx.defs);
    boxed::box_cycles(&mut defs);
    cx.trait_table = TypeCx::trait_table(&defs);
    cx.closed = defs.iter().map(|def| sharing.closed(def.node)).collect();
    cx.shared = defs.iter().map(|def| sharing.is_shared(def.node)).collect();
    // `decode_validated` calls the root's check, which calls those of the types it holds:
    // only those are printed, each in its type's one inherent `impl`.
    let (checks, strict_checks) = if with_checks {
        (
            cx.schema_checks(&defs, false),
            cx.schema_checks(&defs, true),
        )
    } else {
        (vec![None; defs.len()], vec![None; defs.len()])
    };
    cx.satisfies = reached_from_roots(&checks, &root_tys, &defs);
    cx.satisfies_strictly = reached_from_roots(&strict_checks, &root_tys, &defs);
    let mut modules: BTreeMap<ModulePath, TokenStream> = BTreeMap::new();
    for (i, def) in defs.iter().enumerate() {
        cx.here = def.module.clone();
        let def_tokens = cx.def_tokens(def, &defs);
        // Alternatives have no inherent `impl` of their own to hold the check.
        let own_impl = matches!(def.body, DefBody::Alternatives { .. })
            .then(|| cx.satisfies_method(i))
            .flatten()
            .map(|method| {
                let name = ident(&def.name);
                quote! { impl #name { #method } }
            });
        modules
            .entry(def.module.clone())
            .or_default()
            .extend(quote! { #def_tokens #own_impl });
    }
    let roots = model
        .roots
        .iter()
        .zip(&root_tys)
        .map(|(root, root_ty)| {
            cx.here = module_path(&root.name);
            cx.root_type(root_ty, &checks, &strict_checks, &defs)
        })
        .collect();
    for (root, root_ty) in model.roots.iter().zip(&root_tys) {
        let Some(endpoint) = &root.endpoint else {
            continue;
        };
        let (Some(pagination), Some(response)) = (&endpoint.pagination, &endpoint.response) else {
            continue;
        };
        let Some(response_index) = model.roots.iter().position(|r| r.name == *response) else {
            continue;
        };
        cx.here = module_path(&root.name);
        let items =
            cx.paginated_impl(root, pagination, root_ty, &root_tys[response_index], &defs)?;
        modules.entry(cx.here.clone()).or_default().extend(items);
    }
    // The imports go first in their module, once everything that uses them is printed.
    for (here, imports) in cx.imports.take() {
        let uses: Vec<TokenStream> = imports
            .values()
            .map(|target| {
                let path = render::segments(&share::relative_path(&here, target));
                quote! { use #(#path)::*; }
            })
            .collect();
        let items = modules.remove(&here).unwrap_or_default();
        modules.insert(here, quote! { #(#uses)* #items });
    }
    Ok(Types { modules, roots })
}

impl TypeCx<'_> {
    /// What decoding code needs to know of a root's type, named from the root's module.
    fn root_type(
        &self,
        root_ty: &Ty,
        checks: &[Option<TokenStream>],
        strict_checks: &[Option<TokenStream>],
        defs: &[Def],
    ) -> RootType {
        let discriminated = matches!(root_ty, Ty::Named(i) if matches!(defs[*i].body, DefBody::Discriminated { .. }));
        let ty = self.ty_tokens(root_ty, defs);
        // How a validated `Value` becomes the root type without being copied, and how bytes
        // become it fastest.
        let (from_value, from_slice) = if discriminated {
            (quote! { #ty::from_value }, quote! { #ty::from_slice })
        } else {
            (
                quote! { ::serde_json::from_value::<#ty> },
                quote! { ::wecom_rooms_runtime::__private::from_bytes::<#ty> },
            )
        };
        let checked = matches!(root_ty, Ty::Named(i) if checks[*i].is_some());
        let strictly_checked = matches!(root_ty, Ty::Named(i) if strict_checks[*i].is_some());
        let named = match root_ty {
            Ty::Named(i) => Some(defs[*i].name.clone()),
            _ => None,
        };
        let outcome = match root_ty {
            Ty::Named(i) => match &defs[*i].body {
                DefBody::Discriminated {
                    then, otherwise, ..
                } => Some(OutcomeVariants {
                    success: (ident(&then.0), self.ty_tokens(&then.1, defs)),
                    failure: (ident(&otherwise.0), self.ty_tokens(&otherwise.1, defs)),
                }),
                _ => None,
            },
            _ => None,
        };
        RootType {
            ty,
            from_value,
            from_slice,
            checked,
            strictly_checked,
            named,
            outcome,
        }
    }
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
    /// Whether the type also has a `satisfies_strictly` check, so that a value passing
    /// it is known to be valid with nothing tolerated.
    pub strictly_checked: bool,
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
    /// Which module owns each type, and where bounds and lengths become checked types
    /// (`Bounded`, `BoundedString`, `BoundedVec`): for what a caller sends, so that a typed
    /// value satisfies them.
    sharing: &'m Sharing,
    model: &'m Model,
    defs: Vec<Def>,
    /// Named types already made, by the node that shapes them.
    named: BTreeMap<NodeId, usize>,
    /// The shaping nodes whose types are being made, to break cycles through unnamed types.
    typing: BTreeSet<NodeId>,
    /// The names taken in each module.
    scopes: BTreeMap<ModulePath, Scope>,
    /// The names of every `$defs` entry, kept in every module for the definition itself.
    def_names: BTreeSet<String>,
    /// Which definition (`file#pointer`) has each definition's name in each module.
    def_owners: BTreeMap<(ModulePath, String), String>,
    /// The first clash of two definitions' names, reported once the types are made.
    collision: Option<Error>,
    /// The type name of each root's node.
    root_names: BTreeMap<NodeId, String>,
    /// The module being printed, that type paths are relative to.
    here: ModulePath,
    /// The modules each module imports by name to refer to their types (see
    /// `TypeCx::path_to`), by the name they are imported as.
    imports: std::cell::RefCell<BTreeMap<ModulePath, BTreeMap<String, ModulePath>>>,
    schemars: &'m Schemars,
    /// What each def can derive, once its members are known (see [`TypeCx::trait_table`]).
    trait_table: Vec<(bool, bool, bool)>,
    /// Whether each def is a closed set that refuses values the schema does not name.
    closed: Vec<bool>,
    /// Whether each def is used by several roots, so that other modules call its methods.
    shared: Vec<bool>,
    /// The branch nodes of enum types: `Alternatives` in variant order, `Discriminated` as
    /// [then, otherwise].
    branch_nodes: BTreeMap<usize, Vec<NodeId>>,
    /// The body of each def's `satisfies_schema`, where it is printed (see `checks.rs`).
    satisfies: Vec<Option<TokenStream>>,
    /// The body of each def's `satisfies_strictly`, where it is printed.
    satisfies_strictly: Vec<Option<TokenStream>>,
    /// Whether the checks being made are the strict ones (see `schema_checks`).
    checking_strictly: std::cell::Cell<bool>,
}

impl TypeCx<'_> {
    /// The `satisfies_schema` method of def `index`, for its inherent `impl`, if it has one:
    /// visible to the crate when types of other modules call it.
    fn satisfies_method(&self, index: usize) -> Option<TokenStream> {
        let body = self.satisfies.get(index)?.as_ref()?;
        let vis = self
            .shared
            .get(index)
            .copied()
            .unwrap_or(false)
            .then(|| quote!(pub(crate)));
        let strictly = self
            .satisfies_strictly
            .get(index)
            .cloned()
            .flatten()
            .map(|strict| {
                quote! {
                    /// Whether this decoded value satisfies the schema with nothing tolerated: no
                    /// member the schema does not describe, every base64 string decodable (see
                    /// `is_exact`).
                    #vis fn satisfies_strictly(&self) -> bool {
                        #strict
                    }
                }
            });
        Some(quote! {
            /// Whether this decoded value satisfies the schema: the checks its type does not
            /// make itself (see `decode_validated`).
            #vis fn satisfies_schema(&self) -> bool {
                #body
            }
            #strictly
        })
    }

    /// The names taken in the module that owns the type of `node`.
    fn scope_of(&mut self, node: NodeId) -> &mut Scope {
        let module = self.sharing.module(self.model, node);
        let def_names = &self.def_names;
        self.scopes.entry(module).or_insert_with(|| {
            // Names of `$defs` win over names derived from members, whatever order they are
            // met in.
            let mut scope = Scope::default();
            for name in def_names {
                scope.reserve_later(name);
            }
            scope
        })
    }
}

/// The checks to print: those the roots' checks reach; the others would be dead code.
fn reached_from_roots(
    checks: &[Option<TokenStream>],
    root_tys: &[Ty],
    defs: &[Def],
) -> Vec<Option<TokenStream>> {
    let mut reached = BTreeSet::new();
    for root_ty in root_tys {
        if let Ty::Named(i) = root_ty
            && checks[*i].is_some()
        {
            reached.extend(reached_checks(*i, defs));
        }
    }
    checks
        .iter()
        .enumerate()
        .map(|(i, check)| check.as_ref().filter(|_| reached.contains(&i)).cloned())
        .collect()
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
