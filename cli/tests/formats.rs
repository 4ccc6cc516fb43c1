//! The whole-document formats, read back by their consumers: JUnit XML by `junit-parser` (a
//! JUnit reader, as CI servers read reports), SARIF by the `serde-sarif` types of SARIF 2.1.0
//! and against a schema of the standard's required properties and value sets
//! (`tests/data/formats/sarif-2.1.0-minimal.schema.json`; the official schema cannot be fetched
//! here). What this proves: the documents are well-formed, carry what their standards require,
//! and say the same as the JSON Lines output: a case per file or exchange, a failure exactly
//! where there are errors, a result per finding.

mod common;

use std::path::Path;

use serde_json::Value;

use common::{run_in, scratch};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const SCHEMA: &str = "meeting/rooms/get_info/response";

fn sarif_errors(text: &str) -> Vec<String> {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            crate_dir().join("tests/data/formats/sarif-2.1.0-minimal.schema.json"),
        )
        .expect("the schema"),
    )
    .expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let log: Value = serde_json::from_str(text).expect("SARIF is JSON");
    validator
        .iter_errors(&log)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

/// Checks one SARIF log both ways and returns its results.
fn read_sarif(text: &str) -> Vec<serde_sarif::sarif::Result> {
    assert_eq!(sarif_errors(text), Vec::<String>::new());
    let log: serde_sarif::sarif::Sarif =
        serde_json::from_str(text).expect("the SARIF types read it");
    assert_eq!(log.runs.len(), 1);
    log.runs[0].results.clone().unwrap_or_default()
}

#[test]
fn the_minimal_sarif_schema_catches_what_it_should() {
    assert!(
        !sarif_errors(r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}"#).is_empty()
    );
    assert!(!sarif_errors(r#"{"version": "2.0", "runs": []}"#).is_empty());
    let bad_level = r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}"#;
    assert!(!sarif_errors(bad_level).is_empty());
    assert!(
        sarif_errors(r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}}]}"#)
            .is_empty()
    );
}

#[test]
fn validate_writes_junit_and_sarif_that_consumers_read() {
    let dir = format!("../tests/fixtures/{SCHEMA}");
    let json = run_in(
        crate_dir(),
        &["validate", "--schema", SCHEMA, "--format", "json", &dir],
    );
    let reports: Vec<Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let invalid = reports.iter().filter(|r| r["valid"] == false).count();
    let findings: usize = (reports.iter())
        .map(|r| {
            r["errors"].as_array().map_or(0, Vec::len)
                + r["warnings"].as_array().map_or(0, Vec::len)
        })
        .sum();
    assert!(invalid > 0 && invalid < reports.len());

    let junit = run_in(
        crate_dir(),
        &["validate", "--schema", SCHEMA, "--format", "junit", &dir],
    );
    assert_eq!(junit.code, 1);
    assert_eq!(junit.stderr, "", "no summary in a document format");
    let suites =
        junit_parser::from_reader(junit.stdout.as_bytes()).expect("JUnit a consumer reads");
    assert_eq!(suites.tests as usize, reports.len());
    assert_eq!(suites.failures as usize, invalid);
    let cases = &suites.suites[0].cases;
    for (case, report) in cases.iter().zip(&reports) {
        assert_eq!(
            case.original_name,
            report["file"].as_str().unwrap_or_default()
        );
        assert_eq!(case.classname.as_deref(), Some(SCHEMA));
        assert_eq!(
            case.status.is_failure(),
            report["valid"] == false,
            "{}",
            case.name
        );
    }

    let sarif = run_in(
        crate_dir(),
        &["validate", "--schema", SCHEMA, "--format", "sarif", &dir],
    );
    assert_eq!(sarif.code, 1);
    let results = read_sarif(&sarif.stdout);
    assert_eq!(results.len(), findings);
    let located = results.iter().all(|result| {
        let location = &result.locations.as_ref().expect("locations")[0];
        let region = location
            .physical_location
            .as_ref()
            .and_then(|p| p.region.as_ref());
        region.is_some_and(|r| r.start_line.is_some() && r.start_column.is_some())
    });
    assert!(located, "every finding of validate has a line and column");
}

#[test]
fn expect_invalid_in_the_document_formats() {
    let dir = format!("../tests/fixtures/{SCHEMA}/invalid");
    let junit = run_in(
        crate_dir(),
        &[
            "validate", "--schema", SCHEMA, "--expect", "invalid", "--format", "junit", &dir,
        ],
    );
    assert_eq!(junit.code, 0);
    let suites = junit_parser::from_reader(junit.stdout.as_bytes()).expect("JUnit");
    assert_eq!(suites.failures, 0);
    let sarif = run_in(
        crate_dir(),
        &[
            "validate", "--schema", SCHEMA, "--expect", "invalid", "--format", "sarif", &dir,
        ],
    );
    let results = read_sarif(&sarif.stdout);
    // The errors of files expected to fail are notes; their warnings stay warnings.
    assert!(
        results
            .iter()
            .any(|r| r.level == Some(serde_sarif::sarif::ResultLevel::Note))
    );
    assert!(
        results
            .iter()
            .all(|r| r.level != Some(serde_sarif::sarif::ResultLevel::Error))
    );
}

#[test]
fn check_traffic_writes_junit_and_sarif_that_consumers_read() {
    let dir = scratch("formats-traffic");
    let (har, expected) = common::family_har(3);
    std::fs::write(dir.join("a b#c.har"), har.to_string()).expect("written");
    let json = run_in(&dir, &["check-traffic", "--format", "json", "a b#c.har"]);
    let reports: Vec<Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(reports.len(), expected.len());
    let count = |kind: &str| -> usize {
        reports
            .iter()
            .map(|r| r[kind].as_array().map_or(0, Vec::len))
            .sum()
    };

    let sarif = run_in(&dir, &["check-traffic", "--format", "sarif", "a b#c.har"]);
    let results = read_sarif(&sarif.stdout);
    assert_eq!(
        results.len(),
        count("errors") + count("warnings") + count("notes")
    );
    let uri = |result: &serde_sarif::sarif::Result| {
        let location = &result.locations.as_ref().expect("locations")[0];
        let artifact = location
            .physical_location
            .as_ref()
            .and_then(|p| p.artifact_location.as_ref());
        artifact.and_then(|a| a.uri.clone()).unwrap_or_default()
    };
    assert!(results.iter().all(|result| uri(result) == "a%20b%23c.har"));

    let junit = run_in(&dir, &["check-traffic", "--format", "junit", "a b#c.har"]);
    let suites = junit_parser::from_reader(junit.stdout.as_bytes()).expect("JUnit");
    assert_eq!(suites.suites.len(), 1);
    assert_eq!(suites.suites[0].name, "a b#c.har");
    assert_eq!(suites.tests as usize, reports.len());
}
