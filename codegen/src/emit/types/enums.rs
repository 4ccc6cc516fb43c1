//! Closed sets (`Unknown` for values the schema does not name) and enums of alternatives that
//! keep what was sent.

use super::shape::integer;
use super::*;

impl<'m> TypeCx<'m> {
    /// A closed set: an `enum` of strings or of integers (variants named from the values), or a
    /// `oneOf`/`anyOf` of titled constants (variants named by the titles).
    pub(super) fn closed_set(&mut self, shape: NodeId, k: &Keywords, name: &str) -> Option<Ty> {
        let doc = self.doc(shape);
        if let Some(values) = &k.enum_values {
            // Variants named from the values; a `null` among them makes the type an `Option`.
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            let mut scope = Scope::default();
            scope.reserve("Unknown");
            if let Some(strings) = values
                .iter()
                .map(|v| v.as_str())
                .collect::<Option<Vec<_>>>()
            {
                let variants = strings
                    .iter()
                    .map(|s| (scope.claim(camel(s)), (*s).to_owned(), Vec::new()))
                    .collect::<Vec<_>>();
                return (!variants.is_empty())
                    .then(|| self.add(shape, name, doc, DefBody::ClosedStr { variants }));
            }
            let numbers: Vec<i128> = values.iter().map(|v| integer(v)).collect::<Option<_>>()?;
            let fits = |repr: IntTy| {
                let (lo, hi) = repr.bounds();
                numbers.iter().all(|n| (lo..=hi).contains(n))
            };
            let typed = (k.types.as_deref() == Some(&[JsonType::Integer])).then(|| int_ty(k));
            let repr = [typed, Some(IntTy::I64), Some(IntTy::U64)]
                .into_iter()
                .flatten()
                .find(|&repr| fits(repr))?;
            let variants = numbers
                .iter()
                .map(|&n| {
                    let word = if n < 0 {
                        format!("Minus{}", n.unsigned_abs())
                    } else {
                        format!("V{n}")
                    };
                    (scope.claim(word), n, Vec::new())
                })
                .collect::<Vec<_>>();
            return (!variants.is_empty())
                .then(|| self.add(shape, name, doc, DefBody::ClosedInt { repr, variants }));
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
            let number = integer(&value)?;
            variants.push((scope.claim(camel(&title)), number, doc));
        }
        Some(self.add(shape, name, doc, DefBody::ClosedInt { repr, variants }))
    }

    pub(super) fn closed_int_tokens(
        &self,
        index: usize,
        name: &Ident,
        doc: &TokenStream,
        repr: IntTy,
        variants: &[(String, i128, Vec<String>)],
    ) -> TokenStream {
        let derives = self.derives(index, false);
        let satisfies = self.satisfies_method(index);
        let int = repr.tokens();
        let idents: Vec<Ident> = variants.iter().map(|v| ident(&v.0)).collect();
        let docs: Vec<TokenStream> = variants.iter().map(|v| doc_attrs(&v.2)).collect();
        let values: Vec<proc_macro2::Literal> =
            variants.iter().map(|v| int_literal(v.1, repr)).collect();
        let serialize = format_ident!("serialize_{}", repr.tokens().to_string());
        if self.closed[index] {
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
                    #satisfies
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
                        let value = ::wecom_rooms_runtime::__private::de::integer::<D, #int>(deserializer)?;
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
                #satisfies
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
                    ::wecom_rooms_runtime::__private::de::integer::<D, #int>(deserializer).map(Self::from_value)
                }
            }
        }
    }

    pub(super) fn closed_str_tokens(
        &self,
        index: usize,
        name: &Ident,
        doc: &TokenStream,
        variants: &[(String, String, Vec<String>)],
    ) -> TokenStream {
        let derives = self.derives(index, false);
        let satisfies = self.satisfies_method(index);
        let idents: Vec<Ident> = variants.iter().map(|v| ident(&v.0)).collect();
        let docs: Vec<TokenStream> = variants.iter().map(|v| doc_attrs(&v.2)).collect();
        let values: Vec<&String> = variants.iter().map(|v| &v.1).collect();
        if self.closed[index] {
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
                    #satisfies
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
                #satisfies
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

    pub(super) fn alternatives_tokens(
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
                    ::wecom_rooms_runtime::__private::de::integer::<_, #ty_tokens>(#input).map(#name::#variant)
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
            // Boxing the larger variant would cost an allocation per decode.
            #[allow(clippy::large_enum_variant)]
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
