//! Loading schema documents and resolving `$ref`s to a document and a JSON pointer.
//!
//! Every document is registered under the URI it was loaded from and under its `$id`; embedded
//! resources (subschemas with their own `$id`) and `$anchor`s are registered too. A reference is
//! resolved against the base URI in force where it appears (RFC 3986); a relative reference that no
//! registered document answers is looked for as a file next to the referencing document, so
//! schemas can point at each other by relative path whatever their `$id`s say.
//!
//! Which keywords hold subschemas and which keyword names a resource depend on the dialect, so
//! the walks here follow each resource's `$schema` (see `dialect.rs`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use url::Url;

use indexmap::IndexMap;

use crate::dialect::{Dialect, Holds, Vocabularies, VocabularyError};
use crate::error::{Error, ErrorKind};
use crate::json::{Json, pointer_push};

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
    /// The dialect of a document without `$schema`.
    default_dialect: Dialect,
}

/// What the schemas on the way down to a location say about it.
#[derive(Clone, Debug)]
pub struct Scope {
    /// The base URI in force: the document's URI with every identifier on the way applied.
    pub base: Url,
    /// The dialect of the innermost resource that declares one, else the default.
    pub dialect: Dialect,
    /// The vocabularies in force there: all of the dialect's, unless a custom meta-schema's
    /// `$vocabulary` says otherwise.
    pub vocabularies: Vocabularies,
    /// The pointer of the innermost schema resource: the document root, or the nearest schema
    /// on the way down with an identifier.
    pub resource: String,
}

impl Registry {
    pub fn new(root_dir: Option<PathBuf>, default_dialect: Dialect) -> Self {
        Registry {
            root_dir,
            default_dialect,
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

    /// Walks the subschemas of a document, registering identifiers and anchors as the dialect
    /// of each resource names them.
    fn register_resources(
        &mut self,
        doc: usize,
        schema: &Json,
        pointer: String,
        base: Url,
    ) -> Result<(), Error> {
        // A work list: a document nested thousands deep must not overflow the stack.
        let mut work = vec![(schema, pointer, base, self.default_dialect)];
        while let Some((schema, pointer, base, dialect)) = work.pop() {
            let Some(members) = schema.as_object() else {
                continue;
            };
            let (dialect, base) = self.enter(doc, members, &pointer, base, dialect)?;
            let children: Vec<(&Json, String)> = members
                .iter()
                .flat_map(|(keyword, value)| {
                    subschemas(dialect, keyword, value, &pointer_push(&pointer, keyword))
                })
                .collect();
            // Reversed, so that schemas are entered in document order, as a recursion would:
            // of two equal identifiers the later one wins, as it always has.
            for (child, child_pointer) in children.into_iter().rev() {
                work.push((child, child_pointer, base.clone(), dialect));
            }
        }
        Ok(())
    }

    /// Enters the schema object `members` at `pointer`: its dialect and base URI, registering
    /// its identifier and anchor.
    fn enter(
        &mut self,
        doc: usize,
        members: &IndexMap<String, Json>,
        pointer: &str,
        base: Url,
        dialect: Dialect,
    ) -> Result<(Dialect, Url), Error> {
        let dialect = self
            .declared(members, pointer.is_empty())
            .map_or(dialect, |(d, _)| d);
        let here = Location {
            doc,
            pointer: pointer.to_owned(),
        };
        let mut base = base;
        if let Some(id) = identifier(members, dialect) {
            let id = id
                .as_str()
                .ok_or_else(|| self.invalid(doc, pointer, dialect.id_keyword(), "a string"))?;
            let joined = base.join(id).map_err(|e| {
                Error::new(
                    self.display(doc),
                    pointer.to_owned(),
                    ErrorKind::Invalid(format!("invalid {} `{id}`: {e}", dialect.id_keyword())),
                )
            })?;
            let fragment = joined.fragment().unwrap_or("");
            if dialect < Dialect::Draft2019_09 && !fragment.is_empty() {
                // Before 2019-09 an identifier's plain-name fragment is an anchor.
                let name = format!("{}#{fragment}", strip_fragment(&joined));
                self.names.insert(name, here.clone());
            }
            if dialect >= Dialect::Draft2019_09 || !id.starts_with('#') {
                base = joined;
                self.names.insert(strip_fragment(&base), here.clone());
            }
        }
        // 2020-12's `$dynamicAnchor` is also a plain anchor: `$ref: "#name"` reaches it.
        for keyword in ["$anchor", "$dynamicAnchor"] {
            if dialect.defines(keyword)
                && let Some(anchor) = members.get(keyword)
            {
                let anchor = anchor
                    .as_str()
                    .ok_or_else(|| self.invalid(doc, pointer, keyword, "a string"))?;
                let name = format!("{}#{anchor}", strip_fragment(&base));
                self.names.insert(name, here.clone());
            }
        }
        Ok((dialect, base))
    }

    pub(crate) fn invalid(
        &self,
        doc: usize,
        pointer: &str,
        keyword: &str,
        expected: &'static str,
    ) -> Error {
        let at = pointer_push(pointer, keyword);
        let found = self.documents[doc]
            .root
            .pointer(&at)
            .map_or_else(|| "nothing".to_owned(), Json::describe);
        Error::new(
            self.display(doc),
            at,
            ErrorKind::InvalidKeyword {
                keyword: keyword.to_owned(),
                expected,
                found,
            },
        )
    }

    fn display_path(&self, absolute: &Path) -> PathBuf {
        match &self.root_dir {
            Some(root) => {
                // `..` in either path (a build script's `../schemas`) would stop the prefix from
                // matching; the canonical paths match where the files exist.
                let canonical = |p: &Path| std::fs::canonicalize(p).ok();
                if let (Some(root), Some(file)) = (canonical(root), canonical(absolute))
                    && let Ok(relative) = file.strip_prefix(&root)
                {
                    return relative.to_path_buf();
                }
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

    /// The base URI in force at a location: the document's URI with every identifier on the way
    /// down applied.
    pub fn base_at(&self, location: &Location) -> Url {
        self.scope_at(location).base
    }

    /// The base URI and dialect in force at a location, the schema there included. Only schema
    /// objects count: a `properties` map with a member named "$id" is not one, nor is anything
    /// under a keyword the dialect does not define.
    pub fn scope_at(&self, location: &Location) -> Scope {
        let doc = &self.documents[location.doc];
        let mut scope = Scope {
            base: doc.uri.clone(),
            dialect: self.default_dialect,
            vocabularies: Vocabularies::STANDARD,
            resource: String::new(),
        };
        let raw: Vec<&str> = location.pointer.split('/').skip(1).collect();
        let tokens: Vec<String> = raw
            .iter()
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        let mut node = &doc.root;
        let mut rest = tokens.as_slice();
        let mut at_root = true;
        while let Some(members) = node.as_object() {
            if let Some((dialect, vocabularies)) = self.declared(members, at_root) {
                scope.dialect = dialect;
                scope.vocabularies = vocabularies;
            }
            if let Some(id) = identifier(members, scope.dialect).and_then(Json::as_str)
                && let Ok(joined) = scope.base.join(id)
                && (scope.dialect >= Dialect::Draft2019_09 || !id.starts_with('#'))
            {
                scope.base = joined;
                let depth = raw.len() - rest.len();
                scope.resource = raw[..depth].iter().map(|t| format!("/{t}")).collect();
            }
            at_root = false;
            // The next schema down, one keyword and perhaps an index or name further.
            let Some((keyword, after)) = rest.split_first() else {
                break;
            };
            let Some(value) = members.get(keyword) else {
                break;
            };
            let step = match (scope.dialect.subschemas(keyword), value, after.first()) {
                (Some(Holds::Single), Json::Array(items), Some(i))
                    if keyword == "items" && scope.dialect.items_array() =>
                {
                    index(items, i).map(|item| (item, 2))
                }
                (Some(Holds::Single), _, _) => Some((value, 1)),
                (Some(Holds::Array), Json::Array(items), Some(i)) => {
                    index(items, i).map(|item| (item, 2))
                }
                (Some(Holds::Map), Json::Object(entries), Some(name)) => {
                    entries.get(name).map(|item| (item, 2))
                }
                _ => None,
            };
            let Some((next, used)) = step else {
                break;
            };
            node = next;
            rest = &rest[used..];
        }
        scope
    }

    /// Resolves `reference` as it appears at `from`, loading a relative file if needed.
    pub fn resolve(&mut self, from: &Location, reference: &str) -> Result<Location, Error> {
        let base = self.base_at(from);
        let display = self.display(from.doc).to_path_buf();
        let unresolved = |target: &Url| {
            // Only the fragment is missing when the target is the referencing document itself.
            let same_document = strip_fragment(target) == strip_fragment(&base);
            let resolved = (!same_document).then(|| target.to_string());
            Error::new(
                &display,
                from.pointer.clone(),
                ErrorKind::UnresolvedRef {
                    reference: reference.to_owned(),
                    resolved,
                },
            )
        };
        let target = base.join(reference).map_err(|e| {
            let message = format!("cannot resolve `{reference}`: expected a URI reference, found one that does not parse against `{base}` ({e})");
            Error::new(&display, from.pointer.clone(), ErrorKind::Invalid(message))
        })?;
        if let Some(location) = self.lookup(&target) {
            return Ok(location);
        }
        // An official meta-schema is bundled, registered the first time something names it.
        if let Some(meta) = crate::dialect::bundled_meta_schema(&strip_fragment(&target)) {
            let root: Json = serde_json::from_value(meta.clone())
                .map_err(|e| Error::new(&display, from.pointer.clone(), ErrorKind::Json(e)))?;
            self.add_document(&strip_fragment(&target), root)?;
            if let Some(location) = self.lookup(&target) {
                return Ok(location);
            }
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
        Err(unresolved(&target))
    }

    /// The dialect and vocabularies a schema object declares for its resource: its `$schema`,
    /// where it starts a resource (the document root, or beside an identifier). A `$schema`
    /// [`Registry::meta_schema`] cannot read declares nothing here; lowering reports it.
    fn declared(
        &self,
        members: &IndexMap<String, Json>,
        at_root: bool,
    ) -> Option<(Dialect, Vocabularies)> {
        let starts_resource = at_root || members.contains_key("$id") || members.contains_key("id");
        if !starts_resource {
            return None;
        }
        let uri = members.get("$schema").and_then(Json::as_str)?;
        self.meta_schema(uri).ok().flatten()
    }

    /// The dialect and vocabularies a `$schema` URI names: a draft's own meta-schema, or a
    /// custom one the registry holds, read by `dialect.rs`. `None` for a meta-schema the
    /// generator cannot read; an error for a `$vocabulary` it cannot honour: not an object of
    /// booleans, or requiring a vocabulary it does not know.
    pub(crate) fn meta_schema(&self, uri: &str) -> Result<Option<(Dialect, Vocabularies)>, Error> {
        if let Some(dialect) = Dialect::from_uri(uri) {
            return Ok(Some((dialect, Vocabularies::STANDARD)));
        }
        let Some(location) = self.lookup_uri(uri) else {
            return Ok(None);
        };
        let Some(meta) = self.schema_at(&location).and_then(Json::as_object) else {
            return Ok(None);
        };
        let (doc, pointer) = (location.doc, &location.pointer);
        crate::dialect::declared_by_meta_schema(meta).map_err(|e| match e {
            VocabularyError::NotBooleans => {
                self.invalid(doc, pointer, "$vocabulary", "an object of booleans")
            }
            VocabularyError::UnknownRequired(uri) => {
                let at = pointer_push(&pointer_push(pointer, "$vocabulary"), &uri);
                Error::new(self.display(doc), at, ErrorKind::UnknownVocabulary(uri))
            }
        })
    }

    /// The location a URI names, if the registry holds it (nothing is loaded).
    pub fn lookup_uri(&self, uri: &str) -> Option<Location> {
        self.lookup(&Url::parse(uri).ok()?)
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

/// The subschemas a keyword holds in a dialect, with their pointers (`at` is the keyword's).
pub(crate) fn subschemas<'a>(
    dialect: Dialect,
    keyword: &str,
    value: &'a Json,
    at: &str,
) -> Vec<(&'a Json, String)> {
    let indexed = |items: &'a [Json]| {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| (item, pointer_push(at, &i.to_string())))
            .collect()
    };
    match (dialect.subschemas(keyword), value) {
        (Some(Holds::Single), Json::Array(items))
            if keyword == "items" && dialect.items_array() =>
        {
            indexed(items)
        }
        (Some(Holds::Single), _) => vec![(value, at.to_owned())],
        (Some(Holds::Array), Json::Array(items)) => indexed(items),
        (Some(Holds::Map), Json::Object(entries)) => entries
            .iter()
            .map(|(name, item)| (item, pointer_push(at, name)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The identifier of a schema object in its dialect; none beside a `$ref` in drafts 4 to 7,
/// where the reference overrides every sibling.
fn identifier(members: &IndexMap<String, Json>, dialect: Dialect) -> Option<&Json> {
    if dialect.ref_overrides_siblings() && members.contains_key("$ref") {
        return None;
    }
    members.get(dialect.id_keyword())
}

/// Whether a schema object starts a resource of its own within a document.
pub(crate) fn starts_resource(members: &IndexMap<String, Json>, dialect: Dialect) -> bool {
    identifier(members, dialect)
        .and_then(Json::as_str)
        .is_some_and(|id| dialect >= Dialect::Draft2019_09 || !id.starts_with('#'))
}

/// The item at a reference token that is an array index (RFC 6901: digits, no leading zero).
fn index<'a>(items: &'a [Json], token: &str) -> Option<&'a Json> {
    if token.len() > 1 && token.starts_with('0') {
        return None;
    }
    items.get(token.parse::<usize>().ok()?)
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
