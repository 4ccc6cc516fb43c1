//! The test suite on disk: its draft 2020-12 test files and its remote documents.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// Which total a test file counts towards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Group {
    /// `tests/draft2020-12/*.json`: the required tests, in the total.
    #[serde(rename = "required")]
    Required,
    /// `tests/draft2020-12/optional/*.json`, reported on their own line.
    #[serde(rename = "optional")]
    Optional,
    /// `tests/draft2020-12/optional/format/*.json`: format assertion, reported on their own line.
    #[serde(rename = "optional/format")]
    Format,
}

impl Group {
    /// The group of a test file from its path under `tests/draft2020-12/` (`/`-separated).
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
    /// Its path under `tests/draft2020-12/`, `/`-separated, such as `optional/bignum.json`.
    pub name: String,
    pub group: Group,
    pub cases: Vec<Case>,
}

impl SuiteFile {
    /// How reports name the file: `draft2020-12/<name>`.
    pub fn display(&self) -> String {
        format!("draft2020-12/{}", self.name)
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
pub fn parse_file(name: &str, text: &str) -> Result<SuiteFile, String> {
    let cases: Vec<Case> =
        serde_json::from_str(text).map_err(|e| format!("{name}: not a test file: {e}"))?;
    Ok(SuiteFile {
        name: name.to_owned(),
        group: Group::of(name),
        cases,
    })
}

/// The directory of draft 2020-12 tests under a suite root (a JSON-Schema-Test-Suite checkout,
/// or the `json/` folder of Python jsonschema's source distribution).
pub fn tests_dir(root: &Path) -> PathBuf {
    root.join("tests").join("draft2020-12")
}

/// Every test file of the suite, required ones first, then optional, then formats; each group
/// sorted by name. `only` keeps the files whose name contains one of its strings (all when empty).
pub fn load(root: &Path, only: &[String]) -> Result<Vec<SuiteFile>, String> {
    let dir = tests_dir(root);
    let mut names = Vec::new();
    walk(&dir, &dir, &mut names)?;
    names.retain(|n| only.is_empty() || only.iter().any(|o| n.contains(o.as_str())));
    names.sort_by(|a, b| (Group::of(a), a).cmp(&(Group::of(b), b)));
    let mut files = Vec::new();
    for name in names {
        let path = dir.join(&name);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        files.push(parse_file(&name, &text)?);
    }
    if files.is_empty() {
        return Err(format!("no test files under {}", dir.display()));
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
    format!("http://localhost:1234/{relative}")
}

/// Keywords whose value is a map of subschemas.
const SUBSCHEMA_MAPS: &[&str] = &[
    "$defs",
    "definitions",
    "properties",
    "patternProperties",
    "dependentSchemas",
];
/// Keywords whose value is one subschema.
const SUBSCHEMA_SINGLE: &[&str] = &[
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
            if SUBSCHEMA_SINGLE.contains(&k) {
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
