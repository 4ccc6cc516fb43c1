//! The crate of generated validators: one module file per case and a runner, written under the
//! work directory and built with its own target directory.
//!
//! A case whose generated code does not compile must not sink the others, so every module is a
//! file of its own (`src/cases/f{file}_c{case}.rs`) and the build's JSON diagnostics name the
//! files at fault; those modules are dropped and the crate is built again.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::util::{toml_string, write_if_changed};

/// The runner's source, before the `cases` modules and the `CASES` table.
const RUNNER: &str = include_str!("../runner/main.rs");

/// The crate's package name.
const PACKAGE: &str = "json-schema-test-suite-cases";

/// A generated module: its id (its first case's, `f{file}_c{case}`), its source, and the ids of
/// every case it serves. Cases whose generated code is the same (most schemas of one draft
/// recur in the next, `{"type": "integer"}` everywhere) share one module: the crate of every
/// draft then compiles in about the time of one.
#[derive(Debug, Clone)]
pub struct Module {
    pub id: String,
    pub code: String,
    pub cases: Vec<String>,
}

/// One module per distinct code, in the order of their first case; `generated` is in case
/// order.
pub fn share(generated: impl IntoIterator<Item = (String, String)>) -> Vec<Module> {
    let mut modules: Vec<Module> = Vec::new();
    let mut by_code: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (case, code) in generated {
        match by_code.get(&code) {
            Some(&k) => modules[k].cases.push(case),
            None => {
                by_code.insert(code.clone(), modules.len());
                modules.push(Module {
                    id: case.clone(),
                    code,
                    cases: vec![case],
                });
            }
        }
    }
    modules
}

/// Which module each line of `src/main.rs` that names one belongs to.
pub type LineMap = BTreeMap<u64, String>;

/// Writes the crate under `dir`: `Cargo.toml` (the runtime crate of `workspace` by path, with
/// `pattern`), the workspace's `Cargo.lock` (so serde_json and the rest resolve to the same
/// versions), `src/main.rs` and `src/cases/*.rs`. Module files of other cases are removed.
pub fn write(dir: &Path, workspace: &Path, modules: &[Module]) -> Result<LineMap, String> {
    let cases_dir = dir.join("src").join("cases");
    std::fs::create_dir_all(&cases_dir)
        .map_err(|e| format!("cannot create {}: {e}", cases_dir.display()))?;
    let write = |path: &Path, text: &str| {
        write_if_changed(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write(&dir.join("Cargo.toml"), &manifest(workspace))?;
    if let Ok(lock) = std::fs::read_to_string(workspace.join("Cargo.lock")) {
        write(&dir.join("Cargo.lock"), &lock)?;
    }
    let (main, lines) = main_rs(modules);
    write(&dir.join("src").join("main.rs"), &main)?;
    let wanted: BTreeSet<String> = modules.iter().map(|m| format!("{}.rs", m.id)).collect();
    for module in modules {
        write(&cases_dir.join(format!("{}.rs", module.id)), &module.code)?;
    }
    let entries = std::fs::read_dir(&cases_dir)
        .map_err(|e| format!("cannot read {}: {e}", cases_dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !wanted.contains(&name) {
            std::fs::remove_file(entry.path())
                .map_err(|e| format!("cannot remove {}: {e}", entry.path().display()))?;
        }
    }
    Ok(lines)
}

fn manifest(workspace: &Path) -> String {
    let runtime = workspace.join("runtime");
    format!(
        r#"# Written by `cargo suite` (wecom-rooms-suite): the validators generated for every case of the
# JSON-Schema-Test-Suite, and a runner. Not part of the workspace.
[package]
name = "{PACKAGE}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
wecom-rooms-runtime = {{ path = {}, features = ["pattern", "format"] }}

[profile.dev]
debug = false

[profile.release]
debug = false

[workspace]
"#,
        toml_string(&runtime.to_string_lossy())
    )
}

/// `src/main.rs`: the runner, the modules and the table (an entry per module: the runner gets
/// the tests of all its cases as one list); and which lines name which module.
pub fn main_rs(modules: &[Module]) -> (String, LineMap) {
    let mut text = String::from(RUNNER);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let mut lines = LineMap::new();
    let mut line = text.lines().count() as u64;
    let mut push = |text: &mut String, s: &str, case: Option<&str>| {
        text.push_str(s);
        text.push('\n');
        line += 1;
        if let Some(case) = case {
            lines.insert(line, case.to_owned());
        }
    };
    push(&mut text, "", None);
    push(&mut text, "#[allow(dead_code)]", None);
    push(&mut text, "mod cases {", None);
    for module in modules {
        push(
            &mut text,
            &format!("    pub mod {};", module.id),
            Some(&module.id),
        );
    }
    push(&mut text, "}", None);
    push(&mut text, "", None);
    push(&mut text, "static CASES: &[Case] = &[", None);
    for module in modules {
        let id = &module.id;
        // A module with types (the corpus's) decodes each instance too.
        let decode = if module.code.contains("fn decode_validated") {
            format!("Some(|b| cases::{id}::schema::decode_validated(b).is_ok())")
        } else {
            "None".to_owned()
        };
        push(
            &mut text,
            &format!(
                "    (cases::{id}::schema::is_valid, |v| cases::{id}::schema::validate(v).is_valid(), {decode}),"
            ),
            Some(id),
        );
    }
    push(&mut text, "];", None);
    (text, lines)
}

/// The case a source file belongs to: `src/cases/f3_c1.rs` → `f3_c1`.
pub fn case_of_file(file: &str) -> Option<String> {
    let file = file.replace('\\', "/");
    let name = file.rsplit('/').next()?.strip_suffix(".rs")?;
    let parent = file.rsplit('/').nth(1)?;
    (parent == "cases" && parse_id(name).is_some()).then(|| name.to_owned())
}

/// `f3_c1` → (3, 1).
pub fn parse_id(id: &str) -> Option<(usize, usize)> {
    let (file, case) = id.strip_prefix('f')?.split_once("_c")?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(file) || !all_digits(case) {
        return None;
    }
    Some((file.parse().ok()?, case.parse().ok()?))
}

/// `(3, 1)` → `f3_c1`.
pub fn id(file: usize, case: usize) -> String {
    format!("f{file}_c{case}")
}

/// What one line of `cargo build --message-format=json` says about the cases.
#[derive(Debug, PartialEq, Eq)]
pub enum Diagnostic {
    /// Not an error, or an error that only sums up others ("aborting due to…").
    Nothing,
    /// An error in the modules (or table lines) of these cases, rendered as rustc renders it.
    Cases(BTreeSet<String>, String),
    /// An error the harness cannot pin on a case.
    Elsewhere(String),
    /// A warning about the modules of these cases: generated code must compile without any.
    Warning(BTreeSet<String>, String),
    /// The end of the build.
    Finished { success: bool },
    /// The runner's executable.
    Executable(PathBuf),
}

/// Reads one line of cargo's JSON output.
pub fn diagnostic(line: &str, lines: &LineMap) -> Diagnostic {
    let Ok(json) = serde_json::from_str::<Value>(line) else {
        return Diagnostic::Nothing;
    };
    match json["reason"].as_str() {
        Some("build-finished") => Diagnostic::Finished {
            success: json["success"].as_bool().unwrap_or(false),
        },
        Some("compiler-artifact") if json["target"]["name"] == PACKAGE => {
            match json["executable"].as_str() {
                Some(exe) => Diagnostic::Executable(PathBuf::from(exe)),
                None => Diagnostic::Nothing,
            }
        }
        Some("compiler-message") => {
            let message = &json["message"];
            let warning = message["level"] == "warning";
            if message["level"] != "error" && !warning {
                return Diagnostic::Nothing;
            }
            let rendered = message["rendered"]
                .as_str()
                .or_else(|| message["message"].as_str())
                .unwrap_or("an error")
                .to_owned();
            let mut cases = BTreeSet::new();
            let mut spans = 0;
            collect_cases(message, lines, &mut cases, &mut spans);
            if warning {
                // Warnings about the harness's own code, or summing up ("N warnings"), are not
                // the generator's.
                return if cases.is_empty() {
                    Diagnostic::Nothing
                } else {
                    Diagnostic::Warning(cases, rendered)
                };
            }
            if !cases.is_empty() {
                Diagnostic::Cases(cases, rendered)
            } else if spans == 0 {
                // "aborting due to N previous errors" and the like.
                Diagnostic::Nothing
            } else {
                Diagnostic::Elsewhere(rendered)
            }
        }
        _ => Diagnostic::Nothing,
    }
}

/// The cases that the spans of a message (its children's too, and the macro expansions they
/// come from) point into.
fn collect_cases(message: &Value, lines: &LineMap, out: &mut BTreeSet<String>, spans: &mut usize) {
    fn span(s: &Value, lines: &LineMap, out: &mut BTreeSet<String>) {
        let file = s["file_name"].as_str().unwrap_or_default();
        if let Some(case) = case_of_file(file) {
            out.insert(case);
        } else if file.replace('\\', "/").ends_with("src/main.rs") {
            let first = s["line_start"].as_u64().unwrap_or(0);
            let last = s["line_end"].as_u64().unwrap_or(first);
            out.extend(lines.range(first..=last).map(|(_, c)| c.clone()));
        }
        let expansion = &s["expansion"];
        if expansion.is_object() {
            span(&expansion["span"], lines, out);
        }
    }
    for s in message["spans"].as_array().into_iter().flatten() {
        *spans += 1;
        span(s, lines, out);
    }
    for child in message["children"].as_array().into_iter().flatten() {
        collect_cases(child, lines, out, spans);
    }
}

/// How a build ended.
#[derive(Debug)]
pub enum Built {
    /// The runner's executable, and the first warning about each module that has one.
    Runner(PathBuf, BTreeMap<String, String>),
    /// These cases' code does not compile: each with the first error about it.
    CaseErrors(BTreeMap<String, String>),
}

/// `cargo build` of the crate in `dir`, into `target`.
pub fn build(dir: &Path, target: &Path, release: bool, lines: &LineMap) -> Result<Built, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("build")
        .arg("--message-format=json")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if release {
        command.arg("--release");
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut stderr = child.stderr.take().expect("piped");
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut case_errors: BTreeMap<String, String> = BTreeMap::new();
    let mut elsewhere = Vec::new();
    let mut warnings: BTreeMap<String, String> = BTreeMap::new();
    let mut executable = None;
    let mut success = false;
    for line in stdout.lines() {
        let line = line.map_err(|e| format!("cannot read cargo's output: {e}"))?;
        match diagnostic(&line, lines) {
            Diagnostic::Nothing => {}
            Diagnostic::Cases(cases, rendered) => {
                for case in cases {
                    case_errors.entry(case).or_insert_with(|| rendered.clone());
                }
            }
            Diagnostic::Elsewhere(rendered) => elsewhere.push(rendered),
            Diagnostic::Warning(cases, rendered) => {
                for case in cases {
                    warnings.entry(case).or_insert_with(|| rendered.clone());
                }
            }
            Diagnostic::Finished { success: s } => success = s,
            Diagnostic::Executable(exe) => executable = Some(exe),
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("cannot wait for cargo: {e}"))?;
    let stderr = stderr.join().unwrap_or_default();
    if status.success() && success {
        return executable
            .map(|exe| Built::Runner(exe, warnings))
            .ok_or_else(|| "cargo built the runner but named no executable".to_owned());
    }
    if !case_errors.is_empty() {
        return Ok(Built::CaseErrors(case_errors));
    }
    let mut report = format!(
        "cannot build the generated crate in {} ({status}), and no test case is to blame:",
        dir.display()
    );
    for error in &elsewhere {
        report.push('\n');
        report.push_str(error.trim_end());
    }
    if elsewhere.is_empty() {
        report.push('\n');
        report.push_str(stderr.trim_end());
    }
    Err(report)
}
