//! Types: model → serde structs and enums.
//!
//! The mapping, in the order it is tried (codegen's README has the table):
//! - `if: {properties: {K: {const: C}}}` with `then` → an enum told apart by member K: the
//!   `then` type when K is C, otherwise the `else` type (or the schema's own `$ref` target);
//! - `oneOf`/`anyOf` of titled integer `const`s, or an `enum` of strings → a closed-set enum
//!   with an `Unknown` variant, so undocumented values still decode;
//! - `oneOf`/`anyOf` of branches of different JSON kinds → an enum that keeps what was sent;
//! - `type: object` or `properties` → a struct; members it does not name are kept in `extra`
//!   (or rejected, with `additionalProperties: false`);
//! - `type: array` → `Vec`; strings → `String`, [`Base64String`] with `contentEncoding:
//!   base64`; integers → `i32`, `u32`, `i64` or `u64` by their bounds; numbers → `f64`;
//! - `x-secret: true` wraps any of these in `Secret`;
//! - anything else → `serde_json::Value`: validators still enforce it, types just don't narrow it.
//!
//! [`Base64String`]: https://docs.rs/wecom-rooms-runtime

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::Schemars;
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
        /// The name of its builder, for a request's struct of more than two members.
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
) -> (TokenStream, RootType) {
    let mut cx = TypeCx {
        checked,
        model,
        defs: Vec::new(),
        named: BTreeMap::new(),
        scope: Scope::default(),
        schemars,
        trait_table: Vec::new(),
        branch_nodes: BTreeMap::new(),
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
    let defs = std::mem::take(&mut cx.defs);
    cx.trait_table = TypeCx::trait_table(&defs);
    let checks = cx.schema_checks(&defs);
    let items = defs.iter().enumerate().map(|(i, def)| {
        let def_tokens = cx.def_tokens(def, &defs);
        let check = checks[i].as_ref().map(|body| {
            let name = ident(&def.name);
            quote! {
                impl #name {
                    /// Whether this decoded value satisfies the schema: the checks its type
                    /// does not make itself (see `decode_validated`).
                    #[allow(dead_code)] // Not every type's check is reached from the root's.
                    fn satisfies_schema(&self) -> bool {
                        #body
                    }
                }
            }
        });
        quote! { #def_tokens #check }
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
            quote! { ::wecom_rooms_runtime::decode::from_bytes::<#ty> },
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
    scope: Scope,
    schemars: &'m Schemars,
    /// What each def can derive, once its members are known (see [`TypeCx::trait_table`]).
    trait_table: Vec<(bool, bool, bool)>,
    /// The branch nodes of enum types: `Alternatives` in variant order, `Discriminated` as
    /// [then, otherwise].
    branch_nodes: BTreeMap<usize, Vec<NodeId>>,
}

impl<'m> TypeCx<'m> {
    fn keywords(&self, id: NodeId) -> Option<&'m Keywords> {
        self.model.keywords(id)
    }

    /// Follows `$ref`s through nodes that add no shape of their own (annotations, or only
    /// constraints such as `const` that the target's type already holds).
    fn shape(&self, mut id: NodeId) -> NodeId {
        for _ in 0..self.model.nodes.len() {
            let Some(k) = self.keywords(id) else {
                return id;
            };
            let shapes = k.types.is_some()
                || !k.properties.is_empty()
                || k.items.is_some()
                || !k.one_of.is_empty()
                || !k.any_of.is_empty()
                || k.if_.is_some()
                || k.enum_values.is_some();
            match k.reference {
                Some(target) if !shapes => id = target,
                _ => return id,
            }
        }
        id
    }

    /// Description lines for a node: its own description, else its title, else its target's.
    fn doc(&self, id: NodeId) -> Vec<String> {
        let mut at = id;
        loop {
            let Some(k) = self.keywords(at) else {
                return Vec::new();
            };
            let a = &k.annotations;
            let mut lines = Vec::new();
            if let Some(text) = a.description.as_ref().or(a.title.as_ref()) {
                lines.extend(text.lines().map(|l| format!(" {l}")));
            }
            if a.deprecated {
                lines.push(String::new());
                lines.push(" Deprecated by the schema.".to_owned());
            }
            if !lines.is_empty() {
                return lines;
            }
            match k.reference {
                Some(target) if target != at => at = target,
                _ => return Vec::new(),
            }
        }
    }

    fn is_secret(&self, id: NodeId) -> bool {
        let mut at = id;
        for _ in 0..self.model.nodes.len() {
            let Some(k) = self.keywords(at) else {
                return false;
            };
            if k.annotations.secret {
                return true;
            }
            match k.reference {
                Some(target) => at = target,
                None => return false,
            }
        }
        false
    }

    /// The type of node `id`; `name` is the name a new named type would get.
    fn ty(&mut self, id: NodeId, name: Option<Name>) -> Ty {
        let mut ty = self.unwrapped_ty(id, name);
        if self.checked {
            ty = self.bounded(id, ty);
        }
        if self.is_secret(id) {
            Ty::Secret(Box::new(ty))
        } else {
            ty
        }
    }

    fn unwrapped_ty(&mut self, id: NodeId, name: Option<Name>) -> Ty {
        let shape = self.shape(id);
        if let Some(&def) = self.named.get(&shape) {
            return Ty::Named(def);
        }
        let model = self.model;
        let node = model.node(shape);
        let name = match (&node.def_name, name) {
            (Some(def), _) => self.scope.pick(&[camel(def)]),
            (None, Some(name)) => self.scope.pick(&[name.preferred, name.qualified]),
            (None, None) => "Type".to_owned(),
        };
        let Schema::Keywords(k) = &node.schema else {
            return Ty::Value;
        };
        if let Some(ty) = self.discriminated(shape, k, &name) {
            return ty;
        }
        if let Some(ty) = self.closed_set(shape, k, &name) {
            return ty;
        }
        let branches = if k.one_of.is_empty() {
            &k.any_of
        } else {
            &k.one_of
        };
        if !branches.is_empty() && !self.only_presence(k, branches) {
            return self
                .alternatives(shape, branches, &name)
                .unwrap_or(Ty::Value);
        }
        let types = k.types.as_deref().unwrap_or_default();
        if types == [JsonType::Object] || (k.types.is_none() && !k.properties.is_empty()) {
            return self.structure(shape, k, &name);
        }
        match types {
            [JsonType::Array] => match (k.items, k.prefix_items.is_empty()) {
                (Some(items), true) => {
                    Ty::Vec(Box::new(self.ty(items, Some(Name::nested(&name, "Item")))))
                }
                (None, true) => Ty::Vec(Box::new(Ty::Value)),
                _ => Ty::Value,
            },
            [JsonType::String] => match k.annotations.content_encoding.as_deref() {
                Some("base64") => Ty::Base64,
                _ => Ty::String,
            },
            [JsonType::Integer] => Ty::Int(int_ty(k)),
            [JsonType::Number] => Ty::F64,
            [JsonType::Boolean] => Ty::Bool,
            [] => match &k.const_value {
                Some(Value::String(_)) => Ty::String,
                Some(Value::Bool(_)) => Ty::Bool,
                Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ty::Int(IntTy::I64),
                Some(Value::Number(_)) => Ty::F64,
                _ => Ty::Value,
            },
            _ => Ty::Value,
        }
    }

    /// `ty` checked against the bounds, lengths and item counts that the nodes from `id` to its
    /// shape set, where they are narrower than `ty` keeps by itself.
    fn bounded(&self, id: NodeId, ty: Ty) -> Ty {
        let chain: Vec<&Keywords> = self
            .chain(id)
            .into_iter()
            .filter_map(|n| self.keywords(n))
            .collect();
        let int = |n: &serde_json::Number| {
            n.as_i64()
                .map(i128::from)
                .or_else(|| n.as_u64().map(i128::from))
        };
        match ty {
            Ty::Int(repr) => {
                let (mut lo, mut hi) = repr.bounds();
                for k in &chain {
                    if let Some(m) = k.minimum.as_ref().and_then(int) {
                        lo = lo.max(m);
                    }
                    if let Some(m) = k.exclusive_minimum.as_ref().and_then(int) {
                        lo = lo.max(m + 1);
                    }
                    if let Some(m) = k.maximum.as_ref().and_then(int) {
                        hi = hi.min(m);
                    }
                    if let Some(m) = k.exclusive_maximum.as_ref().and_then(int) {
                        hi = hi.min(m - 1);
                    }
                }
                if (lo, hi) == repr.bounds() || lo > hi {
                    Ty::Int(repr)
                } else {
                    Ty::BoundedInt(repr, lo, hi)
                }
            }
            Ty::String | Ty::Vec(_) => {
                let string = ty == Ty::String;
                let (mut lo, mut hi) = (0u64, None::<u64>);
                for k in &chain {
                    let (min, max) = if string {
                        (k.min_length, k.max_length)
                    } else {
                        (k.min_items, k.max_items)
                    };
                    lo = lo.max(min.unwrap_or(0));
                    hi = match (hi, max) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
                if (lo == 0 && hi.is_none()) || hi.is_some_and(|h| h < lo) {
                    ty
                } else if let Ty::Vec(inner) = ty {
                    Ty::BoundedVec(inner, lo, hi)
                } else {
                    Ty::BoundedStr(lo, hi)
                }
            }
            other => other,
        }
    }

    /// Whether `branches` (of an object's `oneOf` or `anyOf`) only say which of the object's
    /// own members must be present, as an either-or pair does: the object keeps its struct, and
    /// the choice is left to the validators.
    fn only_presence(&self, k: &Keywords, branches: &[NodeId]) -> bool {
        let object = match k.types.as_deref() {
            Some(types) => types == [JsonType::Object],
            None => !k.properties.is_empty(),
        };
        object
            && branches.iter().all(|&b| {
                self.keywords(b).is_some_and(|bk| {
                    bk.assertions() == ["required"]
                        && bk
                            .required
                            .iter()
                            .all(|r| k.properties.iter().any(|(name, _)| name == r))
                })
            })
    }

    fn add(&mut self, shape: NodeId, name: &str, doc: Vec<String>, body: DefBody) -> Ty {
        let name = name.to_owned();
        let index = self.defs.len();
        self.defs.push(Def {
            name,
            doc,
            body,
            node: shape,
        });
        self.named.insert(shape, index);
        Ty::Named(index)
    }

    /// Reserves a named type before its members are typed, so recursive schemas terminate.
    fn reserve(&mut self, shape: NodeId, name: &str, doc: Vec<String>) -> usize {
        match self.add(
            shape,
            name,
            doc,
            DefBody::Struct {
                fields: Vec::new(),
                extra: None,
                choice: None,
                builder: None,
            },
        ) {
            Ty::Named(index) => index,
            _ => unreachable!("add returns a named type"),
        }
    }

    fn structure(&mut self, shape: NodeId, k: &Keywords, name: &str) -> Ty {
        let index = self.reserve(shape, name, self.doc(shape));
        let type_name = self.defs[index].name.clone();
        let denies_others = k
            .additional_properties
            .is_some_and(|a| matches!(self.model.node(a).schema, Schema::Bool(false)))
            && k.pattern_properties.is_empty();
        let choice_members = self.presence_choice(k);
        let choice_members = choice_members.as_deref().unwrap_or_default();
        let mut fields = Vec::new();
        let mut chosen = Vec::new();
        let mut position = None;
        let mut scope = Scope::default();
        if !choice_members.is_empty() {
            let names: Vec<&str> = choice_members.iter().map(String::as_str).collect();
            scope.reserve(&snake(&names.join("_or_")));
        }
        for (wire, sub) in &k.properties {
            let in_choice = choice_members.contains(wire);
            let rust = if in_choice {
                snake(wire)
            } else {
                scope.claim(snake(wire))
            };
            let ty = self.ty(*sub, Some(Name::nested(&type_name, &camel(wire))));
            let field = Field {
                rust,
                wire: wire.clone(),
                node: *sub,
                ty,
                required: k.required.contains(wire),
                doc: self.doc(*sub),
            };
            if in_choice {
                position.get_or_insert(fields.len());
                chosen.push(field);
            } else {
                fields.push(field);
            }
        }
        let choice = match position {
            Some(position) => {
                let names: Vec<&str> = choice_members.iter().map(String::as_str).collect();
                let joined = names.join("_or_");
                let rust = snake(&joined);
                let enum_name = self
                    .scope
                    .pick(&[camel(&joined), format!("{type_name}{}", camel(&joined))]);
                let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                let doc = vec![format!(" Exactly one of {}.", join_or(&quoted))];
                let mut variant_scope = Scope::default();
                let variants = chosen
                    .into_iter()
                    .map(|f| (variant_scope.claim(camel(&f.wire)), f))
                    .collect();
                let node = k.one_of[0];
                let Ty::Named(def) = self.add(node, &enum_name, doc, DefBody::Choice { variants })
                else {
                    unreachable!("add returns a named type")
                };
                Some(Choice {
                    rust,
                    def,
                    position,
                })
            }
            None => None,
        };
        let extra = (!denies_others).then(|| scope.claim("extra".to_owned()));
        let members = fields.len() + usize::from(choice.is_some());
        let builder = (self.checked && members > 2)
            .then(|| self.scope.pick(&[format!("{type_name}Builder")]));
        self.defs[index].body = DefBody::Struct {
            fields,
            extra,
            choice,
            builder,
        };
        Ty::Named(index)
    }

    /// The members of an either-or choice: a `oneOf` whose branches each require one member of
    /// the object's own properties, a different one each, none of them required by the object
    /// itself. Exactly one is then present in every valid instance, so one field holds it.
    fn presence_choice(&self, k: &Keywords) -> Option<Vec<String>> {
        if k.one_of.len() < 2 || !self.only_presence(k, &k.one_of) {
            return None;
        }
        let mut members = Vec::new();
        for &branch in &k.one_of {
            let [member] = self.keywords(branch)?.required.as_slice() else {
                return None;
            };
            if members.contains(member) || k.required.contains(member) {
                return None;
            }
            members.push(member.clone());
        }
        Some(members)
    }

    fn closed_set(&mut self, shape: NodeId, k: &Keywords, name: &str) -> Option<Ty> {
        let doc = self.doc(shape);
        if let Some(values) = &k.enum_values {
            let strings: Option<Vec<&str>> = values.iter().map(Value::as_str).collect();
            let strings = strings.filter(|s| !s.is_empty())?;
            let mut scope = Scope::default();
            scope.reserve("Unknown");
            let variants = strings
                .iter()
                .map(|s| (scope.claim(camel(s)), (*s).to_owned(), Vec::new()))
                .collect();
            return Some(self.add(shape, name, doc, DefBody::ClosedStr { variants }));
        }
        let branches = if k.one_of.is_empty() {
            &k.any_of
        } else {
            &k.one_of
        };
        if branches.is_empty() {
            return None;
        }
        let mut titled = Vec::new();
        for &branch in branches {
            let bk = self.keywords(branch)?;
            let value = bk.const_value.as_ref()?;
            let title = bk.annotations.title.as_ref()?;
            titled.push((title.clone(), value.clone(), self.doc(branch)));
        }
        let mut scope = Scope::default();
        scope.reserve("Unknown");
        if titled.iter().all(|(_, v, _)| v.is_string()) {
            let variants = titled
                .into_iter()
                .map(|(t, v, d)| {
                    (
                        scope.claim(camel(&t)),
                        v.as_str().unwrap_or_default().to_owned(),
                        d,
                    )
                })
                .collect();
            return Some(self.add(shape, name, doc, DefBody::ClosedStr { variants }));
        }
        let repr = if k.types.as_deref() == Some(&[JsonType::Integer]) {
            int_ty(k)
        } else {
            IntTy::I64
        };
        let mut variants = Vec::new();
        for (title, value, doc) in titled {
            let number = value
                .as_i64()
                .map(i128::from)
                .or_else(|| value.as_u64().map(i128::from))?;
            variants.push((scope.claim(camel(&title)), number, doc));
        }
        Some(self.add(shape, name, doc, DefBody::ClosedInt { repr, variants }))
    }

    fn alternatives(&mut self, shape: NodeId, branches: &[NodeId], name: &str) -> Option<Ty> {
        let mut variants = Vec::new();
        let mut scope = Scope::default();
        for (i, &branch) in branches.iter().enumerate() {
            let bk = self.keywords(self.shape(branch));
            let title = self
                .keywords(branch)
                .and_then(|k| k.annotations.title.clone());
            let suffix = title
                .as_deref()
                .map(camel)
                .unwrap_or_else(|| format!("Alternative{i}"));
            let ty = self.ty(branch, Some(Name::nested(name, &suffix)));
            let kind = self.kind(&ty, bk)?;
            if variants.iter().any(|(_, k, _, _)| *k == kind) {
                return None;
            }
            let variant = title
                .as_deref()
                .map(camel)
                .unwrap_or_else(|| kind_name(kind).to_owned());
            variants.push((scope.claim(variant), kind, ty, self.doc(branch)));
        }
        let doc = self.doc(shape);
        let ty = self.add(shape, name, doc, DefBody::Alternatives { variants });
        if let Ty::Named(index) = ty {
            self.branch_nodes.insert(index, branches.to_vec());
        }
        Some(ty)
    }

    fn kind(&self, ty: &Ty, _k: Option<&Keywords>) -> Option<Kind> {
        Some(match ty {
            Ty::Bool => Kind::Bool,
            Ty::Int(_) | Ty::BoundedInt(..) => Kind::Int,
            Ty::BoundedStr(..) => Kind::Str,
            Ty::BoundedVec(..) => Kind::Seq,
            Ty::F64 => Kind::Float,
            Ty::String | Ty::Base64 => Kind::Str,
            Ty::Secret(inner) => return self.kind(inner, None),
            Ty::Vec(_) => Kind::Seq,
            Ty::Named(i) => match &self.defs[*i].body {
                DefBody::Struct { .. } | DefBody::Choice { .. } => Kind::Map,
                DefBody::ClosedInt { .. } => Kind::Int,
                DefBody::ClosedStr { .. } => Kind::Str,
                DefBody::Alternatives { .. } | DefBody::Discriminated { .. } => return None,
            },
            Ty::Value => return None,
        })
    }

    fn discriminated(&mut self, shape: NodeId, k: &Keywords, name: &str) -> Option<Ty> {
        let (condition, then) = (k.if_?, k.then_?);
        let ck = self.keywords(condition)?;
        let [(property, test)] = ck.properties.as_slice() else {
            return None;
        };
        let test = self.keywords(*test)?;
        let value = test.const_value.clone()?;
        let scalar = matches!(value, Value::String(_) | Value::Bool(_) | Value::Number(_));
        let only_test = ck.types.is_none()
            && ck.reference.is_none()
            && ck.all_of.is_empty()
            && ck.any_of.is_empty()
            && ck.one_of.is_empty();
        let required_ok = ck.required.is_empty() || ck.required == [property.clone()];
        if !(scalar && only_test && required_ok) {
            return None;
        }
        let otherwise_node = match (k.else_, k.reference) {
            (Some(e), _) => e,
            (None, Some(r))
                if k.properties.is_empty()
                    && k.types.as_deref().is_none_or(|t| t == [JsonType::Object]) =>
            {
                r
            }
            _ => return None,
        };
        let index = self.reserve(shape, name, self.doc(shape));
        let then_ty = self.ty(then, Some(Name::nested(name, "Then")));
        let otherwise_ty = self.ty(otherwise_node, Some(Name::nested(name, "Otherwise")));
        let variant = |cx: &Self, ty: &Ty, fallback: &str| match ty {
            Ty::Named(i) => cx.defs[*i].name.clone(),
            _ => fallback.to_owned(),
        };
        let mut then_name = variant(self, &then_ty, "Then");
        let mut otherwise_name = variant(self, &otherwise_ty, "Otherwise");
        if then_name == otherwise_name {
            then_name = "Then".to_owned();
            otherwise_name = "Otherwise".to_owned();
        }
        self.defs[index].body = DefBody::Discriminated {
            property: property.clone(),
            value,
            absent_selects_then: ck.required.is_empty(),
            then: (then_name, then_ty),
            otherwise: (otherwise_name, otherwise_ty),
        };
        self.branch_nodes.insert(index, vec![then, otherwise_node]);
        Some(Ty::Named(index))
    }

    fn ty_tokens(&self, ty: &Ty, defs: &[Def]) -> TokenStream {
        match ty {
            Ty::Bool => quote!(bool),
            Ty::Int(i) => i.tokens(),
            Ty::F64 => quote!(f64),
            Ty::String => quote!(::std::string::String),
            Ty::Base64 => quote!(::wecom_rooms_runtime::Base64String),
            Ty::Secret(inner) => {
                let inner = self.ty_tokens(inner, defs);
                quote!(::wecom_rooms_runtime::Secret<#inner>)
            }
            Ty::Vec(inner) => {
                let inner = self.ty_tokens(inner, defs);
                quote!(::std::vec::Vec<#inner>)
            }
            Ty::Named(i) => {
                let name = ident(&defs[*i].name);
                quote!(#name)
            }
            Ty::Value => quote!(::serde_json::Value),
            Ty::BoundedInt(repr, lo, hi) => {
                let int = repr.tokens();
                let (lo, hi) = (
                    proc_macro2::Literal::i128_unsuffixed(*lo),
                    proc_macro2::Literal::i128_unsuffixed(*hi),
                );
                quote!(::wecom_rooms_runtime::Bounded<#int, #lo, #hi>)
            }
            Ty::BoundedStr(1, None) => quote!(::wecom_rooms_runtime::NonEmptyString),
            Ty::BoundedStr(lo, hi) => {
                let lo = proc_macro2::Literal::usize_unsuffixed(*lo as usize);
                match hi {
                    None => quote!(::wecom_rooms_runtime::BoundedString<#lo>),
                    Some(hi) => {
                        let hi = proc_macro2::Literal::usize_unsuffixed(*hi as usize);
                        quote!(::wecom_rooms_runtime::BoundedString<#lo, #hi>)
                    }
                }
            }
            Ty::BoundedVec(inner, lo, hi) => {
                let inner = self.ty_tokens(inner, defs);
                let lo_lit = proc_macro2::Literal::usize_unsuffixed(*lo as usize);
                match hi {
                    None if *lo == 1 => quote!(::wecom_rooms_runtime::NonEmptyVec<#inner>),
                    None => quote!(::wecom_rooms_runtime::BoundedVec<#inner, #lo_lit>),
                    Some(hi) => {
                        let hi = proc_macro2::Literal::usize_unsuffixed(*hi as usize);
                        quote!(::wecom_rooms_runtime::BoundedVec<#inner, #lo_lit, #hi>)
                    }
                }
            }
        }
    }

    /// Which traits each def can derive: (Eq, Hash, Copy). Starts from all and lowers until
    /// nothing changes (recursive types keep what their members allow), going from the last def
    /// made to the first: a type's members are made after it, so chains settle in one pass.
    fn trait_table(defs: &[Def]) -> Vec<(bool, bool, bool)> {
        let mut table = vec![(true, true, true); defs.len()];
        loop {
            let mut changed = false;
            for i in (0..defs.len()).rev() {
                let traits = Self::def_traits(i, defs, &table);
                if traits != table[i] {
                    table[i] = traits;
                    changed = true;
                }
            }
            if !changed {
                return table;
            }
        }
    }

    fn traits(ty: &Ty, table: &[(bool, bool, bool)]) -> (bool, bool, bool) {
        match ty {
            Ty::Bool | Ty::Int(_) | Ty::BoundedInt(..) => (true, true, true),
            Ty::F64 => (false, false, true),
            Ty::String | Ty::Base64 | Ty::BoundedStr(..) => (true, true, false),
            Ty::BoundedVec(inner, ..) => {
                let (eq, hash, _) = Self::traits(inner, table);
                (eq, hash, false)
            }
            Ty::Value => (true, false, false),
            Ty::Secret(inner) | Ty::Vec(inner) => {
                let (eq, hash, _) = Self::traits(inner, table);
                (eq, hash, false)
            }
            Ty::Named(i) => table[*i],
        }
    }

    fn def_traits(index: usize, defs: &[Def], table: &[(bool, bool, bool)]) -> (bool, bool, bool) {
        let all = |tys: Vec<&Ty>| {
            tys.into_iter().fold((true, true, true), |acc, ty| {
                let t = Self::traits(ty, table);
                (acc.0 && t.0, acc.1 && t.1, acc.2 && t.2)
            })
        };
        match &defs[index].body {
            DefBody::Struct {
                fields,
                extra,
                choice,
                ..
            } => {
                let (eq, hash, _) = all(fields.iter().map(|f| &f.ty).collect());
                let (choice_eq, choice_hash, _) =
                    choice.as_ref().map_or((true, true, true), |c| table[c.def]);
                (
                    eq && choice_eq,
                    hash && choice_hash && extra.is_none(),
                    false,
                )
            }
            DefBody::Choice { variants } => {
                let (eq, hash, _) = all(variants.iter().map(|v| &v.1.ty).collect());
                (eq, hash, false)
            }
            DefBody::ClosedInt { .. } => (true, true, true),
            DefBody::ClosedStr { .. } => (true, true, false),
            DefBody::Alternatives { variants } => all(variants.iter().map(|v| &v.2).collect()),
            DefBody::Discriminated {
                then, otherwise, ..
            } => {
                let (eq, hash, _) = all(vec![&then.1, &otherwise.1]);
                (eq, hash, false)
            }
        }
    }

    fn derives(&self, index: usize, serde: bool) -> TokenStream {
        let (eq, hash, copy) = self.trait_table[index];
        let copy = copy.then(|| quote!(Copy,));
        let eq = eq.then(|| quote!(Eq,));
        let hash = hash.then(|| quote!(Hash,));
        let schemars = if serde {
            self.gated(quote!(derive(::schemars::JsonSchema)))
        } else {
            quote!()
        };
        let serde = serde.then(|| quote!(::serde::Serialize, ::serde::Deserialize,));
        quote! { #[derive(Clone, #copy Debug, PartialEq, #eq #hash #serde)] #schemars }
    }

    /// An attribute that applies only when `JsonSchema` implementations are asked for.
    fn gated(&self, attribute: TokenStream) -> TokenStream {
        match self.schemars {
            Schemars::Off => quote!(),
            Schemars::Always => quote!(#[#attribute]),
            Schemars::Feature(feature) => quote!(#[cfg_attr(feature = #feature, #attribute)]),
        }
    }

    /// A hand-written `JsonSchema` implementation for a type whose serde impls are hand-written
    /// too; `schema` builds the schema from `generator`.
    fn json_schema_impl(&self, name: &Ident, doc: &[String], schema: TokenStream) -> TokenStream {
        let cfg = match self.schemars {
            Schemars::Off => return quote!(),
            Schemars::Always => quote!(),
            Schemars::Feature(feature) => quote!(#[cfg(feature = #feature)]),
        };
        let type_name = name.to_string();
        let description = doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n");
        let body = if description.is_empty() {
            schema
        } else {
            quote! {
                let mut schema = #schema;
                schema.insert("description".to_owned(), #description.into());
                schema
            }
        };
        quote! {
            #cfg
            impl ::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(#type_name)
                }

                #[allow(unused_variables)] // Only schemas with subschemas use the generator.
                fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                    #body
                }
            }
        }
    }

    fn def_tokens(&self, def: &Def, defs: &[Def]) -> TokenStream {
        let body = self.def_body_tokens(def, defs);
        let name = ident(&def.name);
        let schema = match &def.body {
            // Derived along with serde's impls, or written with them.
            DefBody::Struct { .. } | DefBody::Choice { .. } => return body,
            DefBody::ClosedInt { repr, variants } => {
                let (min, max) = repr.range();
                let known: Vec<String> = variants
                    .iter()
                    .map(|(n, v, _)| format!("{v} ({n})"))
                    .collect();
                let note = if self.checked {
                    format!("One of: {}.", known.join(", "))
                } else {
                    format!(
                        "Known values: {}; others are kept as `Unknown`.",
                        known.join(", ")
                    )
                };
                quote! { ::schemars::json_schema!({ "type": "integer", "minimum": #min, "maximum": #max, "$comment": #note }) }
            }
            DefBody::ClosedStr { variants } => {
                let known: Vec<&String> = variants.iter().map(|v| &v.1).collect();
                let note = if self.checked {
                    format!("One of: {known:?}.")
                } else {
                    format!("Known values: {known:?}; others are kept as `Unknown`.")
                };
                quote! { ::schemars::json_schema!({ "type": "string", "$comment": #note }) }
            }
            DefBody::Alternatives { variants } => {
                let tys = variants.iter().map(|v| self.ty_tokens(&v.2, defs));
                quote! { ::schemars::json_schema!({ "anyOf": [ #( generator.subschema_for::<#tys>() ),* ] }) }
            }
            DefBody::Discriminated {
                then, otherwise, ..
            } => {
                let (a, b) = (
                    self.ty_tokens(&then.1, defs),
                    self.ty_tokens(&otherwise.1, defs),
                );
                quote! { ::schemars::json_schema!({ "anyOf": [ generator.subschema_for::<#a>(), generator.subschema_for::<#b>() ] }) }
            }
        };
        let schema_impl = self.json_schema_impl(&name, &def.doc, schema);
        quote! { #body #schema_impl }
    }

    fn def_body_tokens(&self, def: &Def, defs: &[Def]) -> TokenStream {
        let index = defs
            .iter()
            .position(|d| std::ptr::eq(d, def))
            .expect("def is in defs");
        let name = ident(&def.name);
        let doc = doc_attrs(&def.doc);
        match &def.body {
            DefBody::Struct {
                fields,
                extra,
                choice,
                builder,
            } => {
                let body = match choice {
                    None => self.struct_tokens(index, &name, &doc, fields, extra.as_deref(), defs),
                    Some(choice) => self.choice_struct_tokens(
                        index,
                        &name,
                        &doc,
                        fields,
                        extra.as_deref(),
                        choice,
                        defs,
                    ),
                };
                let builder = builder.as_deref().map(|builder| {
                    self.builder_tokens(
                        &name,
                        builder,
                        fields,
                        extra.as_deref(),
                        choice.as_ref(),
                        defs,
                    )
                });
                quote! { #body #builder }
            }
            DefBody::Choice { variants } => self.choice_tokens(index, &name, &doc, variants, defs),
            DefBody::ClosedInt { repr, variants } => {
                self.closed_int_tokens(index, &name, &doc, *repr, variants)
            }
            DefBody::ClosedStr { variants } => self.closed_str_tokens(index, &name, &doc, variants),
            DefBody::Alternatives { variants } => {
                self.alternatives_tokens(index, &name, &doc, variants, defs)
            }
            DefBody::Discriminated {
                property,
                value,
                absent_selects_then,
                then,
                otherwise,
            } => {
                let derives = self.derives(index, false);
                let (then_variant, then_ty) = (ident(&then.0), self.ty_tokens(&then.1, defs));
                let (other_variant, other_ty) =
                    (ident(&otherwise.0), self.ty_tokens(&otherwise.1, defs));
                let test = super::expr::equals_scalar(value, quote!(x));
                let then_doc = format!(" `{property}` is {value}.");
                let other_doc = format!(" `{property}` is not {value}.");
                let expecting = format!("an object told apart by its member `{property}`");
                quote! {
                    #doc
                    #derives
                    #[derive(::serde::Serialize)]
                    #[serde(untagged)]
                    // Boxing the larger variant would cost an allocation per decode to save a
                    // move of a few hundred bytes.
                    #[allow(clippy::large_enum_variant)]
                    pub enum #name {
                        #[doc = #then_doc]
                        #then_variant(#then_ty),
                        #[doc = #other_doc]
                        #other_variant(#other_ty),
                    }

                    impl<'de> ::serde::Deserialize<'de> for #name {
                        fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                            ::wecom_rooms_runtime::de::deserialize_discriminated(deserializer)
                        }
                    }

                    impl ::wecom_rooms_runtime::de::Discriminated for #name {
                        const MEMBER: &'static str = #property;
                        const EXPECTING: &'static str = #expecting;

                        fn decode_selected<'de, D: ::serde::Deserializer<'de>>(
                            selector: ::core::option::Option<&::serde_json::Value>,
                            members: D,
                        ) -> ::core::result::Result<Self, D::Error> {
                            use ::wecom_rooms_runtime::json;
                            let selects_then = match selector {
                                Some(x) => #test,
                                None => #absent_selects_then,
                            };
                            if selects_then {
                                <#then_ty as ::serde::Deserialize>::deserialize(members).map(Self::#then_variant)
                            } else {
                                <#other_ty as ::serde::Deserialize>::deserialize(members).map(Self::#other_variant)
                            }
                        }
                    }

                    impl #name {
                        /// Decodes a parsed document, moving it into the variant its member selects
                        /// (the `Deserialize` impl would copy it first).
                        pub fn from_value(value: ::serde_json::Value) -> ::serde_json::Result<Self> {
                            use ::wecom_rooms_runtime::json;
                            let selects_then = match value.get(#property) {
                                Some(x) => #test,
                                None => #absent_selects_then,
                            };
                            if selects_then {
                                ::serde_json::from_value(value).map(Self::#then_variant)
                            } else {
                                ::serde_json::from_value(value).map(Self::#other_variant)
                            }
                        }

                        /// Decodes JSON text in one pass (see the `Deserialize` impl); its errors
                        /// carry the line and column.
                        pub fn from_slice(bytes: &[u8]) -> ::serde_json::Result<Self> {
                            ::wecom_rooms_runtime::decode::from_bytes(bytes)
                        }
                    }

                    impl ::core::str::FromStr for #name {
                        type Err = ::serde_json::Error;

                        /// Decodes JSON text; see [`Self::from_slice`].
                        fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                            ::serde_json::from_str(text)
                        }
                    }
                }
            }
        }
    }

    fn struct_tokens(
        &self,
        index: usize,
        name: &Ident,
        doc: &TokenStream,
        fields: &[Field],
        extra: Option<&str>,
        defs: &[Def],
    ) -> TokenStream {
        let derives = self.derives(index, true);
        // Without a flattened `extra`, serde's derive would also read a JSON array of member
        // values as the struct. The derive then goes under `remote = "Self"` (inherent
        // functions), and the trait impls below accept only objects.
        let map_only = extra.is_none();
        let deny = map_only.then(|| quote!(#[serde(deny_unknown_fields, remote = "Self")]));
        let expecting = format!("an object ({name})");
        let map_only_impls = map_only.then(|| quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    #name::serialize(self, serializer)
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    struct MapOnly;
                    impl<'de> ::serde::de::Visitor<'de> for MapOnly {
                        type Value = #name;
                        fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            f.write_str(#expecting)
                        }
                        fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> ::core::result::Result<#name, A::Error> {
                            #name::deserialize(::serde::de::value::MapAccessDeserializer::new(map))
                        }
                    }
                    deserializer.deserialize_map(MapOnly)
                }
            }
        });
        let (mut members, params, mut inits) = self.field_tokens(fields, defs, true);
        if let Some(extra) = extra {
            let extra = ident(extra);
            members.push(quote! {
                /// Members the schema does not name, kept so that decoding and encoding again loses nothing.
                #[serde(flatten)]
                pub #extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            });
            inits.push(quote! { #extra: ::serde_json::Map::new() });
        }
        let new_doc = format!(
            " A `{name}` with the required members given and every optional member absent."
        );
        // With nothing required, the empty value is the natural default.
        let default = params.is_empty().then(|| {
            quote! {
                impl ::core::default::Default for #name {
                    fn default() -> Self {
                        Self::new()
                    }
                }
            }
        });
        quote! {
            #doc
            #derives
            #deny
            pub struct #name {
                #(#members)*
            }

            impl #name {
                #[doc = #new_doc]
                #[allow(clippy::too_many_arguments)]
                pub fn new(#(#params),*) -> Self {
                    #name { #(#inits),* }
                }
            }

            #default
            #map_only_impls
        }
    }

    /// The serde fields of a struct's members, the parameters of its constructor (the required
    /// members) and the constructor's initializers.
    fn field_tokens(
        &self,
        fields: &[Field],
        defs: &[Def],
        serde: bool,
    ) -> (Vec<TokenStream>, Vec<TokenStream>, Vec<TokenStream>) {
        let mut members = Vec::new();
        let mut params = Vec::new();
        let mut inits = Vec::new();
        for field in fields {
            let rust = ident(&field.rust);
            let ty = self.ty_tokens(&field.ty, defs);
            let doc = doc_attrs(&field.doc);
            let wire = &field.wire;
            let rename = (field.rust != *wire).then(|| quote!(#[serde(rename = #wire)]));
            let int = matches!(field.ty, Ty::Int(_));
            if field.required {
                let with = int.then(
                    || quote!(#[serde(deserialize_with = "::wecom_rooms_runtime::de::integer")]),
                );
                if serde {
                    members.push(quote! { #doc #rename #with pub #rust: #ty, });
                } else {
                    members.push(quote! { #doc pub #rust: #ty, });
                }
                params.push(quote! { #rust: #ty });
                inits.push(quote! { #rust });
            } else {
                let with = if int {
                    quote!(#[serde(deserialize_with = "::wecom_rooms_runtime::de::present_integer")])
                } else {
                    quote!(#[serde(deserialize_with = "::wecom_rooms_runtime::de::present")])
                };
                if serde {
                    members.push(quote! {
                        #doc #rename
                        #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
                        #with
                        pub #rust: ::core::option::Option<#ty>,
                    });
                } else {
                    members.push(quote! { #doc pub #rust: ::core::option::Option<#ty>, });
                }
                inits.push(quote! { #rust: ::core::option::Option::None });
            }
        }
        (members, params, inits)
    }

    /// A struct holding an either-or choice in one field. serde's `flatten` does not combine
    /// with `deny_unknown_fields`, so decoding goes through a private struct with every member
    /// of the choice optional (the struct of old), then checks that exactly one was sent.
    #[allow(clippy::too_many_arguments)]
    fn choice_struct_tokens(
        &self,
        index: usize,
        name: &Ident,
        doc: &TokenStream,
        fields: &[Field],
        extra: Option<&str>,
        choice: &Choice,
        defs: &[Def],
    ) -> TokenStream {
        let derives = self.derives(index, false);
        let DefBody::Choice { variants } = &defs[choice.def].body else {
            unreachable!("a choice field holds a choice enum")
        };
        let choice_name = ident(&defs[choice.def].name);
        let choice_rust = ident(&choice.rust);
        let choice_doc = doc_attrs(&defs[choice.def].doc);
        let (mut members, mut params, mut inits) = self.field_tokens(fields, defs, false);
        members.insert(
            choice.position,
            quote! { #choice_doc pub #choice_rust: #choice_name, },
        );
        params.insert(
            fields[..choice.position]
                .iter()
                .filter(|f| f.required)
                .count(),
            quote! { #choice_rust: #choice_name },
        );
        inits.insert(choice.position, quote! { #choice_rust });
        // The private struct: every member, those of the choice optional.
        let mut wire_fields: Vec<Field> = Vec::new();
        for field in fields {
            wire_fields.push(Field {
                rust: field.rust.clone(),
                wire: field.wire.clone(),
                node: field.node,
                ty: field.ty.clone(),
                required: field.required,
                doc: field.doc.clone(),
            });
        }
        for (i, (_, field)) in variants.iter().enumerate() {
            wire_fields.insert(
                choice.position + i,
                Field {
                    rust: field.rust.clone(),
                    wire: field.wire.clone(),
                    node: field.node,
                    ty: field.ty.clone(),
                    required: false,
                    doc: field.doc.clone(),
                },
            );
        }
        let (mut wire_members, ..) = self.field_tokens(&wire_fields, defs, true);
        let deny = match extra {
            None => quote!(#[serde(deny_unknown_fields)]),
            Some(extra) => {
                let extra = ident(extra);
                wire_members.push(quote! {
                    #[serde(flatten)]
                    #extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                });
                members.push(quote! {
                    /// Members the schema does not name, kept so that decoding and encoding again loses nothing.
                    pub #extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                });
                inits.push(quote! { #extra: ::serde_json::Map::new() });
                quote!()
            }
        };
        let plain: Vec<Ident> = fields.iter().map(|f| ident(&f.rust)).collect();
        let extra_move = extra.map(|e| {
            let e = ident(e);
            quote! { #e: wire.#e, }
        });
        let wires: Vec<&String> = variants.iter().map(|(_, f)| &f.wire).collect();
        let quoted: Vec<String> = wires.iter().map(|w| format!("`{w}`")).collect();
        let exactly = format!("exactly one of {} must be present", join_or(&quoted));
        let mut arms = Vec::new();
        for (i, (variant, field)) in variants.iter().enumerate() {
            let variant = ident(variant);
            let pattern = (0..variants.len()).map(|j| {
                if i == j {
                    quote!(::core::option::Option::Some(value))
                } else {
                    quote!(::core::option::Option::None)
                }
            });
            let _ = field;
            arms.push(quote! { (#(#pattern,)*) => #choice_name::#variant(value), });
        }
        let taken = variants.iter().map(|(_, f)| {
            let f = ident(&f.rust);
            quote!(wire.#f)
        });
        // Encoding: the members in the schema's order, the choice's one where its members sit.
        let choice_arms = variants.iter().map(|(variant, field)| {
            let variant = ident(variant);
            let wire = &field.wire;
            quote! { #choice_name::#variant(value) => map.serialize_entry(#wire, value)?, }
        });
        let choice_entry = quote! { match &self.#choice_rust { #(#choice_arms)* } };
        let mut entries = Vec::new();
        for (i, field) in fields.iter().enumerate() {
            if i == choice.position {
                entries.push(choice_entry.clone());
            }
            let rust = ident(&field.rust);
            let wire = &field.wire;
            entries.push(if field.required {
                quote! { map.serialize_entry(#wire, &self.#rust)?; }
            } else {
                // Not `if let`: unformatted output (a build script's) puts statements on one
                // line, where `} if let` reads as a missing `else` to clippy.
                quote! {
                    self.#rust
                        .as_ref()
                        .map(|value| map.serialize_entry(#wire, value))
                        .transpose()?;
                }
            });
        }
        if choice.position == fields.len() {
            entries.push(choice_entry.clone());
        }
        if let Some(extra) = extra {
            let extra = ident(extra);
            entries.push(quote! {
                for (key, value) in &self.#extra {
                    map.serialize_entry(key, value)?;
                }
            });
        }
        let expecting = format!("an object ({name})");
        let new_doc = format!(
            " A `{name}` with the required members and the choice given, and every optional member absent."
        );
        let schemars = match self.schemars {
            Schemars::Off => quote!(),
            _ => {
                let derive = self.gated(quote!(derive(::schemars::JsonSchema)));
                let cfg = match self.schemars {
                    Schemars::Feature(feature) => quote!(#[cfg(feature = #feature)]),
                    _ => quote!(),
                };
                let type_name = name.to_string();
                quote! {
                    #cfg
                    impl ::schemars::JsonSchema for #name {
                        fn schema_name() -> ::std::borrow::Cow<'static, str> {
                            ::std::borrow::Cow::Borrowed(#type_name)
                        }
                        // The schema of the members, with the choice's all optional: it accepts
                        // more than the type decodes, never less.
                        fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                            #derive
                            #[allow(dead_code)]
                            #deny
                            struct Wire { #(#wire_members)* }
                            <Wire as ::schemars::JsonSchema>::json_schema(generator)
                        }
                    }
                }
            }
        };
        quote! {
            #doc
            #derives
            pub struct #name {
                #(#members)*
            }

            impl #name {
                #[doc = #new_doc]
                #[allow(clippy::too_many_arguments)]
                pub fn new(#(#params),*) -> Self {
                    #name { #(#inits),* }
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    use ::serde::ser::SerializeMap as _;
                    let mut map = serializer.serialize_map(::core::option::Option::None)?;
                    #(#entries)*
                    map.end()
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    #[derive(::serde::Deserialize)]
                    #deny
                    struct Wire { #(#wire_members)* }
                    struct MapOnly;
                    impl<'de> ::serde::de::Visitor<'de> for MapOnly {
                        type Value = #name;
                        fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            f.write_str(#expecting)
                        }
                        fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> ::core::result::Result<#name, A::Error> {
                            let wire = <Wire as ::serde::Deserialize>::deserialize(::serde::de::value::MapAccessDeserializer::new(map))?;
                            let #choice_rust = match (#(#taken,)*) {
                                #(#arms)*
                                _ => return ::core::result::Result::Err(<A::Error as ::serde::de::Error>::custom(#exactly)),
                            };
                            ::core::result::Result::Ok(#name { #(#plain: wire.#plain,)* #choice_rust, #extra_move })
                        }
                    }
                    deserializer.deserialize_map(MapOnly)
                }
            }

            #schemars
        }
    }

    /// A builder for a request's struct of more than two members: a method per member (and per
    /// member of its choice), and `build`, which names a required member left unset.
    fn builder_tokens(
        &self,
        name: &Ident,
        builder: &str,
        fields: &[Field],
        extra: Option<&str>,
        choice: Option<&Choice>,
        defs: &[Def],
    ) -> TokenStream {
        let builder = ident(builder);
        let mut slots = Vec::new();
        let mut setters = Vec::new();
        let mut takes = Vec::new();
        let mut required = false;
        for field in fields {
            let rust = ident(&field.rust);
            let ty = self.ty_tokens(&field.ty, defs);
            let doc = doc_attrs(&field.doc);
            let wire = &field.wire;
            slots.push(quote! { #rust: ::core::option::Option<#ty>, });
            setters.push(quote! {
                #doc
                pub fn #rust(mut self, value: #ty) -> Self {
                    self.#rust = ::core::option::Option::Some(value);
                    self
                }
            });
            takes.push(if field.required {
                required = true;
                quote! { #rust: self.#rust.ok_or(::wecom_rooms_runtime::MissingMember(#wire))?, }
            } else {
                quote! { #rust: self.#rust, }
            });
        }
        if let Some(choice) = choice {
            required = true;
            let rust = ident(&choice.rust);
            let enum_name = ident(&defs[choice.def].name);
            let doc = doc_attrs(&defs[choice.def].doc);
            slots.push(quote! { #rust: ::core::option::Option<#enum_name>, });
            setters.push(quote! {
                #doc
                pub fn #rust(mut self, value: #enum_name) -> Self {
                    self.#rust = ::core::option::Option::Some(value);
                    self
                }
            });
            let mut names = Vec::new();
            if let DefBody::Choice { variants } = &defs[choice.def].body {
                for (variant, field) in variants {
                    names.push(field.wire.clone());
                    let method = ident(&field.rust);
                    let variant = ident(variant);
                    let ty = self.ty_tokens(&field.ty, defs);
                    let doc = format!(
                        " Chooses `{}` (replacing any other member of the choice).",
                        field.wire
                    );
                    setters.push(quote! {
                        #[doc = #doc]
                        pub fn #method(mut self, value: #ty) -> Self {
                            self.#rust = ::core::option::Option::Some(#enum_name::#variant(value));
                            self
                        }
                    });
                }
            }
            let missing = names.join(" | ");
            takes.push(quote! { #rust: self.#rust.ok_or(::wecom_rooms_runtime::MissingMember(#missing))?, });
        }
        if let Some(extra) = extra {
            let extra = ident(extra);
            takes.push(quote! { #extra: ::serde_json::Map::new(), });
        }
        let builder_doc =
            format!(" Builds a [`{name}`] member by member: see [`{name}::builder`].");
        let (build_ty, build_body, build_doc) = if required {
            (
                quote!(::core::result::Result<#name, ::wecom_rooms_runtime::MissingMember>),
                quote! { ::core::result::Result::Ok(#name { #(#takes)* }) },
                " The value, or the first required member left unset.",
            )
        } else {
            (
                quote!(#name),
                quote! { #name { #(#takes)* } },
                " The value, with the members not set absent.",
            )
        };
        quote! {
            impl #name {
                /// A builder with every member unset.
                pub fn builder() -> #builder {
                    #builder::default()
                }
            }

            #[doc = #builder_doc]
            #[derive(Clone, Debug, Default)]
            #[must_use]
            pub struct #builder {
                #(#slots)*
            }

            impl #builder {
                #(#setters)*

                #[doc = #build_doc]
                pub fn build(self) -> #build_ty {
                    #build_body
                }
            }
        }
    }

    /// The enum of an either-or choice: it encodes as the one member it holds.
    fn choice_tokens(
        &self,
        index: usize,
        name: &Ident,
        doc: &TokenStream,
        variants: &[(String, Field)],
        defs: &[Def],
    ) -> TokenStream {
        let derives = self.derives(index, false);
        let mut members = Vec::new();
        let mut arms = Vec::new();
        for (variant, field) in variants {
            let variant = ident(variant);
            let ty = self.ty_tokens(&field.ty, defs);
            let doc = doc_attrs(&field.doc);
            let wire = &field.wire;
            let member = format!(" The member `{wire}`.");
            let gap = (!field.doc.is_empty()).then(|| quote!(#[doc = ""]));
            members.push(quote! { #[doc = #member] #gap #doc #variant(#ty), });
            arms.push(quote! { #name::#variant(value) => map.serialize_entry(#wire, value)?, });
        }
        quote! {
            #doc
            #derives
            pub enum #name {
                #(#members)*
            }

            impl ::serde::Serialize for #name {
                /// One member: an object of it alone, or that member of the object it is in.
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    use ::serde::ser::SerializeMap as _;
                    let mut map = serializer.serialize_map(::core::option::Option::Some(1))?;
                    match self {
                        #(#arms)*
                    }
                    map.end()
                }
            }
        }
    }

    fn closed_int_tokens(
        &self,
        index: usize,
        name: &Ident,
        doc: &TokenStream,
        repr: IntTy,
        variants: &[(String, i128, Vec<String>)],
    ) -> TokenStream {
        let derives = self.derives(index, false);
        let int = repr.tokens();
        let idents: Vec<Ident> = variants.iter().map(|v| ident(&v.0)).collect();
        let docs: Vec<TokenStream> = variants.iter().map(|v| doc_attrs(&v.2)).collect();
        let values: Vec<proc_macro2::Literal> =
            variants.iter().map(|v| int_literal(v.1, repr)).collect();
        let serialize = format_ident!("serialize_{}", repr.tokens().to_string());
        if self.checked {
            // What a caller sends holds only the values the schema names.
            let known = values
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let expected = format!("one of {known}");
            return quote! {
                #doc
                ///
                /// Only the values the schema names: a value outside them is refused.
                #derives
                #[non_exhaustive]
                pub enum #name {
                    #( #docs #idents, )*
                }

                impl #name {
                    /// The value on the wire.
                    pub const fn value(self) -> #int {
                        match self {
                            #( Self::#idents => #values, )*
                        }
                    }

                    /// The variant for a value on the wire, if the schema names it.
                    pub const fn from_value(value: #int) -> ::core::option::Option<Self> {
                        match value {
                            #( #values => ::core::option::Option::Some(Self::#idents), )*
                            _ => ::core::option::Option::None,
                        }
                    }

                    /// Always true: every variant is a value the schema names.
                    pub const fn is_known(self) -> bool {
                        true
                    }
                }

                impl ::core::convert::From<#name> for #int {
                    fn from(value: #name) -> Self {
                        value.value()
                    }
                }

                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                        serializer.#serialize(self.value())
                    }
                }

                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                        let value = ::wecom_rooms_runtime::de::integer::<D, #int>(deserializer)?;
                        Self::from_value(value).ok_or_else(|| {
                            <D::Error as ::serde::de::Error>::invalid_value(
                                ::serde::de::Unexpected::Signed(value as i64),
                                &#expected,
                            )
                        })
                    }
                }
            };
        }
        quote! {
            #doc
            ///
            /// Values the schema does not name decode to `Unknown` and encode back unchanged.
            #derives
            #[non_exhaustive]
            pub enum #name {
                #( #docs #idents, )*
                /// A value the schema does not name.
                Unknown(#int),
            }

            impl #name {
                /// The value on the wire.
                pub const fn value(self) -> #int {
                    match self {
                        #( Self::#idents => #values, )*
                        Self::Unknown(value) => value,
                    }
                }

                /// The variant for a value on the wire.
                pub const fn from_value(value: #int) -> Self {
                    match value {
                        #( #values => Self::#idents, )*
                        other => Self::Unknown(other),
                    }
                }

                /// Whether the schema names this value (also for an `Unknown` built by hand
                /// around a named value).
                pub const fn is_known(self) -> bool {
                    !matches!(Self::from_value(self.value()), Self::Unknown(_))
                }
            }

            impl ::core::convert::From<#int> for #name {
                fn from(value: #int) -> Self {
                    Self::from_value(value)
                }
            }

            impl ::core::convert::From<#name> for #int {
                fn from(value: #name) -> Self {
                    value.value()
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    serializer.#serialize(self.value())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    ::wecom_rooms_runtime::de::integer::<D, #int>(deserializer).map(Self::from_value)
                }
            }
        }
    }

    fn closed_str_tokens(
        &self,
        index: usize,
        name: &Ident,
        doc: &TokenStream,
        variants: &[(String, String, Vec<String>)],
    ) -> TokenStream {
        let derives = self.derives(index, false);
        let idents: Vec<Ident> = variants.iter().map(|v| ident(&v.0)).collect();
        let docs: Vec<TokenStream> = variants.iter().map(|v| doc_attrs(&v.2)).collect();
        let values: Vec<&String> = variants.iter().map(|v| &v.1).collect();
        if self.checked {
            let expected = format!("one of {values:?}");
            return quote! {
                #doc
                ///
                /// Only the values the schema names: a value outside them is refused.
                #derives
                #[non_exhaustive]
                pub enum #name {
                    #( #docs #idents, )*
                }

                impl #name {
                    /// The value on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #( Self::#idents => #values, )*
                        }
                    }

                    /// The variant for a value on the wire, if the schema names it.
                    pub fn from_value(value: &str) -> ::core::option::Option<Self> {
                        match value {
                            #( #values => ::core::option::Option::Some(Self::#idents), )*
                            _ => ::core::option::Option::None,
                        }
                    }

                    /// Always true: every variant is a value the schema names.
                    pub fn is_known(&self) -> bool {
                        true
                    }
                }

                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }

                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                        let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                        Self::from_value(&value).ok_or_else(|| {
                            <D::Error as ::serde::de::Error>::invalid_value(
                                ::serde::de::Unexpected::Str(&value),
                                &#expected,
                            )
                        })
                    }
                }
            };
        }
        quote! {
            #doc
            ///
            /// Values the schema does not name decode to `Unknown` and encode back unchanged.
            #derives
            #[non_exhaustive]
            pub enum #name {
                #( #docs #idents, )*
                /// A value the schema does not name.
                Unknown(::std::string::String),
            }

            impl #name {
                /// The value on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#idents => #values, )*
                        Self::Unknown(value) => value,
                    }
                }

                /// The variant for a value on the wire.
                pub fn from_value(value: &str) -> Self {
                    match value {
                        #( #values => Self::#idents, )*
                        other => Self::Unknown(other.to_owned()),
                    }
                }

                /// Whether the schema names this value.
                pub fn is_known(&self) -> bool {
                    !matches!(Self::from_value(self.as_str()), Self::Unknown(_))
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                    Ok(Self::from_value(&value))
                }
            }
        }
    }

    fn alternatives_tokens(
        &self,
        index: usize,
        name: &Ident,
        doc: &TokenStream,
        variants: &[(String, Kind, Ty, Vec<String>)],
        defs: &[Def],
    ) -> TokenStream {
        let derives = self.derives(index, false);
        let mut members = Vec::new();
        let mut visits = Vec::new();
        let mut expecting = Vec::new();
        for (variant, kind, ty, doc) in variants {
            let variant = ident(variant);
            let ty_tokens = self.ty_tokens(ty, defs);
            let doc = doc_attrs(doc);
            members.push(quote! { #doc #variant(#ty_tokens), });
            // Integers read as JSON Schema counts them (3.0 is an integer).
            let read = |input: TokenStream| match ty {
                Ty::Int(_) => quote! {
                    ::wecom_rooms_runtime::de::integer::<_, #ty_tokens>(#input).map(#name::#variant)
                },
                _ => {
                    quote! { <#ty_tokens as ::serde::Deserialize>::deserialize(#input).map(#name::#variant) }
                }
            };
            let into = |v: TokenStream| {
                let input = quote!(::serde::de::IntoDeserializer::<E>::into_deserializer(#v));
                read(input)
            };
            expecting.push(match (kind, ty) {
                (Kind::Int, Ty::Int(i)) => i.phrase().to_owned(),
                _ => kind_phrase(*kind).to_owned(),
            });
            visits.push(match kind {
                Kind::Bool => {
                    let r = into(quote!(v));
                    quote! { fn visit_bool<E: ::serde::de::Error>(self, v: bool) -> ::core::result::Result<#name, E> { #r } }
                }
                Kind::Str => {
                    let r_str = into(quote!(v));
                    let r_string = into(quote!(v));
                    quote! {
                        fn visit_str<E: ::serde::de::Error>(self, v: &str) -> ::core::result::Result<#name, E> { #r_str }
                        fn visit_string<E: ::serde::de::Error>(self, v: ::std::string::String) -> ::core::result::Result<#name, E> { #r_string }
                    }
                }
                Kind::Int | Kind::Float => {
                    let (ru, ri, rf) = (into(quote!(v)), into(quote!(v)), into(quote!(v)));
                    quote! {
                        fn visit_u64<E: ::serde::de::Error>(self, v: u64) -> ::core::result::Result<#name, E> { #ru }
                        fn visit_i64<E: ::serde::de::Error>(self, v: i64) -> ::core::result::Result<#name, E> { #ri }
                        fn visit_f64<E: ::serde::de::Error>(self, v: f64) -> ::core::result::Result<#name, E> { #rf }
                    }
                }
                Kind::Seq => {
                    let r = read(quote!(::serde::de::value::SeqAccessDeserializer::new(seq)));
                    quote! { fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, seq: A) -> ::core::result::Result<#name, A::Error> { #r } }
                }
                Kind::Map => {
                    let r = read(quote!(::serde::de::value::MapAccessDeserializer::new(map)));
                    quote! { fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> ::core::result::Result<#name, A::Error> { #r } }
                }
            });
        }
        let expecting = join_or(&expecting);
        let serialize_arms = variants.iter().map(|(variant, ..)| {
            let variant = ident(variant);
            quote! { #name::#variant(value) => ::serde::Serialize::serialize(value, serializer), }
        });
        quote! {
            #doc
            ///
            /// Keeps the JSON kind that was sent: decoding and encoding again gives the same value.
            #derives
            pub enum #name {
                #(#members)*
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    match self {
                        #(#serialize_arms)*
                    }
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    struct Alternatives;
                    impl<'de> ::serde::de::Visitor<'de> for Alternatives {
                        type Value = #name;
                        fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            f.write_str(#expecting)
                        }
                        #(#visits)*
                    }
                    deserializer.deserialize_any(Alternatives)
                }
            }
        }
    }
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

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

pub(super) fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| super::names::doc_text(l));
    quote! { #( #[doc = #lines] )* }
}

/// Typed validation, for `decode_validated`'s fast path: for each type, the checks a decoded
/// value must pass beyond what decoding already ensured, so that "decodes and passes" means
/// "the schema accepts the document". A type gets a check only where that can be shown from the
/// schema; everything else goes through the `Value` validators.
impl TypeCx<'_> {
    /// `satisfies_schema` bodies, one per def (`None`: not shown sound). The greatest fixpoint
    /// over the defs, so recursive types check recursively.
    fn schema_checks(&self, defs: &[Def]) -> Vec<Option<TokenStream>> {
        let mut exact = vec![true; defs.len()];
        loop {
            let checks: Vec<Option<TokenStream>> = (0..defs.len())
                .map(|i| exact[i].then(|| self.def_check(i, defs, &exact)).flatten())
                .collect();
            let next: Vec<bool> = checks.iter().map(Option::is_some).collect();
            if next == exact {
                return checks;
            }
            exact = next;
        }
    }

    /// The nodes whose assertions apply to a value typed from `node`: it, and the `$ref`
    /// targets followed to the node that shapes the type.
    fn chain(&self, node: NodeId) -> Vec<NodeId> {
        let shape = self.shape(node);
        let mut out = vec![node];
        let mut at = node;
        while at != shape {
            match self.keywords(at).and_then(|k| k.reference) {
                Some(next) => {
                    at = next;
                    out.push(at);
                }
                None => break,
            }
        }
        out
    }

    /// A boolean expression over `x` (a reference to a value of type `ty` decoded from a member
    /// described by `node`): true exactly when the schema at `node` accepts it.
    fn value_check(
        &self,
        ty: &Ty,
        node: NodeId,
        defs: &[Def],
        exact: &[bool],
        x: TokenStream,
        by_ref: bool,
    ) -> Option<Vec<TokenStream>> {
        match ty {
            Ty::Secret(inner) => {
                return self.value_check(inner, node, defs, exact, quote!(#x.expose()), true);
            }
            // The checked types are read as what they hold: their own checks repeat the
            // schema's, so checking again is redundant but sound.
            Ty::BoundedInt(repr, ..) => {
                return self.value_check(
                    &Ty::Int(*repr),
                    node,
                    defs,
                    exact,
                    quote!(#x.get()),
                    false,
                );
            }
            Ty::BoundedStr(..) => {
                return self.value_check(&Ty::String, node, defs, exact, x, by_ref);
            }
            Ty::BoundedVec(inner, ..) => {
                let vec = Ty::Vec(inner.clone());
                return self.value_check(&vec, node, defs, exact, x, by_ref);
            }
            _ => {}
        }
        let chain = self.chain(node);
        let (&shape, links) = chain.split_last()?;
        let shape_k = self.keywords(shape);
        let mut checks: Vec<TokenStream> = Vec::new();
        // Links (nodes before the shape) may add scalar constraints and nothing else.
        let scalar = [
            "$ref",
            "const",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minLength",
            "maxLength",
        ];
        for &link in links {
            let k = self.keywords(link)?;
            if k.assertions().iter().any(|a| !scalar.contains(a)) {
                return None;
            }
            checks.extend(self.scalar_checks(ty, k, &x, by_ref)?);
        }
        let allowed: &[&str] = match ty {
            Ty::String | Ty::Base64 => &["type", "const", "minLength", "maxLength"],
            Ty::Int(_) => &[
                "type",
                "const",
                "minimum",
                "maximum",
                "exclusiveMinimum",
                "exclusiveMaximum",
            ],
            Ty::Bool => &["type", "const"],
            Ty::F64 => &["type"],
            Ty::Vec(_) => &["type", "items", "minItems", "maxItems"],
            Ty::Named(j) => {
                if !exact[*j] || defs[*j].node != shape {
                    return None;
                }
                checks.push(quote! { #x.satisfies_schema() });
                return Some(checks);
            }
            Ty::Value
            | Ty::Secret(_)
            | Ty::BoundedInt(..)
            | Ty::BoundedStr(..)
            | Ty::BoundedVec(..) => {
                return None;
            }
        };
        let k = shape_k?;
        if k.assertions().iter().any(|a| !allowed.contains(a)) {
            return None;
        }
        checks.extend(self.scalar_checks(ty, k, &x, by_ref)?);
        if let Ty::Vec(inner) = ty {
            if let Some(min) = k.min_items {
                checks.push(quote! { #x.len() as u64 >= #min });
            }
            if let Some(max) = k.max_items {
                checks.push(quote! { #x.len() as u64 <= #max });
            }
            if let Some(items) = k.items {
                let item = self.value_check(inner, items, defs, exact, quote!(item), true)?;
                if !item.is_empty() {
                    let item = conjunction(item);
                    checks.push(quote! { #x.iter().all(|item| #item) });
                }
            }
        }
        Some(checks)
    }

    /// The residual checks of `const`, bounds and lengths on a scalar; `None` when one cannot
    /// be checked on `ty`.
    fn scalar_checks(
        &self,
        ty: &Ty,
        k: &Keywords,
        x: &TokenStream,
        by_ref: bool,
    ) -> Option<Vec<TokenStream>> {
        let mut out = Vec::new();
        let value = if by_ref { quote!(*#x) } else { quote!(#x) };
        match ty {
            Ty::String | Ty::Base64 => {
                if let Some(min) = k.min_length {
                    out.push(quote! { ::wecom_rooms_runtime::json::char_count(#x.as_str()) as u64 >= #min });
                }
                if let Some(max) = k.max_length {
                    out.push(quote! { ::wecom_rooms_runtime::json::char_count(#x.as_str()) as u64 <= #max });
                }
                if let Some(c) = &k.const_value {
                    let c = c.as_str()?;
                    out.push(quote! { #x.as_str() == #c });
                }
                if k.minimum.is_some()
                    || k.maximum.is_some()
                    || k.exclusive_minimum.is_some()
                    || k.exclusive_maximum.is_some()
                {
                    // Bounds never apply to strings.
                }
            }
            Ty::Int(repr) => {
                let int = |n: &serde_json::Number| {
                    n.as_i64()
                        .map(i128::from)
                        .or_else(|| n.as_u64().map(i128::from))
                };
                let bound = |n: &Option<serde_json::Number>| -> Option<Option<i128>> {
                    match n {
                        None => Some(None),
                        Some(n) => int(n).map(Some),
                    }
                };
                let value = quote! { i128::from(#value) };
                let literal = proc_macro2::Literal::i128_suffixed;
                // Bounds the Rust type already keeps need no check.
                let (lowest, highest) = repr.bounds();
                if let Some(min) = bound(&k.minimum)?.filter(|&m| m > lowest) {
                    let min = literal(min);
                    out.push(quote! { #value >= #min });
                }
                if let Some(max) = bound(&k.maximum)?.filter(|&m| m < highest) {
                    let max = literal(max);
                    out.push(quote! { #value <= #max });
                }
                if let Some(min) = bound(&k.exclusive_minimum)?.filter(|&m| m >= lowest) {
                    let min = literal(min);
                    out.push(quote! { #value > #min });
                }
                if let Some(max) = bound(&k.exclusive_maximum)?.filter(|&m| m <= highest) {
                    let max = literal(max);
                    out.push(quote! { #value < #max });
                }
                if let Some(c) = &k.const_value {
                    let Value::Number(n) = c else { return None };
                    let c = proc_macro2::Literal::i128_suffixed(int(n)?);
                    out.push(quote! { #value == #c });
                }
                if k.min_length.is_some() || k.max_length.is_some() {
                    // Lengths never apply to numbers.
                }
            }
            Ty::Bool => {
                if let Some(c) = &k.const_value {
                    let c = c.as_bool()?;
                    out.push(quote! { #value == #c });
                }
            }
            _ => {
                if k.const_value.is_some() {
                    return None;
                }
            }
        }
        Some(out)
    }

    fn def_check(&self, index: usize, defs: &[Def], exact: &[bool]) -> Option<TokenStream> {
        let def = &defs[index];
        let k = self.keywords(def.node)?;
        let assertions = k.assertions();
        let only = |allowed: &[&str]| assertions.iter().all(|a| allowed.contains(a));
        let name = ident(&def.name);
        match &def.body {
            DefBody::Choice { .. }
            | DefBody::Struct {
                choice: Some(_), ..
            } => None,
            DefBody::Struct { fields, extra, .. } => {
                if !only(&["type", "properties", "required", "additionalProperties"]) {
                    return None;
                }
                if k.types.as_deref().is_some_and(|t| t != [JsonType::Object]) {
                    return None;
                }
                let denies = k
                    .additional_properties
                    .is_some_and(|a| matches!(self.model.node(a).schema, Schema::Bool(false)));
                if k.additional_properties.is_some() && !(denies && extra.is_none()) {
                    return None;
                }
                if k.required
                    .iter()
                    .any(|r| !fields.iter().any(|f| &f.wire == r && f.required))
                {
                    return None;
                }
                let mut checks = Vec::new();
                for field in fields {
                    let member = ident(&field.rust);
                    if field.required {
                        let member = quote!(self.#member);
                        checks.extend(
                            self.value_check(&field.ty, field.node, defs, exact, member, false)?,
                        );
                    } else {
                        let check =
                            self.value_check(&field.ty, field.node, defs, exact, quote!(x), true)?;
                        if !check.is_empty() {
                            let check = conjunction(check);
                            checks.push(quote! { self.#member.as_ref().is_none_or(|x| #check) });
                        }
                    }
                }
                Some(conjunction(checks))
            }
            DefBody::ClosedInt { repr, variants } => {
                if !only(&["type", "minimum", "maximum", "oneOf", "anyOf"]) {
                    return None;
                }
                let (min, max) = repr.bounds();
                let int = |n: &Option<serde_json::Number>| {
                    n.as_ref().map(|n| {
                        n.as_i64()
                            .map(i128::from)
                            .or_else(|| n.as_u64().map(i128::from))
                    })
                };
                if int(&k.minimum).is_some_and(|b| b != Some(min))
                    || int(&k.maximum).is_some_and(|b| b != Some(max))
                {
                    return None;
                }
                let values: BTreeSet<i128> = variants.iter().map(|v| v.1).collect();
                (values.len() == variants.len()).then(|| quote! { self.is_known() })
            }
            DefBody::ClosedStr { variants } => {
                if !only(&["type", "enum", "oneOf", "anyOf"]) {
                    return None;
                }
                let values: BTreeSet<&String> = variants.iter().map(|v| &v.1).collect();
                (values.len() == variants.len()).then(|| quote! { self.is_known() })
            }
            DefBody::Alternatives { variants } => {
                if !only(&["anyOf", "oneOf"]) {
                    return None;
                }
                let branches = self.branch_nodes.get(&index)?;
                if !k.one_of.is_empty() {
                    // Exactly one must match: every branch must pin its JSON type, and integers
                    // must not meet numbers.
                    let pinned = branches.iter().all(|&b| {
                        self.keywords(self.shape(b))
                            .and_then(|bk| bk.types.as_deref())
                            .is_some_and(|t| t.len() == 1)
                    });
                    if !pinned || variants.iter().any(|v| v.1 == Kind::Float) {
                        return None;
                    }
                }
                let mut arms = Vec::new();
                for ((variant, _, ty, _), &branch) in variants.iter().zip(branches) {
                    let check = self.value_check(ty, branch, defs, exact, quote!(x), true)?;
                    let variant = ident(variant);
                    arms.push(if check.is_empty() {
                        quote! { #name::#variant(_) => true, }
                    } else {
                        let check = conjunction(check);
                        quote! { #name::#variant(x) => #check, }
                    });
                }
                Some(quote! { match self { #(#arms)* } })
            }
            DefBody::Discriminated {
                then, otherwise, ..
            } => {
                // `$ref` base, `if` on a constant, `then`: the `otherwise` variant is the base.
                if !only(&["$ref", "if", "then"]) {
                    return None;
                }
                let base = k.reference?;
                let [then_node, otherwise_node] = self.branch_nodes.get(&index)?.as_slice() else {
                    return None;
                };
                if *otherwise_node != base || !self.struct_implies(&then.1, *then_node, base, defs)
                {
                    return None;
                }
                let then_check = conjunction(self.value_check(
                    &then.1,
                    *then_node,
                    defs,
                    exact,
                    quote!(x),
                    true,
                )?);
                let other_check = conjunction(self.value_check(
                    &otherwise.1,
                    *otherwise_node,
                    defs,
                    exact,
                    quote!(x),
                    true,
                )?);
                let (then_variant, other_variant) = (ident(&then.0), ident(&otherwise.0));
                Some(quote! {
                    match self {
                        #name::#then_variant(x) => #then_check,
                        #name::#other_variant(x) => #other_check,
                    }
                })
            }
        }
    }

    /// Whether every value of the struct typed from `then` that satisfies its schema also
    /// satisfies the object schema `base`: each member `base` requires is required there, and
    /// each member `base` describes is described there at least as narrowly.
    fn struct_implies(&self, then_ty: &Ty, then: NodeId, base: NodeId, defs: &[Def]) -> bool {
        let Ty::Named(j) = then_ty else { return false };
        let DefBody::Struct { fields, .. } = &defs[*j].body else {
            return false;
        };
        let _ = then;
        let Some(b) = self.keywords(self.shape(base)) else {
            return false;
        };
        let base_ok = self.chain(base).len() == 1
            && b.assertions()
                .iter()
                .all(|a| ["type", "properties", "required"].contains(a))
            && b.types.as_deref().is_none_or(|t| t == [JsonType::Object]);
        base_ok
            && b.required
                .iter()
                .all(|r| fields.iter().any(|f| &f.wire == r && f.required))
            && b.properties.iter().all(|(name, bn)| {
                fields
                    .iter()
                    .any(|f| &f.wire == name && self.node_implies(f.node, *bn))
            })
    }

    /// Whether the schema at `narrow` accepts only what the schema at `wide` accepts, in the
    /// two cases that are easy to see: both lead to the same shaping node and `wide` adds
    /// nothing on the way, or both assert only the same `type`.
    fn node_implies(&self, narrow: NodeId, wide: NodeId) -> bool {
        let wide_adds_nothing = self.chain(wide).iter().rev().skip(1).all(|&link| {
            self.keywords(link)
                .is_some_and(|k| k.assertions() == ["$ref"])
        });
        if self.shape(narrow) == self.shape(wide) && wide_adds_nothing {
            return true;
        }
        let only_type = |n: NodeId| {
            self.keywords(n)
                .filter(|k| k.assertions() == ["type"])
                .and_then(|k| k.types.clone())
        };
        only_type(narrow).is_some() && only_type(narrow) == only_type(wide)
    }
}

/// `a && b && …`, or `true` for none.
fn conjunction(checks: Vec<TokenStream>) -> TokenStream {
    if checks.is_empty() {
        quote! { true }
    } else {
        quote! { #(#checks)&&* }
    }
}
