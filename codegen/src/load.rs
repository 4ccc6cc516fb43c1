//! Loading schema documents and resolving `$ref`s to a document and a JSON pointer.
//!
//! Every document is registered under the URI it was loaded from and under its `$id`; embedded
//! resources (subschemas with their own `$id`) and `$anchor`s are registered too. A reference is
//! resolved against the base URI in force where it appears (RFC 3986); a relative reference that no
//! registered document answers is looked for as a file next to the referencing document, so
//! schemas can point at each other by relative path whatever their `$id`s say.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use url::Url;

use crate::error::{Error, ErrorKind};
use crate::json::{Json, pointer_push};

/// The keywords whose values are subschemas, and how they hold them.
pub(crate) const SUBSCHEMA_MAPS: &[&str] = &[
    "$defs",
    "definitions",
    "properties",
    "patternProperties",
    "dependentSchemas",
];
pub(crate) const SUBSCHEMA_SINGLE: &[&str] = &[
    "additionalProperties",
    "contains",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];
pub(crate) const SUBSCHEMA_ARRAYS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];

/// One loaded schema file (or document registered by URI).
#[derive(Debug)]
pub struct Document {
    /// How errors name the document: a path relative to the schema directory, or the URI.
    pub display: PathBuf,
    /// Where the document was read from, if it is a file.
    pub path: Option<PathBuf>,
    /// The URI the document was retrieved under: its file URI, or the URI it was registered as.
    pub uri: Url,
    pub root: Json,
}

/// A place in a registered document.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub doc: usize,
    pub pointer: String,
}

/// All documents the generator knows, and the URIs that name places in them.
#[derive(Debug, Default)]
pub struct Registry {
    pub documents: Vec<Document>,
    /// Resource URIs (no fragment) and `uri#anchor` names, to their location.
    names: HashMap<String, Location>,
    /// The directory that display paths are relative to.
    root_dir: Option<PathBuf>,
}

impl Registry {
    pub fn new(root_dir: Option<PathBuf>) -> Self {
        Registry {
            root_dir,
            ..Registry::default()
        }
    }

    /// Loads a schema file, unless it is loaded already; returns its document index.
    pub fn load_file(&mut self, path: &Path) -> Result<usize, Error> {
        let absolute =
            std::path::absolute(path).map_err(|e| Error::new(path, "", ErrorKind::Io(e)))?;
        // `a/../common.json` and `b/../common.json` are one document, named `common.json`.
        let absolute = without_dot_segments(&absolute);
        if let Some(doc) = self
            .documents
            .iter()
            .position(|d| d.path.as_deref() == Some(&*absolute))
        {
            return Ok(doc);
        }
        let display = self.display_path(&absolute);
        let text =
            std::fs::read(&absolute).map_err(|e| Error::new(&display, "", ErrorKind::Io(e)))?;
        let root: Json = serde_json::from_slice(&text)
            .map_err(|e| Error::new(&display, "", ErrorKind::Json(e)))?;
        let uri = Url::from_file_path(&absolute).map_err(|()| {
            Error::new(
                &display,
                "",
                ErrorKind::Invalid("cannot turn the path into a file URI".into()),
            )
        })?;
        self.add(display, Some(absolute), uri, root)
    }

    /// Registers a document under `uri` (used for schemas that are not files, such as a test
    /// suite's remotes); returns its index.
    pub fn add_document(&mut self, uri: &str, root: Json) -> Result<usize, Error> {
        let url = Url::parse(uri)
            .map_err(|e| Error::new(uri, "", ErrorKind::Invalid(format!("not a URI: {e}"))))?;
        self.add(PathBuf::from(uri), None, url, root)
    }

    fn add(
        &mut self,
        display: PathBuf,
        path: Option<PathBuf>,
        uri: Url,
        root: Json,
    ) -> Result<usize, Error> {
        let doc = self.documents.len();
        self.documents.push(Document {
            display,
            path,
            uri: uri.clone(),
            root,
        });
        let at_root = Location {
            doc,
            pointer: String::new(),
        };
        self.names.insert(strip_fragment(&uri), at_root.clone());
        let root = self.documents[doc].root.clone();
        self.register_resources(doc, &root, String::new(), uri)?;
        Ok(doc)
    }

    /// Walks the subschemas of a document, registering `$id`s and `$anchor`s.
    fn register_resources(
        &mut self,
        doc: usize,
        schema: &Json,
        pointer: String,
        base: Url,
    ) -> Result<(), Error> {
        let Some(members) = schema.as_object() else {
            return Ok(());
        };
        let mut base = base;
        if let Some(id) = members.get("$id") {
            let id = id
                .as_str()
                .ok_or_else(|| self.invalid(doc, &pointer, "$id", "a string"))?;
            base = base.join(id).map_err(|e| {
                Error::new(
                    self.display(doc),
                    pointer.clone(),
                    ErrorKind::Invalid(format!("invalid $id `{id}`: {e}")),
                )
            })?;
            self.names.insert(
                strip_fragment(&base),
                Location {
                    doc,
                    pointer: pointer.clone(),
                },
            );
        }
        if let Some(anchor) = members.get("$anchor") {
            let anchor = anchor
                .as_str()
                .ok_or_else(|| self.invalid(doc, &pointer, "$anchor", "a string"))?;
            let name = format!("{}#{anchor}", strip_fragment(&base));
            self.names.insert(
                name,
                Location {
                    doc,
                    pointer: pointer.clone(),
                },
            );
        }
        for (keyword, value) in members {
            let at = pointer_push(&pointer, keyword);
            if SUBSCHEMA_SINGLE.contains(&keyword.as_str()) {
                self.register_resources(doc, value, at, base.clone())?;
            } else if SUBSCHEMA_ARRAYS.contains(&keyword.as_str()) {
                if let Json::Array(items) = value {
                    for (i, item) in items.iter().enumerate() {
                        self.register_resources(
                            doc,
                            item,
                            pointer_push(&at, &i.to_string()),
                            base.clone(),
                        )?;
                    }
                }
            } else if SUBSCHEMA_MAPS.contains(&keyword.as_str())
                && let Json::Object(entries) = value
            {
                for (name, item) in entries {
                    self.register_resources(doc, item, pointer_push(&at, name), base.clone())?;
                }
            }
        }
        Ok(())
    }

    fn invalid(&self, doc: usize, pointer: &str, keyword: &str, expected: &'static str) -> Error {
        Error::new(
            self.display(doc),
            pointer_push(pointer, keyword),
            ErrorKind::InvalidKeyword {
                keyword: keyword.to_owned(),
                expected,
            },
        )
    }

    fn display_path(&self, absolute: &Path) -> PathBuf {
        match &self.root_dir {
            Some(root) => {
                let root = std::path::absolute(root).unwrap_or_else(|_| root.clone());
                absolute
                    .strip_prefix(&root)
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|_| absolute.to_path_buf())
            }
            None => absolute.to_path_buf(),
        }
    }

    pub fn display(&self, doc: usize) -> &Path {
        &self.documents[doc].display
    }

    pub fn schema_at(&self, location: &Location) -> Option<&Json> {
        self.documents[location.doc].root.pointer(&location.pointer)
    }

    /// The base URI in force at a location: the document's URI with every `$id` on the way down
    /// applied.
    pub fn base_at(&self, location: &Location) -> Url {
        let doc = &self.documents[location.doc];
        let mut base = doc.uri.clone();
        let mut node = &doc.root;
        let mut pointer = String::new();
        let tokens: Vec<String> = location
            .pointer
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        for token in std::iter::once(None).chain(tokens.iter().map(Some)) {
            if let Some(token) = token {
                pointer = pointer_push(&pointer, token);
                node = match node {
                    Json::Object(members) => match members.get(token) {
                        Some(n) => n,
                        None => break,
                    },
                    Json::Array(items) => {
                        match token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                            Some(n) => n,
                            None => break,
                        }
                    }
                    _ => break,
                };
            }
            // Only schema objects carry $id; a `properties` map with a member named "$id" is not one.
            if is_schema_position(&pointer)
                && let Some(id) = node
                    .as_object()
                    .and_then(|m| m.get("$id"))
                    .and_then(Json::as_str)
                && let Ok(joined) = base.join(id)
            {
                base = joined;
            }
        }
        base
    }

    /// Resolves `reference` as it appears at `from`, loading a relative file if needed.
    pub fn resolve(&mut self, from: &Location, reference: &str) -> Result<Location, Error> {
        let base = self.base_at(from);
        let display = self.display(from.doc).to_path_buf();
        let unresolved = || {
            Error::new(
                &display,
                from.pointer.clone(),
                ErrorKind::UnresolvedRef(reference.to_owned()),
            )
        };
        let target = base.join(reference).map_err(|_| unresolved())?;
        if let Some(location) = self.lookup(&target) {
            return Ok(location);
        }
        // A relative file next to the referencing document, whatever its $id says.
        let (file_part, _) = reference.split_once('#').unwrap_or((reference, ""));
        let candidate = if target.scheme() == "file" {
            target.to_file_path().ok()
        } else if !file_part.is_empty() && Url::parse(file_part).is_err() {
            self.documents[from.doc]
                .path
                .as_ref()
                .and_then(|p| p.parent())
                .map(|dir| dir.join(file_part))
        } else {
            None
        };
        if let Some(path) = candidate
            && path.is_file()
        {
            let doc = self.load_file(&path)?;
            // The file answers for the URI it was asked under from now on.
            self.names.insert(
                strip_fragment(&target),
                Location {
                    doc,
                    pointer: String::new(),
                },
            );
            if let Some(location) = self.lookup(&target) {
                return Ok(location);
            }
        }
        Err(unresolved())
    }

    fn lookup(&self, target: &Url) -> Option<Location> {
        let resource_uri = strip_fragment(target);
        let resource = self.names.get(&resource_uri)?;
        self.locate_fragment(&resource_uri, resource, target.fragment().unwrap_or(""))
    }

    fn locate_fragment(
        &self,
        resource_uri: &str,
        resource: &Location,
        fragment: &str,
    ) -> Option<Location> {
        let fragment = percent_encoding::percent_decode_str(fragment)
            .decode_utf8()
            .ok()?;
        let location = if fragment.is_empty() {
            resource.clone()
        } else if fragment.starts_with('/') {
            Location {
                doc: resource.doc,
                pointer: format!("{}{fragment}", resource.pointer),
            }
        } else {
            // A plain-name fragment is an $anchor, registered under one of the resource's names.
            let under = |name: &str| self.names.get(&format!("{name}#{fragment}")).cloned();
            under(resource_uri).or_else(|| {
                let mut aliases: Vec<&String> = self
                    .names
                    .iter()
                    .filter(|(_, l)| *l == resource)
                    .map(|(n, _)| n)
                    .collect();
                aliases.sort();
                aliases.into_iter().find_map(|alias| under(alias))
            })?
        };
        self.schema_at(&location).map(|_| location)
    }
}

/// Whether a JSON pointer names a schema (not a member of a `properties` map, an `enum` value…).
pub(crate) fn is_schema_position(pointer: &str) -> bool {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let mut i = 0;
    while i < tokens.len() {
        let keyword = tokens[i];
        if SUBSCHEMA_SINGLE.contains(&keyword) {
            i += 1;
        } else if SUBSCHEMA_ARRAYS.contains(&keyword) || SUBSCHEMA_MAPS.contains(&keyword) {
            if i + 1 >= tokens.len() {
                return false;
            }
            i += 2;
        } else {
            return false;
        }
    }
    true
}

fn strip_fragment(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    url.to_string()
}

/// `path` with its `.` and `..` segments resolved lexically, as a URI's would be (RFC 3986
/// 5.2.4): a reference from `a/b.json` to `../c.json` names `c.json`, whatever links say.
fn without_dot_segments(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
