//! `Paginated` for the request type of an endpoint whose `x-endpoint` has `pagination`: the
//! members it names are found in the types, so a name that matches no member of the right
//! kind is an error naming the request schema, not code that fails to compile.

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
        let field = |fields: &'_ Vec<Field>, wire: &str| {
            fields
                .iter()
                .find(|f| f.wire == wire)
                .map(|f| f.clone_shape())
        };
        let request_fields = fields_of(request_ty)
            .ok_or_else(|| fail("the request is not an object type".into()))?;
        let cursor = field(request_fields, &pagination.cursor)
            .filter(|(ty, required, _)| !required && *ty == Ty::BoundedStr(1, None))
            .ok_or_else(|| {
                fail(format!(
                    "the request has no optional, non-empty string member `{}`",
                    pagination.cursor
                ))
            })?;
        let success = match response_ty {
            Ty::Named(i) => match &defs[*i].body {
                DefBody::Discriminated { then, .. } => then.1.clone(),
                _ => response_ty.clone(),
            },
            _ => response_ty.clone(),
        };
        let success_fields =
            fields_of(&success).ok_or_else(|| fail("the success is not an object type".into()))?;
        let items = field(success_fields, &pagination.items)
            .and_then(|(ty, required, rust)| match ty {
                Ty::Vec(item) if required => Some((*item, rust)),
                _ => None,
            })
            .ok_or_else(|| {
                fail(format!(
                    "the success has no required list member `{}`",
                    pagination.items
                ))
            })?;
        let has_more = field(success_fields, &pagination.has_more)
            .filter(|(ty, required, _)| *required && *ty == Ty::Bool)
            .ok_or_else(|| {
                fail(format!(
                    "the success has no required boolean member `{}`",
                    pagination.has_more
                ))
            })?;
        let next_cursor = field(success_fields, &pagination.next_cursor)
            .filter(|(ty, required, _)| !required && *ty == Ty::String)
            .ok_or_else(|| {
                fail(format!(
                    "the success has no optional string member `{}`",
                    pagination.next_cursor
                ))
            })?;
        let request = self.ty_tokens(request_ty, defs);
        let item = self.ty_tokens(&items.0, defs);
        let success = self.ty_tokens(&success, defs);
        let (cursor, items, has_more, next_cursor) = (
            ident(&cursor.2),
            ident(&items.1),
            ident(&has_more.2),
            ident(&next_cursor.2),
        );
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
                        next_cursor: if success.#has_more {
                            success.#next_cursor
                        } else {
                            ::core::option::Option::None
                        },
                    }
                }
            }
        })
    }
}

impl Field {
    /// The field's type, whether it is required, and its Rust name.
    fn clone_shape(&self) -> (Ty, bool, String) {
        (self.ty.clone(), self.required, self.rust.clone())
    }
}
