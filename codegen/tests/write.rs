//! What the generator may do to the file system: never let one schema's module overwrite
//! another's, and never replace or remove a file it did not write.

use std::path::{Path, PathBuf};

use wecom_rooms_codegen::{Config, ErrorKind};

const SCHEMA: &str =
    r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string"}"#;

/// A fresh directory under the system's temporary one, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("codegen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file under `dir` with its contents, sorted by path.
fn tree(dir: &Path) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.strip_prefix(base).unwrap().to_owned(), text));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[track_caller]
fn check_collision(name: &str, first: &str, second: &str, module: &str) {
    let schemas = TempDir::new(name);
    schemas.write(&format!("{first}.schema.json"), SCHEMA);
    schemas.write(&format!("{second}.schema.json"), SCHEMA);
    let Err(error) = Config::new(&schemas.0).generate() else {
        panic!("{first} and {second} were both generated");
    };
    let message = error.to_string();
    match &error.kind {
        ErrorKind::ModuleCollision {
            module: found,
            other,
        } => {
            assert_eq!(found, module, "{message}");
            let mut files = [&error.file, other].map(|f| f.strip_prefix(&schemas.0).unwrap());
            files.sort();
            let mut expected = [first, second].map(|n| PathBuf::from(format!("{n}.schema.json")));
            expected.sort();
            assert_eq!(
                files,
                expected.each_ref().map(PathBuf::as_path),
                "{message}"
            );
        }
        _ => panic!("expected a module collision, got: {message}"),
    }
    for name in [first, second] {
        assert!(
            message.contains(&format!("{name}.schema.json")),
            "{message}"
        );
    }
}

#[test]
fn schemas_that_map_to_one_module_are_an_error_naming_both() {
    check_collision("dash", "rooms/a-b", "rooms/a_b", "rooms::a_b");
    // Names without Latin letters all map to the same fallback name.
    check_collision("non-ascii", "会议室", "设备", "field");
}

#[test]
fn writing_keeps_files_the_generator_did_not_write() {
    let schemas = TempDir::new("keep-schemas");
    schemas.write("room.schema.json", SCHEMA);
    let out = TempDir::new("keep-out");
    let lib = out.write("lib.rs", "//! Hand-written.\npub mod client;\n");
    let client = out.write("client/mod.rs", "// Hand-written too.\n");
    let notes = out.write("notes.md", "not code\n");
    let config = Config::new(&schemas.0);

    // A file written by an older run, for a schema that is gone, goes.
    config.write_tree(&out.0).unwrap();
    let generated = out.0.join("room.rs");
    let stale = out.0.join("old.rs");
    std::fs::copy(&generated, &stale).unwrap();
    config.write_tree(&out.0).unwrap();
    assert!(!stale.exists(), "a stale generated file was kept");
    assert!(generated.exists());

    assert_eq!(
        std::fs::read_to_string(&lib).unwrap(),
        "//! Hand-written.\npub mod client;\n"
    );
    assert_eq!(
        std::fs::read_to_string(&client).unwrap(),
        "// Hand-written too.\n"
    );
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "not code\n");
    config.check_tree(&out.0).unwrap();
}

#[test]
fn a_hand_written_file_in_the_way_is_an_error_and_nothing_is_written() {
    let schemas = TempDir::new("way-schemas");
    schemas.write("room.schema.json", SCHEMA);
    let out = TempDir::new("way-out");
    let hand_written = out.write(
        "mod.rs",
        "//! Hand-written, where the generator's mod.rs goes.\n",
    );
    let before = tree(&out.0);

    let error = Config::new(&schemas.0).write_tree(&out.0).unwrap_err();
    assert!(matches!(error.kind, ErrorKind::NotGenerated), "{error}");
    assert_eq!(error.file, hand_written, "{error}");
    assert_eq!(tree(&out.0), before, "the output directory changed");

    let single = out.write("schemas.rs", "fn hand_written() {}\n");
    let error = Config::new(&schemas.0)
        .write_single_file(&single)
        .unwrap_err();
    assert!(matches!(error.kind, ErrorKind::NotGenerated), "{error}");
    assert_eq!(
        std::fs::read_to_string(&single).unwrap(),
        "fn hand_written() {}\n"
    );
}
