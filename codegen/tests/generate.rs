//! Schemas paired with the code the generator makes of them (`schemas/`), and broken schemas
//! paired with the error it gives (`broken/`). Snapshots live in `snapshots/`; review changes
//! with `cargo insta review`.

use std::path::{Path, PathBuf};

use wecom_rooms_codegen::Config;

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

/// The schema names (file stems without `.schema.json`) in a test folder, sorted.
fn schema_names(folder: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir(folder))
        .expect("the test folder exists")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".schema.json").map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no schemas in tests/{folder}");
    names
}

fn generate(folder: &str, name: &str) -> Result<String, wecom_rooms_codegen::Error> {
    Config::new(dir(folder))
        .schema(name)
        .generate()?
        .single_file()
}

#[test]
fn each_construct_generates_the_expected_code() {
    for name in schema_names("schemas") {
        let code = generate("schemas", &name).unwrap_or_else(|e| panic!("{name}: {e}"));
        insta::assert_snapshot!(name.clone(), code);
    }
}

#[test]
fn broken_schemas_are_errors_naming_file_and_pointer() {
    for name in schema_names("broken") {
        let error = match generate("broken", &name) {
            Ok(_) => panic!("{name}: generated code from a broken schema"),
            Err(e) => e.to_string(),
        };
        assert!(
            error.starts_with(&format!("{name}.schema.json")),
            "{name}: the error does not name the file: {error}"
        );
        insta::assert_snapshot!(format!("broken-{name}"), error);
    }
}

#[test]
fn generation_is_deterministic() {
    for name in schema_names("schemas") {
        let first = generate("schemas", &name).expect("generates");
        let second = generate("schemas", &name).expect("generates");
        assert_eq!(first, second, "{name}: two runs differ");
    }
}

#[test]
fn unknown_keywords_can_be_ignored_on_request() {
    let config = Config::new(dir("broken"))
        .schema("misspelt-keyword")
        .unknown_keywords(wecom_rooms_codegen::UnknownKeywords::Ignore);
    assert!(config.generate().is_ok());
}
