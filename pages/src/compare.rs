//! The comparison: what a page documents against what the endpoint's schemas say.
//!
//! The conventions checked are those of `schema/` (see the crate's README): request members are
//! `properties` of an object with `required`; `access_token` travels in `x-endpoint.query`; a
//! response's success branch is reached through the root's `if`/`then` on `errcode` 0, and every
//! documented response member is required there, except `next_cursor`, required exactly when
//! `has_more` is true.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::differences::{At, Difference, Kind};
use crate::error::Error;
use crate::facts::{Location, Member, PageFacts, SideName};
use crate::schema::{Guard, Node, SchemaSet, View};

/// Judges a sample: `Ok` with the validation errors (none when valid) of the instance under the
/// named schema (such as `meeting/rooms/list/request`), or `Err` when the schema cannot be built.
pub type Judge<'a> = &'a dyn Fn(&str, &Value) -> Result<Vec<String>, String>;

/// The member the response contract requires only when `has_more` is true.
pub const NEXT_CURSOR: &str = "next_cursor";
/// The member whose truth makes [`NEXT_CURSOR`] required.
pub const HAS_MORE: &str = "has_more";

/// Every difference between the page's facts and the endpoint's schemas in `schemas`, sorted.
/// Samples are judged by `judge`. A missing or unreadable schema is a difference too.
#[must_use]
pub fn compare(facts: &PageFacts, schemas: &SchemaSet, judge: Judge<'_>) -> Vec<Difference> {
    let mut out = Vec::new();
    for side in SideName::BOTH {
        let name = format!("{}/{side}", facts.endpoint);
        let mut cx = Cx {
            facts,
            side,
            schemas,
            out: &mut out,
        };
        match schemas.root(&name) {
            Ok(None) => cx.push(
                At::Path(String::new()),
                Kind::MissingSchema,
                format!("{} documents the {side}", facts.source),
                format!(
                    "nothing: {} does not exist",
                    schemas.path_of(&name).display()
                ),
            ),
            Ok(Some(root)) => {
                if let Err(e) = cx.side(&root) {
                    cx.push(
                        At::Path(String::new()),
                        Kind::BrokenSchema,
                        "-".into(),
                        e.to_string(),
                    );
                }
                cx.samples(&name, judge);
            }
            Err(e) => {
                cx.push(
                    At::Path(String::new()),
                    Kind::BrokenSchema,
                    "-".into(),
                    e.to_string(),
                );
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

struct Cx<'a, 'o> {
    facts: &'a PageFacts,
    side: SideName,
    schemas: &'a SchemaSet,
    out: &'o mut Vec<Difference>,
}

impl Cx<'_, '_> {
    fn push(&mut self, at: At, kind: Kind, page: String, schema: String) {
        self.out.push(Difference {
            endpoint: self.facts.endpoint.clone(),
            side: self.side,
            at,
            kind,
            page,
            schema,
        });
    }

    fn diff(&mut self, path: &str, kind: Kind, page: String, schema: String) {
        self.push(At::Path(path.to_owned()), kind, page, schema);
    }

    fn members(&self) -> &[Member] {
        &self.facts.side(self.side).members
    }

    fn context(&self) -> Guard {
        match self.side {
            SideName::Request => Guard::new(),
            SideName::Response => vec![("errcode".to_owned(), json!(0))],
        }
    }

    fn side(&mut self, root: &Node) -> Result<(), Error> {
        let x_endpoint = root.value().get("x-endpoint").cloned();
        // Where the request travels: `x-endpoint.request_in` (what the generator reads), or
        // `x-endpoint.in`. When it is `query`, the schema's properties are the query parameters.
        let query_mode = x_endpoint.as_ref().is_some_and(|x| {
            ["request_in", "in"]
                .iter()
                .any(|key| x.get(*key).and_then(Value::as_str) == Some("query"))
        });
        if self.side == SideName::Request {
            self.endpoint(x_endpoint.as_ref());
        }
        let view = self
            .schemas
            .view(std::slice::from_ref(root), &self.context())?;
        let query = if query_mode {
            None
        } else {
            Some(x_endpoint.as_ref())
        };
        self.object(&view, "", query)
    }

    fn endpoint(&mut self, x_endpoint: Option<&Value>) {
        let facts = self.facts;
        let Some(x) = x_endpoint else {
            let page = format!("{} {}", facts.method, facts.path);
            return self.diff("", Kind::Endpoint, page, "no x-endpoint".into());
        };
        for (key, documented) in [("method", &facts.method), ("path", &facts.path)] {
            let schema = x.get(key).and_then(Value::as_str);
            if schema != Some(documented.as_str()) {
                let schema = schema.map_or("none".into(), |s| format!("`{s}`"));
                self.diff(
                    "",
                    Kind::Endpoint,
                    format!("{key} `{documented}`"),
                    format!("x-endpoint.{key} {schema}"),
                );
            }
        }
    }

    /// Checks the documented members directly under `prefix` against `view`. `query` is
    /// `Some(x-endpoint)` at a request's top level when query parameters live outside the body.
    fn object(
        &mut self,
        view: &View,
        prefix: &str,
        query: Option<Option<&Value>>,
    ) -> Result<(), Error> {
        let members: Vec<Member> = self
            .members()
            .iter()
            .filter(|m| {
                m.path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| !rest.contains(['.', '[']))
            })
            .cloned()
            .collect();
        let context = self.context();
        for member in &members {
            let name = &member.path[prefix.len()..];
            if member.location == Some(Location::Query)
                && let Some(x_endpoint) = query
            {
                self.query(member, name, view, x_endpoint);
                continue;
            }
            let Some(nodes) = view.properties.get(name) else {
                let ty = member.ty.as_deref().unwrap_or("a member");
                self.diff(
                    &member.path,
                    Kind::MissingMember,
                    ty.to_owned(),
                    "no such property".into(),
                );
                continue;
            };
            let member_view = self.schemas.view(nodes, &context)?;
            self.check_type(member, &member_view)?;
            self.required(member, name, view);
            self.values(member, &member_view)?;
            let array = member.ty.as_deref().is_some_and(|t| t.ends_with("[]"));
            let child_prefix = format!("{}{}.", member.path, if array { "[]" } else { "" });
            if self
                .members()
                .iter()
                .any(|m| m.path.starts_with(&child_prefix))
            {
                let object_view = if array {
                    self.schemas.view(&member_view.items, &context)?
                } else {
                    member_view
                };
                self.object(&object_view, &child_prefix, None)?;
            }
        }
        for name in view.properties.keys() {
            if !members.iter().any(|m| m.path[prefix.len()..] == *name) {
                let path = format!("{prefix}{name}");
                self.diff(
                    &path,
                    Kind::UndocumentedMember,
                    "nothing".into(),
                    "a property".into(),
                );
            }
        }
        if let Some(Some(x_endpoint)) = query {
            let keys: Vec<String> = x_endpoint
                .get("query")
                .and_then(Value::as_object)
                .map(|q| q.keys().cloned().collect())
                .unwrap_or_default();
            for key in keys {
                let documented = members
                    .iter()
                    .any(|m| m.path == key && m.location == Some(Location::Query));
                if !documented {
                    self.diff(
                        &key,
                        Kind::Query,
                        "no such query parameter".into(),
                        "x-endpoint.query has it".into(),
                    );
                }
            }
        }
        Ok(())
    }

    fn query(&mut self, member: &Member, name: &str, view: &View, x_endpoint: Option<&Value>) {
        if view.properties.contains_key(name) {
            self.diff(
                &member.path,
                Kind::Query,
                "a query parameter".into(),
                "a body property (the request travels in the body)".into(),
            );
        }
        let entry = x_endpoint
            .and_then(|x| x.get("query"))
            .and_then(|q| q.get(name));
        let Some(entry) = entry else {
            self.diff(
                &member.path,
                Kind::Query,
                "a query parameter".into(),
                "not in x-endpoint.query".into(),
            );
            return;
        };
        let schema = entry.get("required").and_then(Value::as_bool);
        if let (Some(page), Some(schema)) = (member.required, schema)
            && page != schema
        {
            self.diff(
                &member.path,
                Kind::Required,
                flag(Some(page)),
                format!("x-endpoint.query required {schema}"),
            );
        }
    }

    fn required(&mut self, member: &Member, name: &str, object: &View) {
        let always = object.required.contains(name);
        let when: Vec<&Guard> = object
            .conditional
            .iter()
            .filter(|(_, names)| names.contains(name))
            .map(|(guard, _)| guard)
            .collect();
        let schema = if always {
            "required".to_owned()
        } else if when.is_empty() {
            "not required".to_owned()
        } else {
            let guards: Vec<String> = when.iter().map(|g| guard_text(g)).collect();
            format!("required only when {}", guards.join(" or "))
        };
        let path = &member.path;
        match self.side {
            SideName::Request => {
                let differs = match member.required {
                    Some(page) => page != always,
                    None => always,
                };
                if differs {
                    self.diff(path, Kind::Required, flag(member.required), schema);
                }
            }
            SideName::Response if name == NEXT_CURSOR => {
                let has_more: Guard = vec![(HAS_MORE.to_owned(), json!(true))];
                if always || !when.iter().any(|g| **g == has_more) {
                    let page = format!("required when {} (contract)", guard_text(&has_more));
                    self.diff(path, Kind::Required, page, schema);
                }
            }
            SideName::Response => {
                if !always {
                    self.diff(
                        path,
                        Kind::Required,
                        "a member of the success response (contract: required)".into(),
                        schema,
                    );
                }
            }
        }
    }

    fn check_type(&mut self, member: &Member, view: &View) -> Result<(), Error> {
        let Some(ty) = &member.ty else { return Ok(()) };
        if !self.matches(ty, view, 0)? {
            let schema = self.describe(view, 0)?;
            self.diff(&member.path, Kind::Type, ty.clone(), schema);
        }
        Ok(())
    }

    fn matches(&self, ty: &str, view: &View, depth: usize) -> Result<bool, Error> {
        if depth > 16 {
            return Ok(false);
        }
        let Some(types) = effective_types(view) else {
            // No `type`: the type may come from alternatives (every branch of one of them must
            // match) or from a value set.
            for group in &view.alternatives {
                let mut all = !group.is_empty();
                for branch in group {
                    let branch = self
                        .schemas
                        .view(std::slice::from_ref(branch), &Guard::new())?;
                    all = all && self.matches(ty, &branch, depth + 1)?;
                }
                if all {
                    return Ok(true);
                }
            }
            let values = self.value_set(view)?.map(|(v, _)| v).unwrap_or_default();
            return Ok(!values.is_empty() && values.iter().all(|v| value_has_type(ty, v)));
        };
        let only = |t: &str| types.len() == 1 && types.contains(t);
        Ok(match ty {
            "string" => only("string"),
            "bool" => only("boolean"),
            "object" => only("object"),
            _ if integer_range(ty).is_some() => {
                let (lo, hi) = integer_range(ty).unwrap_or((0.0, 0.0));
                let bounded =
                    view.minimum.is_some_and(|m| m >= lo) && view.maximum.is_some_and(|m| m <= hi);
                let values = self.value_set(view)?.map(|(v, _)| v).unwrap_or_default();
                only("integer")
                    && (bounded
                        || (!values.is_empty() && values.iter().all(|v| value_has_type(ty, v))))
            }
            _ => match ty.strip_suffix("[]") {
                Some(item) if only("array") && !view.items.is_empty() => {
                    let items = self.schemas.view(&view.items, &Guard::new())?;
                    self.matches(item, &items, depth + 1)?
                }
                _ => false,
            },
        })
    }

    fn describe(&self, view: &View, depth: usize) -> Result<String, Error> {
        if depth > 8 {
            return Ok("…".into());
        }
        let Some(types) = effective_types(view) else {
            if let Some(group) = view.alternatives.first() {
                let mut parts = Vec::new();
                for branch in group {
                    let branch = self
                        .schemas
                        .view(std::slice::from_ref(branch), &Guard::new())?;
                    parts.push(self.describe(&branch, depth + 1)?);
                }
                return Ok(format!("one of [{}]", parts.join(" | ")));
            }
            return Ok(match self.value_set(view)? {
                Some((values, _)) => format!("values {}", list(&values)),
                None => "any type".into(),
            });
        };
        let mut text = types.iter().cloned().collect::<Vec<_>>().join(" or ");
        if text.is_empty() {
            text = "no type (contradictory `type`s)".into();
        }
        if types.contains("integer") || types.contains("number") {
            let bound = |b: Option<f64>| b.map_or("∞".to_owned(), |b| format!("{b}"));
            text.push_str(&format!(
                " {}..={}",
                bound(view.minimum),
                bound(view.maximum)
            ));
        }
        if types.contains("array") {
            let items = self.schemas.view(&view.items, &Guard::new())?;
            text.push_str(&format!(" of {}", self.describe(&items, depth + 1)?));
        }
        Ok(text)
    }

    /// The member's value set: an `enum`, a `oneOf`/`anyOf` whose branches are all `const`s or
    /// `enum`s, or a lone `const` (marked `true`: a condition such as `errcode` 0 in a success
    /// branch, not a documented list).
    fn value_set(&self, view: &View) -> Result<Option<(Vec<Value>, bool)>, Error> {
        if let Some(first) = view.enums.first() {
            let values = first
                .iter()
                .filter(|v| view.enums.iter().all(|e| e.contains(v)))
                .filter(|v| view.consts.iter().all(|c| c == *v))
                .cloned()
                .collect();
            return Ok(Some((values, false)));
        }
        for group in &view.alternatives {
            let mut values = Vec::new();
            let mut all = !group.is_empty();
            for branch in group {
                let branch = self
                    .schemas
                    .view(std::slice::from_ref(branch), &Guard::new())?;
                match (branch.consts.as_slice(), branch.enums.as_slice()) {
                    ([c], []) => values.push(c.clone()),
                    ([], [e]) => values.extend(e.iter().cloned()),
                    _ => all = false,
                }
            }
            if all {
                return Ok(Some((values, false)));
            }
        }
        Ok(view.consts.first().map(|c| (vec![c.clone()], true)))
    }

    fn values(&mut self, member: &Member, view: &View) -> Result<(), Error> {
        let schema = self.value_set(view)?;
        let page = member.values.as_deref();
        let full_bool = |values: &[Value]| {
            member.ty.as_deref() == Some("bool")
                && values.contains(&json!(true))
                && values.contains(&json!(false))
        };
        let (page_text, schema_text) = match (page, schema) {
            (None, None) | (None, Some((_, true))) => return Ok(()),
            (None, Some((values, false))) => {
                ("no values".to_owned(), format!("values {}", list(&values)))
            }
            (Some(page), None) if full_bool(page) => return Ok(()),
            (Some(page), None) => (format!("values {}", list(page)), "no value set".to_owned()),
            (Some(page), Some((values, _))) => {
                let same = page.iter().all(|v| values.contains(v))
                    && values.iter().all(|v| page.contains(v));
                if same {
                    return Ok(());
                }
                (
                    format!("values {}", list(page)),
                    format!("values {}", list(&values)),
                )
            }
        };
        self.diff(&member.path, Kind::Values, page_text, schema_text);
        Ok(())
    }

    fn samples(&mut self, name: &str, judge: Judge<'_>) {
        let samples = self.facts.side(self.side).samples.clone();
        for (index, sample) in samples.iter().enumerate() {
            let at = At::Sample(index);
            match (&sample.value, sample.parses) {
                (Some(value), true) => match judge(name, value) {
                    Ok(errors) if errors.is_empty() => {}
                    Ok(errors) => self.push(
                        at,
                        Kind::SampleInvalid,
                        "a sample".into(),
                        format!("invalid: {}", errors.join("; ")),
                    ),
                    Err(e) => self.push(at, Kind::BrokenSchema, "a sample".into(), e),
                },
                _ => {
                    let error = sample.error.clone().unwrap_or_default();
                    self.push(
                        at,
                        Kind::SampleNotJson,
                        format!("a sample that is not JSON ({error})"),
                        "-".into(),
                    );
                }
            }
        }
    }
}

/// The intersection of every `type` met, `None` when there is none.
fn effective_types(view: &View) -> Option<BTreeSet<String>> {
    let mut sets = view.types.iter();
    let first = sets.next()?.clone();
    Some(sets.fold(first, |acc, set| acc.intersection(set).cloned().collect()))
}

fn integer_range(ty: &str) -> Option<(f64, f64)> {
    match ty {
        "uint32" => Some((0.0, f64::from(u32::MAX))),
        "int32" => Some((f64::from(i32::MIN), f64::from(i32::MAX))),
        _ => None,
    }
}

fn value_has_type(ty: &str, value: &Value) -> bool {
    match (ty, value) {
        ("string", Value::String(_)) | ("bool", Value::Bool(_)) => true,
        (_, Value::Number(n)) => integer_range(ty).is_some_and(|(lo, hi)| {
            n.as_i64().is_some_and(|i| {
                #[allow(clippy::cast_precision_loss)] // 32-bit ranges are exact in f64
                let f = i as f64;
                (lo..=hi).contains(&f)
            })
        }),
        _ => false,
    }
}

fn flag(required: Option<bool>) -> String {
    match required {
        Some(true) => "必须 是".into(),
        Some(false) => "必须 否".into(),
        None => "no 必须".into(),
    }
}

fn guard_text(guard: &Guard) -> String {
    let parts: Vec<String> = guard.iter().map(|(k, v)| format!("{k} is {v}")).collect();
    parts.join(" and ")
}

fn list(values: &[Value]) -> String {
    let parts: Vec<String> = values.iter().map(Value::to_string).collect();
    format!("[{}]", parts.join(", "))
}
