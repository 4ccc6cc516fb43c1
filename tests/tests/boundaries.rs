//! Hand-written code does not reach into the runtime's hidden module (`wecom_rooms_runtime::`
//! followed by the name below): that module is for generated code only, and may change in any
//! release. What hand-written code needs of it has a
//! public home (`decode::from_slice`, `value::equal`, `value::describe`).
//!
//! The only Rust files that may name it are the runtime (it defines the module and tests it),
//! the generator (it prints calls into it, and its tests read what it printed) and the
//! generated tree. Build-script output and the suite's generated crates live under `target/`,
//! which is not read.

use std::fs;
use std::path::{Path, PathBuf};

use wecom_rooms_conformance::workspace_root;

/// Folders, relative to the workspace root, whose Rust files may name the module.
const EXEMPT: [&str; 3] = ["runtime", "codegen", "generated/src/schemas"];

/// The name looked for, spelled so that this file does not name it.
fn needle() -> String {
    ["__", "private"].concat()
}

#[test]
fn hand_written_code_does_not_name_the_private_module() {
    let root = workspace_root();
    let mut files = Vec::new();
    rust_files(&root, &root, &mut files);
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("generated/src/endpoint.rs")),
        "the walk missed the hand-written crate: {} files",
        files.len()
    );
    let needle = needle();
    let mut found = Vec::new();
    for file in &files {
        let text = fs::read_to_string(root.join(file))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (i, line) in text.lines().enumerate() {
            if line.contains(&needle) {
                found.push(format!("{}:{}: {}", file.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "hand-written code names wecom_rooms_runtime::{needle} (use the runtime's public API, \
         or a local function):\n{}",
        found.join("\n")
    );
}

/// Every `.rs` file under `dir`, relative to `root`, outside `target/`, hidden folders and the
/// exempt folders.
fn rust_files(root: &Path, dir: &Path, into: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        let relative = path
            .strip_prefix(root)
            .expect("under the root")
            .to_path_buf();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            let exempt = EXEMPT.iter().any(|e| relative == Path::new(e));
            if !(exempt || name == "target" || name.starts_with('.')) {
                rust_files(root, &path, into);
            }
        } else if name.ends_with(".rs") {
            into.push(relative);
        }
    }
}
