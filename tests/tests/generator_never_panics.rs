//! The generator never panics: not on any schema of the JSON-Schema-Test-Suite (drafts 4, 6, 7,
//! 2019-09 and 2020-12, each read in its dialect, their optional tests included, supported or
//! not, valid or not), and not on our own schemas or
//! codegen's test schemas. Each schema goes through `Config::generate` with types on and off,
//! under both unknown-keyword policies, and what generates is formatted (`single_file`), where
//! the pretty-printer could panic too. An error is a fine answer; a panic is a bug. Every
//! panicking schema is reported at once.
//!
//! The suite is not committed. It comes, as the suite harness (`suite/`) gets it, from the
//! source distribution of Python jsonschema: `pip download --no-deps --no-binary :all:
//! jsonschema==4.26.0`, unpacked into `target/json-schema-test-suite/json/`. A run reuses what
//! is there; one that finds nothing fetches it, and fails, saying why, if that is impossible:
//! the test never passes without having seen the suite.

use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde::Deserialize;
use serde_json::value::RawValue;
use wecom_rooms_codegen::{Config, Dialect, UnknownKeywords};
use wecom_rooms_conformance::{schema_dir, workspace_root};

use wecom_rooms_suite::fetch::JSONSCHEMA_VERSION;

// ---------------------------------------------------------------------------------------------
// Panics, caught and kept.

thread_local! {
    /// Set while a generation runs: its panic message is kept here instead of printed.
    static CAUGHT: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that keeps the message of a panic inside [`catch`] and
/// prints every other panic as usual.
fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let quiet = CAUGHT.with(|c| c.borrow().is_some());
            if !quiet {
                default(info);
                return;
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into());
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            CAUGHT.with(|c| *c.borrow_mut() = Some(Some(format!("{message}{at}"))));
        }));
    });
}

/// Runs `f`; a panic becomes `Err` with its message and location.
fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    CAUGHT.with(|c| *c.borrow_mut() = Some(None));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    let message = CAUGHT.with(|c| c.borrow_mut().take()).flatten();
    result.map_err(|_| message.unwrap_or_else(|| "a panic".into()))
}

// ---------------------------------------------------------------------------------------------
// Generating.

/// One schema to generate from: a root file in `dir`, and documents its `$ref`s may reach.
struct Job {
    /// How a report names it.
    label: String,
    dir: PathBuf,
    /// The root schema's name (`<dir>/<name>.schema.json`).
    name: String,
    /// The dialect of a schema without `$schema`.
    dialect: Dialect,
    /// Whether the documents are registered: a suite schema that never names their host
    /// cannot reach them, and registering them is most of the time its generation takes.
    documents: bool,
}

/// Every way a job is generated; returns what panicked.
fn generate_every_way(job: &Job, documents: &[(String, serde_json::Value)]) -> Vec<String> {
    let mut panics = Vec::new();
    for types in [true, false] {
        // `Reject` stops where `Warn` goes on, after the same near-miss check.
        for policy in [UnknownKeywords::Warn, UnknownKeywords::Ignore] {
            let mut config = Config::new(&job.dir)
                .schema(&job.name)
                .types(types)
                .unknown_keywords(policy)
                .default_dialect(job.dialect);
            for (uri, document) in documents.iter().filter(|_| job.documents) {
                config = config.document(uri.clone(), document.clone());
            }
            let outcome = catch(|| {
                config
                    .generate()
                    .and_then(|output| output.single_file().map(drop))
            });
            if let Err(message) = outcome {
                panics.push(format!(
                    "{} (types {}, unknown keywords {policy:?}): {message}",
                    job.label,
                    if types { "on" } else { "off" }
                ));
            }
        }
    }
    panics
}

/// Runs every job on two threads with large stacks (debug builds recurse deeply); returns the
/// panics, in job order.
fn run_jobs(jobs: &[Job], documents: &[(String, serde_json::Value)]) -> Vec<String> {
    let next = AtomicUsize::new(0);
    let found: Mutex<Vec<(usize, Vec<String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn_scoped(scope, || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        let panics = generate_every_way(job, documents);
                        if !panics.is_empty() {
                            found.lock().expect("not poisoned").push((i, panics));
                        }
                    }
                })
                .expect("a worker thread");
        }
    });
    let mut found = found.into_inner().expect("not poisoned");
    found.sort_by_key(|(i, _)| *i);
    found.into_iter().flat_map(|(_, p)| p).collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = target_dir()
        .join("generator-never-panics")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder under target/");
    dir
}

// ---------------------------------------------------------------------------------------------
// The suite.

/// The target directory: `CARGO_TARGET_DIR`, or the one this test binary was built into.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return workspace_root().join(dir);
    }
    // target/<profile>/deps/<this binary>
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .filter(|dir| dir.join("CACHEDIR.TAG").is_file())
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The suite root (with `tests/` and `remotes/`), fetched and unpacked as `cargo suite` does,
/// into the same place, unless it is there.
fn suite_root() -> Result<PathBuf, String> {
    wecom_rooms_suite::fetch::suite(&target_dir().join("json-schema-test-suite"))
}

/// `*.json` files under `dir`, sorted, as paths relative to it.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path.strip_prefix(dir).unwrap_or(&path).to_path_buf());
            }
        }
    }
    out.sort();
    out
}

#[derive(Deserialize)]
struct SuiteCase {
    description: String,
    schema: Box<RawValue>,
}

#[test]
fn generator_never_panics_on_the_test_suite() {
    let started = Instant::now();
    let root = match suite_root() {
        Ok(root) => root,
        Err(_) if !wecom_rooms_suite::fetch::pip_runs() => {
            let test = "generator_never_panics_on_the_test_suite";
            return wecom_rooms_suite::fetch::skip_without_pip(test);
        }
        Err(why) => panic!(
            "the JSON-Schema-Test-Suite is needed and cannot be had: {why}\n\
             It comes from the package registry (pip download --no-deps --no-binary :all: \
             jsonschema=={JSONSCHEMA_VERSION}) into target/json-schema-test-suite/; with no \
             network, put a JSON-Schema-Test-Suite checkout's tests/ and remotes/ under \
             target/json-schema-test-suite/json/ and write \"jsonschema=={JSONSCHEMA_VERSION} {}\" \
             into its .unpacked file.",
            wecom_rooms_suite::fetch::DRAFTS.join(" ")
        ),
    };
    // The remote documents, under the URIs the suite serves them at.
    let remotes_dir = root.join("remotes");
    let documents: Vec<(String, serde_json::Value)> = json_files(&remotes_dir)
        .into_iter()
        .filter_map(|relative| {
            let text = std::fs::read_to_string(remotes_dir.join(&relative)).ok()?;
            let uri = format!(
                "http://localhost:1234/{}",
                relative.to_string_lossy().replace('\\', "/")
            );
            Some((uri, serde_json::from_str(&text).ok()?))
        })
        .collect();

    let work = scratch("suite");
    let mut jobs = Vec::new();
    let mut files = Vec::new();
    let mut optional = 0;
    let drafts = [
        ("draft4", Dialect::Draft4),
        ("draft6", Dialect::Draft6),
        ("draft7", Dialect::Draft7),
        ("draft2019-09", Dialect::Draft2019_09),
        ("draft2020-12", Dialect::Draft2020_12),
    ];
    for (draft, dialect) in drafts {
        let tests = root.join("tests").join(draft);
        let draft_files = json_files(&tests);
        assert!(
            draft_files.len() >= 30,
            "too few test files under {}: {}",
            tests.display(),
            draft_files.len()
        );
        for relative in &draft_files {
            let path = tests.join(relative);
            let text = std::fs::read_to_string(&path).expect("a test file is text");
            let cases: Vec<SuiteCase> = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not a test file: {e}", path.display()));
            let name = relative.to_string_lossy().replace('\\', "/");
            optional += usize::from(name.starts_with("optional/"));
            for (index, case) in cases.iter().enumerate() {
                let dir = work.join(format!("{draft}-{}-{index}", name.replace(['/', '.'], "_")));
                std::fs::create_dir_all(&dir).expect("a case folder");
                // As the suite wrote it, numbers and all.
                std::fs::write(dir.join("case.schema.json"), case.schema.get())
                    .expect("writes the schema");
                jobs.push(Job {
                    label: format!(
                        "{draft}/{name} #{index} ({}): {}",
                        case.description,
                        case.schema.get()
                    ),
                    dir,
                    name: "case".to_owned(),
                    dialect,
                    documents: case.schema.get().contains("localhost:1234"),
                });
            }
        }
        files.extend(draft_files);
    }
    assert!(
        optional > 0,
        "no optional test files under {}",
        root.display()
    );
    let panics = run_jobs(&jobs, &documents);
    let _ = std::fs::remove_dir_all(&work);
    println!(
        "generator: {} schemas of the JSON-Schema-Test-Suite ({} files, {optional} optional) × \
         types on/off × unknown keywords rejected/ignored in {:.1} s, {} panics",
        jobs.len(),
        files.len(),
        started.elapsed().as_secs_f64(),
        panics.len()
    );
    assert!(
        panics.is_empty(),
        "the generator panicked {} time(s):\n{}",
        panics.len(),
        panics.join("\n")
    );
}

#[test]
fn generator_never_panics_on_our_schemas() {
    let codegen = workspace_root().join("codegen").join("tests");
    let mut jobs = Vec::new();
    // Our schemas: all at once, as the checked-in code is generated, and one by one.
    let ours = schema_dir();
    for relative in json_files(&ours) {
        let name = relative.to_string_lossy().replace('\\', "/");
        if let Some(name) = name.strip_suffix(".schema.json") {
            jobs.push(Job {
                label: format!("schema/{name}.schema.json"),
                dir: ours.clone(),
                name: name.to_owned(),
                dialect: Dialect::default(),
                documents: true,
            });
        }
    }
    // codegen's test schemas, good and broken, each as a root (`shared.json` too, copied to
    // a name the generator takes as a root).
    let copies = scratch("codegen");
    for folder in ["schemas", "broken"] {
        let dir = codegen.join(folder);
        let files = json_files(&dir);
        assert!(!files.is_empty(), "no schemas in {}", dir.display());
        for relative in files {
            let file = relative.to_string_lossy().replace('\\', "/");
            let label = format!("codegen/tests/{folder}/{file}");
            match file.strip_suffix(".schema.json") {
                Some(name) => jobs.push(Job {
                    label,
                    dir: dir.clone(),
                    name: name.to_owned(),
                    dialect: Dialect::default(),
                    documents: true,
                }),
                None => {
                    let name = file.trim_end_matches(".json").replace('/', "_");
                    std::fs::copy(
                        dir.join(&relative),
                        copies.join(format!("{name}.schema.json")),
                    )
                    .expect("copies the schema");
                    jobs.push(Job {
                        label,
                        dir: copies.clone(),
                        name,
                        dialect: Dialect::default(),
                        documents: true,
                    });
                }
            }
        }
    }
    // Every schema the crate was generated from is among them.
    for entry in wecom_rooms::SCHEMAS {
        let label = format!("schema/{}.schema.json", entry.name);
        assert!(
            jobs.iter().any(|job| job.label == label),
            "{label} not tried"
        );
    }
    let mut panics = run_jobs(&jobs, &[]);
    // And schema/ as a whole, as `cargo codegen generate` runs it.
    for types in [true, false] {
        let outcome = catch(|| {
            Config::new(&ours)
                .types(types)
                .generate()
                .and_then(|output| output.files().map(drop))
        });
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(error)) => panic!("our schemas do not generate: {error}"),
            Err(message) => panics.push(format!("schema/ (types {types}): {message}")),
        }
    }
    let _ = std::fs::remove_dir_all(&copies);
    println!(
        "generator: {} of our and codegen's schemas, no panic",
        jobs.len()
    );
    assert!(
        panics.is_empty(),
        "the generator panicked {} time(s):\n{}",
        panics.len(),
        panics.join("\n")
    );
}
