//! The derives and, where the schema says more than the type, the `schemars::JsonSchema`
//! implementations of generated types.

use super::*;

impl<'m> TypeCx<'m> {
    pub(super) fn derives(&self, index: usize, serde: bool) -> TokenStream {
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
    pub(super) fn gated(&self, attribute: TokenStream) -> TokenStream {
        match self.schemars {
            Schemars::Off => quote!(),
            Schemars::Always => quote!(#[#attribute]),
            Schemars::Feature(feature) => quote!(#[cfg_attr(feature = #feature, #attribute)]),
        }
    }

    /// A hand-written `JsonSchema` implementation for a type whose serde impls are hand-written
    /// too; `schema` builds the schema from `generator`.
    pub(super) fn json_schema_impl(
        &self,
        name: &Ident,
        doc: &[String],
        schema: TokenStream,
    ) -> TokenStream {
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
}
