//! 2019-09's `$recursiveRef` whose initial target has `$recursiveAnchor: true`. Its target is
//! then the outermost resource with `$recursiveAnchor: true` in the dynamic scope, which the
//! model cannot follow; but two cases are settled before any instance is seen:
//!
//! - the run has one root, and its document root has `$recursiveAnchor: true`: every dynamic
//!   scope starts there, so that root is the outermost anchored resource;
//! - the target is the only schema with `$recursiveAnchor: true` that any document of the run
//!   holds: whatever the scope, no other resource can be the answer. Documents may still be
//!   loaded after the reference is lowered, so [`Lowerer::check_unique_anchors`] checks this
//!   when lowering is done.
//!
//! Anything else is declined with [`ErrorKind::DynamicReference`].

use crate::dialect::Dialect;
use crate::error::{Error, ErrorKind};
use crate::json::{Json, pointer_push};
use crate::load::{Location, Registry};
use crate::model::NodeId;

use super::Lowerer;

const KEYWORD: &str = "$recursiveRef";

impl Lowerer<'_> {
    /// The node a `$recursiveRef` at `at` names, its initial target `target` being anchored.
    pub(super) fn dynamic_target(
        &mut self,
        at: &Location,
        target: Location,
    ) -> Result<NodeId, Error> {
        if self.single_root
            && let Some(entry) = self.entry.clone()
            && self.registry.scope_at(&entry).dialect == Dialect::Draft2019_09
            && anchored(self.registry, &entry)
        {
            return self.lower(entry);
        }
        self.unique_anchor_claims.push((at.clone(), target.clone()));
        self.lower(target)
    }

    /// Checks that each `$recursiveRef` lowered as a plain reference to the only anchored
    /// schema still names the only one, now that every document is loaded.
    pub(super) fn check_unique_anchors(&self) -> Result<(), Error> {
        if self.unique_anchor_claims.is_empty() {
            return Ok(());
        }
        let anchors = anchored_schemas(self.registry);
        for (at, target) in &self.unique_anchor_claims {
            if anchors != std::slice::from_ref(target) {
                return Err(self.error(at, KEYWORD, ErrorKind::DynamicReference(KEYWORD.into())));
            }
        }
        Ok(())
    }
}

/// Whether the schema at `location` has `$recursiveAnchor: true`.
pub(super) fn anchored(registry: &Registry, location: &Location) -> bool {
    registry
        .schema_at(location)
        .and_then(Json::as_object)
        .and_then(|m| m.get("$recursiveAnchor"))
        == Some(&Json::Bool(true))
}

/// Every object with `$recursiveAnchor: true` in every document, wherever it is (counting one
/// inside an `enum` too only ever declines more).
fn anchored_schemas(registry: &Registry) -> Vec<Location> {
    let mut out = Vec::new();
    for (doc, document) in registry.documents.iter().enumerate() {
        let mut work = vec![(&document.root, String::new())];
        while let Some((value, pointer)) = work.pop() {
            match value {
                Json::Object(members) => {
                    if members.get("$recursiveAnchor") == Some(&Json::Bool(true)) {
                        out.push(Location {
                            doc,
                            pointer: pointer.clone(),
                        });
                    }
                    for (key, member) in members {
                        work.push((member, pointer_push(&pointer, key)));
                    }
                }
                Json::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        work.push((item, pointer_push(&pointer, &i.to_string())));
                    }
                }
                _ => {}
            }
        }
    }
    out
}
