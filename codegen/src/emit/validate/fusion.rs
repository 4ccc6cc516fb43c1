//! One member walk for several in-place subschemas.
//!
//! A response schema is typically an envelope (`$ref`) and a conditional body (`if` on
//! `errcode`, `then` the room): three subschemas applied to the same object, each walking its
//! members. When every such subschema only names members (`properties` and `required`, maybe
//! `type: object`), `is_valid` walks the members once for all of them: each member's name is
//! matched once, and the arm applies what every subschema says of that member. Failures of the
//! unconditional subschemas (`$ref`, `allOf`) return at once; those of `if`, `then` and `else`
//! set a flag, decided at the end (or as soon as the condition's outcome is known).
//!
//! The plan makes a node's fusion once ([`Fusion::of`]); [`Fusion::emit`] prints it.

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::marks::Marks;
use crate::emit::expr::{binding, branch_verdict, match_name, shorter_than, type_test};
use crate::model::{JsonType, Keywords, Model, NodeId};

/// The in-place subschemas of one node whose member checks `is_valid` fuses into one walk.
pub(super) struct Fusion<'m> {
    /// Applied unconditionally: the fusable `$ref` and `allOf` subschemas.
    always: Vec<Part<'m>>,
    /// `if`, with `then` and `else` when present; fused only when all of them are fusable.
    condition: Option<Condition<'m>>,
    /// The in-place subschemas (as the node names them) that the walk replaces.
    replaced: BTreeSet<NodeId>,
    /// Whether the walk also applies the node's own `properties` and `required`.
    own_fused: bool,
    /// Every member name some part names, each with its bit.
    marks: Marks<'m>,
}

struct Condition<'m> {
    test: Part<'m>,
    then: Option<Part<'m>>,
    otherwise: Option<Part<'m>>,
}

/// A subschema that only names members, after following `$ref`s that are all it says.
struct Part<'m> {
    k: &'m Keywords,
    /// `type: object`: a value of another type fails it.
    object_only: bool,
}

/// What a part's failure means inside the walk.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Always,
    Test,
    Then,
    Else,
}

impl<'m> Fusion<'m> {
    /// The fusion for a node's `is_valid`, when it saves at least one walk: two or more of its
    /// in-place subschemas walk members and can share one walk.
    pub(super) fn of(model: &'m Model, k: &'m Keywords) -> Option<Self> {
        // `unevaluated*` asks each subschema what it evaluated: keep them apart.
        if k.uses_unevaluated() {
            return None;
        }
        let mut always = Vec::new();
        // The node's own `properties` and `required` join the walk when nothing else of its
        // own needs every member (`patternProperties`, `additionalProperties`); its `type` is
        // checked on its own, before.
        let own_fused = Self::takes_own(k);
        if own_fused {
            always.push(Part {
                k,
                object_only: false,
            });
        }
        let mut replaced = BTreeSet::new();
        for &id in k.reference.iter().chain(&k.all_of) {
            if let Some(part) = Part::of(model, id) {
                always.push(part);
                replaced.insert(id);
            }
        }
        let condition = k.if_.and_then(|test| {
            let test = Part::of(model, test)?;
            let then = match k.then_ {
                Some(id) => Some(Part::of(model, id)?),
                None => None,
            };
            let otherwise = match k.else_ {
                Some(id) => Some(Part::of(model, id)?),
                None => None,
            };
            Some(Condition {
                test,
                then,
                otherwise,
            })
        });
        if condition.is_some() {
            replaced.extend(k.if_.iter().chain(&k.then_).chain(&k.else_));
        }
        let mut fusion = Fusion {
            always,
            condition,
            replaced,
            own_fused,
            marks: Marks::default(),
        };
        let walks = fusion
            .parts()
            .filter(|(_, part)| part.names_members())
            .count();
        // The walk stops once every name was seen.
        fusion.marks = Marks {
            names: fusion.names(),
            stops_early: true,
        };
        (walks >= 2 && fusion.marks.names.len() <= 64).then_some(fusion)
    }

    /// Whether the node's own `properties` and `required` can join the walk.
    fn takes_own(k: &Keywords) -> bool {
        (!k.properties.is_empty() || !k.required.is_empty())
            && k.pattern_properties.is_empty()
            && k.additional_properties.is_none()
    }

    /// Whether the walk applies the node's own `properties` and `required` (which the node
    /// then does not walk for).
    pub(super) fn takes_own_members(&self) -> bool {
        self.own_fused
    }

    /// Whether the walk replaces the in-place subschema `id` of the node.
    pub(super) fn replaces(&self, id: NodeId) -> bool {
        self.replaced.contains(&id)
    }

    /// The member subschemas the walk calls an `is_valid` function for (those that need more
    /// than a type test, which is inline).
    pub(super) fn called(&self, model: &Model) -> Vec<NodeId> {
        self.parts()
            .flat_map(|(_, part)| &part.k.properties)
            .map(|&(_, sub)| sub)
            .filter(|&sub| model.only_types(sub).is_none())
            .collect()
    }

    fn parts(&self) -> impl Iterator<Item = (Role, &Part<'m>)> {
        let always = self.always.iter().map(|part| (Role::Always, part));
        let condition = self.condition.iter().flat_map(|c| {
            std::iter::once((Role::Test, &c.test))
                .chain(c.then.iter().map(|part| (Role::Then, part)))
                .chain(c.otherwise.iter().map(|part| (Role::Else, part)))
        });
        always.chain(condition)
    }

    /// Every member name some part names, each once, in the parts' order.
    fn names(&self) -> Vec<&'m str> {
        let mut seen = BTreeSet::new();
        let mut names = Vec::new();
        for (_, part) in self.parts() {
            let k: &'m Keywords = part.k;
            for name in k.properties.iter().map(|(n, _)| n).chain(&k.required) {
                if seen.insert(name.as_str()) {
                    names.push(name.as_str());
                }
            }
        }
        names
    }

    /// The walk, for the body of `is_valid_N`; `is_valid` names a node's function.
    pub(super) fn emit(&self, model: &Model, is_valid: impl Fn(NodeId) -> Ident) -> TokenStream {
        let marks = &self.marks;
        let mask = |names: &mut dyn Iterator<Item = &String>| marks.mask(names);
        let all = marks.all();
        let required_always = self
            .always
            .iter()
            .fold(0, |m, part| m | mask(&mut part.k.required.iter()));
        let condition = self.condition.as_ref();
        let test_names = condition.map_or(0, |c| {
            mask(&mut c.test.k.properties.iter().map(|(n, _)| n))
                | mask(&mut c.test.k.required.iter())
        });
        let test_required = condition.map_or(0, |c| mask(&mut c.test.k.required.iter()));
        // A flag per conditional role whose part tests members (only those can fail mid-walk).
        let flagged = |role: Role| {
            self.parts()
                .any(|(r, part)| r == role && !part.k.properties.is_empty())
        };
        let flag = |role: Role, name: TokenStream| flagged(role).then_some(name);
        let test_failed = flag(Role::Test, quote!(test_failed));
        let then_failed = flag(Role::Then, quote!(then_failed));
        let else_failed = flag(Role::Else, quote!(else_failed));
        let has = |mask: u64| (mask != 0).then(|| quote! { seen & #mask == #mask });
        let lacks = |mask: u64| (mask != 0).then(|| quote! { seen & #mask != #mask });
        let test_passed = test_failed.as_ref().map(|f| quote! { !#f });

        let mut arms: Vec<(&str, TokenStream)> = Vec::new();
        for name in &marks.names {
            let bit = marks.bit(name).expect("every name is marked");
            let mut body = quote! { seen |= #bit; };
            let mut touched = BTreeSet::new();
            for (role, part) in self.parts() {
                if part.names(name) {
                    touched.insert(role);
                }
                let Some((_, sub)) = part.k.properties.iter().find(|(n, _)| n == name) else {
                    continue;
                };
                let test = match model.only_types(*sub) {
                    Some(types) => type_test(types, &quote!(x)),
                    None => {
                        let f = is_valid(*sub);
                        quote! { #f(x) }
                    }
                };
                // A branch that failed once stays failed: its later members are not tested.
                body.extend(match role {
                    Role::Always => quote! { if !#test { return false; } },
                    Role::Test => quote! { if !#test { test_failed = true; } },
                    Role::Then => quote! { if !then_failed && !#test { then_failed = true; } },
                    Role::Else => quote! { if !else_failed && !#test { else_failed = true; } },
                });
            }
            // Decided as soon as the failed branch is known to be the one that applies: the
            // condition holds once its members were all seen and passed, and fails for good.
            let test_touched = touched.contains(&Role::Test);
            if let Some(failed) = &then_failed
                && (test_touched || touched.contains(&Role::Then))
            {
                let holds = [Some(failed.clone()), test_passed.clone(), has(test_names)];
                let holds = holds.into_iter().flatten();
                body.extend(quote! { if #(#holds)&&* { return false; } });
            }
            if let (Some(failed), Some(test_failed)) = (&else_failed, &test_failed)
                && (test_touched || touched.contains(&Role::Else))
            {
                body.extend(quote! { if #failed && #test_failed { return false; } });
            }
            body.extend(quote! { if seen == #all { break; } });
            arms.push((name, body));
        }

        let mut declare = TokenStream::new();
        let required_count = required_always.count_ones() as usize;
        if required_count > 0 {
            // Fewer members than the names required unconditionally: one is missing.
            let missing = shorter_than(quote!(obj), required_count);
            declare.extend(quote! { if #missing { return false; } });
        }
        declare.extend(quote! { let mut seen: u64 = 0; });
        for flag in [&test_failed, &then_failed, &else_failed]
            .into_iter()
            .flatten()
        {
            declare.extend(quote! { let mut #flag = false; });
        }

        let mut verdict = TokenStream::new();
        if let Some(lacks) = lacks(required_always) {
            verdict.extend(quote! { if #lacks { return false; } });
        }
        if let Some(c) = condition {
            // The branch that applies fails when it failed a member or lacks a required one.
            let branch = |part: Option<&Part>, failed: &Option<TokenStream>| match part {
                Some(part) => [failed.clone(), lacks(mask(&mut part.k.required.iter()))]
                    .into_iter()
                    .flatten()
                    .collect(),
                None => Vec::new(),
            };
            let then = branch(c.then.as_ref(), &then_failed);
            let otherwise = branch(c.otherwise.as_ref(), &else_failed);
            let holds: Vec<TokenStream> = [test_passed.clone(), has(test_required)]
                .into_iter()
                .flatten()
                .collect();
            let fails: Vec<TokenStream> = [test_failed.clone(), lacks(test_required)]
                .into_iter()
                .flatten()
                .collect();
            verdict.extend(branch_verdict(&holds, &fails, &then, &otherwise));
        }

        // A value that is not an object fails exactly the parts that ask for an object.
        let fails_unless_object = self.always.iter().any(|part| part.object_only)
            || condition.is_some_and(|c| {
                let branch = if c.test.object_only {
                    &c.otherwise
                } else {
                    &c.then
                };
                branch.as_ref().is_some_and(|part| part.object_only)
            });
        let otherwise = fails_unless_object.then(|| quote! { else { return false; } });
        let walk = match_name(quote!(key.as_str()), &arms);
        let x = binding("x", &walk);
        quote! {
            if let Value::Object(obj) = v {
                #declare
                for (key, #x) in obj {
                    #walk
                }
                #verdict
            } #otherwise
        }
    }
}

impl<'m> Part<'m> {
    /// The subschema at `id`, when it only names members.
    fn of(model: &'m Model, id: NodeId) -> Option<Self> {
        // Through a chain of `$ref`s that say nothing else.
        let chain = model.ref_chain(id, |k| k.assertions() == ["$ref"]);
        let k = model.keywords(*chain.last()?)?;
        let only_members = k
            .assertions()
            .iter()
            .all(|a| matches!(*a, "type" | "properties" | "required"));
        let object_only = match k.types.as_deref() {
            None => false,
            Some([JsonType::Object]) => true,
            Some(_) => return None,
        };
        only_members.then_some(Part { k, object_only })
    }

    /// Whether the part names the member `name`.
    fn names(&self, name: &str) -> bool {
        self.k.properties.iter().any(|(n, _)| n == name)
            || self.k.required.iter().any(|r| r == name)
    }

    fn names_members(&self) -> bool {
        !self.k.properties.is_empty() || !self.k.required.is_empty()
    }
}
