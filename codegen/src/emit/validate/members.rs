//! An object's members: `required`, `properties`, `patternProperties`,
//! `additionalProperties`, `dependentRequired`, `dependentSchemas`, `propertyNames` and the
//! member counts, printed as the plan's [`Walk`] says.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::plan::{Mode, Walk};
use super::{Checks, Statics};
use crate::emit::assertion::{Assertion, Limit};
use crate::emit::expr::{binding, match_name, plural, shorter_than, type_test};
use crate::model::Schema;

impl Checks<'_> {
    /// The object keywords. `is_valid` checks `properties`, `required`, `patternProperties`
    /// and `additionalProperties` as the plan's [`Walk`] says; `validate` finds the named
    /// members in one walk too, into a slot per name, then reports in the schema's order from
    /// the slots.
    pub(super) fn object_checks(
        &self,
        assertions: &[Assertion],
        statics: &mut Statics,
    ) -> TokenStream {
        let k = self.k;
        let mut out = TokenStream::new();
        let walk = match self.mode {
            Mode::IsValid => self.node_plan().walk,
            _ => Walk::Lookup,
        };
        if walk == Walk::OnePass {
            out.extend(self.members_in_one_pass(statics));
        }
        // Applied here unless a walk of `is_valid` applies them.
        let here = walk == Walk::Lookup;
        let names = (self.mode == Mode::Validate)
            .then_some(&self.node_plan().slots)
            .filter(|names| !names.is_empty());
        let slot = |name: &str| names.and_then(|names| names.iter().position(|n| *n == name));
        if let Some(names) = names {
            let count = names.len();
            let arms = names
                .iter()
                .enumerate()
                .map(|(i, name)| quote! { #name => #i, });
            out.extend(quote! {
                let mut found = [None; #count];
                let mut seen = 0;
                for (key, x) in obj {
                    let slot = match key.as_str() { #(#arms)* _ => continue };
                    found[slot] = Some((key, x));
                    seen += 1;
                    if seen == #count { break; }
                }
            });
        }
        for name in k.required.iter().filter(|_| here) {
            out.extend(match slot(name) {
                Some(i) => {
                    let location = self.cx.location("required");
                    quote! { if found[#i].is_none() { ctx.missing(#name, #location); } }
                }
                // `is_valid` with more than 64 required names, which its walk cannot track.
                None => quote! { if !obj.contains_key(#name) { return false; } },
            });
        }
        for (name, required) in &k.dependent_required {
            let checks = required.iter().map(|dependency| {
                let message = format!(
                    "missing member {}, required when {} is present",
                    Value::String(dependency.clone()),
                    Value::String(name.clone())
                );
                let keyword = k.dependent_required_keyword.name();
                let fail = self.fail(keyword, quote! { #message.to_owned() });
                quote! { if !obj.contains_key(#dependency) { #fail } }
            });
            out.extend(quote! { if obj.contains_key(#name) { #(#checks)* } });
        }
        for assertion in assertions {
            out.extend(match *assertion {
                Assertion::Properties(Limit::Min, min) => {
                    let template = format!(
                        "expected an object with at least {min} member{}, found {{}}",
                        plural(min)
                    );
                    let fail = self.fail(
                        assertion.keyword(),
                        quote! {
                            format!(#template, obj.len())
                        },
                    );
                    quote! { if (obj.len() as u64) < #min { #fail } }
                }
                Assertion::Properties(Limit::Max, max) => {
                    let template = format!(
                        "expected an object with at most {max} member{}, found {{}}",
                        plural(max)
                    );
                    let fail = self.fail(
                        assertion.keyword(),
                        quote! {
                            format!(#template, obj.len())
                        },
                    );
                    quote! { if (obj.len() as u64) > #max { #fail } }
                }
                _ => continue,
            });
        }
        for (name, sub) in k.properties.iter().filter(|_| here) {
            let apply = || self.apply_child(*sub, quote!(x), quote!(Segment::Key(key)));
            out.extend(match self.mode {
                Mode::IsValid => {
                    let apply = apply();
                    quote! { if let Some(x) = obj.get(#name) { #apply } }
                }
                Mode::Validate => {
                    let i = slot(name).expect("validate has a slot for every named member");
                    let member = quote! { found[#i] };
                    if self.plan().tolerated.contains_key(sub) {
                        let apply = apply();
                        quote! { if let Some((key, x)) = #member { #apply } }
                    } else {
                        let validate = self.plan().name(Mode::Validate, *sub);
                        quote! { ctx.member_found(#member, #validate); }
                    }
                }
                Mode::Annotate => unreachable!("annotations are not checks"),
            });
        }
        for (name, sub) in &k.dependent_schemas {
            let apply = self.apply_in_place(*sub);
            out.extend(quote! { if obj.contains_key(#name) { #apply } });
        }
        if let Some(names) = k.property_names {
            let is_valid = self.is_valid_fn(names);
            let location = self.plan().model.node(names).display.clone();
            let fail = self.fail("propertyNames", quote! {
                format!("member name {} does not match the schema at {}", describe(&name), #location)
            });
            // The subschema judges a string; keys are not `Value`s, so each is wrapped once.
            out.extend(quote! {
                for key in obj.keys() {
                    let name = Value::String(key.clone());
                    if !#is_valid(&name) { #fail }
                }
            });
        }
        let per_member = !k.pattern_properties.is_empty() || k.additional_properties.is_some();
        if per_member && walk != Walk::OnePass {
            let mut member = TokenStream::new();
            let known: Vec<&String> = k.properties.iter().map(|(n, _)| n).collect();
            let known_test = if known.is_empty() {
                quote! { false }
            } else {
                quote! { matches!(key.as_str(), #(#known)|*) }
            };
            // Whether a member is described matters only to `additionalProperties`.
            let tracks = k.additional_properties.is_some();
            if tracks {
                // Marked again by `patternProperties`, when there are any.
                let mutable = (!k.pattern_properties.is_empty()).then(|| quote!(mut));
                member.extend(quote! { let #mutable described = #known_test; });
            }
            for (source, sub) in &k.pattern_properties {
                let pattern = statics.pattern(source);
                let apply = self.apply_child(*sub, quote!(x), quote!(Segment::Key(key)));
                let mark = tracks.then(|| quote! { described = true; });
                member.extend(quote! { if #pattern.is_match(key) { #mark #apply } });
            }
            if let Some(additional) = k.additional_properties {
                let check =
                    if matches!(
                        self.plan().model.node(additional).schema,
                        Schema::Bool(false)
                    ) {
                        // Like the reference validator: reported at the object, naming the member.
                        let fail = self.fail("additionalProperties", quote! {
                        format!("unexpected member {}", describe(&Value::String(key.clone())))
                    });
                        quote! { #fail }
                    } else {
                        self.apply_child(additional, quote!(x), quote!(Segment::Key(key)))
                    };
                member.extend(quote! { if !described { #check } });
            }
            let (key, x) = (binding("key", &member), binding("x", &member));
            out.extend(quote! { for (#key, #x) in obj { #member } });
        }
        if out.is_empty() {
            return out;
        }
        quote! { if let Value::Object(obj) = v { #out } }
    }

    /// `required`, `properties`, `patternProperties` and `additionalProperties` of `is_valid` in
    /// one walk over the members (where the plan says [`Walk::OnePass`]): a `match` on each
    /// name, and a bit per named member to know when all were seen and whether the required
    /// ones were. Looking each named member up in the map instead costs a search per name,
    /// which dominated.
    fn members_in_one_pass(&self, statics: &mut Statics) -> TokenStream {
        let k = self.k;
        let tracks = k.additional_properties.is_some();
        let marks = &self.node_plan().marks;
        let all_marked = marks.all();
        let required_mask = marks.mask(&k.required);
        let stop = marks
            .stops_early
            .then(|| quote! { if seen == #all_marked { break; } });
        let stop = stop.unwrap_or_default();
        let mut arms: Vec<(&str, TokenStream)> = Vec::new();
        for (name, sub) in &k.properties {
            let test = match self.plan().model.only_types(*sub) {
                Some(types) => type_test(types, &quote!(x)),
                None => {
                    let f = self.is_valid_fn(*sub);
                    quote! { #f(x) }
                }
            };
            let mark = marks.bit(name).map(|b| quote! { seen |= #b; });
            let described = tracks.then(|| quote! { true });
            arms.push((
                name,
                quote! { #mark if !#test { return false; } #stop #described },
            ));
        }
        // `named_members` lists the required names that `properties` does not after its own.
        for name in &self.node_plan().slots[k.properties.len()..] {
            let b = marks.bit(name).expect("a required name");
            let described = tracks.then(|| quote! { false });
            arms.push((name, quote! { seen |= #b; #stop #described }));
        }
        let one_arm = match_name(quote!(key.as_str()), &arms);
        let arms = arms
            .iter()
            .map(|(name, body)| quote! { #name => { #body } });
        let mut member = if k.properties.is_empty() && k.required.is_empty() {
            if tracks {
                quote! { let described = false; }
            } else {
                TokenStream::new()
            }
        } else if tracks {
            quote! { let described = match key.as_str() { #(#arms)* _ => false }; }
        } else {
            one_arm
        };
        if tracks && !k.pattern_properties.is_empty() {
            member = quote! { #member let mut described = described; };
        }
        for (source, sub) in &k.pattern_properties {
            let pattern = statics.pattern(source);
            let f = self.is_valid_fn(*sub);
            let mark = tracks.then(|| quote! { described = true; });
            member
                .extend(quote! { if #pattern.is_match(key) { #mark if !#f(x) { return false; } } });
        }
        if let Some(additional) = k.additional_properties {
            let check = if matches!(
                self.plan().model.node(additional).schema,
                Schema::Bool(false)
            ) {
                quote! { return false; }
            } else {
                let f = self.is_valid_fn(additional);
                quote! { if !#f(x) { return false; } }
            };
            member.extend(quote! { if !described { #check } });
        }
        let mut declare = TokenStream::new();
        if !k.required.is_empty() {
            // An object with fewer members than required names misses one: that fails before
            // any member is validated.
            let count = k.required.len();
            let missing = shorter_than(quote!(obj), count);
            declare.extend(quote! { if #missing { return false; } });
        }
        if !marks.names.is_empty() {
            declare.extend(quote! { let mut seen: u64 = 0; });
        }
        let verify = if k.required.is_empty() {
            quote! {}
        } else if required_mask == all_marked {
            quote! { if seen != #required_mask { return false; } }
        } else {
            quote! { if seen & #required_mask != #required_mask { return false; } }
        };
        let (key, x) = (binding("key", &member), binding("x", &member));
        quote! {
            #declare
            for (#key, #x) in obj { #member }
            #verify
        }
    }
}
