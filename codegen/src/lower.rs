//! Lowering: schema JSON → [`Model`]. Every keyword is checked here: a value of the wrong shape,
//! a keyword the generator does not support, or a `$ref` that resolves nowhere is an error naming
//! the file and the JSON pointer. Nothing is dropped silently.
//!
//! Each schema is read in its dialect (`dialect.rs`): a keyword its draft does not define is
//! unknown there, and the older drafts' keywords are lowered onto the 2020-12 model with their
//! own semantics (`dependencies`, array-form `items` with `additionalItems`, draft 4's boolean
//! exclusive bounds, a `$ref` that overrides its siblings before 2019-09). Dynamic references
//! (`$dynamicRef`, 2019-09's `$recursiveRef`) become static ones by lowering a schema once per
//! dynamic scope that matters (`lower/dynamic.rs`).

mod cycles;
mod dynamic;
mod endpoint;
mod unknown;

use std::collections::HashMap;

use serde_json::Number;

use crate::dialect::{Dialect, Vocabulary};
use crate::error::{Error, ErrorKind, Warning};
use crate::json::{Json, pointer_push};
use crate::load::{Location, Registry};
use crate::model::{DependentKeyword, JsonType, Keywords, Model, Node, NodeId, Root, Schema};
use cycles::check_in_place_cycles;
use dynamic::{ContextId, Dynamic};

/// Why a boolean where draft 4 expects a schema is refused.
const DRAFT4_BOOLEAN: &str = "draft-04 has no boolean schemas: only `additionalProperties` and `additionalItems` take `true` or `false`; write `{}` or `{\"not\": {}}`";

/// What to do with a keyword that the schema's draft does not define and that is not an `x-`
/// extension. The specification reads such a keyword as an annotation: it neither checks nor
/// applies anything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnknownKeywords {
    /// Read it as an annotation and report each distinct one once as a [`Warning`](crate::Warning)
    /// (its first file and pointer, and how many places have it); but refuse one that is a
    /// near-miss of a keyword the draft defines (`requried`, `additionalProperty`), naming that
    /// keyword: a typo would otherwise silently change nothing.
    #[default]
    Warn,
    /// Refuse every one (CLI `--deny-unknown-keywords`): for schemas you write yourself.
    Reject,
    /// Read every one as an annotation, typos included, and say nothing.
    Ignore,
}

/// The formats `wecom-rooms-runtime` checks (feature `format`), each by a function named after
/// it (`date-time` → `date_time`). Any other format stays an annotation, as the specification
/// asks of formats an implementation does not know.
pub(crate) const ASSERTED_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "uuid",
    "regex",
    "json-pointer",
    "relative-json-pointer",
];

pub(crate) struct Lowerer<'r> {
    registry: &'r mut Registry,
    model: Model,
    /// The node of each schema location in each dynamic context it is lowered in.
    seen: HashMap<(Location, ContextId), NodeId>,
    /// Reserved nodes whose keywords are still to be lowered, with their context.
    pending: Vec<(NodeId, ContextId)>,
    /// The context of the node whose keywords are being lowered.
    current: ContextId,
    dynamic: Dynamic,
    /// The roots added so far (name, document), lowered again if `dynamic` turns stale.
    roots: Vec<(String, usize)>,
    unknown_keywords: UnknownKeywords,
    /// The unknown keywords read as annotations, for warnings.
    unknowns: unknown::Unknowns,
    /// Keywords named as annotations ([`crate::Config::annotation_keyword`]): never refused
    /// or reported.
    annotation_keywords: Vec<String>,
    /// Whether a known `format` is an assertion (see [`ASSERTED_FORMATS`]).
    assert_formats: bool,
}

impl<'r> Lowerer<'r> {
    /// A lowerer for a run of `roots` root schemas.
    pub fn new(
        registry: &'r mut Registry,
        unknown_keywords: UnknownKeywords,
        annotation_keywords: Vec<String>,
        assert_formats: bool,
        roots: usize,
    ) -> Self {
        Lowerer {
            registry,
            model: Model::default(),
            seen: HashMap::new(),
            pending: Vec::new(),
            current: 0,
            dynamic: Dynamic::default(),
            roots: Vec::with_capacity(roots),
            unknown_keywords,
            unknowns: unknown::Unknowns::default(),
            annotation_keywords,
            assert_formats,
        }
    }

    /// Lowers the document `doc` as the root schema called `name`.
    pub fn add_root(&mut self, name: String, doc: usize) -> Result<(), Error> {
        self.roots.push((name.clone(), doc));
        let result = self.lower_root(name, doc);
        if !self.dynamic.stale {
            return result;
        }
        // A document loaded on the way asks for an anchor name that the contexts made so far
        // do not bind: every root again, now that the names are known (they are finitely many).
        loop {
            self.model = Model::default();
            self.seen.clear();
            self.pending.clear();
            self.unknowns.clear();
            self.dynamic.restart();
            let mut result = Ok(());
            for (name, doc) in self.roots.clone() {
                result = self.lower_root(name, doc);
                if result.is_err() || self.dynamic.stale {
                    break;
                }
            }
            if !self.dynamic.stale {
                return result;
            }
        }
    }

    fn lower_root(&mut self, name: String, doc: usize) -> Result<(), Error> {
        let location = Location {
            doc,
            pointer: String::new(),
        };
        // Every dynamic scope starts at a root.
        self.current = 0;
        let node = self.lower(location.clone())?;
        self.drain()?;
        let endpoint = self.endpoint(&location, &name)?;
        let root = self.registry.schema_at(&location).and_then(Json::as_object);
        let text = |key: &str| {
            root.and_then(|r| r.get(key))
                .and_then(Json::as_str)
                .map(str::to_owned)
        };
        let examples = match root.and_then(|r| r.get("examples")) {
            Some(Json::Array(items)) => items.iter().map(|e| e.to_text(true)).collect(),
            _ => Vec::new(),
        };
        self.model.roots.push(Root {
            name,
            node,
            title: text("title"),
            description: text("description"),
            examples,
            endpoint,
        });
        Ok(())
    }

    /// The model, with the warnings of the run.
    pub fn finish(self) -> Result<(Model, Vec<Warning>), Error> {
        check_in_place_cycles(&self.model)?;
        Ok((self.model, self.unknowns.into_warnings()))
    }

    fn error(&self, location: &Location, keyword: &str, kind: ErrorKind) -> Error {
        let path: &[&str] = if keyword.is_empty() { &[] } else { &[keyword] };
        self.error_in(location, path, kind)
    }

    /// An error at `path` (tokens, each escaped here) below `location`.
    fn error_in(&self, location: &Location, path: &[&str], kind: ErrorKind) -> Error {
        let pointer = path
            .iter()
            .fold(location.pointer.clone(), |p, token| pointer_push(&p, token));
        Error::new(self.registry.display(location.doc), pointer, kind)
    }

    fn expected(&self, location: &Location, keyword: &str, expected: &'static str) -> Error {
        self.expected_in(location, &[keyword], expected)
    }

    /// The value at `path` below `location` is not what `expected` says: the error names what
    /// it is instead.
    fn expected_in(&self, location: &Location, path: &[&str], expected: &'static str) -> Error {
        let pointer = path
            .iter()
            .fold(location.pointer.clone(), |p, token| pointer_push(&p, token));
        let found = self
            .registry
            .schema_at(&Location {
                doc: location.doc,
                pointer,
            })
            .map_or_else(|| "nothing".to_owned(), Json::describe);
        self.found_in(location, path, expected, found)
    }

    fn found_in(
        &self,
        location: &Location,
        path: &[&str],
        expected: &'static str,
        found: String,
    ) -> Error {
        let kind = ErrorKind::InvalidKeyword {
            keyword: path.join("/"),
            expected,
            found,
        };
        self.error_in(location, path, kind)
    }

    /// The node for the schema at `location` in the current dynamic context: reserved now, its
    /// keywords lowered by [`Lowerer::drain`]. Subschemas go on a work list rather than the call
    /// stack, so a chain of thousands of `$ref`s cannot overflow it.
    fn lower(&mut self, location: Location) -> Result<NodeId, Error> {
        self.lower_as(location, false)
    }

    /// [`Lowerer::lower`], where `boolean_ok` says whether a draft-04 boolean is accepted there
    /// (as the value of `additionalProperties` or `additionalItems`).
    fn lower_as(&mut self, location: Location, boolean_ok: bool) -> Result<NodeId, Error> {
        let Some(schema) = self.registry.schema_at(&location) else {
            return Err(self.error(&location, "", ErrorKind::Invalid("no schema here".into())));
        };
        if !boolean_ok
            && matches!(schema, Json::Bool(_))
            && self.registry.scope_at(&location).dialect == Dialect::Draft4
        {
            return Err(self.error(&location, "", ErrorKind::Invalid(DRAFT4_BOOLEAN.into())));
        }
        let context = self.enter(&location);
        let key = (location, context);
        if let Some(&id) = self.seen.get(&key) {
            return Ok(id);
        }
        let (location, context) = key;
        self.count_copy(&location)?;
        let id = NodeId(self.model.nodes.len());
        let display = format!(
            "{}#{}",
            self.registry.display(location.doc).display(),
            location.pointer
        );
        let def_name = def_name(&location.pointer);
        self.model.nodes.push(Node {
            location: location.clone(),
            display,
            def_name,
            schema: Schema::Bool(true),
        });
        self.seen.insert((location, context), id);
        self.pending.push((id, context));
        Ok(id)
    }

    /// Lowers the keywords of every reserved node, and of the nodes they reserve in turn.
    fn drain(&mut self) -> Result<(), Error> {
        while let Some((id, context)) = self.pending.pop() {
            self.current = context;
            let location = self.model.nodes[id.0].location.clone();
            let schema = self
                .registry
                .schema_at(&location)
                .cloned()
                .expect("checked when reserved");
            let lowered = match &schema {
                Json::Bool(b) => Schema::Bool(*b),
                Json::Object(_) => Schema::Keywords(Box::new(self.keywords(&location, &schema)?)),
                other => {
                    let found = other.describe();
                    let kind = ErrorKind::Invalid(format!(
                        "expected a schema (an object or a boolean), found {found}"
                    ));
                    return Err(self.error(&location, "", kind));
                }
            };
            self.model.nodes[id.0].schema = lowered;
        }
        Ok(())
    }

    fn sub(&mut self, location: &Location, path: &[&str]) -> Result<NodeId, Error> {
        let mut pointer = location.pointer.clone();
        for token in path {
            pointer = pointer_push(&pointer, token);
        }
        let location = Location {
            doc: location.doc,
            pointer,
        };
        // Draft 4 takes a boolean for these two keywords' values, not as a schema anywhere else.
        let boolean_ok = matches!(path, ["additionalProperties" | "additionalItems"]);
        self.lower_as(location, boolean_ok)
    }

    fn keywords(&mut self, at: &Location, schema: &Json) -> Result<Keywords, Error> {
        let members = schema.as_object().expect("checked by the caller");
        if let Some(value) = members.get("$schema") {
            let uri = self.string(at, "$schema", value)?;
            if self.registry.meta_schema(&uri)?.is_none() {
                return Err(self.error(at, "$schema", ErrorKind::UnknownDialect(uri)));
            }
        }
        let scope = self.registry.scope_at(at);
        let dialect = scope.dialect;
        let mut k = Keywords::default();
        if dialect.ref_overrides_siblings()
            && let Some(value) = members.get("$ref")
        {
            // Drafts 4 to 7: "All other properties in a "$ref" object MUST be ignored."
            k.reference = Some(self.reference(at, "$ref", value)?);
            return Ok(k);
        }
        // Draft 4's boolean exclusive bounds modify `minimum` and `maximum`, wherever they are.
        let mut exclusive_bounds = (false, false);
        // `$dynamicRef` or `$recursiveRef`, whichever the draft has.
        let mut dynamic_ref = None;
        for (keyword, value) in members {
            let kw = keyword.as_str();
            if !kw.starts_with("x-") && !dialect.defines(kw) {
                self.unknown_keyword(at, kw, dialect)?;
                continue;
            }
            if !scope.vocabularies.applies(dialect, kw) {
                // Its vocabulary is off in the custom meta-schema: an annotation, unchecked.
                continue;
            }
            match kw {
                "$schema" => {} // Checked above.
                "$vocabulary" => {
                    // Read where this schema is a custom meta-schema (`dialect.rs`); checked here.
                    let shape = value
                        .as_object()
                        .is_some_and(|m| m.values().all(|v| matches!(v, Json::Bool(_))));
                    if !shape {
                        return Err(self.expected(at, kw, "an object of booleans"));
                    }
                }
                "$id" | "$anchor" | "$dynamicAnchor" | "id" => {
                    // Registered when the document was loaded.
                    self.string(at, kw, value)?;
                }
                "$comment" => k.annotations.comment = Some(self.string(at, kw, value)?),
                "$defs" | "definitions" => {
                    // Definitions are lowered when something refers to them; their shape is
                    // checked here so a broken one is reported even if unused.
                    let defs = value
                        .as_object()
                        .ok_or_else(|| self.expected(at, kw, "an object of schemas"))?;
                    for (name, def) in defs {
                        if dialect == Dialect::Draft4 && matches!(def, Json::Bool(_)) {
                            let kind = ErrorKind::Invalid(DRAFT4_BOOLEAN.into());
                            return Err(self.error_in(at, &[kw, name], kind));
                        }
                        if !matches!(def, Json::Bool(_) | Json::Object(_)) {
                            return Err(self.expected_in(
                                at,
                                &[kw, name],
                                "a schema (an object or a boolean)",
                            ));
                        }
                    }
                }
                "$ref" => k.reference = Some(self.reference(at, kw, value)?),
                "$dynamicRef" => dynamic_ref = Some(self.dynamic_reference(at, value)?),
                "$recursiveRef" => dynamic_ref = Some(self.recursive_reference(at, value)?),
                "$recursiveAnchor" => {
                    // Acts only through the contexts (`lower/dynamic.rs`).
                    if !matches!(value, Json::Bool(_)) {
                        return Err(self.expected(at, kw, "a boolean"));
                    }
                }
                "type" => {
                    let names: Vec<&Json> = match value {
                        Json::String(_) => vec![value],
                        Json::Array(items) if !items.is_empty() => items.iter().collect(),
                        _ => {
                            return Err(self.expected(
                                at,
                                kw,
                                "a type name or a non-empty array of them",
                            ));
                        }
                    };
                    let mut types = Vec::new();
                    for name in names {
                        let t = name.as_str().and_then(JsonType::parse).ok_or_else(|| {
                            self.found_in(
                                at,
                                &[kw],
                                "null, boolean, object, array, number, string or integer",
                                name.describe(),
                            )
                        })?;
                        if types.contains(&t) {
                            return Err(self.expected(at, kw, "type names without repetition"));
                        }
                        types.push(t);
                    }
                    types.sort();
                    k.types = Some(types);
                }
                "enum" => {
                    let Json::Array(items) = value else {
                        return Err(self.expected(at, kw, "an array"));
                    };
                    k.enum_values = Some(items.iter().map(Json::to_value).collect());
                }
                "const" => k.const_value = Some(value.to_value()),
                "properties" | "patternProperties" | "dependentSchemas" => {
                    let map = value
                        .as_object()
                        .ok_or_else(|| self.expected(at, kw, "an object of schemas"))?;
                    let mut entries = Vec::new();
                    for name in map.keys() {
                        if kw == "patternProperties" {
                            check_pattern(name).map_err(|e| {
                                self.error_in(at, &[kw, name], ErrorKind::Invalid(e))
                            })?;
                        }
                        entries.push((name.clone(), self.sub(at, &[kw, name])?));
                    }
                    match kw {
                        "properties" => k.properties = entries,
                        "patternProperties" => k.pattern_properties = entries,
                        _ => k.dependent_schemas = entries,
                    }
                }
                "additionalProperties" => k.additional_properties = Some(self.sub(at, &[kw])?),
                "propertyNames" => k.property_names = Some(self.sub(at, &[kw])?),
                "unevaluatedProperties" => k.unevaluated_properties = Some(self.sub(at, &[kw])?),
                "unevaluatedItems" => k.unevaluated_items = Some(self.sub(at, &[kw])?),
                "items" => match value {
                    Json::Array(items) if dialect.items_array() => {
                        // The array form is 2020-12's `prefixItems`, and `additionalItems`
                        // its `items`; without it `additionalItems` does nothing.
                        if items.is_empty() {
                            return Err(self.expected(
                                at,
                                kw,
                                "a schema or a non-empty array of schemas",
                            ));
                        }
                        for i in 0..items.len() {
                            k.prefix_items.push(self.sub(at, &[kw, &i.to_string()])?);
                        }
                        if members.contains_key("additionalItems") {
                            k.items = Some(self.sub(at, &["additionalItems"])?);
                        }
                    }
                    Json::Array(_) => {
                        let message = format!(
                            "expected a schema, found an array: an array of schemas is `items` up to draft 2019-09 and `prefixItems` in {dialect} (the draft comes from `$schema`, else `Config::default_dialect`)"
                        );
                        return Err(self.error(at, kw, ErrorKind::Invalid(message)));
                    }
                    _ => k.items = Some(self.sub(at, &[kw])?),
                },
                "additionalItems" => {
                    // Lowered with an array-form `items`, ignored otherwise; a schema either way.
                    if !matches!(value, Json::Bool(_) | Json::Object(_)) {
                        return Err(self.expected(at, kw, "a schema"));
                    }
                }
                "dependencies" => {
                    // Split in 2019-09: a string array became `dependentRequired`, a schema
                    // `dependentSchemas`.
                    let shape = "an object of schemas or string arrays";
                    let map = value
                        .as_object()
                        .ok_or_else(|| self.expected(at, kw, shape))?;
                    for (name, entry) in map {
                        match entry {
                            Json::Array(_) => {
                                let list = self.string_set(at, &[kw, name], entry)?;
                                k.dependent_required.push((name.clone(), list));
                                k.dependent_required_keyword = DependentKeyword::Dependencies;
                            }
                            Json::Bool(_) | Json::Object(_) => {
                                let node = self.sub(at, &[kw, name])?;
                                k.dependent_schemas.push((name.clone(), node));
                            }
                            _ => return Err(self.expected_in(at, &[kw, name], shape)),
                        }
                    }
                }
                "contains" => k.contains = Some(self.sub(at, &[kw])?),
                "not" => k.not = Some(self.sub(at, &[kw])?),
                "if" => k.if_ = Some(self.sub(at, &[kw])?),
                "then" => k.then_ = Some(self.sub(at, &[kw])?),
                "else" => k.else_ = Some(self.sub(at, &[kw])?),
                "prefixItems" | "allOf" | "anyOf" | "oneOf" => {
                    let Json::Array(items) = value else {
                        return Err(self.expected(at, kw, "a non-empty array of schemas"));
                    };
                    if items.is_empty() {
                        return Err(self.expected(at, kw, "a non-empty array of schemas"));
                    }
                    let mut nodes = Vec::new();
                    for i in 0..items.len() {
                        nodes.push(self.sub(at, &[kw, &i.to_string()])?);
                    }
                    match kw {
                        "prefixItems" => k.prefix_items = nodes,
                        "allOf" => k.all_of = nodes,
                        "anyOf" => k.any_of = nodes,
                        _ => k.one_of = nodes,
                    }
                }
                "required" => k.required = self.string_set(at, &[kw], value)?,
                "dependentRequired" => {
                    let map = value
                        .as_object()
                        .ok_or_else(|| self.expected(at, kw, "an object of string arrays"))?;
                    for (name, list) in map {
                        let list = self.string_set(at, &[kw, name], list)?;
                        k.dependent_required.push((name.clone(), list));
                    }
                }
                "minProperties" => k.min_properties = Some(self.count(at, kw, value)?),
                "maxProperties" => k.max_properties = Some(self.count(at, kw, value)?),
                "minItems" => k.min_items = Some(self.count(at, kw, value)?),
                "maxItems" => k.max_items = Some(self.count(at, kw, value)?),
                "minLength" => k.min_length = Some(self.count(at, kw, value)?),
                "maxLength" => k.max_length = Some(self.count(at, kw, value)?),
                "minContains" => k.min_contains = Some(self.count(at, kw, value)?),
                "maxContains" => k.max_contains = Some(self.count(at, kw, value)?),
                "uniqueItems" => {
                    let Json::Bool(b) = value else {
                        return Err(self.expected(at, kw, "a boolean"));
                    };
                    k.unique_items = *b;
                }
                "pattern" => {
                    let source = self.string(at, kw, value)?;
                    check_pattern(&source)
                        .map_err(|e| self.error(at, kw, ErrorKind::Invalid(e)))?;
                    k.pattern = Some(source);
                }
                "minimum" => k.minimum = Some(self.number(at, kw, value)?),
                "maximum" => k.maximum = Some(self.number(at, kw, value)?),
                "exclusiveMinimum" | "exclusiveMaximum" if dialect == Dialect::Draft4 => {
                    let Json::Bool(on) = value else {
                        return Err(self.expected(at, kw, "a boolean (draft-04)"));
                    };
                    let bound = if kw == "exclusiveMinimum" {
                        "minimum"
                    } else {
                        "maximum"
                    };
                    if !members.contains_key(bound) {
                        return Err(self.error(
                            at,
                            kw,
                            ErrorKind::Invalid(format!(
                                "draft-04 `{kw}` needs `{bound}` beside it"
                            )),
                        ));
                    }
                    if kw == "exclusiveMinimum" {
                        exclusive_bounds.0 = *on;
                    } else {
                        exclusive_bounds.1 = *on;
                    }
                }
                "exclusiveMinimum" => k.exclusive_minimum = Some(self.number(at, kw, value)?),
                "exclusiveMaximum" => k.exclusive_maximum = Some(self.number(at, kw, value)?),
                "multipleOf" => {
                    let n = self.number(at, kw, value)?;
                    if n.as_f64().is_none_or(|f| f <= 0.0) {
                        return Err(self.expected(at, kw, "a number greater than 0"));
                    }
                    k.multiple_of = Some(n);
                }
                "title" => k.annotations.title = Some(self.string(at, kw, value)?),
                "description" => k.annotations.description = Some(self.string(at, kw, value)?),
                "contentEncoding" => {
                    k.annotations.content_encoding = Some(self.string(at, kw, value)?)
                }
                "contentMediaType" => {
                    k.annotations.content_media_type = Some(self.string(at, kw, value)?)
                }
                "contentSchema" => {
                    // An annotation whose value is a schema: checked for shape, never applied.
                    if !matches!(value, Json::Bool(_) | Json::Object(_)) {
                        return Err(self.expected(at, kw, "a schema"));
                    }
                }
                "format" => {
                    let name = self.string(at, kw, value)?;
                    let asserted = self.assert_formats
                        || scope.vocabularies.contains(Vocabulary::FormatAssertion);
                    if asserted && ASSERTED_FORMATS.contains(&name.as_str()) {
                        k.format = Some(name.clone());
                    }
                    k.annotations.format = Some(name);
                }
                "default" => k.annotations.default = Some(value.to_value()),
                "examples" => {
                    let Json::Array(items) = value else {
                        return Err(self.expected(at, kw, "an array"));
                    };
                    k.annotations.examples = items.iter().map(Json::to_value).collect();
                }
                "deprecated" | "readOnly" | "writeOnly" | "x-secret" => {
                    let Json::Bool(b) = value else {
                        return Err(self.expected(at, kw, "a boolean"));
                    };
                    match kw {
                        "deprecated" => k.annotations.deprecated = *b,
                        "readOnly" => k.annotations.read_only = *b,
                        "writeOnly" => k.annotations.write_only = *b,
                        _ => k.annotations.secret = *b,
                    }
                }
                "x-endpoint" => {
                    // Read by `endpoint` for roots; checked here wherever it appears.
                    if !at.pointer.is_empty() {
                        return Err(self.error(
                            at,
                            kw,
                            ErrorKind::Invalid(
                                "x-endpoint belongs at the root of a request schema".into(),
                            ),
                        ));
                    }
                }
                // Extensions are annotations by convention.
                _ if kw.starts_with("x-") => {}
                // A keyword `dialect.rs` says the draft defines but no arm lowers: declined
                // rather than dropped.
                _ => {
                    return Err(self.error(at, kw, ErrorKind::UnsupportedKeyword(keyword.clone())));
                }
            }
        }
        // A true exclusive bound is its sibling bound made exclusive (draft 4).
        if exclusive_bounds.0 {
            k.exclusive_minimum = k.minimum.take();
        }
        if exclusive_bounds.1 {
            k.exclusive_maximum = k.maximum.take();
        }
        if let Some(target) = dynamic_ref {
            // Applied in place like `$ref`; beside a `$ref`, as one more in-place subschema.
            match k.reference {
                None => k.reference = Some(target),
                Some(_) => k.all_of.push(target),
            }
        }
        Ok(k)
    }

    /// A keyword `dialect` does not define, at `at`: refused, noted for a warning, or passed
    /// over, as [`UnknownKeywords`] says.
    fn unknown_keyword(&mut self, at: &Location, kw: &str, dialect: Dialect) -> Result<(), Error> {
        let refuse = |suggestion| {
            let kind = ErrorKind::UnknownKeyword {
                keyword: kw.to_owned(),
                dialect,
                suggestion,
            };
            Err(self.error(at, kw, kind))
        };
        if self.annotation_keywords.iter().any(|k| k == kw) {
            return Ok(());
        }
        match self.unknown_keywords {
            UnknownKeywords::Ignore => Ok(()),
            UnknownKeywords::Reject => refuse(unknown::near_miss(dialect, kw)),
            UnknownKeywords::Warn => match unknown::near_miss(dialect, kw) {
                Some(suggestion) => refuse(Some(suggestion)),
                None => {
                    let pointer = pointer_push(&at.pointer, kw);
                    let file = || self.registry.display(at.doc).to_path_buf();
                    self.unknowns.note(kw, at.doc, file, pointer, dialect);
                    Ok(())
                }
            },
        }
    }

    /// The node a `$ref` names.
    fn reference(&mut self, at: &Location, kw: &str, value: &Json) -> Result<NodeId, Error> {
        let reference = self.string(at, kw, value)?;
        let target = self.registry.resolve(at, &reference).map_err(|mut e| {
            e.pointer = pointer_push(&at.pointer, kw);
            e
        })?;
        self.lower(target)
    }

    fn string(&self, at: &Location, kw: &str, value: &Json) -> Result<String, Error> {
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.expected(at, kw, "a string"))
    }

    fn string_set(&self, at: &Location, path: &[&str], value: &Json) -> Result<Vec<String>, Error> {
        const EXPECTED: &str = "an array of distinct strings";
        let Json::Array(items) = value else {
            return Err(self.expected_in(at, path, EXPECTED));
        };
        let mut out: Vec<String> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let Some(s) = item.as_str() else {
                let found = format!("{} at index {i}", item.describe());
                return Err(self.found_in(at, path, EXPECTED, found));
            };
            if out.iter().any(|o| o == s) {
                let found = format!("{} twice", item.describe());
                return Err(self.found_in(at, path, EXPECTED, found));
            }
            out.push(s.to_owned());
        }
        Ok(out)
    }

    fn count(&self, at: &Location, kw: &str, value: &Json) -> Result<u64, Error> {
        let expected = || self.expected(at, kw, "a non-negative integer");
        let Json::Number(n) = value else {
            return Err(expected());
        };
        if let Some(u) = n.as_u64() {
            return Ok(u);
        }
        // 2020-12 allows 1.0 for a count.
        match n.as_f64() {
            Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= u64::MAX as f64 => Ok(f as u64),
            _ => Err(expected()),
        }
    }

    fn number(&self, at: &Location, kw: &str, value: &Json) -> Result<Number, Error> {
        match value {
            Json::Number(n) => Ok(n.clone()),
            _ => Err(self.expected(at, kw, "a number")),
        }
    }
}

fn def_name(pointer: &str) -> Option<String> {
    let (parent, name) = pointer.rsplit_once('/')?;
    (parent.ends_with("/$defs")
        || parent == "/$defs"
        || parent.ends_with("/definitions")
        || parent == "/definitions")
        .then(|| name.replace("~1", "/").replace("~0", "~"))
}

/// Checks a regular expression the way generated code will compile it: with the flags
/// [`pattern_flags`] picks.
fn check_pattern(source: &str) -> Result<(), String> {
    pattern_flags(source)
        .map(|_| ())
        .map_err(|e| format!("invalid ECMA-262 regular expression `{source}`: {e}"))
}

/// The flags a pattern is compiled with: `u` (Unicode semantics, what JSON Schema asks for),
/// or none for a pattern that is valid ECMA-262 only without it, such as `\:` (an identity
/// escape the `u` flag forbids), which schemas written for non-Unicode engines use and the
/// jsonschema crate accepts. Lowering and the emitter both ask here, so the pattern a validator
/// compiles is the one lowering checked.
pub(crate) fn pattern_flags(source: &str) -> Result<&'static str, regress::Error> {
    match regress::Regex::with_flags(source, "u") {
        Ok(_) => Ok("u"),
        Err(unicode) => regress::Regex::with_flags(source, "")
            .map(|_| "")
            .map_err(|_| unicode),
    }
}
