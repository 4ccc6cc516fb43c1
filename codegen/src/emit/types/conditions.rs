//! Typed checks of the in-place applicators a struct's schema may carry beside its members:
//! `$ref`, `allOf` and `if`/`then`/`else` over schemas that only say which members are present
//! (`required`) and what they hold (`properties`), such as "`next_cursor` is present whenever
//! `has_more` is true". Each is printed as a condition over the struct's own fields; a schema
//! that says anything else about the object gives no check, and the `Value` validators judge.

use super::checks::conjunction;
use super::*;

/// How deep `$ref`s and nested conditions are followed before giving up (a `$ref` cycle that
/// only ever reaches more conditions has no typed check).
const DEPTH: usize = 16;

impl TypeCx<'_> {
    /// The checks over `self` that the in-place applicators of `k` (a struct's schema) make,
    /// or `None` when one of them cannot be checked over `fields`.
    pub(super) fn applicator_checks(
        &self,
        k: &Keywords,
        fields: &[Field],
        defs: &[Def],
        exact: &[bool],
    ) -> Option<Vec<TokenStream>> {
        self.applicators(k, fields, defs, exact, 0)
    }

    fn applicators(
        &self,
        k: &Keywords,
        fields: &[Field],
        defs: &[Def],
        exact: &[bool],
        depth: usize,
    ) -> Option<Vec<TokenStream>> {
        let mut checks = Vec::new();
        for &target in k.reference.iter().chain(&k.all_of) {
            checks.push(self.condition(target, fields, defs, exact, depth + 1)?);
        }
        if let Some(test) = k.if_ {
            let test = self.condition(test, fields, defs, exact, depth + 1)?;
            let branch = |node: Option<NodeId>| match node {
                Some(node) => self.condition(node, fields, defs, exact, depth + 1),
                None => Some(quote! { true }),
            };
            let (then, otherwise) = (branch(k.then_)?, branch(k.else_)?);
            // In parentheses: the check may open a function body, where a leading `if` would be
            // a statement of its own.
            checks.push(quote! { (if #test { #then } else { #otherwise }) });
        }
        Some(checks)
    }

    /// Whether the object the struct was decoded from satisfies the schema at `node`, as an
    /// expression over `self`.
    fn condition(
        &self,
        node: NodeId,
        fields: &[Field],
        defs: &[Def],
        exact: &[bool],
        depth: usize,
    ) -> Option<TokenStream> {
        if depth > DEPTH {
            return None;
        }
        let k = self.keywords(node)?;
        let allowed = [
            "type",
            "properties",
            "required",
            "$ref",
            "allOf",
            "if",
            "then",
            "else",
        ];
        if !k.assertions().iter().all(|a| allowed.contains(a)) {
            return None;
        }
        if k.types
            .as_ref()
            .is_some_and(|t| !t.contains(&JsonType::Object))
        {
            return None;
        }
        let field = |wire: &str| fields.iter().find(|f| f.wire == wire);
        let mut checks = Vec::new();
        for name in &k.required {
            let field = field(name)?;
            if !field.required {
                let member = ident(&field.rust);
                checks.push(quote! { self.#member.is_some() });
            }
        }
        for (name, schema) in &k.properties {
            let field = field(name)?;
            let member = ident(&field.rust);
            if field.required {
                let member = quote!(self.#member);
                checks.extend(self.value_check(&field.ty, *schema, defs, exact, member, false)?);
            } else {
                let check = self.value_check(&field.ty, *schema, defs, exact, quote!(x), true)?;
                if !check.is_empty() {
                    let check = conjunction(check);
                    checks.push(quote! { self.#member.as_ref().is_none_or(|x| #check) });
                }
            }
        }
        checks.extend(self.applicators(k, fields, defs, exact, depth)?);
        Some(conjunction(checks))
    }
}
