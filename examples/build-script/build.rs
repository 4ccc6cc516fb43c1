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
}

fn generate(config: Config, path: &Path) {
    // A schema error names the file and JSON pointer; fail the build with it.
    if let Err(e) = config.write_single_file(path) {
        panic!("{e}");
    }
}
