//! Typed validation, for `decode_validated`'s fast path: for each type, the checks a decoded
//! value must pass beyond what decoding already ensured, so that "decodes and passes" means
//! "the schema accepts the document". A type gets a check only where that can be shown from the
//! schema; everything else goes through the `Value` validators. What a node asserts of a value
//! is read from [`assertion::of`], the list the validators print too: each assertion is printed
//! over the decoded value, found already ensured by its type, or the type gets no check.

use super::*;
use crate::emit::assertion::{self, Assertion, Bound, Limit};

impl TypeCx<'_> {
    /// `satisfies_schema` bodies, one per def (`None`: not shown sound). The greatest fixpoint
    /// over the defs, so recursive types check recursively.
    ///
    /// `strictly`: the `satisfies_strictly` bodies instead, which also hold what the
    /// validators only warn about (`Options::tolerances`): a member no `properties` names (kept
    /// in `extra`) and a `contentEncoding: base64` string that does not decode. A value typed
    /// `Value` may hide either, so it has no strict check.
    pub(super) fn schema_checks(&self, defs: &[Def], strictly: bool) -> Vec<Option<TokenStream>> {
        self.checking_strictly.set(strictly);
        let mut exact = vec![true; defs.len()];
        let checks = loop {
            let checks: Vec<Option<TokenStream>> = (0..defs.len())
                .map(|i| exact[i].then(|| self.def_check(i, defs, &exact)).flatten())
                .collect();
            let next: Vec<bool> = checks.iter().map(Option::is_some).collect();
            if next == exact {
                break checks;
            }
            exact = next;
        };
        self.checking_strictly.set(false);
        checks
    }

    /// A boolean expression over `x` (a reference to a value of type `ty` decoded from a member
    /// described by `node`): true exactly when the schema at `node` accepts it.
    pub(super) fn value_check(
        &self,
        ty: &Ty,
        node: NodeId,
        defs: &[Def],
        exact: &[bool],
        x: TokenStream,
        by_ref: bool,
    ) -> Option<Vec<TokenStream>> {
        match ty {
            Ty::Secret(inner) => {
                return self.value_check(inner, node, defs, exact, quote!(#x.expose()), true);
            }
            // The checked types are read as what they hold: their own checks repeat the
            // schema's, so checking again is redundant but sound.
            Ty::BoundedInt(repr, ..) => {
                return self.value_check(
                    &Ty::Int(*repr),
                    node,
                    defs,
                    exact,
                    quote!(#x.get()),
                    false,
                );
            }
            Ty::BoundedStr(..) => {
                return self.value_check(&Ty::String, node, defs, exact, x, by_ref);
            }
            Ty::BoundedVec(inner, ..) => {
                let vec = Ty::Vec(inner.clone());
                return self.value_check(&vec, node, defs, exact, x, by_ref);
            }
            // A method call sees through the box.
            Ty::Boxed(inner) => return self.value_check(inner, node, defs, exact, x, by_ref),
            Ty::Nullable(inner) => {
                let check = self.nullable_check(inner, node, defs, exact)?;
                if check.is_empty() {
                    return Some(check);
                }
                let check = conjunction(check);
                return Some(vec![quote! { #x.as_ref().is_none_or(|x| #check) }]);
            }
            _ => {}
        }
        let chain = self.chain(node);
        let (&shape, links) = chain.split_last()?;
        let mut checks: Vec<TokenStream> = Vec::new();
        // Links (nodes before the shape) may assert of the value itself and nothing else.
        for &link in links {
            let k = self.keywords(link)?;
            checks.extend(self.assertions(ty, k, &["$ref"], &x, by_ref, defs)?);
        }
        if let Ty::Named(j) = ty {
            if !exact[*j] || defs[*j].node != shape {
                return None;
            }
            checks.push(if self.checking_strictly.get() {
                quote! { #x.satisfies_strictly() }
            } else {
                quote! { #x.satisfies_schema() }
            });
            return Some(checks);
        }
        if self.checking_strictly.get() && matches!(ty, Ty::Value | Ty::Map(_)) {
            // A `Value` may hold members the schema does not describe, or base64 that does
            // not decode, which only the validators see.
            let holds_value = match ty {
                Ty::Map(inner) => **inner == Ty::Value,
                _ => true,
            };
            if holds_value {
                return None;
            }
        }
        let k = self.keywords(shape)?;
        let structural: &[&str] = match ty {
            Ty::Vec(_) => &["items"],
            Ty::Map(_) => &["additionalProperties"],
            _ => &[],
        };
        checks.extend(self.assertions(ty, k, structural, &x, by_ref, defs)?);
        if let (Ty::Vec(inner), Some(items)) = (ty, k.items) {
            let item = self.value_check(inner, items, defs, exact, quote!(item), true)?;
            if !item.is_empty() {
                let item = conjunction(item);
                checks.push(quote! { #x.iter().all(|item| #item) });
            }
        }
        if let Ty::Map(inner) = ty {
            // With no `properties` or `patternProperties`, `additionalProperties` applies to
            // every member.
            let values = k.additional_properties?;
            let anything = **inner == Ty::Value
                && self
                    .keywords(values)
                    .is_some_and(|vk| vk.assertions().is_empty());
            let value = if anything {
                Vec::new()
            } else {
                self.value_check(inner, values, defs, exact, quote!(value), true)?
            };
            if !value.is_empty() {
                let value = conjunction(value);
                checks.push(quote! { #x.values().all(|value| #value) });
            }
        }
        Some(checks)
    }

    /// The checks on the value inside an `Option` typed from `node` (the `None` case, `null`,
    /// needs none): shown for `oneOf`/`anyOf` of `{"type": "null"}` and a branch that refuses
    /// `null` (`anyOf`: any branch), and for a node whose keywords all accept `null` but for
    /// those of one other kind (`type: [X, "null"]`, an `enum` with `null`).
    fn nullable_check(
        &self,
        inner: &Ty,
        node: NodeId,
        defs: &[Def],
        exact: &[bool],
    ) -> Option<Vec<TokenStream>> {
        let chain = self.chain(node);
        let (&shape, links) = chain.split_last()?;
        let only_refs = links
            .iter()
            .all(|&l| self.keywords(l).is_some_and(|k| k.assertions() == ["$ref"]));
        let k = self.keywords(shape)?;
        if !only_refs {
            return None;
        }
        let assertions = k.assertions();
        if assertions == ["anyOf"] || assertions == ["oneOf"] {
            let branches = if k.one_of.is_empty() {
                &k.any_of
            } else {
                &k.one_of
            };
            let null = |n: NodeId| self.model.only_types(n) == Some(&[JsonType::Null][..]);
            let other = match branches.as_slice() {
                [a, b] if null(*a) && !null(*b) => *b,
                [a, b] if null(*b) && !null(*a) => *a,
                _ => return None,
            };
            let refuses_null = self
                .keywords(self.shape(other))
                .and_then(|ok| ok.types.as_deref())
                .is_some_and(|t| !t.contains(&JsonType::Null));
            if !k.one_of.is_empty() && !refuses_null {
                return None;
            }
            return self.value_check(inner, other, defs, exact, quote!(x), true);
        }
        // `null` passes every keyword of one kind; `type`, `enum` and the in-place
        // applicators are the ones it could fail.
        let in_place = k.reference.is_some() || !k.all_of.is_empty() || k.not.is_some();
        if in_place || !super::nullable::takes_null(k) {
            return None;
        }
        self.value_check(inner, node, defs, exact, quote!(x), true)
    }

    /// The checks of `k`'s assertions on the value itself ([`assertion::of`]) for `x`, a
    /// decoded value of type `ty`; `None` when `k` has a keyword beyond those and `structural`
    /// (which the caller checks), or an assertion that cannot be checked on `ty`.
    fn assertions(
        &self,
        ty: &Ty,
        k: &Keywords,
        structural: &[&str],
        x: &TokenStream,
        by_ref: bool,
        defs: &[Def],
    ) -> Option<Vec<TokenStream>> {
        let assertions = assertion::of(k);
        let known = |keyword: &&str| {
            structural.contains(keyword) || assertions.iter().any(|a| a.keyword() == *keyword)
        };
        if !k.assertions().iter().all(known) {
            return None;
        }
        let decoded = decoded_types(ty, defs);
        let mut out = Vec::new();
        if self.checking_strictly.get()
            && k.annotations.content_encoding.as_deref() == Some("base64")
        {
            match ty {
                Ty::String | Ty::Base64 | Ty::BoundedStr(..) => {
                    out.push(quote! { ::wecom_rooms_runtime::__private::is_base64(#x.as_str()) })
                }
                _ => return None,
            }
        }
        for assertion in &assertions {
            if let (Some(decoded), Some(applies)) = (decoded, applies_to(assertion))
                && !decoded.iter().any(|t| applies.contains(t))
            {
                // Asserts of another JSON type than every value of `ty` has.
                continue;
            }
            out.extend(self.typed_check(ty, assertion, x, by_ref, decoded)?);
        }
        Some(out)
    }

    /// One assertion on `x`, a decoded value of type `ty` whose JSON types are `decoded`:
    /// `Some(None)` when decoding already ensured it, `None` when it cannot be checked here.
    fn typed_check(
        &self,
        ty: &Ty,
        assertion: &Assertion,
        x: &TokenStream,
        by_ref: bool,
        decoded: Option<&[JsonType]>,
    ) -> Option<Option<TokenStream>> {
        let value = if by_ref { quote!(*#x) } else { quote!(#x) };
        let int = |n: &serde_json::Number| {
            n.as_i64()
                .map(i128::from)
                .or_else(|| n.as_u64().map(i128::from))
        };
        let literal = proc_macro2::Literal::i128_suffixed;
        let check = match (ty, *assertion) {
            (_, Assertion::Type(types)) => {
                let accepted = |t: &JsonType| {
                    types.contains(t)
                        || (*t == JsonType::Integer && types.contains(&JsonType::Number))
                };
                return decoded?.iter().all(accepted).then_some(None);
            }
            (Ty::String | Ty::Base64, Assertion::Const(c)) => {
                let c = c.as_str()?;
                quote! { #x.as_str() == #c }
            }
            (Ty::String | Ty::Base64, Assertion::Length(limit, n)) => {
                let count = quote! { ::wecom_rooms_runtime::__private::json::char_count(#x.as_str()) as u64 };
                match limit {
                    Limit::Min => quote! { #count >= #n },
                    Limit::Max => quote! { #count <= #n },
                }
            }
            (Ty::Int(_), Assertion::Const(Value::Number(n))) => {
                let c = literal(int(n)?);
                quote! { i128::from(#value) == #c }
            }
            (Ty::Int(repr), Assertion::Bound(bound, n)) => {
                let n = int(n)?;
                // Bounds the Rust type already keeps need no check.
                let (lowest, highest) = repr.bounds();
                let kept = match bound {
                    Bound::Minimum => n <= lowest,
                    Bound::Maximum => n >= highest,
                    Bound::ExclusiveMinimum => n < lowest,
                    Bound::ExclusiveMaximum => n > highest,
                };
                if kept {
                    return Some(None);
                }
                let relation: TokenStream = bound.relation().parse().expect("an operator");
                let n = literal(n);
                quote! { i128::from(#value) #relation #n }
            }
            (Ty::Bool, Assertion::Const(c)) => {
                if c.as_bool()? {
                    quote! { #value }
                } else {
                    quote! { !#value }
                }
            }
            (Ty::Vec(_), Assertion::Items(limit, n)) => match limit {
                Limit::Min => quote! { #x.len() as u64 >= #n },
                Limit::Max => quote! { #x.len() as u64 <= #n },
            },
            _ => return None,
        };
        Some(Some(check))
    }

    pub(super) fn def_check(
        &self,
        index: usize,
        defs: &[Def],
        exact: &[bool],
    ) -> Option<TokenStream> {
        let def = &defs[index];
        let k = self.keywords(def.node)?;
        let assertions = k.assertions();
        let only = |allowed: &[&str]| assertions.iter().all(|a| allowed.contains(a));
        let name = ident(&def.name);
        match &def.body {
            DefBody::Choice { .. }
            | DefBody::Struct {
                choice: Some(_), ..
            } => None,
            DefBody::Struct { fields, extra, .. } => {
                // The in-place applicators are checked over the fields, below.
                let members = [
                    "properties",
                    "required",
                    "additionalProperties",
                    "$ref",
                    "allOf",
                    "if",
                    "then",
                    "else",
                ];
                let ty = Ty::Named(index);
                let own = self.assertions(&ty, k, &members, &quote!(self), false, defs)?;
                let applied = self.applicator_checks(k, fields, defs, exact)?;
                let denies = k
                    .additional_properties
                    .is_some_and(|a| matches!(self.model.node(a).schema, Schema::Bool(false)));
                if k.additional_properties.is_some() && !(denies && extra.is_none()) {
                    return None;
                }
                if k.required
                    .iter()
                    .any(|r| !fields.iter().any(|f| &f.wire == r && f.required))
                {
                    return None;
                }
                let mut checks = own;
                checks.extend(applied);
                if let Some(extra) = extra.as_deref().filter(|_| self.checking_strictly.get()) {
                    let extra = ident(extra);
                    checks.push(quote! { self.#extra.is_empty() });
                }
                for field in fields {
                    let member = ident(&field.rust);
                    if field.required {
                        let member = quote!(self.#member);
                        checks.extend(
                            self.value_check(&field.ty, field.node, defs, exact, member, false)?,
                        );
                    } else {
                        let check =
                            self.value_check(&field.ty, field.node, defs, exact, quote!(x), true)?;
                        if !check.is_empty() {
                            let check = conjunction(check);
                            checks.push(quote! { self.#member.as_ref().is_none_or(|x| #check) });
                        }
                    }
                }
                Some(conjunction(checks))
            }
            DefBody::ClosedInt { repr, variants } => {
                // Named from an `enum`'s values (`null` aside, which an `Option` holds), or
                // from titled constants.
                let named: BTreeSet<i128> = variants.iter().map(|v| v.1).collect();
                let listed = k.enum_values.as_ref().map(|values| {
                    values
                        .iter()
                        .filter(|v| !v.is_null())
                        .map(super::shape::integer)
                        .collect::<Option<BTreeSet<i128>>>()
                });
                let allowed: &[&str] = match listed {
                    Some(Some(listed)) if listed == named => {
                        &["type", "minimum", "maximum", "enum"]
                    }
                    Some(_) => return None,
                    None => &["type", "minimum", "maximum", "oneOf", "anyOf"],
                };
                if !only(allowed) {
                    return None;
                }
                let (min, max) = repr.bounds();
                let int = |n: &Option<serde_json::Number>| {
                    n.as_ref().map(|n| {
                        n.as_i64()
                            .map(i128::from)
                            .or_else(|| n.as_u64().map(i128::from))
                    })
                };
                if int(&k.minimum).is_some_and(|b| b != Some(min))
                    || int(&k.maximum).is_some_and(|b| b != Some(max))
                {
                    return None;
                }
                let values: BTreeSet<i128> = variants.iter().map(|v| v.1).collect();
                (values.len() == variants.len()).then(|| quote! { self.is_known() })
            }
            DefBody::ClosedStr { variants } => {
                // The variants come from one of `enum` and the titled constants: with both, a
                // value must pass the other too, which `is_known` does not ask.
                let both = k.enum_values.is_some() && !(k.one_of.is_empty() && k.any_of.is_empty());
                if both || !only(&["type", "enum", "oneOf", "anyOf"]) {
                    return None;
                }
                let values: BTreeSet<&String> = variants.iter().map(|v| &v.1).collect();
                (values.len() == variants.len()).then(|| quote! { self.is_known() })
            }
            DefBody::Alternatives { variants } => {
                if !only(&["anyOf", "oneOf"]) {
                    return None;
                }
                let branches = self.branch_nodes.get(&index)?;
                if !k.one_of.is_empty() {
                    // Exactly one must match: every branch must pin its JSON type, and integers
                    // must not meet numbers.
                    let pinned = branches.iter().all(|&b| {
                        self.keywords(self.shape(b))
                            .and_then(|bk| bk.types.as_deref())
                            .is_some_and(|t| t.len() == 1)
                    });
                    if !pinned || variants.iter().any(|v| v.1 == Kind::Float) {
                        return None;
                    }
                }
                let mut arms = Vec::new();
                for ((variant, _, ty, _), &branch) in variants.iter().zip(branches) {
                    let check = self.value_check(ty, branch, defs, exact, quote!(x), true)?;
                    let variant = ident(variant);
                    arms.push(if check.is_empty() {
                        quote! { #name::#variant(_) => true, }
                    } else {
                        let check = conjunction(check);
                        quote! { #name::#variant(x) => #check, }
                    });
                }
                Some(quote! { match self { #(#arms)* } })
            }
            DefBody::Discriminated {
                then, otherwise, ..
            } => {
                // `$ref` base, `if` on a constant, `then`: the `otherwise` variant is the base.
                if !only(&["$ref", "if", "then"]) {
                    return None;
                }
                let base = k.reference?;
                let [then_node, otherwise_node] = self.branch_nodes.get(&index)?.as_slice() else {
                    return None;
                };
                if *otherwise_node != base || !self.struct_implies(&then.1, *then_node, base, defs)
                {
                    return None;
                }
                let then_check = conjunction(self.value_check(
                    &then.1,
                    *then_node,
                    defs,
                    exact,
                    quote!(x),
                    true,
                )?);
                let other_check = conjunction(self.value_check(
                    &otherwise.1,
                    *otherwise_node,
                    defs,
                    exact,
                    quote!(x),
                    true,
                )?);
                let (then_variant, other_variant) = (ident(&then.0), ident(&otherwise.0));
                Some(quote! {
                    match self {
                        #name::#then_variant(x) => #then_check,
                        #name::#other_variant(x) => #other_check,
                    }
                })
            }
            // The variants' structs leave the tag out, so their checks would not see it
            // required: the validators decide.
            DefBody::Tagged { .. } => None,
        }
    }

    /// Whether every value of the struct typed from `then` that satisfies its schema also
    /// satisfies the object schema `base`: each member `base` requires is required there, and
    /// each member `base` describes is described there at least as narrowly.
    pub(super) fn struct_implies(
        &self,
        then_ty: &Ty,
        then: NodeId,
        base: NodeId,
        defs: &[Def],
    ) -> bool {
        let Ty::Named(j) = then_ty else { return false };
        let DefBody::Struct { fields, .. } = &defs[*j].body else {
            return false;
        };
        let _ = then;
        let Some(b) = self.keywords(self.shape(base)) else {
            return false;
        };
        let base_ok = self.chain(base).len() == 1
            && b.assertions()
                .iter()
                .all(|a| ["type", "properties", "required"].contains(a))
            && b.types.as_deref().is_none_or(|t| t == [JsonType::Object]);
        base_ok
            && b.required
                .iter()
                .all(|r| fields.iter().any(|f| &f.wire == r && f.required))
            && b.properties.iter().all(|(name, bn)| {
                fields
                    .iter()
                    .any(|f| &f.wire == name && self.node_implies(f.node, *bn))
            })
    }

    /// Whether the schema at `narrow` accepts only what the schema at `wide` accepts, in the
    /// two cases that are easy to see: both lead to the same shaping node and `wide` adds
    /// nothing on the way, or both assert only the same `type`.
    pub(super) fn node_implies(&self, narrow: NodeId, wide: NodeId) -> bool {
        let wide_adds_nothing = self.chain(wide).iter().rev().skip(1).all(|&link| {
            self.keywords(link)
                .is_some_and(|k| k.assertions() == ["$ref"])
        });
        if self.shape(narrow) == self.shape(wide) && wide_adds_nothing {
            return true;
        }
        let only_type = |n: NodeId| {
            self.keywords(n)
                .filter(|k| k.assertions() == ["type"])
                .and_then(|k| k.types.clone())
        };
        only_type(narrow).is_some() && only_type(narrow) == only_type(wide)
    }
}

/// The JSON types every decoded value of `ty` has, where the type pins them.
fn decoded_types(ty: &Ty, defs: &[Def]) -> Option<&'static [JsonType]> {
    Some(match ty {
        Ty::String | Ty::Base64 | Ty::BoundedStr(..) => &[JsonType::String],
        Ty::Int(_) | Ty::BoundedInt(..) => &[JsonType::Integer],
        Ty::F64 => &[JsonType::Number],
        Ty::Bool => &[JsonType::Boolean],
        Ty::Vec(_) | Ty::BoundedVec(..) => &[JsonType::Array],
        Ty::Map(_) => &[JsonType::Object],
        Ty::Secret(inner) | Ty::Boxed(inner) => return decoded_types(inner, defs),
        Ty::Named(j) => match defs[*j].body {
            DefBody::Struct { .. } => &[JsonType::Object],
            DefBody::ClosedInt { .. } => &[JsonType::Integer],
            DefBody::ClosedStr { .. } => &[JsonType::String],
            _ => return None,
        },
        // `null` or what the `Option` holds.
        Ty::Value | Ty::Nullable(_) => return None,
    })
}

/// The JSON types an assertion judges; any other type passes it. `None`: it judges every type.
fn applies_to(assertion: &Assertion) -> Option<&'static [JsonType]> {
    Some(match assertion {
        Assertion::Type(_) | Assertion::Const(_) | Assertion::Enum(_) => return None,
        Assertion::Properties(..) => &[JsonType::Object],
        Assertion::Items(..) | Assertion::UniqueItems => &[JsonType::Array],
        Assertion::Length(..) | Assertion::Pattern(_) | Assertion::Format(_) => &[JsonType::String],
        Assertion::Bound(..) | Assertion::MultipleOf(_) => &[JsonType::Number, JsonType::Integer],
    })
}

/// `a && b && …`, or `true` for none.
pub(super) fn conjunction(checks: Vec<TokenStream>) -> TokenStream {
    if checks.is_empty() {
        quote! { true }
    } else {
        quote! { #(#checks)&&* }
    }
}
