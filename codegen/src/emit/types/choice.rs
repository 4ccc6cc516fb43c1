//! Either-or choices: the struct that holds one in a field, its enum, and a request's
//! builder.

use super::render::MAX_NEW_ARGS;
use super::*;

impl<'m> TypeCx<'m> {
    /// A struct holding an either-or choice in one field. serde's `flatten` does not combine
    /// with `deny_unknown_fields`, so decoding goes through a private struct with every member
    /// of the choice optional (the struct of old), then checks that exactly one was sent.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn choice_struct_tokens(
        &self,
        index: usize,
        name: &Ident,
        doc: &TokenStream,
        fields: &[Field],
        extra: Option<&str>,
        choice: &Choice,
        defs: &[Def],
        methods: TokenStream,
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
        let new = (params.len() <= MAX_NEW_ARGS).then(|| {
            quote! {
                #[doc = #new_doc]
                pub fn new(#(#params),*) -> Self {
                    #name { #(#inits),* }
                }
            }
        });
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
                #new
                #methods
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

    /// A builder, for a request's struct of more than two members and any struct that
    /// requires more than [`MAX_NEW_ARGS`]: a method per member (and per member of its
    /// choice), and `build`, which names a required member left unset. Returns the struct's
    /// `builder()` method and the builder's items.
    pub(super) fn builder_tokens(
        &self,
        name: &Ident,
        builder: &str,
        fields: &[Field],
        extra: Option<&str>,
        choice: Option<&Choice>,
        defs: &[Def],
    ) -> (TokenStream, TokenStream) {
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
            let field_setter = setter(&field.rust);
            setters.push(quote! {
                #doc
                pub fn #field_setter(mut self, value: #ty) -> Self {
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
            let choice_setter = setter(&choice.rust);
            setters.push(quote! {
                #doc
                pub fn #choice_setter(mut self, value: #enum_name) -> Self {
                    self.#rust = ::core::option::Option::Some(value);
                    self
                }
            });
            let mut names = Vec::new();
            if let DefBody::Choice { variants } = &defs[choice.def].body {
                for (variant, field) in variants {
                    names.push(field.wire.clone());
                    let method = setter(&field.rust);
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
        let method = quote! {
            /// A builder with every member unset.
            pub fn builder() -> #builder {
                #builder::default()
            }
        };
        let items = quote! {
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
        };
        (method, items)
    }

    /// The enum of an either-or choice: it encodes as the one member it holds.
    pub(super) fn choice_tokens(
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
}

/// The builder's method that sets member `rust`: its name, unless that is `build`, the method
/// that finishes the builder.
fn setter(rust: &str) -> Ident {
    if rust == "build" {
        format_ident!("with_build")
    } else {
        ident(rust)
    }
}
