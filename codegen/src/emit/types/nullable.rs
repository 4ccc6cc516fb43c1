//! `null` beside one other kind of value: `Option<T>`. A member that is both optional and
//! nullable is `Option<Option<T>>`, absent (`None`) apart from `null` (`Some(None)`).

use super::*;

/// Whether a node's own keywords (no `oneOf`, `anyOf` or `if`, whose branches are typed on their
/// own) allow `null` and exactly one other kind: `type: [X, "null"]`, or an `enum` holding
/// `null` and other values that `type` does not exclude.
pub(super) fn takes_null(k: &Keywords) -> bool {
    if !k.one_of.is_empty() || !k.any_of.is_empty() || k.if_.is_some() || k.const_value.is_some() {
        return false;
    }
    let type_allows = k
        .types
        .as_deref()
        .is_none_or(|t| t.contains(&JsonType::Null));
    let enum_allows = k
        .enum_values
        .as_ref()
        .is_none_or(|e| e.contains(&Value::Null));
    let typed_other = k
        .types
        .as_deref()
        .is_some_and(|t| t.len() == 2 && t.contains(&JsonType::Null) && t[0] != t[1]);
    let listed_other = k
        .enum_values
        .as_ref()
        .is_some_and(|e| e.contains(&Value::Null) && e.iter().any(|v| !v.is_null()));
    type_allows && enum_allows && (typed_other || listed_other)
}

impl TypeCx<'_> {
    /// `oneOf`/`anyOf` of `{"type": "null"}` and one other branch: that branch's type, as an
    /// `Option` (unless it is `Value`, which holds `null` itself).
    pub(super) fn null_or(&mut self, shape: NodeId, branches: &[NodeId], name: &str) -> Option<Ty> {
        let [a, b] = branches else { return None };
        let is_null = |n: NodeId| self.model.only_types(n) == Some(&[JsonType::Null][..]);
        let other = match (is_null(*a), is_null(*b)) {
            (true, false) => *b,
            (false, true) => *a,
            _ => return None,
        };
        // The branch takes the name this node would have had.
        self.scope_of(shape).release(name);
        let name = Name {
            preferred: name.to_owned(),
            qualified: name.to_owned(),
        };
        match self.ty(other, Some(name)) {
            ty @ (Ty::Value | Ty::Nullable(_)) => Some(ty),
            ty => Some(Ty::Nullable(Box::new(ty))),
        }
    }
}
