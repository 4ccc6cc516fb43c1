//! The comparison: what an endpoint's pages document against what its schemas say.
//!
//! The conventions checked are those of `schema/` (see the crate's README): request members are
//! `properties` of an object with `required`; `access_token` travels in `x-endpoint.query`; a
//! response's success branch is reached through the root's `if`/`then` on `errcode` 0.
//!
//! An endpoint may have two current pages (the meeting paths: 预约会议基础管理 and 高级管理). The
//! schema describes the union of their tables, so a member documented on one page only is no
//! difference; a schema member no page documents is. Each page's members, types, 必须, values
//! and samples are held against the schema on their own, and such a difference names its page's
//! doc id. Responses: a success requires every member that every page of the endpoint documents
//! (every page that documents its parent, for a nested member) and none marks 否; the rest are
//! optional. `next_cursor` is required exactly when `has_more` is
//! true where the page documents `has_more`, and optional where it does not (an absent cursor
//! ends the listing).

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

/// Every difference between one page's facts and its endpoint's schemas in `schemas`, sorted,
/// as if the page were its endpoint's only one. Samples are judged by `judge`.
#[must_use]
pub fn compare(facts: &PageFacts, schemas: &SchemaSet, judge: Judge<'_>) -> Vec<Difference> {
    compare_endpoint(&[facts], schemas, judge)
}

/// Every difference between the fact files `facts` and the schemas, endpoint by endpoint (the
/// pages of one endpoint together), sorted.
#[must_use]
pub fn compare_all(facts: &[PageFacts], schemas: &SchemaSet, judge: Judge<'_>) -> Vec<Difference> {
    let endpoints: BTreeSet<&str> = facts.iter().map(|f| f.endpoint.as_str()).collect();
    let mut out: Vec<Difference> = endpoints
        .into_iter()
        .flat_map(|endpoint| {
            let pages: Vec<&PageFacts> = facts.iter().filter(|f| f.endpoint == endpoint).collect();
            compare_endpoint(&pages, schemas, judge)
        })
        .collect();
    out.sort();
    out
}

/// Every difference between the pages of one endpoint (`pages`, not empty, all of one
/// endpoint) and its request and response schemas, sorted. A missing or unreadable schema is a
/// difference too.
#[must_use]
pub fn compare_endpoint(
    pages: &[&PageFacts],
    schemas: &SchemaSet,
    judge: Judge<'_>,
) -> Vec<Difference> {
    let mut out = Vec::new();
    let Some(first) = pages.first() else {
        return out;
    };
    for side in SideName::BOTH {
        let name = format!("{}/{side}", first.endpoint);
        let mut cx = Cx {
            pages,
            side,
            schemas,
            out: &mut out,
        };
        match schemas.root(&name) {
            Ok(None) => {
                let sources: Vec<&str> = pages.iter().map(|p| p.source.as_str()).collect();
                cx.push(
                    None,
                    At::Path(String::new()),
                    Kind::MissingSchema,
                    format!("{} documents the {side}", sources[0]),
                    format!(
                        "nothing: {} does not exist",
                        schemas.path_of(&name).display()
                    ),
                );
            }
            Ok(Some(root)) => {
                if let Err(e) = cx.side(&root) {
                    cx.push(
                        None,
                        At::Path(String::new()),
                        Kind::BrokenSchema,
                        "-".into(),
                        e.to_string(),
                    );
                }
                cx.orphans();
                cx.samples(&name, judge);
            }
            Err(e) => {
                cx.push(
                    None,
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
    pages: &'a [&'a PageFacts],
    side: SideName,
    schemas: &'a SchemaSet,
    out: &'o mut Vec<Difference>,
}

/// One member as each page documents it (`None` where a page does not).
type Entries<'a> = Vec<(&'a PageFacts, Option<&'a Member>)>;

impl<'a> Cx<'a, '_> {
    /// Records a difference; `page` is the page it belongs to, `None` for the endpoint as a
    /// whole.
    fn push(&mut self, page: Option<&PageFacts>, at: At, kind: Kind, said: String, schema: String) {
        self.out.push(Difference {
            endpoint: self.pages[0].endpoint.clone(),
            doc: page.and_then(|p| p.doc.clone()),
            side: self.side,
            at,
            kind,
            page: said,
            schema,
        });
    }

    fn diff(
        &mut self,
        page: Option<&PageFacts>,
        path: &str,
        kind: Kind,
        said: String,
        schema: String,
    ) {
        self.push(page, At::Path(path.to_owned()), kind, said, schema);
    }

    fn members(&self, page: &'a PageFacts) -> &'a [Member] {
        &page.side(self.side).members
    }

    /// Each page with its member at `path`.
    fn entries(&self, path: &str) -> Entries<'a> {
        let side = self.side;
        self.pages
            .iter()
            .map(|p| (*p, p.side(side).members.iter().find(|m| m.path == path)))
            .collect()
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
            for page in self.pages {
                self.endpoint(page, x_endpoint.as_ref());
            }
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

    fn endpoint(&mut self, page: &PageFacts, x_endpoint: Option<&Value>) {
        let Some(x) = x_endpoint else {
            let said = format!("{} {}", page.method, page.path);
            return self.diff(Some(page), "", Kind::Endpoint, said, "no x-endpoint".into());
        };
        for (key, documented) in [("method", &page.method), ("path", &page.path)] {
            let schema = x.get(key).and_then(Value::as_str);
            if schema != Some(documented.as_str()) {
                let schema = schema.map_or("none".into(), |s| format!("`{s}`"));
                self.diff(
                    Some(page),
                    "",
                    Kind::Endpoint,
                    format!("{key} `{documented}`"),
                    format!("x-endpoint.{key} {schema}"),
                );
            }
        }
    }

    /// A member whose path goes through a member its page does not document (a dotted row
    /// naming a parent no row has, such as 98149's `current_host.userid` under `current_hosts`)
    /// is never reached by the walk from the top: it is a documented member the schema lacks.
    fn orphans(&mut self) {
        for page in self.pages {
            let members = self.members(page);
            for member in members {
                let Some((parent, _)) = member.path.rsplit_once('.') else {
                    continue;
                };
                let parent = parent.strip_suffix("[]").unwrap_or(parent);
                if !members.iter().any(|m| m.path == parent) {
                    self.diff(
                        Some(page),
                        &member.path,
                        Kind::MissingMember,
                        format!("a member of `{parent}`, which no row of the page documents"),
                        "no such property".into(),
                    );
                }
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
        // Every page's names at this level, in page order: the schema holds their union.
        let mut names: Vec<String> = Vec::new();
        for page in self.pages {
            for member in self.members(page) {
                let Some(rest) = member.path.strip_prefix(prefix) else {
                    continue;
                };
                if !rest.contains(['.', '[']) && !names.iter().any(|n| n == rest) {
                    names.push(rest.to_owned());
                }
            }
        }
        let context = self.context();
        for name in &names {
            let path = format!("{prefix}{name}");
            let entries = self.entries(&path);
            let documented = || entries.iter().filter_map(|(p, m)| m.map(|m| (*p, m)));
            let in_query = documented().any(|(_, m)| m.location == Some(Location::Query));
            if in_query && let Some(x_endpoint) = query {
                for (page, member) in documented() {
                    self.query(page, member, name, view, x_endpoint);
                }
                continue;
            }
            let Some(nodes) = view.properties.get(name) else {
                for (page, member) in documented() {
                    let ty = member.ty.as_deref().unwrap_or("a member");
                    self.diff(
                        Some(page),
                        &path,
                        Kind::MissingMember,
                        ty.to_owned(),
                        "no such property".into(),
                    );
                }
                continue;
            };
            let member_view = self.schemas.view(nodes, &context)?;
            let listed = documented().any(|(_, m)| m.values.is_some());
            for (page, member) in documented() {
                self.check_type(page, member, &member_view)?;
                if member.values.is_some() {
                    self.values(
                        Some(page),
                        member.values.as_deref(),
                        &path,
                        member,
                        &member_view,
                    )?;
                }
            }
            if !listed && let Some((_, member)) = documented().next() {
                self.values(None, None, &path, member, &member_view)?;
            }
            self.required(name, &path, view, &entries);
            // The walk goes on below wherever a page documents members: `path.` for an object,
            // `path[].` for the items of a list (the fact paths say which).
            for (step, items) in [(".", false), ("[].", true)] {
                let child_prefix = format!("{path}{step}");
                let has_children = documented().any(|_| true)
                    && self.pages.iter().any(|p| {
                        self.members(p)
                            .iter()
                            .any(|m| m.path.starts_with(&child_prefix))
                    });
                if has_children {
                    let object_view = if items {
                        self.schemas.view(&member_view.items, &context)?
                    } else {
                        member_view.clone()
                    };
                    self.object(&object_view, &child_prefix, None)?;
                }
            }
        }
        for name in view.properties.keys() {
            if !names.contains(name) {
                let path = format!("{prefix}{name}");
                self.diff(
                    None,
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
                let documented = self.pages.iter().any(|p| {
                    self.members(p)
                        .iter()
                        .any(|m| m.path == key && m.location == Some(Location::Query))
                });
                if !documented {
                    self.diff(
                        None,
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

    fn query(
        &mut self,
        page: &PageFacts,
        member: &Member,
        name: &str,
        view: &View,
        x_endpoint: Option<&Value>,
    ) {
        if view.properties.contains_key(name) {
            self.diff(
                Some(page),
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
                Some(page),
                &member.path,
                Kind::Query,
                "a query parameter".into(),
                "not in x-endpoint.query".into(),
            );
            return;
        };
        let schema = entry.get("required").and_then(Value::as_bool);
        if let (Some(said), Some(schema)) = (member.required, schema)
            && said != schema
        {
            self.diff(
                Some(page),
                &member.path,
                Kind::Required,
                flag(Some(said)),
                format!("x-endpoint.query required {schema}"),
            );
        }
    }

    fn required(&mut self, name: &str, path: &str, object: &View, entries: &Entries<'_>) {
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
        match self.side {
            SideName::Request => {
                for (page, member) in entries {
                    let Some(member) = member else { continue };
                    let differs = match member.required {
                        Some(said) => said != always,
                        None => always,
                    };
                    if differs {
                        self.diff(
                            Some(page),
                            path,
                            Kind::Required,
                            flag(member.required),
                            schema.clone(),
                        );
                    }
                }
            }
            SideName::Response if name == NEXT_CURSOR => {
                let has_more_documented = object.properties.contains_key(HAS_MORE)
                    && entries.iter().any(|(page, _)| {
                        let sibling = path.strip_suffix(NEXT_CURSOR).unwrap_or("");
                        let has_more = format!("{sibling}{HAS_MORE}");
                        self.members(page).iter().any(|m| m.path == has_more)
                    });
                let has_more: Guard = vec![(HAS_MORE.to_owned(), json!(true))];
                let (fine, said) = if has_more_documented {
                    (
                        !always && when.iter().any(|g| **g == has_more),
                        format!("required when {} (contract)", guard_text(&has_more)),
                    )
                } else {
                    (
                        !always && when.is_empty(),
                        "optional: no has_more, an absent cursor ends the listing (contract)"
                            .to_owned(),
                    )
                };
                if !fine {
                    self.diff(None, path, Kind::Required, said, schema);
                }
            }
            SideName::Response => {
                // Where the member's parent is documented by some pages only (get_info's
                // `guests`, 高级 only), "every page" means every page that documents the parent.
                let parent = path
                    .strip_suffix(name)
                    .unwrap_or("")
                    .trim_end_matches('.')
                    .trim_end_matches("[]");
                let everywhere = entries
                    .iter()
                    .filter(|(page, _)| {
                        parent.is_empty() || self.members(page).iter().any(|m| m.path == parent)
                    })
                    .all(|(_, m)| m.is_some());
                let marked_optional = entries
                    .iter()
                    .any(|(_, m)| m.is_some_and(|m| m.required == Some(false)));
                let expected = everywhere && !marked_optional;
                if always != expected {
                    let said = if expected {
                        "a member every page documents (contract: required)"
                    } else if marked_optional {
                        "a member a page marks 否 (contract: optional)"
                    } else {
                        "a member only some pages document (contract: optional)"
                    };
                    self.diff(None, path, Kind::Required, said.into(), schema);
                }
            }
        }
    }

    fn check_type(&mut self, page: &PageFacts, member: &Member, view: &View) -> Result<(), Error> {
        let Some(ty) = &member.ty else { return Ok(()) };
        if !self.matches(ty, view, 0)? {
            let schema = self.describe(view, 0)?;
            self.diff(Some(page), &member.path, Kind::Type, ty.clone(), schema);
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

    /// Holds `listed` (the values a page lists, `None` when no page of the endpoint lists any)
    /// against the schema's value set, which for a list is its items'.
    fn values(
        &mut self,
        page: Option<&PageFacts>,
        listed: Option<&[Value]>,
        path: &str,
        member: &Member,
        view: &View,
    ) -> Result<(), Error> {
        let items;
        let view = if effective_types(view).is_some_and(|t| t.len() == 1 && t.contains("array")) {
            items = self.schemas.view(&view.items, &Guard::new())?;
            &items
        } else {
            view
        };
        let schema = self.value_set(view)?;
        let full_bool = |values: &[Value]| {
            member.ty.as_deref() == Some("bool")
                && values.contains(&json!(true))
                && values.contains(&json!(false))
        };
        let (page_text, schema_text) = match (listed, schema) {
            (None, None) | (None, Some((_, true))) => return Ok(()),
            (None, Some((values, false))) => {
                ("no values".to_owned(), format!("values {}", list(&values)))
            }
            (Some(listed), None) if full_bool(listed) => return Ok(()),
            (Some(listed), None) => (
                format!("values {}", list(listed)),
                "no value set".to_owned(),
            ),
            (Some(listed), Some((values, _))) => {
                let same = listed.iter().all(|v| values.contains(v))
                    && values.iter().all(|v| listed.contains(v));
                if same {
                    return Ok(());
                }
                (
                    format!("values {}", list(listed)),
                    format!("values {}", list(&values)),
                )
            }
        };
        self.diff(page, path, Kind::Values, page_text, schema_text);
        Ok(())
    }

    fn samples(&mut self, name: &str, judge: Judge<'_>) {
        for page in self.pages {
            self.page_samples(page, name, judge);
        }
    }

    fn page_samples(&mut self, page: &PageFacts, name: &str, judge: Judge<'_>) {
        let samples = &page.side(self.side).samples;
        for (index, sample) in samples.iter().enumerate() {
            let at = At::Sample(index);
            match (&sample.value, sample.parses) {
                (Some(value), true) => match judge(name, value) {
                    Ok(errors) if errors.is_empty() => {}
                    Ok(errors) => self.push(
                        Some(page),
                        at,
                        Kind::SampleInvalid,
                        "a sample".into(),
                        format!("invalid: {}", errors.join("; ")),
                    ),
                    Err(e) => self.push(Some(page), at, Kind::BrokenSchema, "a sample".into(), e),
                },
                _ => {
                    let error = sample.error.clone().unwrap_or_default();
                    self.push(
                        Some(page),
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
