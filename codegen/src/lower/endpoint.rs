//! A request root's `x-endpoint`: method, path, query parameters, where the request travels.

use crate::error::{Error, ErrorKind};
use crate::json::{Json, pointer_push};
use crate::load::Location;
use crate::model::{Endpoint, Pagination, QueryParameter, RequestIn};

use super::Lowerer;

impl Lowerer<'_> {
    /// The `x-endpoint` of the root at `at`, if it has one, checked member by member.
    pub(super) fn endpoint(&self, at: &Location, root: &str) -> Result<Option<Endpoint>, Error> {
        let Some(value) = self
            .registry
            .schema_at(at)
            .and_then(Json::as_object)
            .and_then(|m| m.get("x-endpoint"))
        else {
            return Ok(None);
        };
        let kw = "x-endpoint";
        let shape = "an object with string `method`, `base_url`, `path`, an optional `query` object of {required, description}, an optional `request_in` (`body` or `query`), an optional `response` file name, an optional `name` and an optional `pagination` object";
        let obj = value
            .as_object()
            .ok_or_else(|| self.expected(at, kw, shape))?;
        const MEMBERS: &[&str] = &[
            "method",
            "base_url",
            "path",
            "query",
            "request_in",
            "response",
            "name",
            "pagination",
        ];
        if let Some(unknown) = obj.keys().find(|k| !MEMBERS.contains(&k.as_str())) {
            let inside = Location {
                doc: at.doc,
                pointer: pointer_push(&at.pointer, kw),
            };
            let known = MEMBERS.join("`, `");
            let kind = ErrorKind::Invalid(format!(
                "unknown member `{unknown}` of x-endpoint (known: `{known}`)"
            ));
            return Err(self.error(&inside, unknown, kind));
        }
        let text = |name: &str| obj.get(name).and_then(Json::as_str).map(str::to_owned);
        let (Some(method), Some(base_url), Some(path)) =
            (text("method"), text("base_url"), text("path"))
        else {
            return Err(self.expected(at, kw, shape));
        };
        if !path.starts_with('/') {
            return Err(self.expected_in(at, &[kw, "path"], "a path starting with `/`"));
        }
        let mut query = Vec::new();
        if let Some(params) = obj.get("query") {
            let params = params
                .as_object()
                .ok_or_else(|| self.expected(at, kw, shape))?;
            for (name, param) in params {
                let param = param
                    .as_object()
                    .ok_or_else(|| self.expected(at, kw, shape))?;
                let required = match param.get("required") {
                    None => false,
                    Some(Json::Bool(b)) => *b,
                    Some(_) => return Err(self.expected(at, kw, shape)),
                };
                let description = param
                    .get("description")
                    .and_then(Json::as_str)
                    .map(str::to_owned);
                query.push(QueryParameter {
                    name: name.clone(),
                    required,
                    description,
                });
            }
        }
        let request_in = match obj.get("request_in").map(|v| v.as_str()) {
            None | Some(Some("body")) => RequestIn::Body,
            Some(Some("query")) => RequestIn::Query,
            Some(_) => {
                return Err(self.expected_in(at, &[kw, "request_in"], "`body` or `query`"));
            }
        };
        let response = match obj.get("response") {
            None => None,
            Some(Json::String(file)) => {
                let dir = self
                    .registry
                    .display(at.doc)
                    .parent()
                    .map(|p| p.to_path_buf())
                    .unwrap_or_default();
                let joined = dir.join(file);
                let name = joined.to_string_lossy().replace('\\', "/");
                Some(crate::schema_name(&name))
            }
            Some(_) => return Err(self.expected(at, kw, shape)),
        };
        let name = match obj.get("name") {
            None => {
                // The folder the request schema sits in: `meeting/rooms/get_info/request`.
                let folder = root.rsplit('/').nth(1).unwrap_or(root);
                crate::emit::names::camel(folder)
            }
            Some(Json::String(name)) if is_type_name(name) => name.clone(),
            Some(_) => {
                let expected = "an UpperCamelCase Rust identifier, such as `GetInfo`";
                return Err(self.expected(at, &format!("{kw}/name"), expected));
            }
        };
        let pagination = match obj.get("pagination") {
            None => None,
            Some(value) => Some(self.pagination(at, value)?),
        };
        Ok(Some(Endpoint {
            method,
            base_url,
            path,
            query,
            request_in,
            response,
            name,
            pagination,
        }))
    }

    /// `x-endpoint.pagination`: `items` (the success's list member), and the cursor members
    /// when they are not called `cursor`, `has_more` and `next_cursor`; `has_more` is `null`
    /// for a listing without one, whose last page has no or an empty `next_cursor`.
    fn pagination(&self, at: &Location, value: &Json) -> Result<Pagination, Error> {
        let kw = "x-endpoint/pagination";
        let shape = "an object with a string `items` (the member of a success that holds the list), optional strings `cursor` and `next_cursor`, and an optional `has_more`: a string, or null for a listing without one";
        let obj = value
            .as_object()
            .ok_or_else(|| self.expected(at, kw, shape))?;
        const MEMBERS: &[&str] = &["items", "cursor", "has_more", "next_cursor"];
        if obj.keys().any(|k| !MEMBERS.contains(&k.as_str())) {
            return Err(self.expected(at, kw, shape));
        }
        let member = |name: &str, default: Option<&str>| match obj.get(name) {
            Some(Json::String(s)) => Ok(s.clone()),
            None => default
                .map(str::to_owned)
                .ok_or_else(|| self.expected(at, kw, shape)),
            Some(_) => Err(self.expected(at, kw, shape)),
        };
        let has_more = match obj.get("has_more") {
            Some(Json::Null) => None,
            _ => Some(member("has_more", Some("has_more"))?),
        };
        Ok(Pagination {
            items: member("items", None)?,
            cursor: member("cursor", Some("cursor"))?,
            has_more,
            next_cursor: member("next_cursor", Some("next_cursor"))?,
        })
    }
}

/// Whether `name` can name a type: ASCII, UpperCamelCase, not a keyword.
fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name != "Self"
}
