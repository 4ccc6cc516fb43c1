//! The test suite on disk: the test files of every draft the generator reads, and the remote
//! documents.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use wecom_rooms_codegen::Dialect;

/// A draft of the suite: a folder of `tests/` (and of `remotes/`) and the dialect its schemas
/// are read in when they have no `$schema`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Draft {
    #[serde(rename = "draft4")]
    Draft4,
    #[serde(rename = "draft6")]
    Draft6,
    #[serde(rename = "draft7")]
    Draft7,
    #[serde(rename = "draft2019-09")]
    Draft2019_09,
    #[serde(rename = "draft2020-12")]
    Draft2020_12,
}

impl Draft {
    /// Every draft the harness runs, oldest first.
    pub const ALL: [Draft; 5] = [
        Draft::Draft4,
        Draft::Draft6,
        Draft::Draft7,
        Draft::Draft2019_09,
        Draft::Draft2020_12,
    ];

    /// Its folder under `tests/` and `remotes/`, which is also how reports name it.
    pub fn folder(self) -> &'static str {
        match self {
            Draft::Draft4 => "draft4",
            Draft::Draft6 => "draft6",
            Draft::Draft7 => "draft7",
            Draft::Draft2019_09 => "draft2019-09",
            Draft::Draft2020_12 => "draft2020-12",
        }
    }

    /// The dialect of its schemas that have no `$schema`.
    pub fn dialect(self) -> Dialect {
        match self {
            Draft::Draft4 => Dialect::Draft4,
            Draft::Draft6 => Dialect::Draft6,
            Draft::Draft7 => Dialect::Draft7,
            Draft::Draft2019_09 => Dialect::Draft2019_09,
            Draft::Draft2020_12 => Dialect::Draft2020_12,
        }
    }
}

/// Which total a test file counts towards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Group {
    /// `tests/<draft>/*.json`: the required tests, in the total.
    #[serde(rename = "required")]
    Required,
    /// `tests/<draft>/optional/*.json`, reported on their own line.
    #[serde(rename = "optional")]
    Optional,
    /// `tests/<draft>/optional/format/*.json`: format assertion, reported on their own line.
    #[serde(rename = "optional/format")]
    Format,
}

impl Group {
    /// The group of a test file from its path under `tests/<draft>/` (`/`-separated).
    pub fn of(relative: &str) -> Group {
        if relative.starts_with("optional/format/") {
            Group::Format
        } else if relative.starts_with("optional/") {
            Group::Optional
        } else {
            Group::Required
        }
    }

    /// How the summary names the group.
    pub fn name(self) -> &'static str {
        match self {
            Group::Required => "required",
            Group::Optional => "optional",
            Group::Format => "optional/format",
        }
    }
}

/// One test file.
#[derive(Debug)]
pub struct SuiteFile {
    pub draft: Draft,
    /// Its path under `tests/<draft>/`, `/`-separated, such as `optional/bignum.json`.
    pub name: String,
    pub group: Group,
    pub cases: Vec<Case>,
}

impl SuiteFile {
    /// How reports name the file: `<draft>/<name>`.
    pub fn display(&self) -> String {
        format!("{}/{}", self.draft.folder(), self.name)
    }
}

/// One test case: a schema and the instances tested against it.
#[derive(Debug, Deserialize)]
pub struct Case {
    pub description: String,
    /// The schema as the suite wrote it.
    pub schema: Box<RawValue>,
    pub tests: Vec<Test>,
}

/// One instance and the verdict the suite expects for it.
#[derive(Debug, Deserialize)]
pub struct Test {
    pub description: String,
    /// The instance as the suite wrote it.
    pub data: Box<RawValue>,
    pub valid: bool,
}

/// Parses the text of one test file.
pub fn parse_file(draft: Draft, name: &str, text: &str) -> Result<SuiteFile, String> {
    let cases: Vec<Case> = serde_json::from_str(text)
        .map_err(|e| format!("{}/{name}: not a test file: {e}", draft.folder()))?;
    Ok(SuiteFile {
        draft,
        name: name.to_owned(),
        group: Group::of(name),
        cases,
    })
}

/// The directory of a draft's tests under a suite root (a JSON-Schema-Test-Suite checkout, or
/// the `json/` folder of Python jsonschema's source distribution).
pub fn tests_dir(root: &Path, draft: Draft) -> PathBuf {
    root.join("tests").join(draft.folder())
}

/// Every test file of the drafts the suite has, draft by draft; in each, required ones first,
/// then optional, then formats, each group sorted by name. `only` keeps the files whose
/// `<draft>/<name>` contains one of its strings (all when empty).
pub fn load(root: &Path, only: &[String]) -> Result<Vec<SuiteFile>, String> {
    let mut files = Vec::new();
    for draft in Draft::ALL {
        let dir = tests_dir(root, draft);
        if !dir.is_dir() {
            continue;
        }
        let mut names = Vec::new();
        walk(&dir, &dir, &mut names)?;
        let shown = |n: &str| format!("{}/{n}", draft.folder());
        names.retain(|n| only.is_empty() || only.iter().any(|o| shown(n).contains(o.as_str())));
        names.sort_by(|a, b| (Group::of(a), a).cmp(&(Group::of(b), b)));
        for name in names {
            let path = dir.join(&name);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            files.push(parse_file(draft, &name, &text)?);
        }
    }
    if files.is_empty() {
        return Err(format!(
            "no test files under {}",
            root.join("tests").display()
        ));
    }
    Ok(files)
}

/// `*.json` files under `dir`, as `/`-separated paths relative to `base`.
fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            walk(&path, base, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            let relative = path.strip_prefix(base).unwrap_or(&path);
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

/// The suite's remote documents, each under the URI the suite serves it at
/// (`http://localhost:1234/<path under remotes/>`), sorted by URI.
pub fn remotes(root: &Path) -> Result<Vec<(String, serde_json::Value)>, String> {
    let dir = root.join("remotes");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut names = Vec::new();
    walk(&dir, &dir, &mut names)?;
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let path = dir.join(&name);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let value = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
        out.push((remote_uri(&name), value));
    }
    Ok(out)
}

/// The URI the suite serves a remote document at.
pub fn remote_uri(relative: &str) -> String {
    format!("{REMOTE_BASE}{relative}")
}

const REMOTE_BASE: &str = "http://localhost:1234/";

/// The remote documents a draft's cases see: the shared ones and those of its own folder,
/// read in its dialect unless they name one, and those of the other drafts' folders that name
/// their dialect with `$schema` (the cross-draft tests refer to them). The other drafts'
/// documents without `$schema` are theirs alone.
pub fn remotes_for(
    remotes: &[(String, serde_json::Value)],
    draft: Draft,
) -> Vec<(String, serde_json::Value)> {
    remotes
        .iter()
        .filter(|(uri, document)| {
            let relative = uri.strip_prefix(REMOTE_BASE).unwrap_or(uri);
            let folder = relative.split('/').next().unwrap_or_default();
            let of_a_draft = folder.starts_with("draft");
            let names_its_dialect = document
                .get("$schema")
                .and_then(serde_json::Value::as_str)
                .and_then(Dialect::from_uri)
                .is_some();
            !of_a_draft || folder == draft.folder() || names_its_dialect
        })
        .cloned()
        .collect()
}

/// Keywords whose value is a map of subschemas.
const SUBSCHEMA_MAPS: &[&str] = &[
    "$defs",
    "definitions",
    "dependencies",
    "properties",
    "patternProperties",
    "dependentSchemas",
];
/// Keywords whose value is one subschema.
const SUBSCHEMA_SINGLE: &[&str] = &[
    "additionalItems",
    "additionalProperties",
    "contains",
    "contentSchema",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
];
/// Keywords whose value is an array of subschemas.
const SUBSCHEMA_ARRAYS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];

/// Every keyword a schema uses, in it or in any of its subschemas (not inside `enum`, `const`
/// or a `properties` map's names).
pub fn keywords(schema: &serde_json::Value) -> BTreeSet<String> {
    fn visit(schema: &serde_json::Value, out: &mut BTreeSet<String>) {
        let Some(members) = schema.as_object() else {
            return;
        };
        for (keyword, value) in members {
            out.insert(keyword.clone());
            let k = keyword.as_str();
            if k == "items" && value.is_array() {
                // The array form of drafts 4 to 2019-09.
                for item in value.as_array().into_iter().flatten() {
                    visit(item, out);
                }
            } else if SUBSCHEMA_SINGLE.contains(&k) {
                visit(value, out);
            } else if SUBSCHEMA_ARRAYS.contains(&k) {
                for item in value.as_array().into_iter().flatten() {
                    visit(item, out);
                }
            } else if SUBSCHEMA_MAPS.contains(&k) {
                for item in value.as_object().into_iter().flat_map(|m| m.values()) {
                    visit(item, out);
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    visit(schema, &mut out);
    out
}
