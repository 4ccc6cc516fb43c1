//! The member names a walk of `is_valid` gives a bit each: decided by the plan (a node's own
//! walk) or by a fusion (the walk shared by its in-place subschemas), read by both printers.

use crate::emit::expr::mask_of;

/// The member names a walk of `is_valid` marks: the `i`th has the bit `1 << i` (at most 64).
#[derive(Default)]
pub(super) struct Marks<'m> {
    pub(super) names: Vec<&'m str>,
    /// Whether the walk stops once every marked member was seen: then nothing else needs the
    /// rest of the members, and every named member is marked.
    pub(super) stops_early: bool,
}

impl Marks<'_> {
    pub(super) fn bit(&self, name: &str) -> Option<u64> {
        self.names
            .iter()
            .position(|n| *n == name)
            .map(|i| 1u64 << i)
    }

    /// The bits of `names`, each of which is marked.
    pub(super) fn mask<'a>(&self, names: impl IntoIterator<Item = &'a String>) -> u64 {
        names.into_iter().fold(0, |mask, name| {
            mask | self.bit(name).expect("a walk marks every name it checks")
        })
    }

    /// Every bit set: all marked members were seen.
    pub(super) fn all(&self) -> u64 {
        mask_of(self.names.len())
    }
}
