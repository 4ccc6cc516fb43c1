//! `Paginated` for the request type of an endpoint whose `x-endpoint` has `pagination`: the
//! members it names are found in the types, so a name that matches no member of the right
//! kind is an error naming the request schema, not code that fails to compile. A listing
//! without `has_more` (`"has_more": null`) ends on an absent or empty next cursor.

use super::*;
use crate::error::ErrorKind;
use crate::model::{Pagination, Root};

impl TypeCx<'_> {
    /// The `impl Paginated` of request `root` (typed as `request_ty`), whose response root is
    /// typed as `response_ty`; printed in the request's module (`self.here`).
    pub(super) fn paginated_impl(
        &self,
        root: &Root,
        pagination: &Pagination,
        request_ty: &Ty,
        response_ty: &Ty,
        defs: &[Def],
    ) -> Result<TokenStream, Error> {
        let fail = |what: String| {
            let file = format!("{}.schema.json", root.name);
            let kind = ErrorKind::Invalid(what);
            Error::new(file, "/x-endpoint/pagination", kind)
        };
        let fields_of = |ty: &Ty| match ty {
            Ty::Named(i) => match &defs[*i].body {
                DefBody::Struct { fields, .. } => Some(fields),
                _ => None,
            },
            _ => None,
        };
        // The member `wire` of `fields` (of `whose`), which must be `required` or not and of a
        // type `kind` accepts (named by `expected`); its type and Rust name, or an error that
        // says what was found instead.
        let member = |fields: &[Field],
                      whose: &str,
                      wire: &str,
                      required: bool,
                      expected: &str,
                      kind: &dyn Fn(&Ty) -> bool| {
            let want = if required { "required" } else { "optional" };
            let found = match fields.iter().find(|f| f.wire == wire) {
                None => "no such member".to_owned(),
                Some(f) if !kind(&f.ty) => "a member of another type".to_owned(),
                Some(f) if f.required != required => {
                    format!("a {} one", if f.required { "required" } else { "optional" })
                }
                Some(f) => return Ok((f.ty.clone(), f.rust.clone())),
            };
            Err(fail(format!(
                "expected the {whose} to have a {want} {expected} member `{wire}`, found {found}"
            )))
        };
        let request_fields = fields_of(request_ty)
            .ok_or_else(|| fail("expected the request to be an object type".into()))?;
        let cursor = member(
            request_fields,
            "request",
            &pagination.cursor,
            false,
            "non-empty string",
            &|ty| *ty == Ty::BoundedStr(1, None),
        )?;
        let success = match response_ty {
            Ty::Named(i) => match &defs[*i].body {
                DefBody::Discriminated { then, .. } => then.1.clone(),
                _ => response_ty.clone(),
            },
            _ => response_ty.clone(),
        };
        let success_fields = fields_of(&success)
            .ok_or_else(|| fail("expected the success to be an object type".into()))?;
        let items = member(
            success_fields,
            "success",
            &pagination.items,
            true,
            "list",
            &|ty| matches!(ty, Ty::Vec(_)),
        )?;
        let Ty::Vec(item) = &items.0 else {
            unreachable!("the member is a list")
        };
        let has_more = match &pagination.has_more {
            Some(wire) => Some(member(
                success_fields,
                "success",
                wire,
                true,
                "boolean",
                &|ty| *ty == Ty::Bool,
            )?),
            None => None,
        };
        let next_cursor = member(
            success_fields,
            "success",
            &pagination.next_cursor,
            false,
            "string",
            &|ty| *ty == Ty::String,
        )?;
        let request = self.ty_tokens(request_ty, defs);
        let item = self.ty_tokens(item, defs);
        let success = self.ty_tokens(&success, defs);
        let (cursor, items, next_cursor) =
            (ident(&cursor.1), ident(&items.1), ident(&next_cursor.1));
        // With `has_more`, its `false` ends the list; without it, an absent or empty cursor does.
        let next = match has_more {
            Some((_, has_more)) => {
                let has_more = ident(&has_more);
                quote! {
                    if success.#has_more {
                        success.#next_cursor
                    } else {
                        ::core::option::Option::None
                    }
                }
            }
            None => quote! {
                success.#next_cursor.filter(|cursor| !cursor.is_empty())
            },
        };
        Ok(quote! {
            impl ::wecom_rooms_runtime::Paginated for #request {
                type Item = #item;
                fn at_cursor(&self, cursor: ::wecom_rooms_runtime::NonEmptyString) -> Self {
                    let mut next = self.clone();
                    next.#cursor = ::core::option::Option::Some(cursor);
                    next
                }
                fn page(success: #success) -> ::wecom_rooms_runtime::Page<#item> {
                    ::wecom_rooms_runtime::Page {
                        items: success.#items,
                        next_cursor: #next,
                    }
                }
            }
        })
    }
}
