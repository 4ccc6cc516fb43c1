//! Types that hold themselves: a struct with a member of its own type (`"$ref": "#"`), or a
//! ring of types each holding the next by value, has no size in Rust. Every by-value use of a
//! named type that leads back to the type holding it is boxed; lists and maps already hold
//! their items on the heap.

use super::*;

/// Boxes every by-value use of a named type that lies on a cycle of by-value uses.
pub(super) fn box_cycles(defs: &mut [Def]) {
    let held: Vec<BTreeSet<usize>> = defs.iter().map(|def| held_by_value(&def.body)).collect();
    let reaches = |from: usize, to: usize| {
        let mut seen = BTreeSet::from([from]);
        let mut stack = vec![from];
        while let Some(i) = stack.pop() {
            if i == to {
                return true;
            }
            stack.extend(held[i].iter().filter(|&&j| seen.insert(j)));
        }
        false
    };
    for i in 0..defs.len() {
        let cyclic: BTreeSet<usize> = held[i].iter().copied().filter(|&j| reaches(j, i)).collect();
        if cyclic.is_empty() {
            continue;
        }
        for ty in tys_mut(&mut defs[i].body) {
            box_named(ty, &cyclic);
        }
    }
}

/// The types a def holds directly: its fields' and its variants'.
fn tys_mut(body: &mut DefBody) -> Vec<&mut Ty> {
    match body {
        DefBody::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
        DefBody::Choice { variants } => variants.iter_mut().map(|(_, f)| &mut f.ty).collect(),
        DefBody::Alternatives { variants } => variants.iter_mut().map(|v| &mut v.2).collect(),
        DefBody::Tagged { variants, .. } => variants.iter_mut().map(|v| &mut v.2).collect(),
        DefBody::Discriminated {
            then, otherwise, ..
        } => vec![&mut then.1, &mut otherwise.1],
        DefBody::ClosedInt { .. } | DefBody::ClosedStr { .. } => Vec::new(),
    }
}

fn held_by_value(body: &DefBody) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for ty in tys(body) {
        named_by_value(ty, &mut out);
    }
    out
}

/// The types a def holds directly, to read.
fn tys(body: &DefBody) -> Vec<&Ty> {
    match body {
        DefBody::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
        DefBody::Choice { variants } => variants.iter().map(|(_, f)| &f.ty).collect(),
        DefBody::Alternatives { variants } => variants.iter().map(|v| &v.2).collect(),
        DefBody::Tagged { variants, .. } => variants.iter().map(|v| &v.2).collect(),
        DefBody::Discriminated {
            then, otherwise, ..
        } => vec![&then.1, &otherwise.1],
        DefBody::ClosedInt { .. } | DefBody::ClosedStr { .. } => Vec::new(),
    }
}

/// The named types `ty` holds by value (not behind a list, a map or a box).
fn named_by_value(ty: &Ty, out: &mut BTreeSet<usize>) {
    match ty {
        Ty::Named(j) => {
            out.insert(*j);
        }
        Ty::Secret(inner) | Ty::Nullable(inner) => named_by_value(inner, out),
        _ => {}
    }
}

fn box_named(ty: &mut Ty, cyclic: &BTreeSet<usize>) {
    match ty {
        Ty::Named(j) if cyclic.contains(j) => *ty = Ty::Boxed(Box::new(Ty::Named(*j))),
        Ty::Secret(inner) | Ty::Nullable(inner) => box_named(inner, cyclic),
        _ => {}
    }
}
