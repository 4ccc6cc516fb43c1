//! The schemas as the comparison reads them: files loaded on demand (or given in memory),
//! `$ref`s resolved by hand, and a [`View`] that gathers what applies to one instance location
//! through `$ref`, `allOf` and `if`/`then`.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use serde_json::Value;

use crate::error::{Error, ErrorKind};

/// Deeper in-place nesting than this is taken for a `$ref` cycle and not followed.
const MAX_DEPTH: usize = 64;

/// The schema files of one folder, loaded when first needed. Files given with
/// [`SchemaSet::insert`] are used instead of the disk's (the tests mutate schemas in memory).
#[derive(Debug)]
pub struct SchemaSet {
    dir: PathBuf,
    docs: RefCell<BTreeMap<PathBuf, Rc<Value>>>,
}

/// One schema node: a file and a JSON pointer into it.
#[derive(Debug, Clone)]
pub struct Node {
    /// The file.
    pub file: PathBuf,
    /// Where in it, as a JSON pointer (`""` for the root).
    pub pointer: String,
    doc: Rc<Value>,
}

impl Node {
    /// The node's JSON (`null` if the pointer leads nowhere).
    #[must_use]
    pub fn value(&self) -> &Value {
        self.doc.pointer(&self.pointer).unwrap_or(&Value::Null)
    }

    /// The node one key or index below.
    #[must_use]
    pub fn child(&self, key: &str) -> Node {
        let escaped = key.replace('~', "~0").replace('/', "~1");
        Node {
            file: self.file.clone(),
            pointer: format!("{}/{escaped}", self.pointer),
            doc: Rc::clone(&self.doc),
        }
    }
}

impl SchemaSet {
    /// The schemas under `dir` (the workspace's `schema/`).
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        SchemaSet {
            dir: normalize(&dir.into()),
            docs: RefCell::new(BTreeMap::new()),
        }
    }

    /// Uses `value` as the content of `path` (relative to the folder, or absolute).
    pub fn insert(&self, path: impl AsRef<Path>, value: Value) {
        let path = normalize(&self.dir.join(path));
        self.docs.borrow_mut().insert(path, Rc::new(value));
    }

    /// The file of the schema called `name`: `<dir>/<name>.schema.json`.
    #[must_use]
    pub fn path_of(&self, name: &str) -> PathBuf {
        normalize(&self.dir.join(format!("{name}.schema.json")))
    }

    /// The root node of the schema called `name`, such as `meeting/rooms/list/request`;
    /// `Ok(None)` when there is no such file.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or is not JSON.
    pub fn root(&self, name: &str) -> Result<Option<Node>, Error> {
        let path = self.path_of(name);
        if !self.docs.borrow().contains_key(&path) && !path.is_file() {
            return Ok(None);
        }
        self.load(&path).map(|doc| {
            Some(Node {
                file: path,
                pointer: String::new(),
                doc,
            })
        })
    }

    fn load(&self, path: &Path) -> Result<Rc<Value>, Error> {
        if let Some(doc) = self.docs.borrow().get(path) {
            return Ok(Rc::clone(doc));
        }
        let text = std::fs::read(path).map_err(|e| Error::new(path, ErrorKind::Io(e)))?;
        let doc: Value =
            serde_json::from_slice(&text).map_err(|e| Error::new(path, ErrorKind::Json(e)))?;
        let doc = Rc::new(doc);
        self.docs
            .borrow_mut()
            .insert(path.to_path_buf(), Rc::clone(&doc));
        Ok(doc)
    }

    /// The node `reference` (a `$ref` found in `from`) names: `#/$defs/X`, `#anchor`, a file
    /// relative to `from`'s (`../../../common.json#/$defs/Uint32`), or an absolute URI under
    /// the `$id` base the schemas share.
    ///
    /// # Errors
    ///
    /// When the reference leads outside the folder, to a missing file or to nothing.
    pub fn resolve(&self, from: &Node, reference: &str) -> Result<Node, Error> {
        let fail = || Error::new(&from.file, ErrorKind::Ref(reference.to_owned()));
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let (file, doc) = if file_part.is_empty() {
            (from.file.clone(), Rc::clone(&from.doc))
        } else {
            let path = if file_part.contains("://") {
                self.absolute(from, file_part).ok_or_else(fail)?
            } else {
                let parent = from.file.parent().ok_or_else(fail)?;
                normalize(&parent.join(file_part))
            };
            if !path.starts_with(&self.dir) {
                return Err(fail());
            }
            let doc = self.load(&path)?;
            (path, doc)
        };
        let pointer = if fragment.is_empty() || fragment.starts_with('/') {
            fragment.to_owned()
        } else {
            find_anchor(&doc, fragment, String::new()).ok_or_else(fail)?
        };
        doc.pointer(&pointer).ok_or_else(fail)?;
        Ok(Node { file, pointer, doc })
    }

    /// The file an absolute URI names, if it is under the base of `from`'s `$id` (its `$id`
    /// minus its path below the folder).
    fn absolute(&self, from: &Node, uri: &str) -> Option<PathBuf> {
        let id = from.doc.get("$id")?.as_str()?;
        let relative = from.file.strip_prefix(&self.dir).ok()?;
        let relative: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let base = id.strip_suffix(&relative.join("/"))?;
        let rest = uri.strip_prefix(base)?;
        Some(normalize(&self.dir.join(rest)))
    }
}

fn find_anchor(value: &Value, anchor: &str, at: String) -> Option<String> {
    match value {
        Value::Object(map) => {
            if map.get("$anchor").and_then(Value::as_str) == Some(anchor) {
                return Some(at);
            }
            map.iter().find_map(|(k, v)| {
                let key = k.replace('~', "~0").replace('/', "~1");
                find_anchor(v, anchor, format!("{at}/{key}"))
            })
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_anchor(v, anchor, format!("{at}/{i}"))),
        _ => None,
    }
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A condition of an `if`: members that must have these constant values.
pub type Guard = Vec<(String, Value)>;

/// What applies at one instance location: the keywords of every node reached in place from the
/// starting nodes through `$ref`, `allOf` and `then`. Requirements under an `if` that the
/// context does not settle are kept apart, with their condition.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// Each `type` keyword met (a value meets all of them).
    pub types: Vec<BTreeSet<String>>,
    /// Every subschema given to each property name.
    pub properties: BTreeMap<String, Vec<Node>>,
    /// Names required unconditionally (or under a condition the context satisfies).
    pub required: BTreeSet<String>,
    /// Names required only under a condition.
    pub conditional: Vec<(Guard, BTreeSet<String>)>,
    /// Every `items` subschema.
    pub items: Vec<Node>,
    /// The branches of each `oneOf` and `anyOf`.
    pub alternatives: Vec<Vec<Node>>,
    /// Each `const`.
    pub consts: Vec<Value>,
    /// Each `enum`.
    pub enums: Vec<Vec<Value>>,
    /// The greatest lower bound met, if any.
    pub minimum: Option<f64>,
    /// The least upper bound met, if any.
    pub maximum: Option<f64>,
}

impl SchemaSet {
    /// The view of `nodes` (all applying at one place), with `context` the member values known
    /// to hold there (`errcode` 0 for a success response).
    ///
    /// # Errors
    ///
    /// When a `$ref` cannot be resolved.
    pub fn view(&self, nodes: &[Node], context: &Guard) -> Result<View, Error> {
        let mut view = View::default();
        for node in nodes {
            self.gather(node, context, None, &mut view, 0)?;
        }
        Ok(view)
    }

    fn gather(
        &self,
        node: &Node,
        context: &Guard,
        guard: Option<&Guard>,
        view: &mut View,
        depth: usize,
    ) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let Value::Object(map) = node.value() else {
            return Ok(());
        };
        for (keyword, value) in map {
            match keyword.as_str() {
                "type" => view.types.push(strings(value)),
                "properties" => {
                    if let Value::Object(props) = value {
                        let here = node.child("properties");
                        for name in props.keys() {
                            view.properties
                                .entry(name.clone())
                                .or_default()
                                .push(here.child(name));
                        }
                    }
                }
                "required" => {
                    let names = strings(value);
                    match guard {
                        None => view.required.extend(names),
                        Some(g) => view.conditional.push((g.clone(), names)),
                    }
                }
                "$ref" => {
                    if let Some(reference) = value.as_str() {
                        let target = self.resolve(node, reference)?;
                        self.gather(&target, context, guard, view, depth + 1)?;
                    }
                }
                "allOf" => {
                    for branch in branches(node, "allOf") {
                        self.gather(&branch, context, guard, view, depth + 1)?;
                    }
                }
                "then" => {
                    let condition = map.get("if").map(guard_of).unwrap_or_default();
                    let settled = condition.iter().all(|c| context.contains(c));
                    let mut combined = guard.cloned().unwrap_or_default();
                    if !settled {
                        combined.extend(condition);
                    }
                    let inner = (!combined.is_empty()).then_some(&combined);
                    self.gather(&node.child("then"), context, inner, view, depth + 1)?;
                }
                "oneOf" | "anyOf" => view.alternatives.push(branches(node, keyword)),
                "const" => view.consts.push(value.clone()),
                "enum" => view
                    .enums
                    .push(value.as_array().cloned().unwrap_or_default()),
                "items" => view.items.push(node.child("items")),
                "minimum" | "exclusiveMinimum" => {
                    if let Some(mut m) = value.as_f64() {
                        if keyword == "exclusiveMinimum" {
                            m = m.floor() + 1.0;
                        }
                        view.minimum = Some(view.minimum.map_or(m, |old| old.max(m)));
                    }
                }
                "maximum" | "exclusiveMaximum" => {
                    if let Some(mut m) = value.as_f64() {
                        if keyword == "exclusiveMaximum" {
                            m = m.ceil() - 1.0;
                        }
                        view.maximum = Some(view.maximum.map_or(m, |old| old.min(m)));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// The condition of an `if` made of `properties` with `const`s; anything else in it is kept as
/// an unknown condition, so it is never taken as settled.
fn guard_of(condition: &Value) -> Guard {
    let mut guard = Guard::new();
    if let Some(map) = condition.as_object() {
        for (keyword, value) in map {
            match (keyword.as_str(), value) {
                ("properties", Value::Object(props)) => {
                    for (name, schema) in props {
                        match schema.get("const") {
                            Some(c) => guard.push((name.clone(), c.clone())),
                            None => guard.push((format!("{name}?"), schema.clone())),
                        }
                    }
                }
                ("required", _) => {}
                _ => guard.push((format!("{keyword}?"), value.clone())),
            }
        }
    }
    guard
}

fn branches(node: &Node, keyword: &str) -> Vec<Node> {
    let count = node
        .value()
        .get(keyword)
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let here = node.child(keyword);
    (0..count).map(|i| here.child(&i.to_string())).collect()
}

fn strings(value: &Value) -> BTreeSet<String> {
    match value {
        Value::String(s) => BTreeSet::from([s.clone()]),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => BTreeSet::new(),
    }
}
