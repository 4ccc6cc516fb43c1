//! Enums told apart by one member of an object: by `if` on its constant (`Discriminated`, two
//! variants), and by a `const` member in every branch of a `oneOf`/`anyOf` (`Tagged`, a struct
//! per branch, the tag member held by the enum).

use super::*;

impl<'m> TypeCx<'m> {
    pub(super) fn discriminated(&mut self, shape: NodeId, k: &Keywords, name: &str) -> Option<Ty> {
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

    /// A `oneOf`/`anyOf` of objects, each requiring member K with a `const` string, a different
    /// one each: an internally tagged enum with a struct per branch (without K). At most one
    /// branch can hold, so `anyOf` and `oneOf` mean the same here.
    pub(super) fn tagged(
        &mut self,
        shape: NodeId,
        k: &Keywords,
        branches: &[NodeId],
        name: &str,
    ) -> Option<Ty> {
        let own_members = !k.properties.is_empty()
            || !k.pattern_properties.is_empty()
            || k.additional_properties.is_some();
        if branches.len() < 2
            || own_members
            || k.types.as_deref().is_some_and(|t| t != [JsonType::Object])
        {
            return None;
        }
        let shapes: Vec<NodeId> = branches.iter().map(|&b| self.shape(b)).collect();
        let first = self.keywords(shapes[0])?;
        let tag = first
            .properties
            .iter()
            .map(|(member, _)| member)
            .find(|member| self.tag_values(&shapes, member).is_some())?
            .clone();
        let values = self.tag_values(&shapes, &tag)?;
        let index = self.reserve(shape, name, self.doc(shape));
        let mut scope = Scope::default();
        scope.reserve("Unknown");
        let mut variants = Vec::new();
        for ((&branch, &branch_shape), value) in branches.iter().zip(&shapes).zip(values) {
            let variant = scope.claim(camel(&value));
            let bk = self.keywords(branch_shape)?;
            let struct_name = match &self.model.node(branch_shape).def_name {
                Some(def) => self
                    .scope_of(branch_shape)
                    .pick(&[camel(def), format!("{name}{variant}")]),
                None => self
                    .scope_of(branch_shape)
                    .pick(&[variant.clone(), format!("{name}{variant}")]),
            };
            let ty = self.structure(branch_shape, bk, &struct_name, Some(&tag));
            variants.push((variant, value, ty, self.doc(branch)));
        }
        self.defs[index].body = DefBody::Tagged { tag, variants };
        Some(Ty::Named(index))
    }

    /// The constants of member `tag` in each of `shapes`, if every one is an object schema that
    /// requires it and pins it to a string (`const`, with at most `type: "string"` beside it),
    /// a different string each.
    fn tag_values(&self, shapes: &[NodeId], tag: &str) -> Option<Vec<String>> {
        let mut values: Vec<String> = Vec::new();
        for &shape in shapes {
            let k = self.keywords(shape)?;
            let object = k.types.as_deref().is_none_or(|t| t == [JsonType::Object]);
            if !object || !k.required.iter().any(|r| r == tag) || self.is_secret(shape) {
                return None;
            }
            let (_, member) = k.properties.iter().find(|(m, _)| m == tag)?;
            let mk = self.keywords(*member)?;
            let only_const = mk.assertions().iter().all(|a| {
                *a == "const" || (*a == "type" && mk.types.as_deref() == Some(&[JsonType::String]))
            });
            let value = mk.const_value.as_ref()?.as_str()?;
            if !only_const || values.iter().any(|v| v == value) {
                return None;
            }
            values.push(value.to_owned());
        }
        Some(values)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn discriminated_tokens(
        &self,
        index: usize,
        name: &Ident,
        doc: &TokenStream,
        (property, value, absent_selects_then): (&str, &Value, bool),
        then: &(String, Ty),
        otherwise: &(String, Ty),
        defs: &[Def],
    ) -> TokenStream {
        let satisfies = self.satisfies_method(index);
        let derives = self.derives(index, false);
        let (then_variant, then_ty) = (ident(&then.0), self.ty_tokens(&then.1, defs));
        let (other_variant, other_ty) = (ident(&otherwise.0), self.ty_tokens(&otherwise.1, defs));
        let test = crate::emit::expr::equals_scalar(value, quote!(x));
        let then_doc = format!(" `{property}` is {value}.");
        let other_doc = format!(" `{property}` is not {value}.");
        let expecting = format!("an object told apart by its member `{property}`");
        // An integer's test reads it exactly through `json`; a string's needs nothing.
        let use_json = crate::emit::expr::mentions(&test, "json")
            .then(|| quote! { use ::wecom_rooms_runtime::__private::json; });
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
                    ::wecom_rooms_runtime::__private::de::deserialize_discriminated(deserializer)
                }
            }

            impl ::wecom_rooms_runtime::__private::de::Discriminated for #name {
                const MEMBER: &'static str = #property;
                const EXPECTING: &'static str = #expecting;

                fn decode_selected<'de, D: ::serde::Deserializer<'de>>(
                    selector: ::core::option::Option<&::serde_json::Value>,
                    members: D,
                ) -> ::core::result::Result<Self, D::Error> {
                    #use_json
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
                    #use_json
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
                    ::wecom_rooms_runtime::__private::from_bytes(bytes)
                }
                #satisfies
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

    /// An internally tagged enum: decoded in one pass by the runtime's `deserialize_tagged`,
    /// encoded with the tag first. An unknown tag decodes to `Unknown` with the whole object,
    /// as closed sets keep an unknown value; a request's enum refuses it instead.
    pub(super) fn tagged_tokens(
        &self,
        index: usize,
        name: &Ident,
        doc: &TokenStream,
        tag: &str,
        variants: &[(String, String, Ty, Vec<String>)],
        defs: &[Def],
    ) -> TokenStream {
        let derives = self.derives(index, false);
        let satisfies_impl = self
            .satisfies_method(index)
            .map(|method| quote! { impl #name { #method } });
        let idents: Vec<Ident> = variants.iter().map(|v| ident(&v.0)).collect();
        let values: Vec<&String> = variants.iter().map(|v| &v.1).collect();
        let tys: Vec<TokenStream> = variants
            .iter()
            .map(|v| self.ty_tokens(&v.2, defs))
            .collect();
        let docs = variants.iter().map(|v| {
            let mut lines = v.3.clone();
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push(format!(" `{tag}` is {:?}.", v.1));
            doc_attrs(&lines)
        });
        let expecting = format!("an object told apart by its member `{tag}`");
        let expected = format!("one of {values:?}");
        let (unknown_variant, unknown_decode, unknown_encode, note) = if self.closed[index] {
            (
                quote!(),
                quote! {
                    _ => ::core::result::Result::Err(<D::Error as ::serde::de::Error>::invalid_value(
                        ::wecom_rooms_runtime::__private::de::unexpected(&tag),
                        &#expected,
                    )),
                },
                quote!(),
                quote! {
                    ///
                    /// Only the variants the schema names: an object with another tag is refused.
                },
            )
        } else {
            (
                quote! {
                    /// An object whose tag the schema does not name, kept whole (tag included).
                    Unknown(::serde_json::Map<::std::string::String, ::serde_json::Value>),
                },
                quote! {
                    _ => {
                        let mut object = <::serde_json::Map<::std::string::String, ::serde_json::Value> as ::serde::Deserialize>::deserialize(members)?;
                        object.insert(#tag.to_owned(), tag);
                        ::core::result::Result::Ok(Self::Unknown(object))
                    }
                },
                quote! { #name::Unknown(object) => ::serde::Serialize::serialize(object, serializer), },
                quote! {
                    ///
                    /// An object whose tag the schema does not name decodes to `Unknown` and
                    /// encodes back unchanged.
                },
            )
        };
        quote! {
            #doc
            #note
            #derives
            #[non_exhaustive]
            // Boxing the larger variant would cost an allocation per decode.
            #[allow(clippy::large_enum_variant)]
            pub enum #name {
                #( #docs #idents(#tys), )*
                #unknown_variant
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    // serde's internally tagged encoding: the tag first, then the struct's members.
                    #[derive(::serde::Serialize)]
                    #[serde(tag = #tag)]
                    enum Wire<'a> {
                        #( #[serde(rename = #values)] #idents(&'a #tys), )*
                    }
                    match self {
                        #( #name::#idents(value) => ::serde::Serialize::serialize(&Wire::#idents(value), serializer), )*
                        #unknown_encode
                    }
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    ::wecom_rooms_runtime::__private::de::deserialize_tagged(deserializer)
                }
            }

            impl ::wecom_rooms_runtime::__private::de::Tagged for #name {
                const TAG: &'static str = #tag;
                const EXPECTING: &'static str = #expecting;

                fn decode_tagged<'de, D: ::serde::Deserializer<'de>>(
                    tag: ::serde_json::Value,
                    members: D,
                ) -> ::core::result::Result<Self, D::Error> {
                    match tag.as_str() {
                        #( ::core::option::Option::Some(#values) => <#tys as ::serde::Deserialize>::deserialize(members).map(Self::#idents), )*
                        #unknown_decode
                    }
                }
            }

            #satisfies_impl
        }
    }
}
