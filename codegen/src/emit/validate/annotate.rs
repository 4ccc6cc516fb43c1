//! What a valid node evaluated, for `unevaluatedProperties` and `unevaluatedItems`: the
//! `annotate_N` functions, and the check of what no other keyword evaluated.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::plan::Mode;
use super::{Checks, NodeCx, Statics};
use crate::emit::expr::{binding, if_else, mentions};
use crate::emit::names::doc_text;
use crate::model::NodeId;

impl NodeCx<'_> {
    /// `annotate_N`: given that the node is valid for `v`, records the members and items it
    /// evaluated, its in-place subschemas' included.
    pub(super) fn annotate_function(&self, statics: &mut Statics) -> TokenStream {
        let name = self.plan.name(Mode::Annotate, self.id);
        let doc = doc_text(&format!(
            " What `{}` evaluates, when valid.",
            self.plan.model.node(self.id).display
        ));
        let body = match self.plan.model.keywords(self.id) {
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
        let (v, ev) = (binding("v", &body), binding("ev", &body));
        quote! {
            #[doc = #doc]
            pub(super) fn #name<'v>(#v: &'v Value, #ev: &mut Evaluated<'v>) {
                #body
            }
        }
    }
}

impl Checks<'_> {
    /// Records the members and items this node's own keywords evaluate. `with_unevaluated`:
    /// whether `unevaluated*` count (they do for a node seen from outside; a node checking its
    /// own `unevaluated*` asks what the others evaluated).
    pub(super) fn own_annotations(
        &self,
        statics: &mut Statics,
        with_unevaluated: bool,
    ) -> TokenStream {
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
            out.extend(if mentions(&members, "obj") {
                quote! { if let Value::Object(obj) = v { #members } }
            } else {
                quote! { if v.is_object() { #members } }
            });
        }
        if !items.is_empty() {
            out.extend(if mentions(&items, "arr") {
                quote! { if let Value::Array(arr) = v { #items } }
            } else {
                quote! { if v.is_array() { #items } }
            });
        }
        out
    }

    /// Records what the in-place subschemas evaluated. `checked`: test each for validity first
    /// (for the node that owns `unevaluated*`, which may be invalid); otherwise this node is
    /// known valid, so `$ref`, `allOf`, `dependentSchemas` and the branch `if` picked are too.
    pub(super) fn in_place_annotations(&self, checked: bool) -> TokenStream {
        let k = self.k;
        let annotate = |id: NodeId| self.plan().name(Mode::Annotate, id);
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
            let then = quote! { #a(v, ev); #then };
            out.extend(if_else(
                quote!(#test(v)),
                quote!(!#test(v)),
                Some(then),
                otherwise,
            ));
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
    pub(super) fn unevaluated(&self, statics: &mut Statics) -> TokenStream {
        let k = self.k;
        if !k.uses_unevaluated() || self.mode == Mode::Annotate {
            return TokenStream::new();
        }
        let own = self.own_annotations(statics, false);
        let in_place = self.in_place_annotations(true);
        let mut out = if own.is_empty() && in_place.is_empty() {
            quote! { let evaluated = Evaluated::default(); }
        } else {
            quote! {
                let mut evaluated = Evaluated::default();
                let ev = &mut evaluated;
                #own
                #in_place
            }
        };
        // Reported at the container, naming the member or item, as the reference validator does.
        if let Some(rest) = k.unevaluated_properties {
            let is_valid = self.is_valid_fn(rest);
            let location = self.plan().model.node(rest).display.clone();
            let fail = self.fail("unevaluatedProperties", quote! {
                format!("member {} is evaluated by no other keyword and does not match the schema at {}, found {}", describe(&Value::String(key.clone())), #location, describe(x))
            });
            let check = quote! { if !#is_valid(x) { #fail } };
            let x = binding("x", &check);
            out.extend(quote! {
                if let Value::Object(obj) = v { for (key, #x) in obj { if !evaluated.has_member(key) { #check } } }
            });
        }
        if let Some(rest) = k.unevaluated_items {
            let is_valid = self.is_valid_fn(rest);
            let location = self.plan().model.node(rest).display.clone();
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
}
