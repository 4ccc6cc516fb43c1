//! The validators' plan: every decision about one root's validators, made once from the model
//! before anything is printed. Which functions exist (`is_valid_N`, `validate_N`, `annotate_N`,
//! `tolerate_N`), which `$ref` chains collapse onto their target, how `is_valid` walks an
//! object's members (alone, or fused with its in-place subschemas) and which members get a bit
//! in that walk, which members `validate` finds into slots, and which subschemas `is_valid`
//! tests inline. The printers (`checks`, `members`, `annotate`, `fusion`) read these answers
//! and never re-derive them, so a function that is called is a function that is printed.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::Ident;
use quote::format_ident;
use serde_json::Value;

use super::fusion::Fusion;
use super::marks::Marks;
use crate::model::{JsonType, Keywords, Model, NodeId, Schema};

/// The plan of one root's validators.
pub(super) struct Plan<'m> {
    pub(super) model: &'m Model,
    /// Every node reachable from the root, breadth first; a node's functions are named by its
    /// position here.
    pub(super) order: Vec<NodeId>,
    index: BTreeMap<NodeId, usize>,
    nodes: BTreeMap<NodeId, NodePlan<'m>>,
    /// Value positions whose strict check of undescribed members is a function of its own,
    /// with the member names and patterns that describe their members.
    pub(super) tolerated: BTreeMap<NodeId, Described>,
    /// The nodes that get each kind of function.
    pub(super) functions: Functions,
}

/// The member names and patterns that describe an object's members.
pub(super) type Described = (BTreeSet<String>, BTreeSet<String>);

/// What is decided for one node.
pub(super) struct NodePlan<'m> {
    /// The node whose functions stand for this one: the end of a chain of `$ref`s that say
    /// nothing else (the node itself otherwise). A forwarder has no functions of its own.
    pub(super) target: NodeId,
    /// The in-place subschemas whose member checks `is_valid` walks once, with the node's own.
    pub(super) fusion: Option<Fusion<'m>>,
    /// How `is_valid` checks the node's `properties`, `required`, `patternProperties` and
    /// `additionalProperties`.
    pub(super) walk: Walk,
    /// The members `is_valid`'s own walk ([`Walk::OnePass`]) gives a bit, to know when all were
    /// seen and whether the required ones were; a fusion's walk has marks of its own.
    pub(super) marks: Marks<'m>,
    /// The members `validate` finds in one walk, each into the slot of its position here.
    pub(super) slots: Vec<&'m str>,
    /// The types of `items`, when `is_valid` tests items inline, four at a time.
    pub(super) inline_items: Option<&'m [JsonType]>,
    /// The `oneOf` branches' constants, when they are distinct and `is_valid` tests them as
    /// one membership test.
    pub(super) one_of_constants: Option<Vec<&'m Value>>,
    /// Whether `is_valid_N` is marked `#[inline]`: small checks are inlined into their
    /// callers; a function that walks an object's members is left to the compiler (inlining
    /// whole trees of them made it keep the map iterator out of line, a call per member).
    pub(super) inline: bool,
}

/// How `is_valid` checks an object's members.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Walk {
    /// One walk over the members, with a `match` on each name (`members_in_one_pass`): a
    /// search in the map costs more than the whole walk on objects of a few dozen members.
    OnePass,
    /// The node's own `properties` and `required` are in its fusion's walk.
    Fused,
    /// A search in the map per name: no member keyword, or more than 64 required names, which
    /// the walk's bits cannot track.
    Lookup,
}

/// The nodes that get each kind of function.
#[derive(Default)]
pub(super) struct Functions {
    pub(super) is_valid: BTreeSet<NodeId>,
    pub(super) validate: BTreeSet<NodeId>,
    pub(super) annotate: BTreeSet<NodeId>,
    pub(super) tolerate: BTreeSet<NodeId>,
}

/// The kinds of function a node can have.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// `is_valid_N`: the first failure, no allocation.
    IsValid,
    /// `validate_N`: every violation, into a `Context`.
    Validate,
    /// `annotate_N`: records what a valid node evaluated (for `unevaluated*`).
    Annotate,
}

impl<'m> Plan<'m> {
    pub(super) fn of(model: &'m Model, root: NodeId) -> Self {
        let order = reachable(model, root);
        let index = order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let nodes = order
            .iter()
            .map(|&id| (id, NodePlan::of(model, id)))
            .collect();
        let value_positions = value_positions(model, root, &order);
        let tolerated = described_members(model, &value_positions);
        let mut plan = Plan {
            model,
            order,
            index,
            nodes,
            tolerated,
            functions: Functions::default(),
        };
        plan.functions = plan.functions(root);
        plan
    }

    pub(super) fn node(&self, id: NodeId) -> &NodePlan<'m> {
        &self.nodes[&id]
    }

    /// The function of `mode` that applies node `id` (its `$ref` target's, for a forwarder).
    pub(super) fn name(&self, mode: Mode, id: NodeId) -> Ident {
        let n = self.index[&self.node(id).target];
        match mode {
            Mode::IsValid => format_ident!("is_valid_{n}"),
            Mode::Validate => format_ident!("validate_{n}"),
            Mode::Annotate => format_ident!("annotate_{n}"),
        }
    }

    /// The strict check of the value position `id`, when it has one.
    pub(super) fn tolerate_name(&self, id: NodeId) -> Option<Ident> {
        self.tolerated
            .contains_key(&id)
            .then(|| format_ident!("tolerate_{}", self.index[&id]))
    }

    /// Which nodes need an `is_valid_N`, a `validate_N`, an `annotate_N` and a `tolerate_N`.
    /// `validate_N` reports what its subschemas report, except where a keyword judges with a
    /// yes or no (`anyOf`, `oneOf`, `not`, `if`, `contains`, `propertyNames`): those
    /// subschemas need only `is_valid`. What `is_valid` tests inline or in a fused walk gets no
    /// function.
    fn functions(&self, root: NodeId) -> Functions {
        let model = self.model;
        let mut out = Functions::default();
        if self.tolerated.contains_key(&root) {
            out.tolerate.insert(root);
        }
        let mut stack = vec![(root, Mode::IsValid), (root, Mode::Validate)];
        while let Some((id, mode)) = stack.pop() {
            let id = self.node(id).target;
            let fresh = match mode {
                Mode::IsValid => out.is_valid.insert(id),
                Mode::Validate => out.validate.insert(id),
                Mode::Annotate => out.annotate.insert(id),
            };
            let Some(k) = model.keywords(id).filter(|_| fresh) else {
                continue;
            };
            let plan = self.node(id);
            let inline_false = inline_false(model, k);
            let in_place: Vec<NodeId> = k.in_place().filter(|&c| Some(c) != k.not).collect();
            if mode != Mode::Annotate && k.uses_unevaluated() {
                for &c in &in_place {
                    stack.push((c, Mode::IsValid));
                    stack.push((c, Mode::Annotate));
                }
            }
            match mode {
                Mode::IsValid => {
                    let mut inlined: Vec<NodeId> = Vec::new();
                    if plan.one_of_constants.is_some() {
                        inlined.extend(&k.one_of);
                    }
                    if plan.inline_items.is_some() {
                        inlined.extend(k.items);
                    }
                    if plan.walk != Walk::Lookup {
                        inlined.extend(
                            k.properties
                                .iter()
                                .map(|(_, sub)| *sub)
                                .filter(|&sub| model.only_types(sub).is_some()),
                        );
                    }
                    let fused = |c: NodeId| plan.fusion.as_ref().is_some_and(|f| f.replaces(c));
                    let tested = k
                        .subschemas()
                        .filter(|&c| Some(c) != inline_false && !inlined.contains(&c) && !fused(c));
                    stack.extend(tested.map(|c| (c, Mode::IsValid)));
                    if let Some(fusion) = &plan.fusion {
                        stack.extend(fusion.called(model).into_iter().map(|c| (c, Mode::IsValid)));
                    }
                }
                Mode::Validate => {
                    // Like the reference validator, `unevaluated*` report at the container.
                    let unevaluated = [k.unevaluated_properties, k.unevaluated_items];
                    let positions: Vec<NodeId> = k
                        .descendants()
                        .filter(|&c| Some(c) != inline_false && !unevaluated.contains(&Some(c)))
                        .collect();
                    out.tolerate
                        .extend(positions.iter().filter(|c| self.tolerated.contains_key(c)));
                    let reported = positions
                        .into_iter()
                        .chain(k.reference)
                        .chain(k.all_of.iter().copied())
                        .chain(k.then_)
                        .chain(k.else_)
                        .chain(k.dependent_schemas.iter().map(|(_, n)| *n));
                    stack.extend(reported.map(|c| (c, Mode::Validate)));
                    let judged = k
                        .any_of
                        .iter()
                        .chain(&k.one_of)
                        .copied()
                        .chain(k.not)
                        .chain(k.if_)
                        .chain(k.contains)
                        .chain(k.property_names)
                        .chain(k.unevaluated_properties)
                        .chain(k.unevaluated_items);
                    stack.extend(judged.map(|c| (c, Mode::IsValid)));
                }
                Mode::Annotate => {
                    let tested = k
                        .any_of
                        .iter()
                        .chain(&k.one_of)
                        .copied()
                        .chain(k.if_)
                        .chain(k.contains);
                    stack.extend(tested.map(|c| (c, Mode::IsValid)));
                    stack.extend(in_place.iter().map(|&c| (c, Mode::Annotate)));
                }
            }
        }
        out
    }
}

impl<'m> NodePlan<'m> {
    fn of(model: &'m Model, id: NodeId) -> Self {
        let chain = model.ref_chain(id, |k| {
            k.assertions() == ["$ref"] && k.annotations.content_encoding.is_none()
        });
        let target = *chain.last().expect("a chain starts at its node");
        let Some(k) = model.keywords(id) else {
            return NodePlan {
                target,
                fusion: None,
                walk: Walk::Lookup,
                marks: Marks::default(),
                slots: Vec::new(),
                inline_items: None,
                one_of_constants: None,
                inline: true,
            };
        };
        let fusion = Fusion::of(model, k);
        let walk = match &fusion {
            Some(fusion) if fusion.takes_own_members() => Walk::Fused,
            _ if walks_members_once(k) => Walk::OnePass,
            _ => Walk::Lookup,
        };
        let marks = match walk {
            Walk::OnePass => one_pass_marks(k),
            Walk::Fused | Walk::Lookup => Marks::default(),
        };
        let inline_items = k
            .items
            .filter(|_| k.prefix_items.is_empty())
            .and_then(|items| model.only_types(items));
        let walks_members = !k.properties.is_empty()
            || !k.required.is_empty()
            || !k.pattern_properties.is_empty()
            || k.additional_properties.is_some()
            || fusion.is_some();
        NodePlan {
            target,
            fusion,
            walk,
            marks,
            slots: named_members(k),
            inline_items,
            one_of_constants: distinct_constants(model, &k.one_of),
            inline: !walks_members,
        }
    }
}

/// `additionalProperties: false`, which is checked inline, without a function.
pub(super) fn inline_false(model: &Model, k: &Keywords) -> Option<NodeId> {
    k.additional_properties
        .filter(|&a| matches!(model.node(a).schema, Schema::Bool(false)))
}

/// Whether `is_valid` can walk this object's members in one pass: then members whose
/// subschema is only a `type` are tested inline, without a function.
fn walks_members_once(k: &Keywords) -> bool {
    k.required.len() <= 64
        && (!k.properties.is_empty()
            || !k.required.is_empty()
            || !k.pattern_properties.is_empty()
            || k.additional_properties.is_some())
}

/// The bits of a one-pass walk. Without `patternProperties` and `additionalProperties` the
/// walk has nothing left to do once every named member was seen, and stops there: then each
/// named member has a bit. Otherwise only required members have one.
fn one_pass_marks(k: &Keywords) -> Marks<'_> {
    let named = named_members(k);
    let stops_early =
        k.additional_properties.is_none() && k.pattern_properties.is_empty() && named.len() <= 64;
    let names = if stops_early {
        named
    } else {
        k.required.iter().map(String::as_str).collect()
    };
    Marks { names, stops_early }
}

/// The constants of `branches`, when every branch is only a `const`, all distinct `i64`
/// integers or all distinct strings: then at most one branch can match, and "exactly one" is
/// a membership test.
fn distinct_constants<'m>(model: &'m Model, branches: &[NodeId]) -> Option<Vec<&'m Value>> {
    if branches.is_empty() {
        return None;
    }
    let constants: Vec<&Value> = branches
        .iter()
        .map(|&b| model.keywords(b)?.only_const())
        .collect::<Option<_>>()?;
    let distinct: BTreeSet<String> = constants.iter().map(|c| c.to_string()).collect();
    let scalar =
        constants.iter().all(|c| c.as_i64().is_some()) || constants.iter().all(|c| c.is_string());
    (distinct.len() == constants.len() && scalar).then_some(constants)
}

/// The names of `properties`, then those of `required` that `properties` does not name.
pub(super) fn named_members(k: &Keywords) -> Vec<&str> {
    let mut names: Vec<&str> = k.properties.iter().map(|(p, _)| p.as_str()).collect();
    let described: BTreeSet<&str> = names.iter().copied().collect();
    names.extend(
        k.required
            .iter()
            .map(String::as_str)
            .filter(|r| !described.contains(r)),
    );
    names
}

/// Every node reachable from `root`, in a deterministic order (breadth first, keywords in
/// model order).
fn reachable(model: &Model, root: NodeId) -> Vec<NodeId> {
    let mut order = vec![root];
    let mut seen: BTreeSet<NodeId> = order.iter().copied().collect();
    let mut i = 0;
    while i < order.len() {
        if let Some(k) = model.keywords(order[i]) {
            for next in k.subschemas() {
                if seen.insert(next) {
                    order.push(next);
                }
            }
        }
        i += 1;
    }
    order
}

fn value_positions(model: &Model, root: NodeId, order: &[NodeId]) -> BTreeSet<NodeId> {
    let mut out = BTreeSet::from([root]);
    for &id in order {
        if let Some(k) = model.keywords(id) {
            out.extend(k.descendants());
        }
    }
    out
}

/// For each value position, the members that its node and everything it applies in place
/// describe, for the strict check of undescribed members. None when some subschema leaves the
/// fate of other members explicit (`additionalProperties`, `unevaluatedProperties`) or none
/// describes any. Computed once per node, children first (in-place applicators are acyclic),
/// so long `$ref` chains cost linear time.
fn described_members(
    model: &Model,
    value_positions: &BTreeSet<NodeId>,
) -> BTreeMap<NodeId, Described> {
    // (describes anything, explicit fate somewhere, names, patterns) per node.
    let mut memo: BTreeMap<NodeId, (bool, bool, BTreeSet<String>, BTreeSet<String>)> =
        BTreeMap::new();
    for &start in value_positions {
        let mut stack = vec![(start, false)];
        while let Some((id, children_done)) = stack.pop() {
            if memo.contains_key(&id) {
                continue;
            }
            let Some(k) = model.keywords(id) else {
                memo.insert(id, (false, false, BTreeSet::new(), BTreeSet::new()));
                continue;
            };
            if !children_done {
                stack.push((id, true));
                stack.extend(
                    k.in_place()
                        .filter(|c| !memo.contains_key(c))
                        .map(|c| (c, false)),
                );
                continue;
            }
            let mut entry = (
                k.describes_members(),
                k.additional_properties.is_some() || k.unevaluated_properties.is_some(),
                k.properties
                    .iter()
                    .map(|(n, _)| n.clone())
                    .chain(k.required.iter().cloned())
                    .collect::<BTreeSet<_>>(),
                k.pattern_properties
                    .iter()
                    .map(|(p, _)| p.clone())
                    .collect::<BTreeSet<_>>(),
            );
            for child in k.in_place() {
                if let Some((describes, explicit, names, patterns)) = memo.get(&child) {
                    entry.0 |= describes;
                    entry.1 |= explicit;
                    entry.2.extend(names.iter().cloned());
                    entry.3.extend(patterns.iter().cloned());
                }
            }
            memo.insert(id, entry);
        }
    }
    value_positions
        .iter()
        .filter_map(|id| {
            let (describes, explicit, names, patterns) = memo.get(id)?;
            (*describes && !explicit).then(|| (*id, (names.clone(), patterns.clone())))
        })
        .collect()
}
