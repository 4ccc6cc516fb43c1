//! What the generator knows of the endpoints together: `endpoints`, each endpoint's request
//! type by its name, and `ROUTES`, the table that tools route by. Both are printed from one
//! list, so that a new endpoint is its schema files and nothing else.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::names::{ident, module_path};
use crate::error::{Error, ErrorKind};
use crate::model::{Endpoint, Keywords, Model, NodeId, Root};

/// An endpoint of the run: a request root with `x-endpoint` whose response root is generated
/// with it.
struct Member<'m> {
    root: &'m Root,
    endpoint: &'m Endpoint,
    response: &'m Root,
}

/// Every endpoint of the run, in the roots' order.
pub struct Family<'m> {
    members: Vec<Member<'m>>,
}

impl<'m> Family<'m> {
    /// The endpoints of `model`; two endpoints of one name are an error naming both request
    /// schemas.
    pub fn new(model: &'m Model) -> Result<Self, Error> {
        members(model).map(|members| Family { members })
    }
}

fn members(model: &Model) -> Result<Vec<Member<'_>>, Error> {
    let mut seen: BTreeMap<&str, &Root> = BTreeMap::new();
    let mut out = Vec::new();
    for root in &model.roots {
        let Some(endpoint) = &root.endpoint else {
            continue;
        };
        let Some(response) = (endpoint.response.as_ref())
            .and_then(|name| model.roots.iter().find(|r| r.name == *name))
        else {
            continue;
        };
        if let Some(other) = seen.insert(&endpoint.name, root) {
            let message = format!(
                "the endpoint name `{}` is also the name of {}.schema.json's endpoint; give one an `x-endpoint/name` of its own",
                endpoint.name, other.name
            );
            let file = format!("{}.schema.json", root.name);
            return Err(Error::new(file, "/x-endpoint", ErrorKind::Invalid(message)));
        }
        out.push(Member {
            root,
            endpoint,
            response,
        });
    }
    Ok(out)
}

/// The path of a root's module from the top of the tree.
fn path_of(root: &Root) -> TokenStream {
    let segments = module_path(&root.name);
    let segments = segments.iter().map(|s| ident(s));
    quote! { #(#segments)::* }
}

impl Family<'_> {
    /// The `endpoints` module's items: a type alias per endpoint, named by its `x-endpoint`
    /// name, for the request type (`root_types` names each root's type); `None` without
    /// endpoints.
    pub fn endpoints(&self, root_types: &BTreeMap<&str, String>) -> Option<TokenStream> {
        let aliases: Vec<TokenStream> = self
            .members
            .iter()
            .filter_map(|m| {
                let ty = ident(root_types.get(m.root.name.as_str())?);
                let name = ident(&m.endpoint.name);
                let path = path_of(m.root);
                let doc = format!(
                    " `{} {}`: {}.",
                    m.endpoint.method,
                    m.endpoint.path,
                    m.root.title.as_deref().unwrap_or(&m.root.name)
                );
                Some(quote! {
                    #[doc = #doc]
                    pub type #name = super::#path::#ty;
                })
            })
            .collect();
        (!aliases.is_empty()).then(|| quote! { #(#aliases)* })
    }

    /// `ROUTES`: every endpoint's name, method and path, and request and response schemas; nothing
    /// for a run without endpoints.
    pub fn routes(&self) -> TokenStream {
        if self.members.is_empty() {
            return TokenStream::new();
        }
        let routes = self.members.iter().map(|m| {
            let name = &m.endpoint.name;
            let request = path_of(m.root);
            let response = path_of(m.response);
            quote! {
                ::wecom_rooms_runtime::registry::Route::new(
                    #name,
                    #request::ENDPOINT,
                    &#request::SCHEMA_ENTRY,
                    &#response::SCHEMA_ENTRY,
                )
            }
        });
        quote! {
            /// Every endpoint of this crate: its name, where it is served, and its request and
            /// response schemas, in the order of the schemas' names.
            pub static ROUTES: &[::wecom_rooms_runtime::registry::Route] = &[#(#routes),*];
        }
    }
}

/// `SECRET_MEMBERS`: every member a schema of the run marks `x-secret` (on it or on a `$ref`
/// target on its way), by name, with whether its value is base64 (`contentEncoding`); nothing
/// when none is.
pub fn secret_members(model: &Model) -> TokenStream {
    let mut members = std::collections::BTreeSet::new();
    for node in &model.nodes {
        let crate::model::Schema::Keywords(k) = &node.schema else {
            continue;
        };
        for (name, sub) in &k.properties {
            let marked = |at: NodeId, keep: fn(&Keywords) -> bool| {
                let chain = model.ref_chain(at, |k| !keep(k));
                let last = *chain.last().expect("a chain starts at its node");
                model.keywords(last).is_some_and(keep)
            };
            if marked(*sub, |k| k.annotations.secret) {
                let base64 = marked(*sub, |k| {
                    k.annotations.content_encoding.as_deref() == Some("base64")
                });
                members.insert((name.clone(), base64));
            }
        }
    }
    if members.is_empty() {
        return TokenStream::new();
    }
    let members = members
        .iter()
        .map(|(name, base64)| quote! { (#name, #base64) });
    quote! {
        /// Every member a schema marks `x-secret`, by name, with whether its value is base64
        /// (`contentEncoding`): what a tool that logs or records messages must redact.
        pub static SECRET_MEMBERS: &[(&str, bool)] = &[#(#members),*];
    }
}
