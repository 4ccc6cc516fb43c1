//! Schemas paired with the code the generator makes of them (`schemas/`), and broken schemas
//! paired with the error it gives (`broken/`). Snapshots live in `snapshots/`; review changes
//! with `cargo insta review`.

use std::path::{Path, PathBuf};

use wecom_rooms_codegen::{Config, UnknownKeywords, WarningKind};

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

/// The case folders of a test folder, sorted: each a set of root schemas generated together.
fn case_dirs(folder: &str) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir(folder))
        .expect("the test folder exists")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in tests/{folder}");
    cases
}

fn case_name(case: &Path) -> String {
    case.file_name().unwrap().to_string_lossy().into_owned()
}

/// Roots generated together share the types of the definitions several of them use: one type,
/// in the module of the file that defines it, that every root refers to.
#[test]
fn roots_generated_together_share_definitions() {
    for case in case_dirs("shared") {
        let name = case_name(&case);
        let code = Config::new(&case)
            .generate()
            .and_then(|output| output.single_file())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        insta::assert_snapshot!(format!("shared-{name}"), code);
    }
}

#[test]
fn schemas_that_cannot_be_generated_together_are_errors() {
    for case in case_dirs("shared-broken") {
        let name = case_name(&case);
        let error = match Config::new(&case).generate() {
            Ok(_) => panic!("{name}: generated code with two types of one name"),
            Err(e) => chain(&e),
        };
        insta::assert_snapshot!(format!("shared-broken-{name}"), error);
    }
}

/// An error and its sources, as a command prints them: `error: source: source`.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// `format` is an annotation unless asserted: then the formats the runtime knows are checked,
/// and one it does not know stays an annotation.
#[test]
fn formats_are_checked_only_when_asserted() {
    let generate = |assert| {
        Config::new(dir("formats"))
            .assert_formats(assert)
            .generate()
            .and_then(|output| output.single_file())
            .expect("generates")
    };
    let annotated = generate(false);
    assert!(!annotated.contains("__private::format"), "{annotated}");
    let asserted = generate(true);
    assert!(
        !asserted.contains("room_code"),
        "an unknown format was asserted"
    );
    // Each format the schema names is checked by its runtime function, but the unknown one.
    let text = std::fs::read_to_string(dir("formats").join("formats.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    for property in schema["properties"].as_object().unwrap().values() {
        let format = property["format"].as_str().unwrap();
        let call = format!("__private::format::{}(s)", format.replace('-', "_"));
        assert_eq!(asserted.contains(&call), format != "room-code", "{format}");
    }
    insta::assert_snapshot!("formats-asserted", asserted);
}

#[test]
fn broken_schemas_are_errors_naming_file_and_pointer() {
    for name in schema_names("broken") {
        let error = match generate("broken", &name) {
            Ok(_) => panic!("{name}: generated code from a broken schema"),
            Err(e) => chain(&e),
        };
        assert!(
            error.starts_with(&format!("{name}.schema.json")),
            "{name}: the error does not name the file: {error}"
        );
        insta::assert_snapshot!(format!("broken-{name}"), error);
    }
}

/// Two processes (each with its own hash seeds and memory layout) write byte-identical trees
/// from the construct schemas and from the workspace's own.
#[test]
fn generation_is_deterministic_across_processes() {
    let workspace_schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
    for (label, schemas) in [
        ("constructs", dir("schemas")),
        ("workspace", workspace_schemas),
    ] {
        let trees = [1, 2].map(|run| {
            let out = std::env::temp_dir().join(format!(
                "codegen-determinism-{label}-{run}-{}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&out);
            let status = std::process::Command::new(env!("CARGO_BIN_EXE_wecom-rooms-codegen"))
                .arg("--schema-dir")
                .arg(&schemas)
                .arg("--out")
                .arg(&out)
                .arg("generate")
                .status()
                .expect("the generator runs");
            assert!(status.success(), "{label}: run {run} failed");
            let files = files_under(&out);
            let _ = std::fs::remove_dir_all(&out);
            files
        });
        assert!(!trees[0].is_empty(), "{label}: nothing generated");
        assert!(
            trees[0] == trees[1],
            "{label}: two processes wrote different trees"
        );
    }
}

/// Every file under `dir`, relative, with its bytes, sorted.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).expect("readable") {
            let path = entry.expect("readable").path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                let bytes = std::fs::read(&path).expect("readable");
                out.push((path.strip_prefix(base).expect("under").to_owned(), bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn unknown_keywords_can_be_ignored_on_request() {
    let config = Config::new(dir("broken"))
        .schema("misspelt-keyword")
        .unknown_keywords(UnknownKeywords::Ignore);
    let output = config
        .generate()
        .expect("a typo is an annotation under Ignore");
    assert!(output.warnings().is_empty());
}

/// A schema with keywords of other vocabularies: two at three places, one beside a `$ref`.
const ANNOTATED: &str = r#"{
  "$schema": "http://json-schema.org/draft-04/schema#",
  "type": "object",
  "properties": {
    "a": {"type": "string", "source_hidden": true},
    "b": {"type": "integer", "source_hidden": false, "meta:enum": {"1": "one"}}
  },
  "source_hidden": true
}"#;

/// The default reads a keyword the draft does not define as an annotation and names each
/// distinct one once, with its first file and pointer and how often it occurs; `Reject` refuses
/// the first one.
#[test]
fn unknown_keywords_are_annotations_named_once_in_a_warning() {
    let dir = std::env::temp_dir().join(format!("codegen-annotated-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    std::fs::write(dir.join("notebook.schema.json"), ANNOTATED).expect("writes");
    let output = Config::new(&dir).generate().expect("generates");
    let warnings: Vec<String> = output.warnings().iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "notebook.schema.json#/source_hidden: `source_hidden` is not a keyword of draft-04: read as an annotation here and in 2 more places (`UnknownKeywords::Reject` refuses it)",
            "notebook.schema.json#/properties/b/meta:enum: `meta:enum` is not a keyword of draft-04: read as an annotation (`UnknownKeywords::Reject` refuses it)",
        ]
    );
    assert!(matches!(
        &output.warnings()[0].kind,
        WarningKind::UnknownKeyword { keyword, places: 3, .. } if keyword == "source_hidden"
    ));
    let error = Config::new(&dir)
        .unknown_keywords(UnknownKeywords::Reject)
        .generate()
        .map(drop)
        .expect_err("Reject refuses it");
    assert!(
        error.to_string().starts_with(
            "notebook.schema.json#/source_hidden: `source_hidden` is not a keyword of draft-04, and unknown keywords are refused"
        ),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The command prints warnings on stderr, and as `cargo::warning=` lines on stdout when it
/// runs where cargo runs build scripts (the variables cargo sets for those only); and
/// `--deny-unknown-keywords` refuses the keyword.
#[test]
fn warnings_reach_a_command_line_and_a_build_script() {
    let dir = std::env::temp_dir().join(format!("codegen-warnings-{}", std::process::id()));
    let schemas = dir.join("schemas");
    std::fs::create_dir_all(&schemas).expect("a temp dir");
    std::fs::write(schemas.join("notebook.schema.json"), ANNOTATED).expect("writes");
    let run = |build_script: bool, deny: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_wecom-rooms-codegen"));
        command
            .arg("--schema-dir")
            .arg(&schemas)
            .arg("--out")
            .arg(dir.join("out"));
        if deny {
            command.arg("--deny-unknown-keywords");
        }
        for name in ["OUT_DIR", "TARGET", "HOST"] {
            if build_script {
                command.env(name, &dir);
            } else {
                command.env_remove(name);
            }
        }
        let output = command
            .arg("generate")
            .output()
            .expect("the generator runs");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (status, stdout, stderr) = run(false, false);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("warning: notebook.schema.json#/source_hidden: "),
        "{stderr}"
    );
    let (status, stdout, stderr) = run(true, false);
    assert_eq!(status, Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[1].starts_with("cargo::warning=notebook.schema.json#/properties/b/meta:enum: "),
        "{stdout}"
    );
    let (status, _, stderr) = run(false, true);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("`source_hidden` is not a keyword of draft-04"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Long chains of references, in place and through members, on a test thread's small stack:
/// the generator walks them with work lists, not recursion.
#[test]
fn long_reference_chains_do_not_overflow_the_stack() {
    const LENGTH: usize = 1_000;
    let mut defs = serde_json::Map::new();
    for i in 0..LENGTH {
        let next = if i + 1 < LENGTH {
            serde_json::json!({ "$ref": format!("#/$defs/D{}", i + 1) })
        } else {
            serde_json::json!(true)
        };
        defs.insert(
            format!("D{i}"),
            serde_json::json!({
                "type": "object",
                "properties": { "n": { "type": "integer" }, "next": next },
                "allOf": [next],
            }),
        );
    }
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": "#/$defs/D0",
        "$defs": defs,
    });
    let dir = std::env::temp_dir().join(format!("codegen-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    std::fs::write(dir.join("chain.schema.json"), schema.to_string()).expect("writes");
    let started = std::time::Instant::now();
    let out = dir.join("out.rs");
    Config::new(&dir)
        .write_single_file(&out)
        .expect("generates");
    let code = std::fs::read_to_string(&out).expect("written");
    println!(
        "{LENGTH} chained definitions: {} bytes of code in {:.2} s",
        code.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(code.contains("pub struct D999"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Items of a file as prettyplease prints them, each module's own items sorted and its inner
/// modules normalized the same way: two files with the same items in another order, or printed
/// differently, normalize alike. Each item is printed, parsed and printed again: prettyplease
/// puts braces around a closure body it breaks over lines, and lays out a nest of closures
/// differently once they are there.
fn normalized_items(items: &[syn::Item]) -> Vec<String> {
    let unparse = |item: syn::Item| {
        prettyplease::unparse(&syn::File {
            shebang: None,
            frontmatter: None,
            attrs: Vec::new(),
            items: vec![item],
        })
    };
    let print = |item: syn::Item| {
        let once = syn::parse_file(&unparse(item)).expect("prettyplease prints Rust");
        prettyplease::unparse(&once)
    };
    let mut out: Vec<String> = items
        .iter()
        .map(|item| match item {
            syn::Item::Mod(module) => {
                let mut module = module.clone();
                let inner = module
                    .content
                    .take()
                    .map(|(_, items)| normalized_items(&items))
                    .unwrap_or_default();
                format!("{}{{\n{}}}", print(syn::Item::Mod(module)), inner.join(""))
            }
            // The runtime-feature wrapper: its features, then the items it holds.
            syn::Item::Macro(wrapper)
                if wrapper
                    .mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "require_features") =>
            {
                let text = wrapper.mac.tokens.to_string();
                let (features, code) = text.split_once(';').expect("features; code");
                let code = syn::parse_file(code).expect("the wrapped code parses");
                format!(
                    "require_features!({}) {{\n{}}}",
                    features.trim(),
                    normalized_items(&code.items).join("")
                )
            }
            other => print(other.clone()),
        })
        .collect();
    out.sort();
    out
}

/// A build script's file is printed without prettyplease, its validators emitted on a second
/// thread: it must hold the same items as the formatted single file.
#[test]
fn build_script_file_holds_what_the_formatted_file_holds() {
    let out_dir = std::env::temp_dir().join(format!("codegen-single-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).expect("a temp dir");
    for name in schema_names("schemas") {
        let formatted = generate("schemas", &name).expect("generates");
        let path = out_dir.join(format!("{name}.rs"));
        Config::new(dir("schemas"))
            .schema(&name)
            .write_single_file(&path)
            .expect("writes");
        let text = std::fs::read_to_string(&path).expect("written");
        let parse = |code: &str| syn::parse_file(code).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (formatted, text) = (parse(&formatted), parse(&text));
        let validators = |items: &[String]| items.iter().any(|i| i.contains("mod validators"));
        let text_items = normalized_items(&text.items);
        assert!(validators(&text_items), "{name}: no validators");
        assert_eq!(
            normalized_items(&formatted.items),
            text_items,
            "{name}: the build script's file differs"
        );
    }
    let _ = std::fs::remove_dir_all(&out_dir);
}

/// A schema without `$schema` is read in the configured default dialect: `items` as an array
/// with `additionalItems` is draft-07's tuple, and a keyword 2020-12 does not define there.
#[test]
fn a_schema_without_dialect_is_read_in_the_default_one() {
    let dir = std::env::temp_dir().join(format!("codegen-default-dialect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let schema = serde_json::json!({
        "type": "array",
        "items": [{ "type": "string" }],
        "additionalItems": false,
    });
    std::fs::write(dir.join("tuple.schema.json"), schema.to_string()).expect("writes");
    let draft7 = Config::new(&dir)
        .default_dialect(wecom_rooms_codegen::Dialect::Draft7)
        .generate()
        .and_then(|output| output.single_file())
        .expect("draft-07 reads it");
    assert!(
        draft7.contains("tuple.schema.json#/additionalItems"),
        "{draft7}"
    );
    let Err(error) = Config::new(&dir).generate() else {
        panic!("2020-12 read array-form items");
    };
    assert_eq!(
        error.to_string(),
        "tuple.schema.json#/items: expected a schema, found an array: an array of schemas is `items` up to draft 2019-09 and `prefixItems` in draft 2020-12 (the draft comes from `$schema`, else `Config::default_dialect`)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
