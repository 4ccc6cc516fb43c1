//! The JSON-Schema-Test-Suite's format tests (`tests/<draft>/optional/format/*.json`), run
//! through `__private::format::check` and through the jsonschema crate with format assertion
//! on, side by side: a table per draft and per format, and on each draft ours must pass at
//! least as many tests as the jsonschema crate.
//!
//! Every test's schema is `{"format": X}` (with `$schema` from 2019-09 on), so our verdict is
//! `check(X, s)` for a string and valid for anything else or an unknown format.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jsonschema::Draft;
use serde_json::Value;
use wecom_rooms_runtime::__private::format::check;

/// Where `cargo suite` and the other tests keep the suite: `<target>/json-schema-test-suite`;
/// `None` when it is not there and there is no pip to fetch it (the test is then reported
/// skipped, or fails under `CI=true`).
fn suite_root(test: &str) -> Option<PathBuf> {
    // target/<profile>/deps/<this binary>
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .filter(|dir| dir.join("CACHEDIR.TAG").is_file())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    match wecom_rooms_suite::fetch::suite(&target.join("json-schema-test-suite")) {
        Ok(root) => Some(root),
        Err(_) if !wecom_rooms_suite::fetch::pip_runs() => {
            wecom_rooms_suite::fetch::skip_without_pip(test);
            None
        }
        Err(why) => panic!("the JSON-Schema-Test-Suite cannot be had: {why}"),
    }
}

fn draft(name: &str) -> Draft {
    match name {
        "draft4" => Draft::Draft4,
        "draft6" => Draft::Draft6,
        "draft7" => Draft::Draft7,
        "draft2019-09" => Draft::Draft201909,
        "draft2020-12" => Draft::Draft202012,
        other => panic!("no jsonschema draft for {other}"),
    }
}

#[derive(Default)]
struct Tally {
    tests: usize,
    ours: usize,
    theirs: usize,
}

impl Tally {
    fn add(&mut self, ours: bool, theirs: bool) {
        self.tests += 1;
        self.ours += usize::from(ours);
        self.theirs += usize::from(theirs);
    }
}

/// Reads one `optional/format/*.json` file and tallies its tests per format; our failures go
/// into `failures`.
fn run_file(path: &Path, draft: Draft, per_format: &mut BTreeMap<String, Tally>) -> Vec<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let groups: Vec<Value> = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not json: {e}", path.display()));
    let mut failures = Vec::new();
    for group in &groups {
        let schema = &group["schema"];
        let format = schema["format"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: a schema without a format", path.display()));
        let validator = jsonschema::options()
            .with_draft(draft)
            .should_validate_formats(true)
            .build(schema)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let tally = per_format.entry(format.to_owned()).or_default();
        for test in group["tests"].as_array().into_iter().flatten() {
            let data = &test["data"];
            let expected = test["valid"].as_bool().expect("a boolean `valid`");
            let ours = data
                .as_str()
                .is_none_or(|s| check(format, s).unwrap_or(true));
            let theirs = validator.is_valid(data);
            tally.add(ours == expected, theirs == expected);
            if ours != expected {
                failures.push(format!(
                    "{format}: {data} should be {} ({})",
                    if expected { "valid" } else { "invalid" },
                    test["description"].as_str().unwrap_or_default()
                ));
            }
        }
    }
    failures
}

#[test]
fn format_checks_pass_at_least_as_many_suite_tests_as_the_jsonschema_crate() {
    let Some(root) =
        suite_root("format_checks_pass_at_least_as_many_suite_tests_as_the_jsonschema_crate")
    else {
        return;
    };
    let mut behind = Vec::new();
    for name in wecom_rooms_suite::fetch::DRAFTS {
        let dir = root
            .join("tests")
            .join(name)
            .join("optional")
            .join("format");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{} holds no format tests", dir.display());
        let mut per_format = BTreeMap::new();
        let mut failures = Vec::new();
        for file in &files {
            failures.extend(run_file(file, draft(name), &mut per_format));
        }
        let mut total = Tally::default();
        println!(
            "\n{name}\n{:<24}{:>7}{:>7}{:>12}",
            "format", "tests", "ours", "jsonschema"
        );
        for (format, tally) in &per_format {
            println!(
                "{format:<24}{:>7}{:>7}{:>12}",
                tally.tests, tally.ours, tally.theirs
            );
            total.tests += tally.tests;
            total.ours += tally.ours;
            total.theirs += tally.theirs;
        }
        println!(
            "{:<24}{:>7}{:>7}{:>12}",
            "total", total.tests, total.ours, total.theirs
        );
        for failure in &failures {
            println!("  ours fails {failure}");
        }
        if total.ours < total.theirs {
            behind.push(format!("{name}: {} < {}", total.ours, total.theirs));
        }
    }
    assert!(
        behind.is_empty(),
        "fewer format tests passed than the jsonschema crate: {}",
        behind.join(", ")
    );
}
