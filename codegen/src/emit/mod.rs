//! Emitting: model → token streams, one module per root schema, arranged in a module tree.

mod assertion;
mod expr;
mod family;
pub mod names;
mod share;
pub mod types;
pub mod validate;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Error;
use crate::model::{Model, RequestIn, Root};
use share::Sharing;

/// What to emit for each schema.
#[derive(Clone, Debug)]
pub struct EmitOptions {
    pub types: bool,
    pub validators: bool,
    pub schemars: Schemars,
}

/// Whether generated types implement `schemars::JsonSchema`, so that consumers can put them in
/// their own OpenAPI documents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Schemars {
    /// No `JsonSchema` implementations.
    #[default]
    Off,
    /// Always implement it: the consumer depends on `schemars` 1.x.
    Always,
    /// Implement it when the consumer crate's feature of this name is on.
    Feature(String),
}

/// A module of the output: its own items and its child modules, by name.
#[derive(Debug, Default)]
pub struct ModuleTree {
    /// Items of this module (a schema module's whole body, or the registry at the top).
    pub items: TokenStream,
    /// Inner documentation lines.
    pub docs: Vec<String>,
    /// Items already printed as text, after `items` (a schema module's validators, when they
    /// were emitted beside the types on another thread for unformatted output).
    pub text: String,
    /// The schema this module was generated from, if it is a schema module.
    pub source: Option<String>,
    pub children: BTreeMap<String, ModuleTree>,
}

/// Arranges every root's module in a tree following its name (`a/b/c` → `a::b::c`), with a
/// `SCHEMAS` registry at the top, and hands it to `then` (which writes it).
pub fn tree<T>(
    model: &Model,
    options: &EmitOptions,
    layout: Layout,
    source_of: impl Fn(&Root) -> String,
    then: impl FnOnce(ModuleTree) -> T,
) -> Result<T, Error> {
    let sharing = Sharing::new(model)?;
    let types = if options.types {
        Some(types::emit(
            model,
            &sharing,
            &options.schemars,
            options.validators,
        )?)
    } else {
        None
    };
    let parts = Parts {
        model,
        options,
        sharing: &sharing,
        types,
    };
    if layout == Layout::Tokens || !options.validators {
        return Ok(then(parts.tree_of(options.validators, &source_of)?));
    }
    // For unformatted output the validators, most of the work, are emitted and printed on a
    // second thread while this one emits the rest. Tokens cannot cross threads; their text
    // can. The second thread frees its tokens (a sixth of its time) while `then` writes.
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::channel();
        let worker = std::thread::Builder::new()
            .stack_size(WORKER_STACK)
            .spawn_scoped(scope, move || {
                let mut emitted = Vec::new();
                for root in &model.roots {
                    let tokens = validate::emit(model, root);
                    if sender.send(tokens.to_string()).is_err() {
                        return;
                    }
                    emitted.push(tokens);
                }
                drop(sender);
                drop(emitted);
            });
        // Without a second thread, the same work in this one.
        let Ok(worker) = worker else {
            return Ok(then(parts.tree_of(true, &source_of)?));
        };
        let mut tree = parts.tree_of(false, &source_of)?;
        for root in &model.roots {
            match receiver.recv() {
                Ok(text) => tree.module_mut(&root.name).text = text,
                // The worker stopped early: it panicked, and joining says why.
                Err(_) => match worker.join() {
                    Err(panic) => std::panic::resume_unwind(panic),
                    Ok(()) => unreachable!("the worker sends one text per root before it ends"),
                },
            }
        }
        Ok(then(tree))
    })
}

/// What the tree is made of: the model, the options, where each type lives and the types.
struct Parts<'a> {
    model: &'a Model,
    options: &'a EmitOptions,
    sharing: &'a Sharing,
    types: Option<types::Types>,
}

/// The stack of the thread that emits validators: as large as the generator's own (address
/// space only; pages are touched as they are used).
const WORKER_STACK: usize = 512 << 20;

/// How the tree will be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// As tokens, for prettyplease.
    Tokens,
    /// As unformatted text.
    Text,
}

impl ModuleTree {
    /// The module of the schema named `name`, which the tree holds.
    fn module_mut(&mut self, name: &str) -> &mut ModuleTree {
        names::module_path(name)
            .into_iter()
            .fold(self, |module, segment| {
                module
                    .children
                    .get_mut(&segment)
                    .expect("every root has a module")
            })
    }
}

impl Parts<'_> {
    /// The tree, with each schema module's validators among its items when `with_validators`.
    fn tree_of(
        &self,
        with_validators: bool,
        source_of: &impl Fn(&Root) -> String,
    ) -> Result<ModuleTree, Error> {
        let (model, options) = (self.model, self.options);
        let family = family::Family::new(model)?;
        let mut top = ModuleTree::default();
        let mut entries = Vec::new();
        let mut root_types = BTreeMap::new();
        for (index, root) in model.roots.iter().enumerate() {
            let segments = names::module_path(&root.name);
            let module = top.module_at(&segments, &root.name);
            let (items, named) = self.schema_module(index, root, with_validators);
            module.items = items;
            if let Some(named) = named {
                root_types.insert(root.name.as_str(), named);
            }
            module.docs = root_docs(root);
            module.source = Some(source_of(root));
            if options.validators {
                let path = segments.iter().map(|s| names::ident(s));
                entries.push(quote! { #(#path::)*SCHEMA_ENTRY });
            }
        }
        // Types that several schemas share, in the module of the file that defines them.
        for (segments, file) in self.sharing.shared_modules() {
            let module = top.module_at(segments, &crate::schema_name(file));
            module.docs = vec![format!(" Types that several schemas share, from `{file}`.")];
            module.source = Some(file.to_owned());
            if let Some(items) = self.types.as_ref().and_then(|t| t.modules.get(segments)) {
                module.items = items.clone();
            }
        }
        if options.types && options.validators {
            for root in &model.roots {
                if let Some(items) = endpoint_impl(root, &root_types) {
                    top.module_mut(&root.name).items.extend(items);
                }
            }
            if let Some(aliases) = family.endpoints(&root_types) {
                let module = top.children.entry("endpoints".to_owned()).or_default();
                module.docs = vec![
                    " Every endpoint by name: its request type, which implements `Endpoint`."
                        .to_owned(),
                ];
                module.items = aliases;
            }
        }
        top.docs = vec![" Generated types and validators, one module per schema.".to_owned()];
        top.items = if options.validators {
            let routes = family.routes();
            let secrets = family::secret_members(model);
            quote! {
                /// Every schema of this crate, in name order.
                pub static SCHEMAS: &[::wecom_rooms_runtime::registry::SchemaEntry] = &[#(#entries),*];
                #routes
                #secrets
            }
        } else {
            quote! {}
        };
        Ok(top)
    }
}

impl ModuleTree {
    /// The module at `segments`, made with its parents if need be; a folder made on the way is
    /// documented by the part of `name` it stands for.
    fn module_at(&mut self, segments: &[String], name: &str) -> &mut ModuleTree {
        let mut module = self;
        for (depth, segment) in segments.iter().enumerate() {
            module = module.children.entry(segment.clone()).or_default();
            if module.docs.is_empty() {
                let folder = name
                    .split('/')
                    .take(depth + 1)
                    .collect::<Vec<_>>()
                    .join("/");
                module.docs = vec![format!(" The schemas under `{folder}/`.")];
            }
        }
        module
    }
}

fn root_docs(root: &Root) -> Vec<String> {
    let mut docs = Vec::new();
    if let Some(title) = &root.title {
        docs.push(format!(" {title}"));
    }
    if let Some(description) = &root.description {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(description.lines().map(|l| format!(" {l}")));
    }
    if docs.is_empty() {
        docs.push(format!(" The schema `{}`.", root.name));
    }
    docs
}

/// `impl Endpoint` for the root type of a request schema whose `x-endpoint` names a response
/// schema generated in the same run; `None` for any other schema, or when either root type is
/// not a type of its own.
fn endpoint_impl(root: &Root, root_types: &BTreeMap<&str, String>) -> Option<TokenStream> {
    let response = root.endpoint.as_ref()?.response.as_deref()?;
    let request_ty = names::ident(root_types.get(root.name.as_str())?);
    let response_ty = names::ident(root_types.get(response)?);
    let module = relative_module(&root.name, response);
    Some(quote! {
        impl ::wecom_rooms_runtime::Endpoint for #request_ty {
            const ENDPOINT: ::wecom_rooms_runtime::registry::Endpoint = ENDPOINT;
            const SCHEMA: ::wecom_rooms_runtime::registry::SchemaEntry = SCHEMA_ENTRY;
            type Response = #module::#response_ty;
            fn decode_response(
                body: &[u8],
            ) -> ::core::result::Result<Self::Response, ::wecom_rooms_runtime::decode::DecodeError> {
                #module::decode_validated(body)
            }
        }
    })
}

/// The path from the module of schema `from` to the module of schema `to` (`super::response`
/// from `a/request` to `a/response`), valid in the tree and in the single file alike.
fn relative_module(from: &str, to: &str) -> TokenStream {
    let from: Vec<String> = from.split('/').map(names::snake).collect();
    let to: Vec<String> = to.split('/').map(names::snake).collect();
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n(quote!(super), from.len() - shared);
    let downs = to[shared..].iter().map(|s| names::ident(s));
    let mut path = ups.map(|up| quote!(#up)).chain(downs.map(|d| quote!(#d)));
    let first = path.next().unwrap_or_else(|| quote!(self));
    quote! { #first #(:: #path)* }
}

impl Parts<'_> {
    /// The items of root `index`'s module: the types it owns, what describes the schema, the
    /// validators (when `with_validators`) and the validating decoder; and its root type's name.
    fn schema_module(
        &self,
        index: usize,
        root: &Root,
        with_validators: bool,
    ) -> (TokenStream, Option<String>) {
        let (model, options) = (self.model, self.options);
        let name = &root.name;
        let title = root.title.clone().unwrap_or_else(|| name.clone());
        let examples = &root.examples;
        // The types first, as a reader of the module's documentation meets them; then what
        // describes the schema; then the validators.
        let mut out = TokenStream::new();
        let mut root_type = None;
        let mut named = None;
        if let Some(types) = &self.types {
            if let Some(items) = types.modules.get(&names::module_path(name)) {
                out.extend(items.clone());
            }
            let root_type_info = &types.roots[index];
            if let Some(outcome) = &root_type_info.outcome {
                out.extend(outcome_impl(&root_type_info.ty, outcome));
            }
            named = root_type_info.named.clone();
            root_type = Some(root_type_info);
        }
        out.extend(quote! {
            /// The schema's name: its path under the schema directory without `.schema.json`.
            pub const SCHEMA_NAME: &str = #name;
            /// The schema's title.
            pub const TITLE: &str = #title;
            /// The schema's `examples`, as pretty-printed JSON.
            pub const EXAMPLES: &[&str] = &[#(#examples),*];
        });
        if let Some(endpoint) = &root.endpoint {
            let (method, base_url, path) = (&endpoint.method, &endpoint.base_url, &endpoint.path);
            let query = endpoint.query.iter().map(|q| {
            let (name, required) = (&q.name, q.required);
            let description = q.description.clone().unwrap_or_default();
            quote! { ::wecom_rooms_runtime::registry::QueryParameter::new(#name, #required, #description) }
        });
            let response = match &endpoint.response {
                Some(r) => quote! { Some(#r) },
                None => quote! { None },
            };
            let request_in = match endpoint.request_in {
                RequestIn::Body => quote! { ::wecom_rooms_runtime::registry::RequestIn::Body },
                RequestIn::Query => quote! { ::wecom_rooms_runtime::registry::RequestIn::Query },
            };
            out.extend(quote! {
            /// The HTTP endpoint this request is sent to (the schema's `x-endpoint`).
            pub const ENDPOINT: ::wecom_rooms_runtime::registry::Endpoint = ::wecom_rooms_runtime::registry::Endpoint::new(
                #method, #base_url, #path, &[#(#query),*], #request_in, #response,
            );
        });
        }
        if options.validators {
            if with_validators {
                out.extend(validate::emit(model, root));
            }
            if let Some(types::RootType {
                ty,
                from_value,
                from_slice,
                checked,
                strictly_checked,
                ..
            }) = root_type
            {
                // Where the type's checks are known to be the schema's, a document that decodes
                // straight from bytes and passes them is valid: no `Value`, no second validation.
                let fast = checked.then(|| {
                    quote! {
                        match #from_slice(bytes) {
                            Ok(typed) if typed.satisfies_schema() => return Ok(typed),
                            _ => {}
                        }
                    }
                });
                out.extend(quote! {
                /// Decodes `bytes` into the schema's type if the schema accepts the document, and
                /// reports every violation if it does not.
                pub fn decode_validated(bytes: &[u8]) -> ::core::result::Result<#ty, ::wecom_rooms_runtime::decode::DecodeError> {
                    use ::wecom_rooms_runtime::decode::DecodeError;
                    #fast
                    let value: ::serde_json::Value = ::wecom_rooms_runtime::__private::from_bytes(bytes).map_err(DecodeError::Syntax)?;
                    if !is_valid(&value) {
                        return Err(DecodeError::Invalid(validate(&value)));
                    }
                    #from_value(value).map_err(DecodeError::Decode)
                }
            });
                if *strictly_checked {
                    out.extend(quote! {
                        /// Whether `bytes` is a document this schema accepts with nothing to warn about
                        /// (no member it does not describe, every base64 string decodable), told from
                        /// the typed value without building a `serde_json::Value`. `false` says only
                        /// that this quick way cannot tell: [`validate_with`] gives the verdict then.
                        pub fn is_exact(bytes: &[u8]) -> bool {
                            #from_slice(bytes).is_ok_and(|typed| typed.satisfies_strictly())
                        }
                    });
                }
            }
            let endpoint = root
                .endpoint
                .is_some()
                .then(|| quote!(.with_endpoint(ENDPOINT)));
            let is_exact = root_type
                .is_some_and(|root| root.strictly_checked)
                .then(|| quote!(.with_is_exact(is_exact)));
            out.extend(quote! {
            /// This schema in the crate's registry.
            pub const SCHEMA_ENTRY: ::wecom_rooms_runtime::registry::SchemaEntry =
                ::wecom_rooms_runtime::registry::SchemaEntry::new(SCHEMA_NAME, TITLE, EXAMPLES, is_valid, validate_with)
                    #endpoint #is_exact;
        });
        }
        (out, named)
    }
}

/// `impl Outcome` for a success-or-failure root type: `then`'s variant is the success.
fn outcome_impl(ty: &TokenStream, outcome: &types::OutcomeVariants) -> TokenStream {
    let (success, success_ty) = &outcome.success;
    let (failure, failure_ty) = &outcome.failure;
    quote! {
        impl ::wecom_rooms_runtime::Outcome for #ty {
            type Success = #success_ty;
            type Failure = #failure_ty;
            fn into_result(self) -> ::core::result::Result<#success_ty, #failure_ty> {
                match self {
                    Self::#success(success) => ::core::result::Result::Ok(success),
                    Self::#failure(failure) => ::core::result::Result::Err(failure),
                }
            }
        }
    }
}
