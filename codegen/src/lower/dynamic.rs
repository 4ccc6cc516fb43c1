//! Dynamic references by specialisation: 2020-12's `$dynamicRef` and 2019-09's `$recursiveRef`.
//!
//! Their target depends on the dynamic scope, the schema resources evaluation passed through on
//! the way to them; generated code knows only static references. So a schema is lowered once
//! per *context*: for each anchor name some dynamic reference of the run can ask for, the
//! anchored schema in the outermost resource of the dynamic scope that declares it (2019-09's
//! `$recursiveAnchor: true` is the name ""). Entering a resource binds the names it declares that
//! are still unbound (the outermost wins), so contexts only grow, there are finitely many, and
//! memoising nodes by (location, context) ends every recursion. A dynamic reference is then a
//! static one to the context's binding. Copies are capped by [`SPECIALISATION_LIMIT`].
//!
//! The names asked for are read from every document the registry holds. One read during
//! lowering (a relative file, a bundled meta-schema) may ask for a name that a document already
//! entered declares, perhaps left unbound: then lowering starts again (`Dynamic::stale`).

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::error::{Error, ErrorKind};
use crate::json::{Json, pointer_push};
use crate::load::{Location, Registry, starts_resource, subschemas};
use crate::model::NodeId;

use super::Lowerer;

/// The most nodes a run makes for a location that already has one, each a copy specialised to
/// another context. Past it, generation fails rather than take unbounded time and code.
pub(crate) const SPECIALISATION_LIMIT: usize = 10_000;

/// An index into [`Dynamic::contexts`]; 0 is the empty context.
pub(super) type ContextId = usize;

/// Each name bound, with the schema it binds; sorted by name.
type Context = Vec<(String, Location)>;

#[derive(Debug)]
pub(super) struct Dynamic {
    contexts: Vec<Context>,
    ids: HashMap<Context, ContextId>,
    /// The names some dynamic reference in a scanned document can ask for.
    asked: BTreeSet<String>,
    /// How many of the registry's documents `asked` covers.
    scanned: usize,
    /// The dynamic anchors of each resource root met, asked for or not.
    anchors: HashMap<Location, Vec<(String, Location)>>,
    /// The anchor names each scanned document declares, by document.
    declared: Vec<BTreeSet<String>>,
    /// The documents that have nodes in this pass.
    entered: BTreeSet<usize>,
    /// Locations that have a node.
    located: HashSet<Location>,
    /// Nodes made for a location that already had one.
    copies: usize,
    /// A name was first asked for after a document that declares it was entered, perhaps
    /// without binding it: lowering must start again.
    pub(super) stale: bool,
}

impl Default for Dynamic {
    fn default() -> Self {
        Dynamic {
            contexts: vec![Vec::new()],
            ids: HashMap::from([(Vec::new(), 0)]),
            asked: BTreeSet::new(),
            scanned: 0,
            anchors: HashMap::new(),
            declared: Vec::new(),
            entered: BTreeSet::new(),
            located: HashSet::new(),
            copies: 0,
            stale: false,
        }
    }
}

impl Dynamic {
    /// Forgets every context and node, keeping what was learnt about the documents.
    pub(super) fn restart(&mut self) {
        let kept = Dynamic {
            asked: std::mem::take(&mut self.asked),
            scanned: self.scanned,
            anchors: std::mem::take(&mut self.anchors),
            declared: std::mem::take(&mut self.declared),
            ..Dynamic::default()
        };
        *self = kept;
    }

    /// Reads the names that documents registered since the last call ask for and declare.
    fn scan(&mut self, registry: &Registry) {
        for document in &registry.documents[self.scanned..] {
            let mut asked = BTreeSet::new();
            let mut declared = BTreeSet::new();
            anchor_names(&document.root, &mut asked, &mut declared);
            self.declared.push(declared);
            for name in asked {
                if self.asked.contains(&name) {
                    continue;
                }
                let entered = |doc: &usize| self.declared[*doc].contains(&name);
                self.stale |= self.entered.iter().any(entered);
                self.asked.insert(name);
            }
        }
        self.scanned = registry.documents.len();
    }
}

impl Lowerer<'_> {
    /// The context a node at `location` is lowered in: the current one, extended with the
    /// names its resource declares that are asked for and still unbound.
    pub(super) fn enter(&mut self, location: &Location) -> ContextId {
        self.dynamic.scan(self.registry);
        self.dynamic.entered.insert(location.doc);
        if self.dynamic.asked.is_empty() {
            return self.current;
        }
        let resource = Location {
            doc: location.doc,
            pointer: self.registry.scope_at(location).resource,
        };
        let registry = &*self.registry;
        let declared = self
            .dynamic
            .anchors
            .entry(resource.clone())
            .or_insert_with(|| dynamic_anchors(registry, &resource));
        let current = &self.dynamic.contexts[self.current];
        let mut added: Context = Vec::new();
        for (name, at) in declared.iter() {
            let bound = |c: &Context| c.iter().any(|(n, _)| n == name);
            if self.dynamic.asked.contains(name) && !bound(current) && !bound(&added) {
                added.push((name.clone(), at.clone()));
            }
        }
        if added.is_empty() {
            return self.current;
        }
        let mut context = current.clone();
        context.extend(added);
        context.sort();
        let next = self.dynamic.contexts.len();
        let id = *self.dynamic.ids.entry(context.clone()).or_insert(next);
        if id == next {
            self.dynamic.contexts.push(context);
        }
        id
    }

    /// Counts a node made for `location` in some context; an error past the limit of copies.
    pub(super) fn count_copy(&mut self, location: &Location) -> Result<(), Error> {
        if self.dynamic.located.insert(location.clone()) {
            return Ok(());
        }
        self.dynamic.copies += 1;
        if self.dynamic.copies > SPECIALISATION_LIMIT {
            let kind = ErrorKind::TooManySpecialisations {
                limit: SPECIALISATION_LIMIT,
            };
            return Err(self.error(location, "", kind));
        }
        Ok(())
    }

    /// The node a 2020-12 `$dynamicRef` names. It resolves as a `$ref`; when that target has a
    /// `$dynamicAnchor` named as the reference's fragment, the context's binding of that name
    /// replaces it (the target's own resource binds it when nothing outer does).
    pub(super) fn dynamic_reference(
        &mut self,
        at: &Location,
        value: &Json,
    ) -> Result<NodeId, Error> {
        let kw = "$dynamicRef";
        let reference = self.string(at, kw, value)?;
        let target = self.resolve_at(at, kw, &reference)?;
        let fragment = reference.split_once('#').map_or("", |(_, f)| f);
        let name = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
        let bookended = !name.is_empty()
            && !name.starts_with('/')
            && self.anchor_at(&target, "$dynamicAnchor") == Some(&Json::String(name.to_string()));
        match self.bound(&name).filter(|_| bookended) {
            Some(bound) => self.lower(bound),
            None => self.lower(target),
        }
    }

    /// The node a 2019-09 `$recursiveRef` names: its target resolved as a `$ref`, replaced by
    /// the outermost resource in the dynamic scope with `$recursiveAnchor: true` when the target
    /// has `$recursiveAnchor: true` itself.
    pub(super) fn recursive_reference(
        &mut self,
        at: &Location,
        value: &Json,
    ) -> Result<NodeId, Error> {
        let kw = "$recursiveRef";
        let reference = self.string(at, kw, value)?;
        if reference != "#" {
            return Err(self.expected(at, kw, "`#`, the only value 2019-09 defines"));
        }
        let target = self.resolve_at(at, kw, &reference)?;
        let anchored = self.anchor_at(&target, "$recursiveAnchor") == Some(&Json::Bool(true));
        match self.bound("").filter(|_| anchored) {
            Some(bound) => self.lower(bound),
            None => self.lower(target),
        }
    }

    fn resolve_at(&mut self, at: &Location, kw: &str, reference: &str) -> Result<Location, Error> {
        self.registry.resolve(at, reference).map_err(|mut e| {
            e.pointer = pointer_push(&at.pointer, kw);
            e
        })
    }

    fn anchor_at(&self, location: &Location, keyword: &str) -> Option<&Json> {
        self.registry
            .schema_at(location)
            .and_then(Json::as_object)
            .and_then(|m| m.get(keyword))
    }

    /// What the current context binds `name` to.
    fn bound(&self, name: &str) -> Option<Location> {
        self.dynamic.contexts[self.current]
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, at)| at.clone())
    }
}

/// The dynamic anchors of the schema resource whose root is `resource`, with where each is:
/// every `$dynamicAnchor` in it (not in the resources it embeds), and its root's
/// `$recursiveAnchor: true` under the name "" (2019-09).
fn dynamic_anchors(registry: &Registry, resource: &Location) -> Vec<(String, Location)> {
    let dialect = registry.scope_at(resource).dialect;
    let mut out = Vec::new();
    let Some(root) = registry.schema_at(resource) else {
        return out;
    };
    if dialect.defines("$recursiveAnchor")
        && root.as_object().and_then(|m| m.get("$recursiveAnchor")) == Some(&Json::Bool(true))
    {
        out.push((String::new(), resource.clone()));
    }
    let mut work = vec![(root, resource.pointer.clone())];
    while let Some((schema, pointer)) = work.pop() {
        let Some(members) = schema.as_object() else {
            continue;
        };
        if pointer != resource.pointer && starts_resource(members, dialect) {
            continue;
        }
        if dialect.defines("$dynamicAnchor")
            && let Some(Json::String(name)) = members.get("$dynamicAnchor")
        {
            let at = Location {
                doc: resource.doc,
                pointer: pointer.clone(),
            };
            out.push((name.clone(), at));
        }
        for (keyword, value) in members {
            work.extend(subschemas(
                dialect,
                keyword,
                value,
                &pointer_push(&pointer, keyword),
            ));
        }
    }
    out
}

/// Adds to `asked` every name a dynamic reference in `value` can ask for (the plain-name
/// fragment of each `$dynamicRef`, and "" for any `$recursiveRef`), and to `declared` every
/// name a `$dynamicAnchor` or `$recursiveAnchor: true` ("") declares. Members of an `enum`
/// count too, which only binds a name for nothing or starts lowering again for nothing.
fn anchor_names(value: &Json, asked: &mut BTreeSet<String>, declared: &mut BTreeSet<String>) {
    let mut work = vec![value];
    while let Some(value) = work.pop() {
        match value {
            Json::Object(members) => {
                if let Some(Json::String(reference)) = members.get("$dynamicRef")
                    && let Some((_, fragment)) = reference.split_once('#')
                    && !fragment.is_empty()
                    && !fragment.starts_with('/')
                {
                    let name = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
                    asked.insert(name.into_owned());
                }
                if members.contains_key("$recursiveRef") {
                    asked.insert(String::new());
                }
                if let Some(Json::String(name)) = members.get("$dynamicAnchor") {
                    declared.insert(name.clone());
                }
                if members.get("$recursiveAnchor") == Some(&Json::Bool(true)) {
                    declared.insert(String::new());
                }
                work.extend(members.values());
            }
            Json::Array(items) => work.extend(items),
            _ => {}
        }
    }
}
