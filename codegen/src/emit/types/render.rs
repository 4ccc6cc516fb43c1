//! Printing the types: type expressions, derives, structs and their fields.

use super::*;

impl<'m> TypeCx<'m> {
    pub(super) fn ty_tokens(&self, ty: &Ty, defs: &[Def]) -> TokenStream {
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
                if defs[*i].module == self.here {
                    return quote!(#name);
                }
                let path = self.path_to(&defs[*i].module);
                quote!(#(#path::)*#name)
            }
            Ty::Value => quote!(::serde_json::Value),
            Ty::Nullable(inner) => {
                let inner = self.ty_tokens(inner, defs);
                quote!(::core::option::Option<#inner>)
            }
            Ty::Map(inner) => {
                let inner = self.ty_tokens(inner, defs);
                quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
            }
            Ty::Boxed(inner) => {
                let inner = self.ty_tokens(inner, defs);
                quote!(::std::boxed::Box<#inner>)
            }
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
    pub(super) fn trait_table(defs: &[Def]) -> Vec<(bool, bool, bool)> {
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

    pub(super) fn traits(ty: &Ty, table: &[(bool, bool, bool)]) -> (bool, bool, bool) {
        match ty {
            Ty::Bool | Ty::Int(_) | Ty::BoundedInt(..) => (true, true, true),
            Ty::F64 => (false, false, true),
            Ty::String | Ty::Base64 | Ty::BoundedStr(..) => (true, true, false),
            Ty::BoundedVec(inner, ..) => {
                let (eq, hash, _) = Self::traits(inner, table);
                (eq, hash, false)
            }
            Ty::Value => (true, false, false),
            Ty::Secret(inner) | Ty::Vec(inner) | Ty::Map(inner) => {
                let (eq, hash, _) = Self::traits(inner, table);
                (eq, hash, false)
            }
            Ty::Nullable(inner) => Self::traits(inner, table),
            Ty::Boxed(inner) => {
                let (eq, hash, _) = Self::traits(inner, table);
                (eq, hash, false)
            }
            Ty::Named(i) => table[*i],
        }
    }

    pub(super) fn def_traits(
        index: usize,
        defs: &[Def],
        table: &[(bool, bool, bool)],
    ) -> (bool, bool, bool) {
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
            DefBody::Tagged { variants, .. } => {
                let (eq, _, _) = all(variants.iter().map(|v| &v.2).collect());
                // A response's `Unknown` holds a `serde_json::Map`, which has no `Hash`.
                (eq, false, false)
            }
        }
    }

    pub(super) fn def_tokens(&self, def: &Def, defs: &[Def]) -> TokenStream {
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
                let note = if self.sharing.closed(def.node) {
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
                let note = if self.sharing.closed(def.node) {
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
            DefBody::Tagged { tag, variants } => {
                let values: Vec<&String> = variants.iter().map(|v| &v.1).collect();
                let note = format!(
                    "Told apart by member `{tag}`: one of {values:?}; the variants' schemas leave it out."
                );
                let tys = variants.iter().map(|v| self.ty_tokens(&v.2, defs));
                quote! { ::schemars::json_schema!({ "anyOf": [ #( generator.subschema_for::<#tys>() ),* ], "$comment": #note }) }
            }
        };
        let schema_impl = self.json_schema_impl(&name, &def.doc, schema);
        quote! { #body #schema_impl }
    }

    pub(super) fn def_body_tokens(&self, def: &Def, defs: &[Def]) -> TokenStream {
        let index = defs
            .iter()
            .position(|d| std::ptr::eq(d, def))
            .expect("def is in defs");
        let name = ident(&def.name);
        let doc = doc_attrs(&def.doc);
        let satisfies = self.satisfies_method(index);
        match &def.body {
            DefBody::Struct {
                fields,
                extra,
                choice,
                builder,
            } => {
                let (builder_method, builder) = builder
                    .as_deref()
                    .map(|builder| {
                        self.builder_tokens(
                            &name,
                            builder,
                            fields,
                            extra.as_deref(),
                            choice.as_ref(),
                            defs,
                        )
                    })
                    .unzip();
                // The struct's one inherent `impl` holds all its methods.
                let methods = quote! { #builder_method #satisfies };
                let body = match choice {
                    None => self.struct_tokens(index, fields, extra.as_deref(), defs, methods),
                    Some(choice) => self.choice_struct_tokens(
                        index,
                        &name,
                        &doc,
                        fields,
                        extra.as_deref(),
                        choice,
                        defs,
                        methods,
                    ),
                };
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
            } => self.discriminated_tokens(
                index,
                &name,
                &doc,
                (property, value, *absent_selects_then),
                then,
                otherwise,
                defs,
            ),
            DefBody::Tagged { tag, variants } => {
                self.tagged_tokens(index, &name, &doc, tag, variants, defs)
            }
        }
    }

    pub(super) fn struct_tokens(
        &self,
        index: usize,
        fields: &[Field],
        extra: Option<&str>,
        defs: &[Def],
        methods: TokenStream,
    ) -> TokenStream {
        let name = &ident(&defs[index].name);
        let doc = &doc_attrs(&defs[index].doc);
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
        let new = constructor(name, &params, &inits);
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
                #new
                #methods
            }

            #default
            #map_only_impls
        }
    }

    /// The serde fields of a struct's members, the parameters of its constructor (the required
    /// members) and the constructor's initializers.
    pub(super) fn field_tokens(
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
            // How a member is read: integers as JSON Schema counts them (`3.0` is one), `null`
            // only where the schema allows it, and a required member never defaults to `None`.
            let int = matches!(field.ty, Ty::Int(_));
            let nullable_int =
                matches!(&field.ty, Ty::Nullable(inner) if matches!(**inner, Ty::Int(_)));
            let nullable = matches!(field.ty, Ty::Nullable(_));
            if field.required {
                let with = if int {
                    Some(
                        quote!(#[serde(deserialize_with = "::wecom_rooms_runtime::__private::de::integer")]),
                    )
                } else if nullable_int {
                    Some(
                        quote!(#[serde(deserialize_with = "::wecom_rooms_runtime::__private::de::nullable_integer")]),
                    )
                } else if nullable {
                    Some(
                        quote!(#[serde(deserialize_with = "::wecom_rooms_runtime::__private::de::nullable")]),
                    )
                } else {
                    None
                };
                if serde {
                    members.push(quote! { #doc #rename #with pub #rust: #ty, });
                } else {
                    members.push(quote! { #doc pub #rust: #ty, });
                }
                params.push(quote! { #rust: #ty });
                inits.push(quote! { #rust });
            } else {
                let with = if int {
                    quote!(#[serde(deserialize_with = "::wecom_rooms_runtime::__private::de::present_integer")])
                } else if nullable_int {
                    quote!(#[serde(deserialize_with = "::wecom_rooms_runtime::__private::de::present_nullable_integer")])
                } else {
                    quote!(#[serde(deserialize_with = "::wecom_rooms_runtime::__private::de::present")])
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
}

/// The most members a constructor takes: a struct that requires more gets a builder instead,
/// whose methods name each member (a long `new` of several `String`s is easy to misorder).
pub(super) const MAX_NEW_ARGS: usize = 3;

/// `new`, taking the required members, unless there are more than [`MAX_NEW_ARGS`].
fn constructor(name: &Ident, params: &[TokenStream], inits: &[TokenStream]) -> Option<TokenStream> {
    let doc =
        format!(" A `{name}` with the required members given and every optional member absent.");
    (params.len() <= MAX_NEW_ARGS).then(|| {
        quote! {
            #[doc = #doc]
            pub fn new(#(#params),*) -> Self {
                #name { #(#inits),* }
            }
        }
    })
}

impl TypeCx<'_> {
    /// How the module being printed names module `target`: by its last segment, imported once
    /// with `use`, where the relative path climbs more than one level and that name is free in
    /// this module; by the relative path otherwise.
    fn path_to(&self, target: &[String]) -> Vec<TokenStream> {
        let relative = super::super::share::relative_path(&self.here, target);
        let climbs = relative.iter().filter(|s| *s == "super").count();
        if climbs >= 2
            && let Some(alias) = target.last()
        {
            let mut child = self.here.clone();
            child.push(alias.clone());
            if !self.sharing.is_module(&child) {
                let mut imports = self.imports.borrow_mut();
                let module = imports.entry(self.here.clone()).or_default();
                let owner = module
                    .entry(alias.clone())
                    .or_insert_with(|| target.to_vec());
                if owner.as_slice() == target {
                    let alias = ident(alias);
                    return vec![quote!(#alias)];
                }
            }
        }
        segments(&relative)
    }
}

/// A path's segments as tokens (`super` as the keyword).
pub(super) fn segments(path: &[String]) -> Vec<TokenStream> {
    path.iter()
        .map(|segment| match segment.as_str() {
            "super" => quote!(super),
            module => {
                let module = ident(module);
                quote!(#module)
            }
        })
        .collect()
}
