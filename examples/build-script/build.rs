//! Generates types and validators into `OUT_DIR` at build time: from this crate's own schema,
//! and from the generator's construct schemas, so that their generated code is compiled and
//! exercised too.

use std::path::{Path, PathBuf};

use wecom_rooms_codegen::Config;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    generate(Config::new("schema"), &out.join("schemas.rs"));
    println!("cargo::rerun-if-changed=schema");

    let constructs = Path::new("../../codegen/tests/schemas");
    // Every `*.schema.json` there: a new construct schema is compiled without a change here.
    let config = Config::new(constructs);
    generate(config, &out.join("constructs.rs"));
    println!("cargo::rerun-if-changed={}", constructs.display());

    // `format` asserted: the runtime's checks (its `format` feature) instead of annotations.
    let formats = Path::new("../../codegen/tests/formats");
    generate(
        Config::new(formats).assert_formats(true),
        &out.join("formats.rs"),
    );
    println!("cargo::rerun-if-changed={}", formats.display());

    // Roots generated together, sharing definitions: one file per case, and a file of
    // modules that include them, so that a new case is compiled without a change here.
    let shared = Path::new("../../codegen/tests/shared");
    let mut modules = String::new();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(shared)
        .expect("reads codegen/tests/shared")
        .map(|entry| entry.expect("reads a case").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    for case in cases {
        let name = case
            .file_name()
            .expect("a case has a name")
            .to_string_lossy();
        let file = out.join(format!("shared-{name}.rs"));
        generate(Config::new(&case), &file);
        modules.push_str(&format!(
            "pub mod {} {{ include!({:?}); }}\n",
            name.replace('-', "_"),
            file.display().to_string()
        ));
    }
    std::fs::write(out.join("shared.rs"), modules).expect("writes shared.rs");
    println!("cargo::rerun-if-changed={}", shared.display());

    // An object with more named members than the 64 bits `is_valid` tracks them with, written
    // here rather than checked in: 70 properties, the first 66 required.
    let wide = out.join("wide");
    std::fs::create_dir_all(&wide).expect("creates OUT_DIR/wide");
    std::fs::write(wide.join("wide.schema.json"), wide_schema(70, 66)).expect("writes the schema");
    generate(Config::new(&wide), &out.join("wide.rs"));
}

fn wide_schema(properties: usize, required: usize) -> String {
    let properties: Vec<String> = (0..properties)
        .map(|i| format!(r#""p{i}": {{"type": "integer", "minimum": 0}}"#))
        .collect();
    let required: Vec<String> = (0..required).map(|i| format!(r#""p{i}""#)).collect();
    format!(
        r#"{{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Wide",
  "type": "object",
  "properties": {{ {} }},
  "required": [{}]
}}"#,
        properties.join(", "),
        required.join(", ")
    )
}

fn generate(config: Config, path: &Path) {
    // A schema error names the file and JSON pointer; fail the build with it.
    if let Err(e) = config.write_single_file(path) {
        panic!("{e}");
    }
}
