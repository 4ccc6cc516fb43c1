//! Real schemas nobody here wrote: the CI-configuration schemas that the Python package
//! check-jsonschema vendors, with the example files its own tests check against them, and the
//! schemas of other shapes that `packages.rs` takes from other packages.
//!
//! `pip download` fetches its sdist; the vendored schemas and the example files
//! (`tests/example-files/hooks/{positive,negative}/<schema>/…`, JSON and YAML) are unpacked
//! from it. Each schema becomes one file of a suite-shaped folder: one case, whose tests are the
//! examples with the verdict of the jsonschema crate (format as an annotation, as ours) as the
//! expected one. The suite's harness then generates, builds and runs them like any other case,
//! so a wrong verdict here is a disagreement with the jsonschema crate, and a declined schema is
//! reported with the generator's error, which names the keyword.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The release of check-jsonschema whose schemas and examples make the corpus.
pub const CHECK_JSONSCHEMA_VERSION: &str = "0.39.0";

/// Written into the unpacked folder once it is complete.
const MARKER: &str = ".unpacked";

/// One example file and what its folder says it should be.
#[derive(Debug)]
pub struct Example {
    /// `positive/<schema>/<file>` or `negative/<schema>/<file>`.
    pub name: String,
    /// The document, or why it cannot be one (a YAML key that is not a string, a format that
    /// is not read).
    pub value: Result<Value, String>,
}

/// One schema and its examples.
#[derive(Debug)]
pub struct Entry {
    /// The vendored file's stem, such as `github-workflows`, or the name `packages.rs` gives.
    pub name: String,
    /// Where it comes from: the package and the schema's path in it.
    pub source: String,
    pub schema: Value,
    pub examples: Vec<Example>,
}

/// The corpus under `work`: check-jsonschema's vendored schemas, then the other packages'
/// (`packages.rs`), downloading and unpacking them first unless that was done.
pub fn load(work: &Path) -> Result<Vec<Entry>, String> {
    let mut entries = check_jsonschema(work)?;
    entries.extend(crate::packages::load(work)?);
    Ok(entries)
}

/// check-jsonschema's vendored schemas and the examples of its hooks' tests.
fn check_jsonschema(work: &Path) -> Result<Vec<Entry>, String> {
    let root = unpacked(work)?;
    let mut entries = Vec::new();
    let vendor = root.join("vendor");
    for path in sorted_files(&vendor)? {
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".json"))
        else {
            continue;
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let schema = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
        let mut examples = Vec::new();
        for side in ["positive", "negative"] {
            let dir = root.join("examples").join(side).join(name);
            if !dir.is_dir() {
                continue;
            }
            for file in sorted_files(&dir)? {
                let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned());
                let Some(file_name) = file_name.filter(|n| !n.starts_with('_')) else {
                    continue; // `_config.yaml`: how check-jsonschema's tests run, not an example.
                };
                examples.push(Example {
                    name: format!("{side}/{name}/{file_name}"),
                    value: read_document(&file),
                });
            }
        }
        entries.push(Entry {
            name: name.to_owned(),
            source: format!("check-jsonschema {CHECK_JSONSCHEMA_VERSION}: vendor/{name}.json"),
            schema,
            examples,
        });
    }
    if entries.is_empty() {
        return Err(format!("no vendored schemas in {}", vendor.display()));
    }
    Ok(entries)
}

/// Writes the corpus as a suite-shaped folder under `root` (`tests/draft2020-12/<name>.json`
/// and an empty `remotes/`): each schema one case, its examples the tests, each expected to get
/// the jsonschema crate's verdict. Each schema's `$schema` says its dialect. Returns the notes
/// on what could not be compared (examples that are not JSON documents, schemas the reference
/// cannot build).
pub fn write_suite(root: &Path, entries: &[Entry]) -> Result<Vec<String>, String> {
    let tests_dir = root.join("tests").join("draft2020-12");
    let _ = std::fs::remove_dir_all(root);
    for dir in [&tests_dir, &root.join("remotes")] {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut notes = Vec::new();
    for entry in entries {
        let reference = jsonschema::options()
            .should_validate_formats(false)
            .build(&entry.schema);
        let mut tests = Vec::new();
        for example in &entry.examples {
            let value = match (&example.value, &reference) {
                (Err(why), _) => {
                    notes.push(format!("{}: not compared: {why}", example.name));
                    continue;
                }
                (_, Err(why)) => {
                    notes.push(format!(
                        "{}: not compared: the jsonschema crate cannot build the schema: {why}",
                        example.name
                    ));
                    continue;
                }
                (Ok(value), Ok(reference)) => json!({
                    "description": example.name,
                    "data": value,
                    "valid": reference.is_valid(value),
                }),
            };
            tests.push(value);
        }
        let case = json!([{
            "description": entry.source,
            "schema": entry.schema,
            "tests": tests,
        }]);
        let path = tests_dir.join(format!("{}.json", entry.name));
        let text = serde_json::to_string_pretty(&case).map_err(|e| e.to_string())?;
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(notes)
}

/// A JSON or YAML example as a JSON value (a notebook, `.ipynb`, is JSON).
pub(crate) fn read_document(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match extension {
        "json" | "ipynb" => serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}")),
        // CITATION.cff is YAML.
        "yaml" | "yml" | "cff" => {
            yaml_serde::from_str(&text).map_err(|e| format!("not a JSON document in YAML: {e}"))
        }
        other => Err(format!("`.{other}` files are not read")),
    }
}

pub(crate) fn sorted_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// The unpacked package (`vendor/`, `examples/`) under `work`.
fn unpacked(work: &Path) -> Result<PathBuf, String> {
    let root = work.join("package");
    let want = format!("check-jsonschema=={CHECK_JSONSCHEMA_VERSION}");
    if std::fs::read_to_string(root.join(MARKER)).is_ok_and(|m| m.trim() == want) {
        return Ok(root);
    }
    let download = work.join("download");
    let sdist = download.join(format!(
        "check_jsonschema-{CHECK_JSONSCHEMA_VERSION}.tar.gz"
    ));
    if !sdist.is_file() {
        crate::fetch::pip_download(&download, &want)?;
    }
    let file =
        std::fs::File::open(&sdist).map_err(|e| format!("cannot open {}: {e}", sdist.display()))?;
    let partial = work.join(format!("package.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    let written = crate::fetch::unpack_with(file, &partial, place)
        .map_err(|e| format!("{}: {e}", sdist.display()))?;
    if !written.iter().any(|p| p.starts_with("vendor")) {
        return Err(format!("{} holds no vendored schemas", sdist.display()));
    }
    std::fs::write(partial.join(MARKER), format!("{want}\n"))
        .map_err(|e| format!("cannot write to {}: {e}", partial.display()))?;
    let _ = std::fs::remove_dir_all(&root);
    std::fs::rename(&partial, &root)
        .map_err(|e| format!("cannot rename {}: {e}", partial.display()))?;
    Ok(root)
}

/// Where a member of the sdist goes under the unpacked root, if the corpus uses it: the
/// vendored schemas and the example files of the hooks' tests.
fn place(parts: &[&str]) -> Option<PathBuf> {
    match parts {
        [
            _,
            "src",
            "check_jsonschema",
            "builtin_schemas",
            "vendor",
            file,
        ] if file.ends_with(".json") => Some(Path::new("vendor").join(file)),
        [
            _,
            "tests",
            "example-files",
            "hooks",
            side @ ("positive" | "negative"),
            schema,
            file,
        ] => Some(Path::new("examples").join(side).join(schema).join(file)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_schemas_and_examples_are_unpacked() {
        let top = "check_jsonschema-0.39.0";
        for (member, expected) in [
            (
                format!("{top}/src/check_jsonschema/builtin_schemas/vendor/gitlab-ci.json"),
                Some("vendor/gitlab-ci.json"),
            ),
            (
                format!(
                    "{top}/tests/example-files/hooks/negative/drone-ci/unkown-type-pipeline.yml"
                ),
                Some("examples/negative/drone-ci/unkown-type-pipeline.yml"),
            ),
            (
                format!(
                    "{top}/src/check_jsonschema/builtin_schemas/vendor/licenses/LICENSE.gitlab"
                ),
                None,
            ),
            (
                format!("{top}/tests/example-files/explicit-schema/positive/a/schema.json"),
                None,
            ),
            (
                format!("{top}/tests/example-files/hooks/positive/../../../../etc/passwd"),
                None,
            ),
        ] {
            let parts = crate::fetch::components(Path::new(&member));
            let placed =
                parts.and_then(|p| place(&p.iter().map(String::as_str).collect::<Vec<_>>()));
            assert_eq!(placed, expected.map(PathBuf::from), "{member}");
        }
    }

    #[test]
    fn yaml_examples_read_as_json_documents() {
        let dir = std::env::temp_dir().join(format!("corpus-yaml-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let yaml = dir.join("a.yml");
        std::fs::write(&yaml, "on: push\njobs:\n  build:\n    timeout-minutes: 5\n").unwrap();
        assert_eq!(
            read_document(&yaml).unwrap(),
            json!({"on": "push", "jobs": {"build": {"timeout-minutes": 5}}})
        );
        // JSON has no integer member names: a YAML integer key becomes its text.
        let integer_key = dir.join("b.yaml");
        std::fs::write(&integer_key, "1: one\n").unwrap();
        assert_eq!(read_document(&integer_key).unwrap(), json!({"1": "one"}));
        let json5 = dir.join("c.json5");
        std::fs::write(&json5, "{a: 1}").unwrap();
        assert!(read_document(&json5).unwrap_err().contains("not read"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
