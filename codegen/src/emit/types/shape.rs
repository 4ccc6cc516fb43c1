//! Which Rust type each schema node becomes: the shape of the types, decided before any is
//! printed (the module's documentation has the mapping).

use super::nullable::takes_null;
use super::render::MAX_NEW_ARGS;
use super::*;

impl<'m> TypeCx<'m> {
    pub(super) fn keywords(&self, id: NodeId) -> Option<&'m Keywords> {
        self.model.keywords(id)
    }

    /// Follows `$ref`s through nodes that add no shape of their own (annotations, or only
    /// constraints such as `const` that the target's type already holds).
    pub(super) fn shape(&self, id: NodeId) -> NodeId {
        *self.chain(id).last().expect("a chain starts at its node")
    }

    /// The nodes whose assertions apply to a value typed from `node`: it, and the `$ref`
    /// targets followed to the node that shapes the type.
    pub(super) fn chain(&self, node: NodeId) -> Vec<NodeId> {
        self.model.ref_chain(node, |k| {
            let shapes = k.types.is_some()
                || !k.properties.is_empty()
                || k.items.is_some()
                || !k.one_of.is_empty()
                || !k.any_of.is_empty()
                || k.if_.is_some()
                || k.enum_values.is_some();
            !shapes
        })
    }

    /// Description lines for a node: its own description, else its title, else its target's.
    pub(super) fn doc(&self, id: NodeId) -> Vec<String> {
        let chain = self.model.ref_chain(id, |k| doc_lines(k).is_empty());
        let last = chain.last().expect("a chain starts at its node");
        self.keywords(*last).map(doc_lines).unwrap_or_default()
    }

    /// Whether a node or a `$ref` target on its way is `x-secret`.
    pub(super) fn is_secret(&self, id: NodeId) -> bool {
        let chain = self.model.ref_chain(id, |k| !k.annotations.secret);
        let last = chain.last().expect("a chain starts at its node");
        self.keywords(*last).is_some_and(|k| k.annotations.secret)
    }

    /// The type of node `id`; `name` is the name a new named type would get.
    pub(super) fn ty(&mut self, id: NodeId, name: Option<Name>) -> Ty {
        let mut ty = self.unwrapped_ty(id, name);
        // Where a request reaches the node, its type carries every bound on the way to the
        // shape; where only the shape is one a request reaches (an identifier a response
        // yields and a request takes), the shape's own bounds, so that both hold one type.
        let shape = self.shape(id);
        if self.sharing.checked(id) {
            ty = self.bounded(id, ty);
        } else if self.sharing.checked(shape) {
            ty = self.bounded(shape, ty);
        }
        if self.is_secret(id) {
            Ty::Secret(Box::new(ty))
        } else {
            ty
        }
    }

    pub(super) fn unwrapped_ty(&mut self, id: NodeId, name: Option<Name>) -> Ty {
        let shape = self.shape(id);
        if let Some(&def) = self.named.get(&shape) {
            let ty = Ty::Named(def);
            return match self.keywords(shape) {
                Some(k) if takes_null(k) => Ty::Nullable(Box::new(ty)),
                _ => ty,
            };
        }
        // A cycle through types without a name of their own (lists, maps, options, enums of
        // alternatives not yet made) has no Rust spelling: `Value` breaks it.
        if !self.typing.insert(shape) {
            return Ty::Value;
        }
        let ty = self.new_ty(shape, name);
        self.typing.remove(&shape);
        ty
    }

    /// The type of a shaping node that has no named type yet.
    fn new_ty(&mut self, shape: NodeId, name: Option<Name>) -> Ty {
        let model = self.model;
        let node = model.node(shape);
        let root_name = self.root_names.get(&shape).cloned();
        let name = match (&node.def_name, root_name, name) {
            (Some(def), _, _) => self.def_type_name(shape, &camel(def)),
            (None, Some(root), _) => self.scope_of(shape).pick(&[root]),
            (None, None, Some(name)) => {
                self.scope_of(shape).pick(&[name.preferred, name.qualified])
            }
            (None, None, None) => self.scope_of(shape).pick(&["Type".to_owned()]),
        };
        let Schema::Keywords(k) = &node.schema else {
            return Ty::Value;
        };
        if let Some(ty) = self.discriminated(shape, k, &name) {
            return ty;
        }
        // `null` beside one other kind (`type: [X, "null"]`, an `enum` with `null`): `Option`.
        let nullable = takes_null(k);
        let wrap = |ty: Ty| match ty {
            Ty::Value => Ty::Value,
            ty if nullable => Ty::Nullable(Box::new(ty)),
            ty => ty,
        };
        if let Some(ty) = self.closed_set(shape, k, &name) {
            return wrap(ty);
        }
        let branches = if k.one_of.is_empty() {
            &k.any_of
        } else {
            &k.one_of
        };
        if !branches.is_empty() && !self.only_presence(k, branches) {
            if let Some(ty) = self.null_or(shape, branches, &name) {
                return ty;
            }
            if let Some(ty) = self.tagged(shape, k, branches, &name) {
                return ty;
            }
            return self
                .alternatives(shape, branches, &name)
                .unwrap_or(Ty::Value);
        }
        let types: Vec<JsonType> = k
            .types
            .iter()
            .flatten()
            .copied()
            .filter(|t| *t != JsonType::Null)
            .collect();
        let members_rule_only = k.properties.is_empty() && k.pattern_properties.is_empty();
        if let (true, [JsonType::Object], Some(values)) =
            (members_rule_only, types.as_slice(), k.additional_properties)
        {
            // Every member is described by one schema: a map (a boolean schema, `true` or
            // `false`, keeps the struct, with or without `extra`).
            if self.keywords(values).is_some() {
                let value = self.ty(values, Some(Name::nested(&name, "Entry")));
                return wrap(Ty::Map(Box::new(value)));
            }
        }
        if types == [JsonType::Object] || (k.types.is_none() && !k.properties.is_empty()) {
            return wrap(self.structure(shape, k, &name, None));
        }
        wrap(match types.as_slice() {
            [JsonType::Array] => match (k.items, k.prefix_items.is_empty()) {
                (Some(items), true) => {
                    Ty::Vec(Box::new(self.ty(items, Some(Name::nested(&name, "Item")))))
                }
                (None, true) => Ty::Vec(Box::new(Ty::Value)),
                _ => Ty::Value,
            },
            [JsonType::String] => match k.annotations.content_encoding.as_deref() {
                Some("base64") => Ty::Base64,
                _ => Ty::String,
            },
            [JsonType::Integer] => Ty::Int(int_ty(k)),
            [JsonType::Number] => Ty::F64,
            [JsonType::Boolean] => Ty::Bool,
            [] => match &k.const_value {
                Some(Value::String(_)) => Ty::String,
                Some(Value::Bool(_)) => Ty::Bool,
                Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ty::Int(IntTy::I64),
                Some(Value::Number(_)) => Ty::F64,
                _ => Ty::Value,
            },
            _ => Ty::Value,
        })
    }

    /// The name a `$defs` entry's type would get: its own; for a definition nested in
    /// another's `$defs`, qualified by the definitions it sits in (`NumberTreeLeaf`) when
    /// another has its own. [`TypeCx::add`] refuses a definition that gets neither.
    fn def_type_name(&mut self, shape: NodeId, own: &str) -> String {
        let candidates = def_name_candidates(&self.model.node(shape).display, own);
        self.scope_of(shape).pick(&candidates)
    }

    /// Records which definition has its type's name in its module; a definition whose type
    /// had to be numbered because another definition took its names is an error naming both
    /// (copies of one definition, made for other dynamic scopes, are numbered).
    fn claim_def_name(&mut self, shape: NodeId, name: &str) {
        let node = self.model.node(shape);
        let Some(def) = &node.def_name else { return };
        let module = self.sharing.module(self.model, shape);
        let candidates = def_name_candidates(&node.display, &camel(def));
        // `Scope::claim` numbers a taken name: `Leaf2`, `V1_2`.
        let numbered = candidates.iter().any(|c| {
            name.strip_prefix(c.as_str())
                .map(|rest| rest.trim_start_matches('_'))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        });
        if numbered && self.collision.is_none() {
            let other = candidates.iter().find_map(|c| {
                self.def_owners
                    .get(&(module.clone(), c.clone()))
                    .filter(|owner| **owner != node.display)
            });
            if let Some(other) = other {
                let (file, pointer) = node.display.split_once('#').unwrap_or((&node.display, ""));
                let kind = crate::error::ErrorKind::TypeNameCollision {
                    name: candidates[0].clone(),
                    other: other.clone(),
                };
                self.collision = Some(Error::new(file, pointer, kind));
            }
        }
        self.def_owners
            .entry((module, name.to_owned()))
            .or_insert_with(|| node.display.clone());
    }

    /// `ty` checked against the bounds, lengths and item counts that the nodes from `id` to its
    /// shape set, where they are narrower than `ty` keeps by itself.
    pub(super) fn bounded(&self, id: NodeId, ty: Ty) -> Ty {
        let chain: Vec<&Keywords> = self
            .chain(id)
            .into_iter()
            .filter_map(|n| self.keywords(n))
            .collect();
        let int = |n: &serde_json::Number| {
            n.as_i64()
                .map(i128::from)
                .or_else(|| n.as_u64().map(i128::from))
        };
        match ty {
            Ty::Int(repr) => {
                let (mut lo, mut hi) = repr.bounds();
                for k in &chain {
                    if let Some(m) = k.minimum.as_ref().and_then(int) {
                        lo = lo.max(m);
                    }
                    if let Some(m) = k.exclusive_minimum.as_ref().and_then(int) {
                        lo = lo.max(m + 1);
                    }
                    if let Some(m) = k.maximum.as_ref().and_then(int) {
                        hi = hi.min(m);
                    }
                    if let Some(m) = k.exclusive_maximum.as_ref().and_then(int) {
                        hi = hi.min(m - 1);
                    }
                }
                if (lo, hi) == repr.bounds() || lo > hi {
                    Ty::Int(repr)
                } else {
                    Ty::BoundedInt(repr, lo, hi)
                }
            }
            Ty::String | Ty::Vec(_) => {
                let string = ty == Ty::String;
                let (mut lo, mut hi) = (0u64, None::<u64>);
                for k in &chain {
                    let (min, max) = if string {
                        (k.min_length, k.max_length)
                    } else {
                        (k.min_items, k.max_items)
                    };
                    lo = lo.max(min.unwrap_or(0));
                    hi = match (hi, max) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
                if (lo == 0 && hi.is_none()) || hi.is_some_and(|h| h < lo) {
                    ty
                } else if let Ty::Vec(inner) = ty {
                    Ty::BoundedVec(inner, lo, hi)
                } else {
                    Ty::BoundedStr(lo, hi)
                }
            }
            // `null` has no bounds or lengths: they narrow the value beside it.
            Ty::Nullable(inner) => Ty::Nullable(Box::new(self.bounded(id, *inner))),
            other => other,
        }
    }

    /// Whether `branches` (of an object's `oneOf` or `anyOf`) only say which of the object's
    /// own members must be present, as an either-or pair does: the object keeps its struct, and
    /// the choice is left to the validators.
    pub(super) fn only_presence(&self, k: &Keywords, branches: &[NodeId]) -> bool {
        let object = match k.types.as_deref() {
            Some(types) => types == [JsonType::Object],
            None => !k.properties.is_empty(),
        };
        object
            && branches.iter().all(|&b| {
                self.keywords(b).is_some_and(|bk| {
                    bk.assertions() == ["required"]
                        && bk
                            .required
                            .iter()
                            .all(|r| k.properties.iter().any(|(name, _)| name == r))
                })
            })
    }

    pub(super) fn add(&mut self, shape: NodeId, name: &str, doc: Vec<String>, body: DefBody) -> Ty {
        let name = name.to_owned();
        let index = self.defs.len();
        self.claim_def_name(shape, &name);
        self.defs.push(Def {
            name,
            doc,
            body,
            node: shape,
            module: self.sharing.module(self.model, shape),
        });
        self.named.insert(shape, index);
        Ty::Named(index)
    }

    /// Reserves a named type before its members are typed, so recursive schemas terminate.
    pub(super) fn reserve(&mut self, shape: NodeId, name: &str, doc: Vec<String>) -> usize {
        match self.add(
            shape,
            name,
            doc,
            DefBody::Struct {
                fields: Vec::new(),
                extra: None,
                choice: None,
                builder: None,
            },
        ) {
            Ty::Named(index) => index,
            _ => unreachable!("add returns a named type"),
        }
    }

    /// The struct of an object schema. With `tag`, the struct of one variant of a tagged enum:
    /// without that member, which the enum holds, and not the type `shape` gets elsewhere.
    pub(super) fn structure(
        &mut self,
        shape: NodeId,
        k: &Keywords,
        name: &str,
        tag: Option<&str>,
    ) -> Ty {
        let elsewhere = self.named.get(&shape).copied();
        let index = self.reserve(shape, name, self.doc(shape));
        if tag.is_some() {
            match elsewhere {
                Some(def) => self.named.insert(shape, def),
                None => self.named.remove(&shape),
            };
        }
        let type_name = self.defs[index].name.clone();
        let denies_others = k
            .additional_properties
            .is_some_and(|a| matches!(self.model.node(a).schema, Schema::Bool(false)))
            && k.pattern_properties.is_empty();
        let choice_members = self.presence_choice(k);
        let choice_members = choice_members.as_deref().unwrap_or_default();
        let mut fields = Vec::new();
        let mut chosen = Vec::new();
        let mut position = None;
        let mut scope = Scope::default();
        if !choice_members.is_empty() {
            let names: Vec<&str> = choice_members.iter().map(String::as_str).collect();
            scope.reserve(&snake(&names.join("_or_")));
        }
        for (wire, sub) in &k.properties {
            if tag == Some(wire.as_str()) {
                continue;
            }
            let in_choice = choice_members.contains(wire);
            let rust = if in_choice {
                snake(wire)
            } else {
                scope.claim(snake(wire))
            };
            let ty = self.ty(*sub, Some(Name::nested(&type_name, &camel(wire))));
            let field = Field {
                rust,
                wire: wire.clone(),
                node: *sub,
                ty,
                required: k.required.contains(wire),
                doc: self.doc(*sub),
            };
            if in_choice {
                position.get_or_insert(fields.len());
                chosen.push(field);
            } else {
                fields.push(field);
            }
        }
        let choice = match position {
            Some(position) => {
                let names: Vec<&str> = choice_members.iter().map(String::as_str).collect();
                let joined = names.join("_or_");
                let rust = snake(&joined);
                let enum_name = self
                    .scope_of(shape)
                    .pick(&[camel(&joined), format!("{type_name}{}", camel(&joined))]);
                let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                let doc = vec![format!(" Exactly one of {}.", join_or(&quoted))];
                let mut variant_scope = Scope::default();
                let variants = chosen
                    .into_iter()
                    .map(|f| (variant_scope.claim(camel(&f.wire)), f))
                    .collect();
                let node = k.one_of[0];
                let Ty::Named(def) = self.add(node, &enum_name, doc, DefBody::Choice { variants })
                else {
                    unreachable!("add returns a named type")
                };
                Some(Choice {
                    rust,
                    def,
                    position,
                })
            }
            None => None,
        };
        let extra = (!denies_others).then(|| scope.claim("extra".to_owned()));
        let members = fields.len() + usize::from(choice.is_some());
        let required = fields.iter().filter(|f| f.required).count() + usize::from(choice.is_some());
        let builder = ((self.sharing.checked(shape) && members > 2) || required > MAX_NEW_ARGS)
            .then(|| self.scope_of(shape).pick(&[format!("{type_name}Builder")]));
        self.defs[index].body = DefBody::Struct {
            fields,
            extra,
            choice,
            builder,
        };
        Ty::Named(index)
    }

    /// The members of an either-or choice: a `oneOf` whose branches each require one member of
    /// the object's own properties, a different one each, none of them required by the object
    /// itself. Exactly one is then present in every valid instance, so one field holds it.
    pub(super) fn presence_choice(&self, k: &Keywords) -> Option<Vec<String>> {
        if k.one_of.len() < 2 || !self.only_presence(k, &k.one_of) {
            return None;
        }
        let mut members = Vec::new();
        for &branch in &k.one_of {
            let [member] = self.keywords(branch)?.required.as_slice() else {
                return None;
            };
            if members.contains(member) || k.required.contains(member) {
                return None;
            }
            members.push(member.clone());
        }
        Some(members)
    }

    pub(super) fn alternatives(
        &mut self,
        shape: NodeId,
        branches: &[NodeId],
        name: &str,
    ) -> Option<Ty> {
        let mut variants = Vec::new();
        let mut scope = Scope::default();
        for (i, &branch) in branches.iter().enumerate() {
            let bk = self.keywords(self.shape(branch));
            let title = self
                .keywords(branch)
                .and_then(|k| k.annotations.title.clone());
            let suffix = title
                .as_deref()
                .map(camel)
                .unwrap_or_else(|| format!("Alternative{i}"));
            let ty = self.ty(branch, Some(Name::nested(name, &suffix)));
            let kind = self.kind(&ty, bk)?;
            if variants.iter().any(|(_, k, _, _)| *k == kind) {
                return None;
            }
            let variant = title
                .as_deref()
                .map(camel)
                .unwrap_or_else(|| kind_name(kind).to_owned());
            variants.push((scope.claim(variant), kind, ty, self.doc(branch)));
        }
        let doc = self.doc(shape);
        let ty = self.add(shape, name, doc, DefBody::Alternatives { variants });
        if let Ty::Named(index) = ty {
            self.branch_nodes.insert(index, branches.to_vec());
        }
        Some(ty)
    }

    pub(super) fn kind(&self, ty: &Ty, _k: Option<&Keywords>) -> Option<Kind> {
        Some(match ty {
            Ty::Bool => Kind::Bool,
            Ty::Int(_) | Ty::BoundedInt(..) => Kind::Int,
            Ty::BoundedStr(..) => Kind::Str,
            Ty::BoundedVec(..) => Kind::Seq,
            Ty::F64 => Kind::Float,
            Ty::String | Ty::Base64 => Kind::Str,
            Ty::Secret(inner) | Ty::Boxed(inner) => return self.kind(inner, None),
            Ty::Vec(_) => Kind::Seq,
            Ty::Named(i) => match &self.defs[*i].body {
                DefBody::Struct { .. } | DefBody::Choice { .. } | DefBody::Tagged { .. } => {
                    Kind::Map
                }
                DefBody::ClosedInt { .. } => Kind::Int,
                DefBody::ClosedStr { .. } => Kind::Str,
                DefBody::Alternatives { .. } | DefBody::Discriminated { .. } => return None,
            },
            Ty::Map(_) => Kind::Map,
            Ty::Value | Ty::Nullable(_) => return None,
        })
    }
}

/// A node's own description (else its title), and whether it is deprecated.
fn doc_lines(k: &Keywords) -> Vec<String> {
    let a = &k.annotations;
    let mut lines = Vec::new();
    if let Some(text) = a.description.as_ref().or(a.title.as_ref()) {
        lines.extend(text.lines().map(|l| format!(" {l}")));
    }
    if a.deprecated {
        lines.push(String::new());
        lines.push(" Deprecated by the schema.".to_owned());
    }
    lines
}

/// An integer written without a fraction (an enum of `1.0` is left to `Value`).
pub(super) fn integer(value: &Value) -> Option<i128> {
    value
        .as_i64()
        .map(i128::from)
        .or_else(|| value.as_u64().map(i128::from))
}

/// The names a definition's type may get: its own, then, for one nested in another's `$defs`,
/// its name qualified by the definitions it sits in (`NumberTreeLeaf` for
/// `/$defs/NumberTree/$defs/leaf`).
fn def_name_candidates(display: &str, own: &str) -> Vec<String> {
    let pointer = display.split_once('#').map_or("", |(_, pointer)| pointer);
    let segments: Vec<&str> = pointer.split('/').collect();
    let qualified: String = segments
        .windows(2)
        .filter(|pair| matches!(pair[0], "$defs" | "definitions"))
        .map(|pair| camel(&pair[1].replace("~1", "/").replace("~0", "~")))
        .collect();
    if qualified.is_empty() || qualified == own {
        vec![own.to_owned()]
    } else {
        vec![own.to_owned(), qualified]
    }
}
