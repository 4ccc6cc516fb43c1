//! Schemas that apply themselves in place, which would make a validator recurse forever.

use crate::error::{Error, ErrorKind};
use crate::model::{Model, NodeId};

/// A schema that applies itself in place without looking into the instance (`{"$ref": "#"}` at
/// its own root) would make a validator recurse forever; reject it.
pub(super) fn check_in_place_cycles(model: &Model) -> Result<(), Error> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    // A depth-first search with a stack of its own: in-place chains can be thousands long.
    let mut marks = vec![Mark::New; model.nodes.len()];
    for start in 0..model.nodes.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // Each frame: a node and the in-place subschemas it has yet to visit.
        let children = |id: NodeId| -> Vec<NodeId> {
            model
                .keywords(id)
                .map(|k| k.in_place().collect())
                .unwrap_or_default()
        };
        let mut stack = vec![(NodeId(start), children(NodeId(start)))];
        marks[start] = Mark::Active;
        while let Some((id, rest)) = stack.last_mut() {
            match rest.pop() {
                Some(next) => match marks[next.0] {
                    Mark::Done => {}
                    Mark::Active => return Err(endless(model, next)),
                    Mark::New => {
                        marks[next.0] = Mark::Active;
                        stack.push((next, children(next)));
                    }
                },
                None => {
                    marks[id.0] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
    Ok(())
}

fn endless(model: &Model, id: NodeId) -> Error {
    let node = model.node(id);
    Error {
        file: node.display.split('#').next().unwrap_or_default().into(),
        pointer: node.location.pointer.clone(),
        kind: ErrorKind::Invalid(
            "this schema applies itself in place ($ref, allOf, anyOf, oneOf, not, if, then, else or dependentSchemas) without descending into the instance, so validation would never end".into(),
        ),
    }
}
