//! The checked-in generated code is what the generator makes of the schemas today: editing a
//! schema without `cargo codegen generate`, or editing generated code by hand, fails here.

use std::path::Path;

#[test]
fn generated_code_is_fresh() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generated/ sits in the workspace");
    let config = wecom_rooms_codegen::Config::new(workspace.join("schema"))
        .regenerate_command("cargo codegen generate")
        // As `cargo codegen` runs it (`--deny-unknown-keywords`): our schemas have none.
        .unknown_keywords(wecom_rooms_codegen::UnknownKeywords::Reject)
        .schemars(wecom_rooms_codegen::Schemars::Feature(
            "schemars".to_owned(),
        ));
    if let Err(problem) = config.check_tree(&workspace.join("generated/src/schemas")) {
        panic!("{problem}");
    }
}
