//! Validators: model → Rust functions over `serde_json::Value`.
//!
//! Each reachable schema node becomes two functions: `is_valid_N`, which stops at the first
//! failure and allocates nothing, and `validate_N`, which reports every violation into a
//! `Context`. Both are written by one walk over the keywords ([`Checks`]), in two modes, so they
//! cannot disagree about what a keyword means.
//!
//! Error locations follow the reference validator (the `jsonschema` crate): a keyword that judges
//! an object or array as a whole (`required`, `additionalProperties: false`, `propertyNames`,
//! `contains`, `uniqueItems`…) reports at the container; keywords applied to members or items
//! report at the member or item; `anyOf`, `oneOf` and `not` report once, at the instance they
//! judged; `$ref`, `allOf`, `if`/`then`/`else` and `dependentSchemas` pass on what their
//! subschemas report.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Delimiter, Group, Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Number, Value};

use super::fusion::Fusion;
use super::names::doc_text;
use crate::model::{JsonType, Keywords, Model, NodeId, Root, Schema};

/// Emits the validators of one root schema.
pub fn emit(model: &Model, root: &Root) -> TokenStream {
    let order = reachable(model, root.node);
    let index: BTreeMap<NodeId, usize> = order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let value_positions = value_positions(model, root.node, &order);
    let tolerated = described_members(model, &value_positions);
    let needed = needed(model, root.node);
    let mut statics = Statics::default();
    let mut functions = Vec::new();
    for &id in &order {
        let cx = NodeCx {
            model,
            index: &index,
            id,
            tolerated: &tolerated,
        };
        if needed.is_valid.contains(&id) {
            functions.push(cx.function(Mode::IsValid, &mut statics));
        }
        if needed.annotate.contains(&id) {
            functions.push(cx.annotate_function(&mut statics));
        }
        if !needed.validate.contains(&id) {
            continue;
        }
        functions.push(cx.function(Mode::Validate, &mut statics));
        if tolerated.contains_key(&id)
            && let Some(tolerate) = cx.tolerate_function(&mut statics)
        {
            functions.push(tolerate);
        }
    }
    let root_is_valid = format_ident!("is_valid_{}", index[&root.node]);
    let root_is_valid = quote! { validators::#root_is_valid };
    let root_apply = apply_at_value_position(&index, &tolerated, root.node, &quote!(instance));
    let root_apply = quote! { use validators::*; #root_apply };
    let mut validators = quote! {
        use ::core::cmp::Ordering;
        use ::serde_json::Value;
        use ::wecom_rooms_runtime::__private::json;
        use ::wecom_rooms_runtime::__private::{describe, Context, Evaluated, Segment};
    };
    validators.extend(statics.tokens);
    validators.extend(functions);
    let validators = braced(validators);
    quote! {
        /// Whether `instance` is valid: stops at the first violation and allocates nothing.
        #[must_use]
        pub fn is_valid(instance: &::serde_json::Value) -> bool {
            #root_is_valid(instance)
        }

        /// Every violation in `instance`; the instance is valid exactly when the report has no errors.
        #[must_use]
        pub fn validate(instance: &::serde_json::Value) -> ::wecom_rooms_runtime::validate::Report {
            validate_with(instance, ::wecom_rooms_runtime::validate::Options::default())
        }

        /// Like [`validate`], with options: [`Options::tolerances`] also reports, as warnings,
        /// what the default verdict tolerates (undescribed members, base64 that does not decode).
        ///
        /// [`Options::tolerances`]: ::wecom_rooms_runtime::validate::Options::tolerances
        #[must_use]
        pub fn validate_with(
            instance: &::serde_json::Value,
            options: ::wecom_rooms_runtime::validate::Options,
        ) -> ::wecom_rooms_runtime::validate::Report {
            // Most documents are valid: `is_valid` proves it without a path or a message, and
            // agrees with the full walk on every document.
            if !options.tolerances && #root_is_valid(instance) {
                return ::wecom_rooms_runtime::validate::Report::default();
            }
            let mut context = ::wecom_rooms_runtime::__private::Context::new(options);
            {
                let ctx = &mut context;
                #root_apply
            }
            context.finish()
        }

        /// One `is_valid_N` and one `validate_N` per schema node, named by the node's index and
        /// documented with its location.
        #[allow(clippy::all, unused_variables, unused_mut, unused_imports, unreachable_code)]
        mod validators
            #validators
    }
}

/// `tokens` in braces. Interpolating a `TokenStream` into `quote!` copies every token (the
/// caller still owns it); a `Group` is shared instead, which matters for function bodies and
/// modules: the generator's time is mostly spent making and dropping tokens.
fn braced(tokens: TokenStream) -> Group {
    Group::new(Delimiter::Brace, tokens)
}

/// Every node reachable from `root`, in a deterministic order (breadth first, keywords in model order).
fn reachable(model: &Model, root: NodeId) -> Vec<NodeId> {
    let mut order = vec![root];
    let mut seen: BTreeSet<NodeId> = order.iter().copied().collect();
    let mut i = 0;
    while i < order.len() {
        if let Some(k) = model.keywords(order[i]) {
            for next in children(k) {
                if seen.insert(next) {
                    order.push(next);
                }
            }
        }
        i += 1;
    }
    order
}

/// Which nodes need an `is_valid_N`, which a `validate_N` and which an `annotate_N`.
/// `validate_N` reports what its subschemas report, except where a keyword judges with a yes or
/// no (`anyOf`, `oneOf`, `not`, `if`, `contains`, `propertyNames`): those subschemas need only
/// `is_valid`. `annotate_N` (for `unevaluatedProperties` and `unevaluatedItems`) records what a
/// valid node evaluated.
fn needed(model: &Model, root: NodeId) -> Needed {
    let mut needed = Needed::default();
    let mut stack = vec![(root, Mode::IsValid), (root, Mode::Validate)];
    while let Some((id, mode)) = stack.pop() {
        let fresh = match mode {
            Mode::IsValid => needed.is_valid.insert(id),
            Mode::Validate => needed.validate.insert(id),
            Mode::Annotate => needed.annotate.insert(id),
        };
        let Some(k) = model.keywords(id).filter(|_| fresh) else {
            continue;
        };
        // `additionalProperties: false` is checked inline, without a function.
        let inline_false = k
            .additional_properties
            .filter(|&a| matches!(model.node(a).schema, Schema::Bool(false)));
        let in_place: Vec<NodeId> = k.in_place().filter(|&c| Some(c) != k.not).collect();
        if mode != Mode::Annotate && k.uses_unevaluated() {
            for &c in &in_place {
                stack.push((c, Mode::IsValid));
                stack.push((c, Mode::Annotate));
            }
        }
        match mode {
            Mode::IsValid => {
                // Branches of distinct constants are tested inline.
                let mut inlined: Vec<NodeId> = if distinct_constants(model, &k.one_of).is_some() {
                    k.one_of.clone()
                } else {
                    Vec::new()
                };
                // So are items and members that need only a type test.
                if bare_item_types(model, k).is_some() {
                    inlined.extend(k.items);
                }
                if walks_members_once(k) {
                    inlined.extend(
                        k.properties
                            .iter()
                            .map(|(_, sub)| *sub)
                            .filter(|&sub| bare_types(model, sub).is_some()),
                    );
                }
                // In-place subschemas that share one member walk need no function; the
                // members' subschemas they name do.
                let fusion = Fusion::of(model, k);
                let fused = |c: NodeId| fusion.as_ref().is_some_and(|f| f.replaces(c));
                let tested = children(k)
                    .into_iter()
                    .filter(|&c| Some(c) != inline_false && !inlined.contains(&c) && !fused(c));
                stack.extend(tested.map(|c| (c, Mode::IsValid)));
                if let Some(fusion) = &fusion {
                    stack.extend(fusion.called(model).into_iter().map(|c| (c, Mode::IsValid)));
                }
            }
            Mode::Validate => {
                // Like the reference validator, `unevaluated*` report at the container.
                let unevaluated = [k.unevaluated_properties, k.unevaluated_items];
                let reported = descendants(k)
                    .into_iter()
                    .filter(|&c| Some(c) != inline_false && !unevaluated.contains(&Some(c)))
                    .chain(k.reference)
                    .chain(k.all_of.iter().copied())
                    .chain(k.then_)
                    .chain(k.else_)
                    .chain(k.dependent_schemas.iter().map(|(_, n)| *n));
                stack.extend(reported.map(|c| (c, Mode::Validate)));
                let judged = k
                    .any_of
                    .iter()
                    .chain(&k.one_of)
                    .copied()
                    .chain(k.not)
                    .chain(k.if_)
                    .chain(k.contains)
                    .chain(k.property_names)
                    .chain(k.unevaluated_properties)
                    .chain(k.unevaluated_items);
                stack.extend(judged.map(|c| (c, Mode::IsValid)));
            }
            Mode::Annotate => {
                let tested = k
                    .any_of
                    .iter()
                    .chain(&k.one_of)
                    .copied()
                    .chain(k.if_)
                    .chain(k.contains);
                stack.extend(tested.map(|c| (c, Mode::IsValid)));
                stack.extend(in_place.iter().map(|&c| (c, Mode::Annotate)));
            }
        }
    }
    needed
}

#[derive(Default)]
struct Needed {
    is_valid: BTreeSet<NodeId>,
    validate: BTreeSet<NodeId>,
    annotate: BTreeSet<NodeId>,
}

/// The subschemas of a node: those applied to members or items, then those applied in place.
fn children(k: &Keywords) -> Vec<NodeId> {
    let mut out: Vec<NodeId> = descendants(k).into_iter().collect();
    out.extend(k.property_names);
    out.extend(k.contains);
    out.extend(k.in_place());
    out
}

/// Subschemas applied to a member's value or an item: their nodes sit at value positions.
fn descendants(k: &Keywords) -> Vec<NodeId> {
    let mut out: Vec<NodeId> = k.properties.iter().map(|(_, n)| *n).collect();
    out.extend(k.pattern_properties.iter().map(|(_, n)| *n));
    out.extend(k.additional_properties);
    out.extend(k.prefix_items.iter().copied());
    out.extend(k.items);
    out.extend(k.unevaluated_properties);
    out.extend(k.unevaluated_items);
    out
}

fn value_positions(model: &Model, root: NodeId, order: &[NodeId]) -> BTreeSet<NodeId> {
    let mut out = BTreeSet::from([root]);
    for &id in order {
        if let Some(k) = model.keywords(id) {
            out.extend(descendants(k));
        }
    }
    out
}

/// The member names and patterns that describe an object's members.
type Described = (BTreeSet<String>, BTreeSet<String>);

/// For each value position, the members that its node and everything it applies in place
/// describe, for the strict check of undescribed members. `None` when some subschema leaves the
/// fate of other members explicit (`additionalProperties`, `unevaluatedProperties`) or none
/// describes any. Computed once per node, children first (in-place applicators are acyclic), so
/// long `$ref` chains cost linear time.
fn described_members(
    model: &Model,
    value_positions: &BTreeSet<NodeId>,
) -> BTreeMap<NodeId, Described> {
    // (describes anything, explicit fate somewhere, names, patterns) per node.
    let mut memo: BTreeMap<NodeId, (bool, bool, BTreeSet<String>, BTreeSet<String>)> =
        BTreeMap::new();
    for &start in value_positions {
        let mut stack = vec![(start, false)];
        while let Some((id, children_done)) = stack.pop() {
            if memo.contains_key(&id) {
                continue;
            }
            let Some(k) = model.keywords(id) else {
                memo.insert(id, (false, false, BTreeSet::new(), BTreeSet::new()));
                continue;
            };
            if !children_done {
                stack.push((id, true));
                stack.extend(
                    k.in_place()
                        .filter(|c| !memo.contains_key(c))
                        .map(|c| (c, false)),
                );
                continue;
            }
            let mut entry = (
                k.describes_members(),
                k.additional_properties.is_some() || k.unevaluated_properties.is_some(),
                k.properties
                    .iter()
                    .map(|(n, _)| n.clone())
                    .chain(k.required.iter().cloned())
                    .collect::<BTreeSet<_>>(),
                k.pattern_properties
                    .iter()
                    .map(|(p, _)| p.clone())
                    .collect::<BTreeSet<_>>(),
            );
            for child in k.in_place() {
                if let Some((describes, explicit, names, patterns)) = memo.get(&child) {
                    entry.0 |= describes;
                    entry.1 |= explicit;
                    entry.2.extend(names.iter().cloned());
                    entry.3.extend(patterns.iter().cloned());
                }
            }
            memo.insert(id, entry);
        }
    }
    value_positions
        .iter()
        .filter_map(|id| {
            let (describes, explicit, names, patterns) = memo.get(id)?;
            (*describes && !explicit).then(|| (*id, (names.clone(), patterns.clone())))
        })
        .collect()
}

/// How to apply node `id` to a child value, at a value position: validate, then (when asked)
/// note undescribed members.
fn apply_at_value_position(
    index: &BTreeMap<NodeId, usize>,
    tolerated: &BTreeMap<NodeId, Described>,
    id: NodeId,
    instance: &TokenStream,
) -> TokenStream {
    let validate = format_ident!("validate_{}", index[&id]);
    let tolerate = tolerated.contains_key(&id).then(|| {
        let tolerate = format_ident!("tolerate_{}", index[&id]);
        quote! { if ctx.options().tolerances { #tolerate(#instance, ctx); } }
    });
    quote! { #validate(#instance, ctx); #tolerate }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    IsValid,
    Validate,
    /// Records what a valid node evaluated; emitted by [`NodeCx::annotate_function`].
    Annotate,
}

/// Constants shared by a module's validators: compiled patterns and non-scalar constants.
#[derive(Default)]
struct Statics {
    tokens: Vec<TokenStream>,
    patterns: BTreeMap<String, Ident>,
    values: BTreeMap<String, Ident>,
}

impl Statics {
    fn pattern(&mut self, source: &str) -> Ident {
        if let Some(ident) = self.patterns.get(source) {
            return ident.clone();
        }
        let ident = format_ident!("PATTERN_{}", self.patterns.len());
        let message = format!("pattern {source:?} was checked when the code was generated");
        self.tokens.push(quote! {
            static #ident: ::std::sync::LazyLock<::wecom_rooms_runtime::__private::pattern::Pattern> =
                ::std::sync::LazyLock::new(|| ::wecom_rooms_runtime::__private::pattern::Pattern::new(#source).expect(#message));
        });
        self.patterns.insert(source.to_owned(), ident.clone());
        ident
    }

    fn value(&mut self, value: &Value) -> Ident {
        let text = value.to_string();
        if let Some(ident) = self.values.get(&text) {
            return ident.clone();
        }
        let ident = format_ident!("CONST_{}", self.values.len());
        self.tokens.push(quote! {
            static #ident: ::std::sync::LazyLock<Value> =
                ::std::sync::LazyLock::new(|| ::serde_json::from_str(#text).expect("a constant written by the generator"));
        });
        self.values.insert(text, ident.clone());
        ident
    }
}

struct NodeCx<'a> {
    model: &'a Model,
    index: &'a BTreeMap<NodeId, usize>,
    id: NodeId,
    tolerated: &'a BTreeMap<NodeId, Described>,
}

impl NodeCx<'_> {
    fn name(&self, mode: Mode, id: NodeId) -> Ident {
        match mode {
            Mode::IsValid => format_ident!("is_valid_{}", self.index[&id]),
            Mode::Validate => format_ident!("validate_{}", self.index[&id]),
            Mode::Annotate => format_ident!("annotate_{}", self.index[&id]),
        }
    }

    /// `annotate_N`: given that the node is valid for `v`, records the members and items it
    /// evaluated, its in-place subschemas' included.
    fn annotate_function(&self, statics: &mut Statics) -> TokenStream {
        let name = self.name(Mode::Annotate, self.id);
        let doc = doc_text(&format!(
            " What `{}` evaluates, when valid.",
            self.model.node(self.id).display
        ));
        let body = match self.model.keywords(self.id) {
            Some(k) => {
                let checks = Checks {
                    cx: self,
                    k,
                    mode: Mode::Annotate,
                };
                let own = checks.own_annotations(statics, true);
                let in_place = checks.in_place_annotations(false);
                quote! { #own #in_place }
            }
            None => quote! {},
        };
        quote! {
            #[doc = #doc]
            pub(super) fn #name<'v>(v: &'v Value, ev: &mut Evaluated<'v>) {
                #body
            }
        }
    }

    fn location(&self, keyword: &str) -> String {
        let display = &self.model.node(self.id).display;
        if keyword.is_empty() {
            display.clone()
        } else {
            format!("{display}/{keyword}")
        }
    }

    fn function(&self, mode: Mode, statics: &mut Statics) -> TokenStream {
        let node = self.model.node(self.id);
        let doc = doc_text(&format!(" `{}`", node.display));
        let name = self.name(mode, self.id);
        let body = match &node.schema {
            Schema::Bool(true) => quote! {},
            Schema::Bool(false) => {
                let fail = fail(
                    mode,
                    "falseSchema",
                    &self.location(""),
                    quote! {
                        format!("no value is allowed here, found {}", describe(v))
                    },
                );
                quote! { #fail }
            }
            Schema::Keywords(k) => Checks { cx: self, k, mode }.body(statics),
        };
        match mode {
            Mode::IsValid => {
                let mut body = body;
                body.extend(quote! { true });
                let body = braced(body);
                // Small checks are inlined into their callers. A function that walks an object's
                // members is left to the compiler: inlining whole trees of them into the root
                // made it keep the map iterator out of line, a call per member (callgrind).
                let walks_members = matches!(&node.schema, Schema::Keywords(k)
                    if !k.properties.is_empty()
                        || !k.required.is_empty()
                        || !k.pattern_properties.is_empty()
                        || k.additional_properties.is_some()
                        || Fusion::of(self.model, k).is_some());
                let inline = (!walks_members).then(|| quote! { #[inline] });
                quote! {
                    #[doc = #doc]
                    #inline
                    pub(super) fn #name(v: &Value) -> bool #body
                }
            }
            Mode::Validate => {
                let body = braced(body);
                quote! {
                    #[doc = #doc]
                    pub(super) fn #name<'v>(v: &'v Value, ctx: &mut Context<'v>) #body
                }
            }
            Mode::Annotate => unreachable!("annotate functions are emitted by annotate_function"),
        }
    }

    /// The strict check of a value position: members no subschema describes.
    fn tolerate_function(&self, statics: &mut Statics) -> Option<TokenStream> {
        let (names, patterns) = self.tolerated.get(&self.id)?.clone();
        let name = format_ident!("tolerate_{}", self.index[&self.id]);
        let doc = doc_text(&format!(
            " Undescribed members at `{}`.",
            self.model.node(self.id).display
        ));
        let location = self.location("");
        let names_test = if names.is_empty() {
            quote! { false }
        } else {
            let names = names.iter();
            quote! { matches!(key.as_str(), #(#names)|*) }
        };
        let patterns: Vec<TokenStream> = patterns
            .iter()
            .map(|p| {
                let pattern = statics.pattern(p);
                quote! { || #pattern.is_match(key) }
            })
            .collect();
        Some(quote! {
            #[doc = #doc]
            #[cold]
            pub(super) fn #name<'v>(v: &'v Value, ctx: &mut Context<'v>) {
                if let Value::Object(members) = v {
                    for key in members.keys() {
                        let described = #names_test #(#patterns)*;
                        if !described {
                            ctx.push(Segment::Key(key));
                            ctx.warning("additionalProperties", #location, format!("member {} is not described by the schema", describe(&Value::String(key.clone()))));
                            ctx.pop();
                        }
                    }
                }
            }
        })
    }
}

/// A failed check: `return false` or an error in the context.
fn fail(mode: Mode, keyword: &str, location: &str, message: TokenStream) -> TokenStream {
    match mode {
        Mode::IsValid => quote! { return false; },
        Mode::Validate => quote! { ctx.error(#keyword, #location, #message); },
        Mode::Annotate => unreachable!("annotations never fail"),
    }
}

struct Checks<'a> {
    cx: &'a NodeCx<'a>,
    k: &'a Keywords,
    mode: Mode,
}

impl Checks<'_> {
    fn fail(&self, keyword: &str, message: TokenStream) -> TokenStream {
        fail(self.mode, keyword, &self.cx.location(keyword), message)
    }

    /// Fails with the message "expected `expected`, found" a description of `v`.
    fn fail_found(&self, keyword: &str, expected: &str) -> TokenStream {
        match self.mode {
            Mode::Validate => {
                let location = self.cx.location(keyword);
                quote! { ctx.error_found(#keyword, #location, #expected, v); }
            }
            _ => self.fail(keyword, TokenStream::new()),
        }
    }

    /// Applies a subschema to a child value (`x`), stepping into `segment` when reporting.
    fn apply_child(&self, id: NodeId, x: TokenStream, segment: TokenStream) -> TokenStream {
        match self.mode {
            Mode::Annotate => unreachable!("annotations do not apply subschemas to children"),
            Mode::IsValid => {
                let f = self.cx.name(Mode::IsValid, id);
                quote! { if !#f(#x) { return false; } }
            }
            Mode::Validate => {
                let apply = apply_at_value_position(self.cx.index, self.cx.tolerated, id, &x);
                quote! { ctx.push(#segment); #apply ctx.pop(); }
            }
        }
    }

    /// Applies a subschema in place, passing on what it reports.
    fn apply_in_place(&self, id: NodeId) -> TokenStream {
        let f = self.cx.name(self.mode, id);
        match self.mode {
            Mode::IsValid => quote! { if !#f(v) { return false; } },
            Mode::Validate => quote! { #f(v, ctx); },
            Mode::Annotate => quote! { #f(v, ev); },
        }
    }

    /// Records the members and items this node's own keywords evaluate. `with_unevaluated`:
    /// whether `unevaluated*` count (they do for a node seen from outside; a node checking its
    /// own `unevaluated*` asks what the others evaluated).
    fn own_annotations(&self, statics: &mut Statics, with_unevaluated: bool) -> TokenStream {
        let k = self.k;
        let mut members = TokenStream::new();
        let all_members = k.additional_properties.is_some()
            || (with_unevaluated && k.unevaluated_properties.is_some());
        if all_members {
            members.extend(quote! { ev.all_members(); });
        } else {
            for (name, _) in &k.properties {
                members.extend(
                    quote! { if let Some((key, _)) = obj.get_key_value(#name) { ev.member(key); } },
                );
            }
            if !k.pattern_properties.is_empty() {
                let patterns: Vec<Ident> = k
                    .pattern_properties
                    .iter()
                    .map(|(p, _)| statics.pattern(p))
                    .collect();
                members.extend(quote! { for key in obj.keys() { if #(#patterns.is_match(key))||* { ev.member(key); } } });
            }
        }
        let mut items = TokenStream::new();
        if k.items.is_some() || (with_unevaluated && k.unevaluated_items.is_some()) {
            items.extend(quote! { ev.all_items(); });
        } else {
            if !k.prefix_items.is_empty() {
                let count = k.prefix_items.len();
                items.extend(quote! { ev.items_below(#count); });
            }
            if let Some(contains) = k.contains {
                let is_valid = self.is_valid_fn(contains);
                items.extend(quote! { for (i, x) in arr.iter().enumerate() { if #is_valid(x) { ev.item(i); } } });
            }
        }
        let mut out = TokenStream::new();
        if !members.is_empty() {
            out.extend(quote! { if let Value::Object(obj) = v { #members } });
        }
        if !items.is_empty() {
            out.extend(quote! { if let Value::Array(arr) = v { #items } });
        }
        out
    }

    /// Records what the in-place subschemas evaluated. `checked`: test each for validity first
    /// (for the node that owns `unevaluated*`, which may be invalid); otherwise this node is
    /// known valid, so `$ref`, `allOf`, `dependentSchemas` and the branch `if` picked are too.
    fn in_place_annotations(&self, checked: bool) -> TokenStream {
        let k = self.k;
        let annotate = |id: NodeId| format_ident!("annotate_{}", self.cx.index[&id]);
        let guarded = |id: NodeId, check: bool| {
            let a = annotate(id);
            if check {
                let is_valid = self.is_valid_fn(id);
                quote! { if #is_valid(v) { #a(v, ev); } }
            } else {
                quote! { #a(v, ev); }
            }
        };
        let mut out = TokenStream::new();
        for id in k.reference.iter().chain(&k.all_of) {
            out.extend(guarded(*id, checked));
        }
        for &id in k.any_of.iter().chain(&k.one_of) {
            out.extend(guarded(id, true));
        }
        if let Some(condition) = k.if_ {
            let test = self.is_valid_fn(condition);
            let a = annotate(condition);
            let then = k.then_.map(|t| guarded(t, checked));
            let otherwise = k.else_.map(|e| guarded(e, checked));
            out.extend(quote! { if #test(v) { #a(v, ev); #then } else { #otherwise } });
        }
        for (name, id) in &k.dependent_schemas {
            let apply = guarded(*id, checked);
            out.extend(
                quote! { if v.as_object().is_some_and(|obj| obj.contains_key(#name)) { #apply } },
            );
        }
        out
    }

    /// `unevaluatedProperties` and `unevaluatedItems`: what no other keyword of this node, nor
    /// any valid in-place subschema, evaluated.
    fn unevaluated(&self, statics: &mut Statics) -> TokenStream {
        let k = self.k;
        if !k.uses_unevaluated() || self.mode == Mode::Annotate {
            return TokenStream::new();
        }
        let own = self.own_annotations(statics, false);
        let in_place = self.in_place_annotations(true);
        let mut out = quote! {
            let mut evaluated = Evaluated::default();
            let ev = &mut evaluated;
            #own
            #in_place
        };
        // Reported at the container, naming the member or item, as the reference validator does.
        if let Some(rest) = k.unevaluated_properties {
            let is_valid = self.is_valid_fn(rest);
            let location = self.cx.model.node(rest).display.clone();
            let fail = self.fail("unevaluatedProperties", quote! {
                format!("member {} is evaluated by no other keyword and does not match the schema at {}, found {}", describe(&Value::String(key.clone())), #location, describe(x))
            });
            let check = quote! { if !#is_valid(x) { #fail } };
            out.extend(quote! {
                if let Value::Object(obj) = v { for (key, x) in obj { if !evaluated.has_member(key) { #check } } }
            });
        }
        if let Some(rest) = k.unevaluated_items {
            let is_valid = self.is_valid_fn(rest);
            let location = self.cx.model.node(rest).display.clone();
            let fail = self.fail("unevaluatedItems", quote! {
                format!("item {} is evaluated by no other keyword and does not match the schema at {}, found {}", i, #location, describe(x))
            });
            let check = quote! { if !#is_valid(x) { #fail } };
            out.extend(quote! {
                if let Value::Array(arr) = v { for (i, x) in arr.iter().enumerate() { if !evaluated.has_item(i) { #check } } }
            });
        }
        quote! { { #out } }
    }

    fn is_valid_fn(&self, id: NodeId) -> Ident {
        self.cx.name(Mode::IsValid, id)
    }

    fn body(&self, statics: &mut Statics) -> TokenStream {
        let k = self.k;
        let mut out = TokenStream::new();
        out.extend(self.type_check());
        out.extend(self.const_and_enum(statics));
        let fusion = (self.mode == Mode::IsValid)
            .then(|| Fusion::of(self.cx.model, k))
            .flatten();
        let own_fused = fusion.as_ref().is_some_and(Fusion::takes_own_members);
        out.extend(self.object_checks(statics, own_fused));
        out.extend(self.array_checks());
        out.extend(self.string_checks(statics));
        out.extend(self.number_checks());
        let fused = |id: NodeId| fusion.as_ref().is_some_and(|f| f.replaces(id));
        for &sub in k.reference.iter().chain(&k.all_of) {
            if !fused(sub) {
                out.extend(self.apply_in_place(sub));
            }
        }
        if let Some(fusion) = &fusion {
            out.extend(fusion.emit(self.cx.model, |id| self.is_valid_fn(id)));
        }
        out.extend(self.any_of());
        out.extend(self.one_of());
        if let Some(not) = k.not {
            let is_valid = self.is_valid_fn(not);
            let location = self.cx.model.node(not).display.clone();
            let fail = self.fail("not", quote! {
                format!("expected a value that does not match the schema at {}, found {}", #location, describe(v))
            });
            out.extend(quote! { if #is_valid(v) { #fail } });
        }
        if let Some(condition) = k.if_.filter(|&c| !fused(c)) {
            let test = self.is_valid_fn(condition);
            let then = k.then_.map(|t| self.apply_in_place(t));
            let otherwise = k.else_.map(|e| self.apply_in_place(e));
            out.extend(quote! { if #test(v) { #then } else { #otherwise } });
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

    fn type_check(&self) -> TokenStream {
        let Some(types) = &self.k.types else {
            return TokenStream::new();
        };
        let test = type_test(types, &quote!(v));
        let expected = self.expectation().expect("types are set");
        let fail = self.fail_found("type", &expected);
        quote! { if !#test { #fail } }
    }

    fn const_and_enum(&self, statics: &mut Statics) -> TokenStream {
        let mut out = TokenStream::new();
        if let Some(value) = &self.k.const_value {
            let test = equals(value, statics);
            let text = value.to_string();
            let fail = self.fail_found("const", &text);
            out.extend(quote! { if !(#test) { #fail } });
        }
        if let Some(values) = &self.k.enum_values {
            let listed = join_or(&values.iter().map(|v| v.to_string()).collect::<Vec<_>>());
            let fail = self.fail_found("enum", &listed);
            let test = match membership(&values.iter().collect::<Vec<_>>()) {
                Some(test) => test,
                None if values.is_empty() => quote! { false },
                None => {
                    let tests = values.iter().map(|value| equals(value, statics));
                    quote! { #(#tests)||* }
                }
            };
            out.extend(quote! { if !(#test) { #fail } });
        }
        out
    }

    /// `own_fused`: `is_valid` applies this node's `properties` and `required` in the walk it
    /// shares with its in-place subschemas ([`Fusion`]), not here.
    fn object_checks(&self, statics: &mut Statics, own_fused: bool) -> TokenStream {
        let k = self.k;
        let mut out = TokenStream::new();
        // `is_valid` walks the members once, with a `match` on each name: a search in the map
        // compares the name with several keys through `Ord`, which costs more than the whole
        // walk on objects of up to a few dozen members (callgrind). On a larger object the walk
        // still costs a small fraction of parsing it, and it stops once every named member was
        // seen when nothing else needs the rest.
        let single_pass = self.mode == Mode::IsValid && walks_members_once(k) && !own_fused;
        if single_pass {
            out.extend(self.members_in_one_pass(statics));
        }
        // `validate` finds the named members in one walk too, into a slot per name, then
        // reports in the schema's order from the slots.
        let names = (self.mode == Mode::Validate)
            .then(|| named_members(k))
            .filter(|names| !names.is_empty());
        let slots: BTreeMap<&str, usize> = names
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, name)| (*name, i))
            .collect();
        let slot = |name: &str| slots.get(name).copied();
        if let Some(names) = &names {
            let count = names.len();
            let arms = names
                .iter()
                .enumerate()
                .map(|(i, name)| quote! { #name => #i, });
            out.extend(quote! {
                let mut found = [None; #count];
                let mut seen = 0;
                for (key, x) in obj {
                    let slot = match key.as_str() { #(#arms)* _ => continue };
                    found[slot] = Some((key, x));
                    seen += 1;
                    if seen == #count { break; }
                }
            });
        }
        for name in k.required.iter().filter(|_| !single_pass && !own_fused) {
            out.extend(match slot(name) {
                Some(i) => {
                    let location = self.cx.location("required");
                    quote! { if found[#i].is_none() { ctx.missing(#name, #location); } }
                }
                // `is_valid` with more than 64 required names, which its walk cannot track.
                None => quote! { if !obj.contains_key(#name) { return false; } },
            });
        }
        for (name, required) in &k.dependent_required {
            let checks = required.iter().map(|dependency| {
                let message = format!(
                    "missing member {}, required when {} is present",
                    Value::String(dependency.clone()),
                    Value::String(name.clone())
                );
                let fail = self.fail("dependentRequired", quote! { #message.to_owned() });
                quote! { if !obj.contains_key(#dependency) { #fail } }
            });
            out.extend(quote! { if obj.contains_key(#name) { #(#checks)* } });
        }
        if let Some(min) = k.min_properties {
            let fail = self.fail("minProperties", quote! {
                format!("expected an object with at least {} member{}, found {}", #min, if #min == 1 { "" } else { "s" }, obj.len())
            });
            out.extend(quote! { if (obj.len() as u64) < #min { #fail } });
        }
        if let Some(max) = k.max_properties {
            let fail = self.fail("maxProperties", quote! {
                format!("expected an object with at most {} member{}, found {}", #max, if #max == 1 { "" } else { "s" }, obj.len())
            });
            out.extend(quote! { if (obj.len() as u64) > #max { #fail } });
        }
        for (name, sub) in k.properties.iter().filter(|_| !single_pass && !own_fused) {
            let apply = || self.apply_child(*sub, quote!(x), quote!(Segment::Key(key)));
            out.extend(match self.mode {
                Mode::IsValid => {
                    let apply = apply();
                    quote! { if let Some(x) = obj.get(#name) { #apply } }
                }
                Mode::Validate => {
                    let i = slot(name).expect("validate has a slot for every named member");
                    let member = quote! { found[#i] };
                    if self.cx.tolerated.contains_key(sub) {
                        let apply = apply();
                        quote! { if let Some((key, x)) = #member { #apply } }
                    } else {
                        let validate = self.cx.name(Mode::Validate, *sub);
                        quote! { ctx.member_found(#member, #validate); }
                    }
                }
                Mode::Annotate => unreachable!("annotations are not checks"),
            });
        }
        for (name, sub) in &k.dependent_schemas {
            let apply = self.apply_in_place(*sub);
            out.extend(quote! { if obj.contains_key(#name) { #apply } });
        }
        if let Some(names) = k.property_names {
            let is_valid = self.is_valid_fn(names);
            let location = self.cx.model.node(names).display.clone();
            let fail = self.fail("propertyNames", quote! {
                format!("member name {} does not match the schema at {}", describe(&name), #location)
            });
            // The subschema judges a string; keys are not `Value`s, so each is wrapped once.
            out.extend(quote! {
                for key in obj.keys() {
                    let name = Value::String(key.clone());
                    if !#is_valid(&name) { #fail }
                }
            });
        }
        let per_member = !k.pattern_properties.is_empty() || k.additional_properties.is_some();
        if per_member && !single_pass {
            let mut member = TokenStream::new();
            let known: Vec<&String> = k.properties.iter().map(|(n, _)| n).collect();
            let known_test = if known.is_empty() {
                quote! { false }
            } else {
                quote! { matches!(key.as_str(), #(#known)|*) }
            };
            // Whether a member is described matters only to `additionalProperties`.
            let tracks = k.additional_properties.is_some();
            if tracks {
                member.extend(quote! { let mut described = #known_test; });
            }
            for (source, sub) in &k.pattern_properties {
                let pattern = statics.pattern(source);
                let apply = self.apply_child(*sub, quote!(x), quote!(Segment::Key(key)));
                let mark = tracks.then(|| quote! { described = true; });
                member.extend(quote! { if #pattern.is_match(key) { #mark #apply } });
            }
            if let Some(additional) = k.additional_properties {
                let check =
                    if matches!(self.cx.model.node(additional).schema, Schema::Bool(false)) {
                        // Like the reference validator: reported at the object, naming the member.
                        let fail = self.fail("additionalProperties", quote! {
                        format!("unexpected member {}", describe(&Value::String(key.clone())))
                    });
                        quote! { #fail }
                    } else {
                        self.apply_child(additional, quote!(x), quote!(Segment::Key(key)))
                    };
                member.extend(quote! { if !described { #check } });
            }
            out.extend(quote! { for (key, x) in obj { #member } });
        }
        if out.is_empty() {
            return out;
        }
        quote! { if let Value::Object(obj) = v { #out } }
    }

    /// `required`, `properties`, `patternProperties` and `additionalProperties` of `is_valid` in
    /// one walk over the members (called where [`walks_members_once`] holds): a `match` on each
    /// name, and a bit per named member to know when all were seen and whether the required
    /// ones were. Looking each named member up in the map instead costs a search per name,
    /// which dominated.
    fn members_in_one_pass(&self, statics: &mut Statics) -> TokenStream {
        let k = self.k;
        let tracks = k.additional_properties.is_some();
        // Without `patternProperties` and `additionalProperties` the walk has nothing left to do
        // once every named member was seen, and stops there: then each named member has a bit.
        // Otherwise only required members have one.
        let named = named_members(k);
        let stops_early = !tracks && k.pattern_properties.is_empty() && named.len() <= 64;
        let marked: Vec<&str> = if stops_early {
            named.clone()
        } else {
            k.required.iter().map(String::as_str).collect()
        };
        let bits: BTreeMap<&str, u64> = marked
            .iter()
            .enumerate()
            .map(|(i, name)| (*name, 1u64 << i))
            .collect();
        let bit = |name: &str| bits.get(name).copied();
        let all_marked = mask_of(marked.len());
        let required_mask = k.required.iter().fold(0u64, |mask, r| {
            mask | bit(r).expect("required names are marked")
        });
        let stop = stops_early.then(|| quote! { if seen == #all_marked { break; } });
        let stop = stop.unwrap_or_default();
        let mut arms: Vec<(&str, TokenStream)> = Vec::new();
        for (name, sub) in &k.properties {
            let test = match bare_types(self.cx.model, *sub) {
                Some(types) => type_test(types, &quote!(x)),
                None => {
                    let f = self.is_valid_fn(*sub);
                    quote! { #f(x) }
                }
            };
            let mark = bit(name).map(|b| quote! { seen |= #b; });
            let described = tracks.then(|| quote! { true });
            arms.push((
                name,
                quote! { #mark if !#test { return false; } #stop #described },
            ));
        }
        // `named_members` lists the required names that `properties` does not after its own.
        for name in &named[k.properties.len()..] {
            let b = bit(name).expect("a required name");
            let described = tracks.then(|| quote! { false });
            arms.push((name, quote! { seen |= #b; #stop #described }));
        }
        let arms = arms
            .iter()
            .map(|(name, body)| quote! { #name => { #body } });
        let mut member = if k.properties.is_empty() && k.required.is_empty() {
            if tracks {
                quote! { let described = false; }
            } else {
                TokenStream::new()
            }
        } else if tracks {
            quote! { let described = match key.as_str() { #(#arms)* _ => false }; }
        } else {
            quote! { match key.as_str() { #(#arms)* _ => {} } }
        };
        if tracks && !k.pattern_properties.is_empty() {
            member = quote! { #member let mut described = described; };
        }
        for (source, sub) in &k.pattern_properties {
            let pattern = statics.pattern(source);
            let f = self.is_valid_fn(*sub);
            let mark = tracks.then(|| quote! { described = true; });
            member
                .extend(quote! { if #pattern.is_match(key) { #mark if !#f(x) { return false; } } });
        }
        if let Some(additional) = k.additional_properties {
            let check = if matches!(self.cx.model.node(additional).schema, Schema::Bool(false)) {
                quote! { return false; }
            } else {
                let f = self.is_valid_fn(additional);
                quote! { if !#f(x) { return false; } }
            };
            member.extend(quote! { if !described { #check } });
        }
        let mut declare = TokenStream::new();
        if !k.required.is_empty() {
            // An object with fewer members than required names misses one: that fails before
            // any member is validated.
            let count = k.required.len();
            declare.extend(quote! { if obj.len() < #count { return false; } });
        }
        if !marked.is_empty() {
            declare.extend(quote! { let mut seen: u64 = 0; });
        }
        let verify = if k.required.is_empty() {
            quote! {}
        } else if required_mask == all_marked {
            quote! { if seen != #required_mask { return false; } }
        } else {
            quote! { if seen & #required_mask != #required_mask { return false; } }
        };
        quote! {
            #declare
            for (key, x) in obj { #member }
            #verify
        }
    }

    fn array_checks(&self) -> TokenStream {
        let k = self.k;
        let mut out = TokenStream::new();
        if let Some(min) = k.min_items {
            let fail = self.fail("minItems", quote! {
                format!("expected an array of at least {} item{}, found {}", #min, if #min == 1 { "" } else { "s" }, arr.len())
            });
            out.extend(quote! { if (arr.len() as u64) < #min { #fail } });
        }
        if let Some(max) = k.max_items {
            let fail = self.fail("maxItems", quote! {
                format!("expected an array of at most {} item{}, found {}", #max, if #max == 1 { "" } else { "s" }, arr.len())
            });
            out.extend(quote! { if (arr.len() as u64) > #max { #fail } });
        }
        if k.unique_items {
            let fail = self.fail(
                "uniqueItems",
                quote! { "expected unique items, found duplicates".to_owned() },
            );
            out.extend(quote! { if !json::has_unique_items(arr) { #fail } });
        }
        if !k.prefix_items.is_empty() || k.items.is_some() {
            let mut arms = Vec::new();
            for (i, sub) in k.prefix_items.iter().enumerate() {
                let apply = self.apply_child(*sub, quote!(x), quote!(Segment::Index(i)));
                arms.push(quote! { #i => { #apply } });
            }
            let rest = || match k.items {
                Some(items) => self.apply_child(items, quote!(x), quote!(Segment::Index(i))),
                None => quote! {},
            };
            let bare_type = bare_item_types(self.cx.model, k)
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
                    && !self.cx.tolerated.contains_key(items)
            }) {
                let validate = self.cx.name(Mode::Validate, items);
                out.extend(quote! { ctx.items(arr, #validate); });
            } else if arms.is_empty() {
                let rest = rest();
                out.extend(quote! { for (i, x) in arr.iter().enumerate() { #rest } });
            } else {
                let rest = rest();
                out.extend(quote! { for (i, x) in arr.iter().enumerate() { match i { #(#arms)* _ => { #rest } } } });
            }
        }
        if let Some(contains) = k.contains {
            let is_valid = self.is_valid_fn(contains);
            let min = k.min_contains.unwrap_or(1);
            let location = self.cx.model.node(contains).display.clone();
            let mut checks = TokenStream::new();
            if min > 0 {
                let fail = self.fail("contains", quote! {
                    format!("expected at least {} item{} matching the schema at {}, found {}", #min, if #min == 1 { "" } else { "s" }, #location, matching)
                });
                checks.extend(quote! { if (matching as u64) < #min { #fail } });
            }
            if let Some(max) = k.max_contains {
                let fail = self.fail("contains", quote! {
                    format!("expected at most {} item{} matching the schema at {}, found {}", #max, if #max == 1 { "" } else { "s" }, #location, matching)
                });
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

    fn string_checks(&self, statics: &mut Statics) -> TokenStream {
        let k = self.k;
        let mut out = TokenStream::new();
        let expected = self.expectation();
        if k.min_length.is_some() || k.max_length.is_some() {
            let length = quote! { (json::char_count(s) as u64) };
            if let Some(min) = k.min_length {
                let phrase = expected
                    .clone()
                    .filter(|e| e.contains("character"))
                    .unwrap_or_else(|| {
                        format!("a string of at least {min} character{}", plural(min))
                    });
                let fail = self.fail_found("minLength", &phrase);
                out.extend(quote! { if #length < #min { #fail } });
            }
            if let Some(max) = k.max_length {
                let phrase = expected
                    .clone()
                    .filter(|e| e.contains("character"))
                    .unwrap_or_else(|| {
                        format!("a string of at most {max} character{}", plural(max))
                    });
                let fail = self.fail_found("maxLength", &phrase);
                out.extend(quote! { if #length > #max { #fail } });
            }
        }
        if let Some(source) = &k.pattern {
            let pattern = statics.pattern(source);
            let fail = self.fail_found("pattern", &format!("a string matching /{source}/"));
            out.extend(quote! { if !#pattern.is_match(s) { #fail } });
        }
        if out.is_empty() {
            return out;
        }
        quote! { if let Value::String(s) = v { #out } }
    }

    fn number_checks(&self) -> TokenStream {
        let k = self.k;
        let mut out = TokenStream::new();
        let expected = self.expectation().filter(|e| e.contains(".."));
        // Each bound with the test of the `Ordering` of the number against it that fails.
        let bounds: [(&str, &Option<Number>, TokenStream, &str); 4] = [
            ("minimum", &k.minimum, quote! { Ordering::is_lt }, ">="),
            ("maximum", &k.maximum, quote! { Ordering::is_gt }, "<="),
            (
                "exclusiveMinimum",
                &k.exclusive_minimum,
                quote! { Ordering::is_le },
                ">",
            ),
            (
                "exclusiveMaximum",
                &k.exclusive_maximum,
                quote! { Ordering::is_ge },
                "<",
            ),
        ];
        for (keyword, bound, failing, relation) in bounds {
            let Some(bound) = bound else { continue };
            let compare = compare_number(quote!(n), bound);
            let phrase = expected
                .clone()
                .unwrap_or_else(|| format!("a number {relation} {bound}"));
            let fail = self.fail_found(keyword, &phrase);
            out.extend(quote! { if #compare.is_some_and(#failing) { #fail } });
        }
        if let Some(divisor) = &k.multiple_of {
            let test = match divisor.as_u64() {
                Some(d) => quote! { json::is_multiple_of_u64(n, #d) },
                None => {
                    let d = Literal::f64_suffixed(divisor.as_f64().expect("a finite divisor"));
                    quote! { json::is_multiple_of(n, #d) }
                }
            };
            let fail = self.fail_found("multipleOf", &format!("a multiple of {divisor}"));
            out.extend(quote! { if !#test { #fail } });
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
            && let Some(membership) = distinct_constants(self.cx.model, &k.one_of)
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
                let matching = 0usize #( + usize::from(#tests(v)) )*;
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
                let k = self.cx.model.keywords(b)?;
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
                let k = self.cx.model.keywords(b)?;
                let k = match (k.types.is_none(), k.reference) {
                    (true, Some(target)) => self.cx.model.keywords(target)?,
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

/// The types of `items`, when they are its only assertion and there are no `prefixItems`: then
/// `is_valid` tests items inline, without a function for them.
fn bare_item_types<'m>(model: &'m Model, k: &Keywords) -> Option<&'m [JsonType]> {
    if !k.prefix_items.is_empty() {
        return None;
    }
    bare_types(model, k.items?)
}

/// The types a node allows, when `type` is its only assertion.
pub(super) fn bare_types(model: &Model, id: NodeId) -> Option<&[JsonType]> {
    let k = model.keywords(id)?;
    k.types.as_deref().filter(|_| k.assertions() == ["type"])
}

/// The names of `properties`, then those of `required` that `properties` does not name.
fn named_members(k: &Keywords) -> Vec<&str> {
    let mut names: Vec<&str> = k.properties.iter().map(|(p, _)| p.as_str()).collect();
    let described: BTreeSet<&str> = names.iter().copied().collect();
    names.extend(
        k.required
            .iter()
            .map(String::as_str)
            .filter(|r| !described.contains(r)),
    );
    names
}

/// Whether `is_valid` walks this object's members in one pass (see [`Checks::object_checks`]):
/// then members whose subschema is only a `type` are tested inline, without a function.
fn walks_members_once(k: &Keywords) -> bool {
    k.required.len() <= 64
        && (!k.properties.is_empty()
            || !k.required.is_empty()
            || !k.pattern_properties.is_empty()
            || k.additional_properties.is_some())
}

/// The mask of the lowest `bits` bits (at most 64).
pub(super) fn mask_of(bits: usize) -> u64 {
    match bits {
        64.. => u64::MAX,
        n => (1u64 << n) - 1,
    }
}

/// A boolean expression: `x` (a `&Value`) has one of `types`.
pub(super) fn type_test(types: &[JsonType], x: &TokenStream) -> TokenStream {
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

/// When every branch is only a `const`, all of them distinct i64 integers or all distinct
/// strings: a membership test of `v` in one `matches!`. (`is_valid` then needs no function for
/// the branches.)
fn distinct_constants(model: &Model, branches: &[NodeId]) -> Option<TokenStream> {
    let constants: Option<Vec<&Value>> = branches
        .iter()
        .map(|&b| model.keywords(b)?.only_const())
        .collect();
    let constants = constants?;
    // Two equal constants would both match: `oneOf` would then fail where a membership test
    // passes.
    let distinct: BTreeSet<String> = constants.iter().map(|c| c.to_string()).collect();
    if distinct.len() != constants.len() {
        return None;
    }
    membership(&constants)
}

/// A membership test of `v` in `values` in one `matches!`, when they are all `i64` integers
/// or all strings (and not none).
fn membership(values: &[&Value]) -> Option<TokenStream> {
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
fn compare_number(n: TokenStream, bound: &Number) -> TokenStream {
    if let Some(u) = bound.as_u64() {
        quote! { json::cmp_u64(#n, #u) }
    } else if let Some(i) = bound.as_i64() {
        quote! { json::cmp_i64(#n, #i) }
    } else {
        let f = Literal::f64_suffixed(bound.as_f64().expect("serde_json numbers are finite"));
        quote! { json::cmp_f64(#n, #f) }
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn escape_braces(s: &str) -> String {
    s.replace('{', "{{").replace('}', "}}")
}
