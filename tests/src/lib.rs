//! What the conformance tests share: where the workspace, its schemas and its
//! fixtures live, and the fixtures themselves with the verdict their folder
//! expects.
//!
//! Fixtures live at `tests/fixtures/<schema name>/{valid,invalid}/*.json`,
//! where `<schema name>` names `schema/<schema name>.schema.json` (for example
//! `meeting/rooms/get_info/response`) and the folder is the verdict a
//! conforming JSON Schema 2020-12 validator gives under that schema, with its
//! default settings. A fixture need not be JSON at all: a malformed one is
//! expected to be rejected, so it lives in `invalid/`.
//!
//! A misplaced file is a mistake in the test setup, not a verdict, so the
//! functions here panic on one rather than skip it.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod targets;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// The root of the workspace, the folder that holds `schema/` and `tests/`.
///
/// # Panics
///
/// Never in practice: this crate is always built inside the workspace.
#[must_use]
pub fn workspace_root() -> PathBuf {
    // This crate is the workspace member in `tests/`, one level below the root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the conformance crate lives inside the workspace")
        .to_path_buf()
}

/// The folder that holds every schema: `schema/` at the workspace root.
#[must_use]
pub fn schema_dir() -> PathBuf {
    workspace_root().join("schema")
}

/// The folder that holds every fixture: `tests/fixtures/`.
#[must_use]
pub fn fixtures_dir() -> PathBuf {
    workspace_root().join("tests").join("fixtures")
}

/// The file of the schema called `name`: `schema/<name>.schema.json`.
///
/// `name` uses `/` as its separator on every platform, for example
/// `meeting/rooms/get_info/request`.
#[must_use]
pub fn schema_path(name: &str) -> PathBuf {
    let mut path = schema_dir();
    let mut parts = name.split('/').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_some() {
            path.push(part);
        } else {
            path.push(format!("{part}.schema.json"));
        }
    }
    path
}

/// The schema called `name`, parsed.
///
/// # Panics
///
/// If the file cannot be read or is not JSON: the tests cannot run without it.
#[must_use]
pub fn load_schema(name: &str) -> serde_json::Value {
    let path = schema_path(name);
    let text = fs::read(&path)
        .unwrap_or_else(|err| panic!("cannot read schema {}: {err}", path.display()));
    serde_json::from_slice(&text)
        .unwrap_or_else(|err| panic!("schema {} is not JSON: {err}", path.display()))
}

/// Where the schemas' `$id`s live: `$ID_BASE<path>` names `schema/<path>`.
pub const ID_BASE: &str = "https://wecom-rooms.example/schema/";

/// Resolves the schemas' `$ref`s to other files (such as `common.json`) from `schema/`, so the
/// `jsonschema` crate never goes to the network and sees the files as they are on disk.
#[derive(Debug, Clone, Copy)]
pub struct SchemaFiles;

impl jsonschema::Retrieve for SchemaFiles {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let uri = uri.as_str();
        let relative = uri
            .strip_prefix(ID_BASE)
            .filter(|r| !r.split('/').any(|part| part == ".." || part.is_empty()))
            .ok_or_else(|| format!("{uri} is not a schema of this workspace"))?;
        let path = schema_dir().join(relative);
        let text = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(serde_json::from_slice(&text)?)
    }
}

/// The `jsonschema` crate's validator for the schema called `name`, with its defaults for
/// draft 2020-12 and `$ref`s to other schema files resolved by [`SchemaFiles`].
///
/// # Panics
///
/// If the crate rejects the schema: the tests cannot run without it.
#[must_use]
pub fn reference_validator(name: &str) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .with_retriever(SchemaFiles)
        .build(&load_schema(name))
        .unwrap_or_else(|err| panic!("the jsonschema crate rejects schema {name}: {err}"))
}

/// The name of every schema in `schema/`, sorted, such as
/// `meeting/rooms/get_info/request` for
/// `schema/meeting/rooms/get_info/request.schema.json`.
///
/// # Panics
///
/// If `schema/` cannot be listed.
#[must_use]
pub fn schema_names() -> Vec<String> {
    let root = schema_dir();
    let mut names: Vec<String> = files_under(&root)
        .into_iter()
        .filter_map(|path| {
            let relative = slash_path(path.strip_prefix(&root).ok()?);
            relative.strip_suffix(".schema.json").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

/// Every schema document in `schema/` that is no message of its own (such as `common.json`,
/// the definitions the messages share), by its path under `schema/`, parsed, sorted.
///
/// # Panics
///
/// If `schema/` cannot be listed or such a file is not JSON.
#[must_use]
pub fn shared_documents() -> Vec<(String, serde_json::Value)> {
    let root = schema_dir();
    let mut documents: Vec<(String, serde_json::Value)> = files_under(&root)
        .into_iter()
        .filter_map(|path| {
            let relative = slash_path(path.strip_prefix(&root).ok()?);
            let shared = relative.ends_with(".json") && !relative.ends_with(".schema.json");
            shared.then(|| {
                let text = fs::read(&path)
                    .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
                let json = serde_json::from_slice(&text)
                    .unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()));
                (relative, json)
            })
        })
        .collect();
    documents.sort_by(|a, b| a.0.cmp(&b.0));
    documents
}

/// The verdict a fixture expects, named by the folder it lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Expect {
    /// The fixture is an instance of its schema: it lives in `valid/`.
    Valid,
    /// The fixture is not an instance of its schema, or not JSON at all: it
    /// lives in `invalid/`.
    Invalid,
}

impl Expect {
    /// The verdict a validator gave, as an [`Expect`] to compare with a
    /// fixture's.
    #[must_use]
    pub fn from_valid(valid: bool) -> Self {
        if valid { Self::Valid } else { Self::Invalid }
    }

    /// The verdict named by a fixture folder, `valid` or `invalid`.
    #[must_use]
    pub fn from_folder(name: &str) -> Option<Self> {
        match name {
            "valid" => Some(Self::Valid),
            "invalid" => Some(Self::Invalid),
            _ => None,
        }
    }

    /// The folder name for this verdict, `valid` or `invalid`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
        }
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One fixture file: a candidate instance and the verdict its folder expects.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The absolute path of the file.
    pub path: PathBuf,
    /// The name of the schema it is checked against, such as
    /// `meeting/rooms/get_info/response`: see [`schema_path`].
    pub schema: String,
    /// The verdict expected under that schema.
    pub expect: Expect,
    /// The file's bytes, untouched: a fixture may be malformed on purpose.
    pub text: Vec<u8>,
}

impl Fixture {
    /// The file parsed as JSON.
    ///
    /// # Errors
    ///
    /// If the file is not JSON, as a malformed fixture is on purpose.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.text)
    }

    /// The path relative to the workspace root, with `/` separators, as test
    /// output shows it: `tests/fixtures/<schema>/<verdict>/<file>.json`.
    #[must_use]
    pub fn display_path(&self) -> String {
        let root = workspace_root();
        self.path
            .strip_prefix(&root)
            .map_or_else(|_| self.path.display().to_string(), slash_path)
    }

    /// The file name without `.json`, which says what the fixture tests.
    #[must_use]
    pub fn name(&self) -> &str {
        self.path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default()
    }
}

/// Every fixture under `tests/fixtures/`, sorted by path.
///
/// Besides `*.json` fixtures the tree may hold only `README.md` files and
/// hidden files such as `.gitkeep`.
///
/// # Panics
///
/// On a test-setup error, so that no fixture is silently skipped: a `.json`
/// file whose folder is not `valid` or `invalid`, a verdict folder whose
/// schema does not exist, any other kind of file, or a file that cannot be
/// read.
#[must_use]
pub fn fixtures() -> Vec<Fixture> {
    let root = fixtures_dir();
    let mut fixtures: Vec<Fixture> = files_under(&root)
        .into_iter()
        .filter_map(|path| fixture_at(&root, path))
        .collect();
    fixtures.sort_by(|a, b| a.path.cmp(&b.path));
    fixtures
}

/// The fixture at `path`, or `None` for a file that is allowed but is no
/// fixture.
fn fixture_at(root: &Path, path: PathBuf) -> Option<Fixture> {
    let relative = slash_path(path.strip_prefix(root).expect("walked from the root"));
    let file_name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    if file_name.starts_with('.') || file_name == "README.md" {
        return None;
    }
    assert!(
        file_name.ends_with(".json"),
        "fixture tests/fixtures/{relative} is not a .json file: fixtures are tests/fixtures/<schema>/{{valid,invalid}}/*.json",
    );
    let (folder, _) = relative.rsplit_once('/').unwrap_or_else(|| {
        panic!("fixture tests/fixtures/{relative} is not inside a valid/ or invalid/ folder")
    });
    let (schema, verdict) = folder.rsplit_once('/').unwrap_or(("", folder));
    let expect = Expect::from_folder(verdict).unwrap_or_else(|| {
        panic!("fixture tests/fixtures/{relative} is not inside a valid/ or invalid/ folder, but in {verdict}/")
    });
    assert!(
        !schema.is_empty(),
        "fixture tests/fixtures/{relative} names no schema: its folder must be tests/fixtures/<schema>/{verdict}/",
    );
    let schema_file = schema_path(schema);
    assert!(
        schema_file.is_file(),
        "fixture tests/fixtures/{relative} is for schema {schema}, but {} does not exist",
        schema_file.display(),
    );
    let text = fs::read(&path)
        .unwrap_or_else(|err| panic!("cannot read fixture {}: {err}", path.display()));
    Some(Fixture {
        path,
        schema: schema.to_owned(),
        expect,
        text,
    })
}

/// Every file below `dir`, at any depth, in no particular order.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()));
        for entry in entries {
            let entry = entry.unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()));
            let path = entry.path();
            // Follows symlinks, so a linked folder of fixtures is walked too.
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// A relative path with `/` separators, whatever the platform's.
fn slash_path(path: &Path) -> String {
    path.components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
