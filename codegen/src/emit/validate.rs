//! Validators: model → Rust functions over `serde_json::Value`.
//!
//! First a [`Plan`] of one root's validators is made from the model (`plan.rs`): which
//! functions exist, which `$ref` chains collapse, how `is_valid` walks members and what it
//! fuses or tests inline. Then every function is printed from it. A node's `is_valid_N` stops
//! at the first failure and allocates nothing; its `validate_N` reports every violation into a
//! `Context`; both are printed by one walk over the keywords ([`Checks`], in `checks.rs` and
//! `members.rs`) in two modes, so they cannot disagree about what a keyword means. `annotate_N`
//! (`annotate.rs`) records what a valid node evaluated, for `unevaluated*`; `tolerate_N`
//! reports undescribed members as warnings.
//!
//! Error locations follow the reference validator (the `jsonschema` crate): a keyword that judges
//! an object or array as a whole (`required`, `additionalProperties: false`, `propertyNames`,
//! `contains`, `uniqueItems`…) reports at the container; keywords applied to members or items
//! report at the member or item; `anyOf`, `oneOf` and `not` report once, at the instance they
//! judged; `$ref`, `allOf`, `if`/`then`/`else` and `dependentSchemas` pass on what their
//! subschemas report.

mod annotate;
mod checks;
mod fusion;
mod marks;
mod members;
mod plan;

use std::collections::BTreeMap;

use proc_macro2::{Delimiter, Group, Ident, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::expr::{binding, used_names};
use super::names::doc_text;
use crate::model::{Keywords, NodeId, Root, Schema};
use plan::{Mode, NodePlan, Plan};

/// Emits the validators of one root schema.
pub fn emit(model: &crate::model::Model, root: &Root) -> TokenStream {
    let plan = Plan::of(model, root.node);
    let mut statics = Statics::default();
    let mut functions = Vec::new();
    for &id in &plan.order {
        let cx = NodeCx { plan: &plan, id };
        if plan.functions.is_valid.contains(&id) {
            functions.push(cx.function(Mode::IsValid, &mut statics));
        }
        if plan.functions.annotate.contains(&id) {
            functions.push(cx.annotate_function(&mut statics));
        }
        if plan.functions.validate.contains(&id) {
            functions.push(cx.function(Mode::Validate, &mut statics));
        }
        if plan.functions.tolerate.contains(&id) {
            functions.push(cx.tolerate_function(&mut statics));
        }
    }
    let root_is_valid = plan.name(Mode::IsValid, root.node);
    let root_is_valid = quote! { validators::#root_is_valid };
    let root_apply = apply_at_value_position(&plan, root.node, &quote!(instance));
    let root_apply = quote! { use validators::*; #root_apply };
    let mut body = TokenStream::new();
    body.extend(statics.tokens);
    body.extend(functions);
    // Only what the functions use is imported: a keyword's check is printed the same way
    // wherever it appears, and the module's set of keywords decides what that is.
    let imports = [
        ("Ordering", quote!(::core::cmp::Ordering)),
        ("Value", quote!(::serde_json::Value)),
        ("json", quote!(::wecom_rooms_runtime::__private::json)),
        (
            "describe",
            quote!(::wecom_rooms_runtime::__private::describe),
        ),
        ("Context", quote!(::wecom_rooms_runtime::__private::Context)),
        (
            "Evaluated",
            quote!(::wecom_rooms_runtime::__private::Evaluated),
        ),
        ("Segment", quote!(::wecom_rooms_runtime::__private::Segment)),
    ];
    let names: Vec<&str> = imports.iter().map(|(name, _)| *name).collect();
    let used = used_names(&body, &names);
    let mut validators = TokenStream::new();
    for (name, path) in imports {
        if used.contains(name) {
            validators.extend(quote! { use #path; });
        }
    }
    validators.extend(body);
    let validators = braced(validators);
    let allowed = ALLOWED
        .iter()
        .map(|lint| lint.parse::<TokenStream>().expect("a lint's path"));
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

        /// The functions that apply each schema node (`is_valid_N`, `validate_N`…), named by
        /// the node's index and documented with its location.
        #[allow(#(#allowed),*)]
        mod validators
            #validators
    }
}

/// The lints the printed validators leave in on purpose. `if let Value::String(s) = v { if … }`
/// collapses only into a let chain, which needs edition 2024, and generated code compiles in
/// any edition; a build script's output is not formatted, so `}` and the next `if` share a line;
/// an arm of a member walk that only tests its member could be a guard, but every arm of the
/// walk is printed in one form.
/// Every other lint is avoided where the code is printed.
const ALLOWED: &[&str] = &[
    "clippy::collapsible_if",
    "clippy::possible_missing_else",
    "clippy::collapsible_match",
];

/// `tokens` in braces. Interpolating a `TokenStream` into `quote!` copies every token (the
/// caller still owns it); a `Group` is shared instead, which matters for function bodies and
/// modules: the generator's time is mostly spent making and dropping tokens.
fn braced(tokens: TokenStream) -> Group {
    Group::new(Delimiter::Brace, tokens)
}

/// How to apply node `id` to a child value, at a value position: validate, then (when asked)
/// note undescribed members.
fn apply_at_value_position(plan: &Plan, id: NodeId, instance: &TokenStream) -> TokenStream {
    let validate = plan.name(Mode::Validate, id);
    let tolerate = plan.tolerate_name(id).map(|tolerate| {
        quote! { if ctx.options().tolerances { #tolerate(#instance, ctx); } }
    });
    quote! { #validate(#instance, ctx); #tolerate }
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
        // Lowering refused a pattern that compiles with neither.
        let flags = crate::lower::pattern_flags(source).unwrap_or("u");
        self.tokens.push(quote! {
            static #ident: ::std::sync::LazyLock<::wecom_rooms_runtime::__private::pattern::Pattern> =
                ::std::sync::LazyLock::new(|| ::wecom_rooms_runtime::__private::pattern::Pattern::with_flags(#source, #flags).expect(#message));
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

/// One node being printed, with the plan that says how.
struct NodeCx<'a> {
    plan: &'a Plan<'a>,
    id: NodeId,
}

impl NodeCx<'_> {
    fn node_plan(&self) -> &NodePlan<'_> {
        self.plan.node(self.id)
    }

    fn location(&self, keyword: &str) -> String {
        let display = &self.plan.model.node(self.id).display;
        if keyword.is_empty() {
            display.clone()
        } else {
            format!("{display}/{keyword}")
        }
    }

    fn function(&self, mode: Mode, statics: &mut Statics) -> TokenStream {
        let node = self.plan.model.node(self.id);
        let doc = doc_text(&format!(" `{}`", node.display));
        let name = self.plan.name(mode, self.id);
        let body = match &node.schema {
            Schema::Bool(true) => quote! {},
            Schema::Bool(false) if mode == Mode::IsValid => {
                return quote! {
                    #[doc = #doc]
                    #[inline]
                    pub(super) fn #name(_: &Value) -> bool { false }
                };
            }
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
                let v = binding("v", &body);
                let body = braced(body);
                let inline = self.node_plan().inline.then(|| quote! { #[inline] });
                quote! {
                    #[doc = #doc]
                    #inline
                    pub(super) fn #name(#v: &Value) -> bool #body
                }
            }
            Mode::Validate => {
                let (v, ctx) = (binding("v", &body), binding("ctx", &body));
                let body = braced(body);
                quote! {
                    #[doc = #doc]
                    pub(super) fn #name<'v>(#v: &'v Value, #ctx: &mut Context<'v>) #body
                }
            }
            Mode::Annotate => unreachable!("annotate functions are emitted by annotate_function"),
        }
    }

    /// The strict check of a value position: members no subschema describes.
    fn tolerate_function(&self, statics: &mut Statics) -> TokenStream {
        let (names, patterns) = &self.plan.tolerated[&self.id];
        let name = self
            .plan
            .tolerate_name(self.id)
            .expect("the plan tolerates this node");
        let doc = doc_text(&format!(
            " Undescribed members at `{}`.",
            self.plan.model.node(self.id).display
        ));
        let location = self.location("");
        let mut tests: Vec<TokenStream> = Vec::new();
        if !names.is_empty() {
            let names = names.iter();
            tests.push(quote! { matches!(key.as_str(), #(#names)|*) });
        }
        tests.extend(patterns.iter().map(|p| {
            let pattern = statics.pattern(p);
            quote! { #pattern.is_match(key) }
        }));
        let mut warn = quote! {
            ctx.push(Segment::Key(key));
            ctx.warning("additionalProperties", #location, format!("member {} is not described by the schema", describe(&Value::String(key.clone()))));
            ctx.pop();
        };
        // A node that describes members only through other keywords (`propertyNames`, a
        // `dependentSchemas`…) leaves every member undescribed.
        if !tests.is_empty() {
            warn = quote! { if !(#(#tests)||*) { #warn } };
        }
        quote! {
            #[doc = #doc]
            #[cold]
            pub(super) fn #name<'v>(v: &'v Value, ctx: &mut Context<'v>) {
                if let Value::Object(members) = v {
                    for key in members.keys() { #warn }
                }
            }
        }
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

/// The printer of one node's keywords in one mode.
struct Checks<'a> {
    cx: &'a NodeCx<'a>,
    k: &'a Keywords,
    mode: Mode,
}

impl Checks<'_> {
    fn plan(&self) -> &Plan<'_> {
        self.cx.plan
    }

    fn node_plan(&self) -> &NodePlan<'_> {
        self.cx.node_plan()
    }

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

    fn is_valid_fn(&self, id: NodeId) -> Ident {
        self.plan().name(Mode::IsValid, id)
    }

    /// Applies a subschema to a child value (`x`), stepping into `segment` when reporting.
    fn apply_child(&self, id: NodeId, x: TokenStream, segment: TokenStream) -> TokenStream {
        match self.mode {
            Mode::Annotate => unreachable!("annotations do not apply subschemas to children"),
            Mode::IsValid => {
                let f = self.is_valid_fn(id);
                quote! { if !#f(#x) { return false; } }
            }
            Mode::Validate => {
                let apply = apply_at_value_position(self.plan(), id, &x);
                quote! { ctx.push(#segment); #apply ctx.pop(); }
            }
        }
    }

    /// Applies a subschema in place, passing on what it reports.
    fn apply_in_place(&self, id: NodeId) -> TokenStream {
        let f = self.plan().name(self.mode, id);
        match self.mode {
            Mode::IsValid => quote! { if !#f(v) { return false; } },
            Mode::Validate => quote! { #f(v, ctx); },
            Mode::Annotate => quote! { #f(v, ev); },
        }
    }
}
