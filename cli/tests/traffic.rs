//! `check-traffic` on a HAR of a few hundred exchanges built from the fixtures, with planted
//! violations in both directions: every exchange gets exactly its expected verdict, in every
//! output format, and no output shows a secret.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use common::{CORPSECRET, TOKEN, family_har, run_in, scratch};

const FORMATS: &[&str] = &["human", "json", "github", "junit", "sarif"];

fn write_family(name: &str) -> (std::path::PathBuf, Vec<common::Expected>) {
    let dir = scratch(name);
    let (har, expected) = family_har(8);
    let text = serde_json::to_string_pretty(&har).expect("JSON");
    std::fs::write(dir.join("family.har"), text).expect("written");
    (dir, expected)
}

#[test]
fn a_family_capture_is_reported_exactly_in_every_format() {
    let (dir, expected) = write_family("traffic-family");
    assert!(
        expected.len() >= 200,
        "a few hundred exchanges: {}",
        expected.len()
    );
    let json = run_in(&dir, &["check-traffic", "--format", "json", "family.har"]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    assert_eq!(json.stderr, "");
    let reports: Vec<Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(reports.len(), expected.len());
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut errors, mut warnings, mut notes) = (0, 0, 0);
    for (index, (report, want)) in reports.iter().zip(&expected).enumerate() {
        let context = format!("entry {index}: {report}");
        assert_eq!(report["entry"], index, "{context}");
        assert_eq!(report["file"], "family.har");
        assert_eq!(report["verdict"], want.verdict, "{context}");
        *tally.entry(want.verdict).or_default() += 1;
        let found = |kind: &str| report[kind].as_array().cloned().unwrap_or_default();
        let sides: Vec<String> = found("errors")
            .iter()
            .map(|e| e["side"].as_str().unwrap_or_default().to_owned())
            .collect();
        if !want.error_sides.is_empty() {
            assert!(!sides.is_empty(), "{context}");
            assert!(
                sides
                    .iter()
                    .all(|side| want.error_sides.contains(&side.as_str())),
                "{context}"
            );
        }
        if let Some(keyword) = want.keyword {
            let all = found("errors").into_iter().chain(found("notes"));
            assert!(
                all.into_iter().any(|f| f["keyword"] == keyword),
                "{context}"
            );
        }
        for finding in found("errors").iter().chain(&found("warnings")) {
            // Findings inside a body are placed there; query and entry findings are not, nor is
            // a body that is missing or cannot be decoded.
            let unplaced = ["encoding", "missing-body"]
                .map(Value::from)
                .contains(&finding["keyword"]);
            let body = finding["part"] == "body" && !unplaced;
            assert_eq!(finding["line"].is_u64(), body, "{context}");
        }
        errors += found("errors").len();
        warnings += found("warnings").len();
        notes += found("notes").len();
    }

    let human = run_in(&dir, &["check-traffic", "family.har"]);
    assert_eq!(human.code, 1);
    let summary = format!(
        "checked {} exchanges in 1 capture: {} valid, {} invalid, {} unknown, {warnings} warnings, {notes} notes\nunknown paths: /cgi-bin/user/get (1)\n",
        expected.len(),
        tally["valid"],
        tally["invalid"],
        tally["unknown"],
    );
    assert_eq!(human.stderr, summary);
    let finding_lines = human
        .stdout
        .lines()
        .filter(|line| line.starts_with("  "))
        .count();
    assert_eq!(finding_lines, errors + warnings + notes);

    let github = run_in(&dir, &["check-traffic", "--format", "github", "family.har"]);
    assert_eq!(github.code, 1);
    let count = |prefix: &str| {
        github
            .stdout
            .lines()
            .filter(|l| l.starts_with(prefix))
            .count()
    };
    assert_eq!(
        (count("::error "), count("::warning "), count("::notice ")),
        (errors, warnings, notes)
    );

    let junit = run_in(&dir, &["check-traffic", "--format", "junit", "family.har"]);
    assert_eq!(junit.code, 1);
    let suites =
        junit_parser::from_reader(junit.stdout.as_bytes()).expect("JUnit a consumer reads");
    assert_eq!(suites.tests as usize, expected.len());
    assert_eq!(suites.failures as usize, tally["invalid"]);
    assert_eq!(suites.skipped as usize, tally["unknown"]);
    let cases = &suites.suites[0].cases;
    assert_eq!(cases.len(), expected.len());
    for (case, want) in cases.iter().zip(&expected) {
        assert_eq!(
            case.status.is_failure(),
            want.verdict == "invalid",
            "{}",
            case.name
        );
    }

    let sarif = run_in(&dir, &["check-traffic", "--format", "sarif", "family.har"]);
    assert_eq!(sarif.code, 1);
    let log: serde_sarif::sarif::Sarif =
        serde_json::from_str(&sarif.stdout).expect("SARIF the types read");
    let results = log.runs[0].results.as_ref().expect("results");
    assert_eq!(results.len(), errors + warnings + notes);

    for format in FORMATS {
        let run = run_in(&dir, &["check-traffic", "--format", format, "family.har"]);
        for secret in [TOKEN, CORPSECRET] {
            assert!(!run.stdout.contains(secret), "{format} shows {secret}");
            assert!(!run.stderr.contains(secret), "{format} shows {secret}");
        }
        assert!(
            run.stdout.contains("<redacted>") || run.stdout.contains("&lt;redacted&gt;"),
            "{format}"
        );
    }
}

#[test]
fn strict_makes_notes_and_warnings_errors() {
    let (dir, expected) = write_family("traffic-family-strict");
    let run = run_in(
        &dir,
        &[
            "check-traffic",
            "--strict",
            "--format",
            "json",
            "family.har",
        ],
    );
    assert_eq!(run.code, 1);
    let reports: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(reports.len(), expected.len());
    for report in &reports {
        assert_eq!(report["notes"], serde_json::json!([]));
        assert_eq!(report["warnings"], serde_json::json!([]));
        assert_ne!(report["verdict"], "unknown");
    }
    let unknown = reports
        .iter()
        .find(|r| r["url"].as_str().is_some_and(|u| u.contains("/user/get")))
        .expect("the unknown path");
    assert_eq!(unknown["verdict"], "invalid");
    assert_eq!(unknown["errors"][0]["keyword"], "unknown-endpoint");
}

/// A small capture of every special case, as JSON Lines in both shapes, for the snapshots.
const SMALL: &str = r#"{"method": "POST", "url": "https://qyapi.weixin.qq.com/cgi-bin/meeting/rooms/get_info?access_token=tok-3f9c2e7a1b", "request_body": "{\"meeting_room_id\": \"mr1\"}", "response_body": {"errcode": 0, "errmsg": "ok", "basic_info": {"participant_number": -3}}}
{"method": "POST", "url": "/cgi-bin/meeting/rooms/list?access_token=tok-3f9c2e7a1b", "request_body": {"limit": 51}, "response_body": "<html>"}

{"method": "POST", "url": "/cgi-bin/meeting/rooms/list?access_token=tok-3f9c2e7a1b", "request_body": {}, "response_body": null}
{"method": "GET", "url": "/cgi-bin/gettoken?corpid=ID&corpsecret=cs-5a4b3c2d1e", "response_body": {"errcode": 0, "errmsg": "ok", "access_token": "tok-3f9c2e7a1b", "expires_in": 7200, "extra": 1}}
{"request": {"method": "POST", "url": "https://qyapi.weixin.qq.com/cgi-bin/meeting/rooms/list", "postData": {"text": "{}"}}, "response": {"status": 200, "content": {"encoding": "base64", "text": "eyJlcnJjb2RlIjogMH0="}}}
{"method": "POST", "url": "https://example.com/other"}
{"method": "POST", "url": "/cgi-bin/meeting/rooms/list", "request_body": {"limit": 1}
[1, 2]
"#;

#[test]
fn every_format_of_a_small_capture() {
    let dir = scratch("traffic-small");
    std::fs::write(dir.join("small.jsonl"), SMALL).expect("written");
    for format in FORMATS {
        let run = run_in(&dir, &["check-traffic", "--format", format, "small.jsonl"]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(
            !run.stdout.contains(TOKEN) && !run.stdout.contains(CORPSECRET),
            "{format}"
        );
        let name = format!("small_{format}");
        insta::assert_snapshot!(
            name,
            format!("{}--- stderr ---\n{}", run.stdout, run.stderr)
        );
    }
}

#[test]
fn folders_stdin_and_unreadable_paths() {
    let dir = scratch("traffic-folders");
    std::fs::create_dir_all(dir.join("captures/sub")).expect("folders");
    std::fs::write(
        dir.join("captures/sub/a.ndjson"),
        SMALL.lines().next().unwrap_or_default(),
    )
    .expect("written");
    std::fs::write(dir.join("captures/b.har"), r#"{"log": {"entries": []}}"#).expect("written");
    std::fs::write(dir.join("captures/ignored.json"), "not read").expect("written");
    std::fs::write(dir.join("not-a-har.har"), "{\"log\": {\"entries\": [{},").expect("written");
    let run = run_in(
        &dir,
        &[
            "check-traffic",
            "--format",
            "json",
            "captures",
            "no/such.har",
            "not-a-har.har",
        ],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.starts_with("error: cannot read no/such.har: "),
        "{}",
        run.stderr
    );
    let reports: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let files: Vec<&str> = reports
        .iter()
        .map(|r| r["file"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        files,
        ["captures/sub/a.ndjson", "not-a-har.har", "not-a-har.har"]
    );
    assert_eq!(reports[1]["errors"][0]["keyword"], "entry");
    assert_eq!(reports[2]["entry"], Value::Null);
    assert_eq!(reports[2]["errors"][0]["keyword"], "syntax");
    assert_eq!(
        (
            reports[2]["errors"][0]["line"].as_u64(),
            reports[2]["errors"][0]["column"].as_u64()
        ),
        (Some(1), Some(24))
    );

    let stdin = assert_cmd::cargo::cargo_bin_cmd!("wecom-rooms")
        .current_dir(Path::new(&dir))
        .args(["check-traffic", "--format", "json", "-"])
        .write_stdin(std::fs::read(dir.join("captures/b.har")).expect("read"))
        .output()
        .expect("runs");
    assert_eq!(stdin.status.code(), Some(0));
    assert_eq!(stdin.stdout, b"");
    assert_eq!(
        run_in(&dir, &["check-traffic"]).code,
        2,
        "a PATH is required"
    );
}

/// A meeting password is secret and four to six digits: one the proxy's recorder replaced is
/// not a violation, and one that breaks the pattern is reported without its value.
#[test]
fn nested_secrets_are_never_shown_and_their_redaction_is_no_violation() {
    let dir = scratch("traffic-nested-secret");
    let exchange = |password: &str| {
        serde_json::json!({
            "method": "POST",
            "url": "https://example.test/cgi-bin/meeting/create?access_token=<redacted>",
            "request_body": {"admin_userid": "zhangsan", "title": "t", "meeting_start": 1_900_000_000,
                "meeting_duration": 3600, "settings": {"password": password}},
            "response_body": {"errcode": 0, "errmsg": "ok", "meetingid": "m1"},
        })
        .to_string()
    };
    let capture = [exchange("<redacted>"), exchange("12ab")].join("\n");
    std::fs::write(dir.join("meetings.jsonl"), capture).expect("written");
    let run = run_in(
        &dir,
        &["check-traffic", "--format", "json", "meetings.jsonl"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let verdicts: Vec<Value> = (run.stdout.lines())
        .map(|line| serde_json::from_str::<Value>(line).expect("JSON")["verdict"].clone())
        .collect();
    assert_eq!(verdicts, ["valid", "invalid"], "{}", run.stdout);
    assert!(run.stdout.contains("/settings/password"), "{}", run.stdout);
    assert!(!run.stdout.contains("12ab"), "{}", run.stdout);
}
