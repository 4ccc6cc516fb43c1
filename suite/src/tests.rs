//! The harness's own logic: parsing suite files, the sdist and the tools' output, counting and
//! the report's lines.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

use super::*;
use crate::cases::{Diagnostic, LineMap};
use crate::report::{Tally, clip, costs};
use crate::run::{Line, parse_line};
use crate::suite::{Draft, Group};
use wecom_rooms_codegen::Dialect;

/// Checks `f` on every `(input, expected)` pair, naming the input of each mismatch.
fn check<I: Debug, O: Debug + PartialEq>(f: impl Fn(&I) -> O, cases: &[(I, O)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(input, expected)| {
            let got = f(input);
            (got != *expected).then(|| format!("{input:?}: expected {expected:?}, got {got:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn groups_follow_the_folder() {
    check(
        |name: &&str| Group::of(name),
        &[
            ("ref.json", Group::Required),
            ("optional/bignum.json", Group::Optional),
            ("optional/format/date.json", Group::Format),
            ("optional-ish.json", Group::Required),
        ],
    );
}

#[test]
fn parses_a_test_file_keeping_the_suite_s_text() {
    let text = r#"[
        {
            "description": "big",
            "comment": "ignored",
            "schema": {"maximum": 18446744073709551616.0},
            "tests": [
                {"description": "a", "data": 1e400, "valid": false},
                {"description": "b", "data": [1, {"x": null}], "valid": true}
            ]
        },
        {"description": "none", "schema": true, "tests": []}
    ]"#;
    let file =
        suite::parse_file(Draft::Draft2020_12, "optional/bignum.json", text).expect("a test file");
    assert_eq!(file.group, Group::Optional);
    assert_eq!(file.display(), "draft2020-12/optional/bignum.json");
    assert_eq!(file.cases.len(), 2);
    let case = &file.cases[0];
    assert_eq!(case.description, "big");
    assert_eq!(case.schema.get(), r#"{"maximum": 18446744073709551616.0}"#);
    let tests: Vec<(&str, &str, bool)> = case
        .tests
        .iter()
        .map(|t| (t.description.as_str(), t.data.get(), t.valid))
        .collect();
    assert_eq!(
        tests,
        [("a", "1e400", false), ("b", r#"[1, {"x": null}]"#, true)]
    );
    assert!(file.cases[1].tests.is_empty());
}

#[test]
fn rejects_what_is_not_a_test_file() {
    check(
        |text: &&str| suite::parse_file(Draft::Draft7, "x.json", text).is_err(),
        &[
            ("[]", false),
            ("{}", true),
            (r#"[{"description": "d", "schema": {}}]"#, true),
            (
                r#"[{"description": "d", "schema": {}, "tests": [{"data": 1}]}]"#,
                true,
            ),
            ("not json", true),
        ],
    );
}

#[test]
fn loads_files_in_draft_and_group_order_and_remotes_under_localhost() {
    let root = scratch("load");
    let tests = suite::tests_dir(&root, Draft::Draft2020_12);
    let one = r#"[{"description": "d", "schema": true, "tests": [{"description": "t", "data": 1, "valid": true}]}]"#;
    for name in [
        "optional/format/date.json",
        "optional/bignum.json",
        "type.json",
        "allOf.json",
    ] {
        write(&tests.join(name), one);
    }
    write(&tests.join("README.md"), "not a test file");
    write(
        &suite::tests_dir(&root, Draft::Draft7).join("type.json"),
        one,
    );
    write(
        &root.join("remotes/draft2020-12/integer.json"),
        r#"{"type": "integer"}"#,
    );
    write(&root.join("remotes/name-defs.json"), "{}");

    let files = suite::load(&root, &[]).expect("loads");
    let names: Vec<String> = files.iter().map(|f| f.display()).collect();
    assert_eq!(
        names,
        [
            "draft7/type.json",
            "draft2020-12/allOf.json",
            "draft2020-12/type.json",
            "draft2020-12/optional/bignum.json",
            "draft2020-12/optional/format/date.json"
        ]
    );
    let only = suite::load(&root, &["type".into(), "date".into()]).expect("loads");
    let names: Vec<String> = only.iter().map(|f| f.display()).collect();
    assert_eq!(
        names,
        [
            "draft7/type.json",
            "draft2020-12/type.json",
            "draft2020-12/optional/format/date.json"
        ]
    );
    let only = suite::load(&root, &["draft7/".into()]).expect("loads");
    assert_eq!(only.len(), 1);
    assert!(suite::load(&root, &["nothing".into()]).is_err());

    let remotes = suite::remotes(&root).expect("remotes");
    let uris: Vec<&str> = remotes.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        uris,
        [
            "http://localhost:1234/draft2020-12/integer.json",
            "http://localhost:1234/name-defs.json"
        ]
    );
    assert_eq!(remotes[0].1, serde_json::json!({"type": "integer"}));
}

#[test]
fn a_draft_sees_shared_remotes_its_own_and_those_that_name_their_dialect() {
    let remote = |path: &str, document: serde_json::Value| (suite::remote_uri(path), document);
    let remotes = [
        remote("integer.json", serde_json::json!({"type": "integer"})),
        remote("draft7/name.json", serde_json::json!({"type": "string"})),
        remote("draft4/name.json", serde_json::json!({"type": "string"})),
        remote(
            "draft2019-09/dependentRequired.json",
            serde_json::json!({"$schema": "https://json-schema.org/draft/2019-09/schema"}),
        ),
        remote(
            "draft-next/x.json",
            serde_json::json!({"$schema": "https://json-schema.org/draft/next/schema"}),
        ),
    ];
    let seen = |draft| -> Vec<String> {
        suite::remotes_for(&remotes, draft)
            .into_iter()
            .map(|(uri, _)| uri.trim_start_matches("http://localhost:1234/").to_owned())
            .collect()
    };
    assert_eq!(
        seen(Draft::Draft7),
        [
            "integer.json",
            "draft7/name.json",
            "draft2019-09/dependentRequired.json"
        ]
    );
    assert_eq!(
        seen(Draft::Draft4),
        [
            "integer.json",
            "draft4/name.json",
            "draft2019-09/dependentRequired.json"
        ]
    );
}

#[test]
fn keeps_only_the_sdist_members_it_uses() {
    check(
        |member: &&str| fetch::destination(Path::new(member)),
        &[
            (
                "jsonschema-4.26.0/json/tests/draft2020-12/ref.json",
                Some(PathBuf::from("tests/draft2020-12/ref.json")),
            ),
            (
                "jsonschema-4.26.0/json/tests/draft2020-12/optional/format/date.json",
                Some(PathBuf::from(
                    "tests/draft2020-12/optional/format/date.json",
                )),
            ),
            (
                "jsonschema-4.26.0/json/remotes/draft2020-12/integer.json",
                Some(PathBuf::from("remotes/draft2020-12/integer.json")),
            ),
            (
                "jsonschema-4.26.0/json/tests/draft7/ref.json",
                Some(PathBuf::from("tests/draft7/ref.json")),
            ),
            (
                "jsonschema-4.26.0/json/tests/draft4/optional/bignum.json",
                Some(PathBuf::from("tests/draft4/optional/bignum.json")),
            ),
            ("jsonschema-4.26.0/json/tests/draft3/ref.json", None),
            ("jsonschema-4.26.0/json/tests/draft-next/ref.json", None),
            ("jsonschema-4.26.0/json/tests/draft2020-12", None),
            ("jsonschema-4.26.0/jsonschema/validators.py", None),
            ("jsonschema-4.26.0/json/remotes/../../../etc/passwd", None),
            ("/json/remotes/x.json", None),
        ],
    );
}

#[test]
fn unpacks_tests_and_remotes_from_a_tar_gz() {
    let mut archive = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (name, text) in [
        ("pkg-1/json/tests/draft2020-12/type.json", "[]"),
        ("pkg-1/json/tests/draft2020-12/optional/bignum.json", "[1]"),
        ("pkg-1/json/tests/draft7/type.json", "[2]"),
        ("pkg-1/json/tests/draft3/type.json", "[3]"),
        ("pkg-1/json/remotes/integer.json", "{}"),
        ("pkg-1/setup.py", "print()"),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        archive
            .append_data(&mut header, name, text.as_bytes())
            .expect("appends");
    }
    let gz = archive.into_inner().expect("tar").finish().expect("gzip");
    let root = scratch("unpack");
    let count = fetch::unpack(gz.as_slice(), &root).expect("unpacks");
    assert_eq!(count, 3);
    let read = |p: &str| std::fs::read_to_string(root.join(p)).ok();
    assert_eq!(read("tests/draft2020-12/type.json").as_deref(), Some("[]"));
    assert_eq!(
        read("tests/draft2020-12/optional/bignum.json").as_deref(),
        Some("[1]")
    );
    assert_eq!(read("remotes/integer.json").as_deref(), Some("{}"));
    assert_eq!(read("tests/draft7/type.json").as_deref(), Some("[2]"));
    assert_eq!(read("tests/draft3/type.json"), None);
    assert_eq!(read("setup.py"), None);
    assert!(fetch::unpack(&b"not gzip"[..], &scratch("unpack-bad")).is_err());
}

#[test]
fn lists_the_keywords_a_schema_uses() {
    check(
        |schema: &serde_json::Value| suite::keywords(schema).into_iter().collect::<Vec<_>>(),
        &[
            (serde_json::json!(true), vec![]),
            (
                serde_json::json!({
                    "properties": {"type": {"minimum": 1}, "enum": false},
                    "allOf": [{"$ref": "#"}, true],
                    "enum": [{"const": 1}],
                    "$defs": {"a": {"unevaluatedProperties": {"pattern": "x"}}}
                }),
                [
                    "$defs",
                    "$ref",
                    "allOf",
                    "enum",
                    "minimum",
                    "pattern",
                    "properties",
                    "unevaluatedProperties",
                ]
                .map(String::from)
                .to_vec(),
            ),
            (
                serde_json::json!({
                    "items": [{"minItems": 1}],
                    "additionalItems": {"maxItems": 2},
                    "dependencies": {"a": ["b"], "c": {"minProperties": 1}}
                }),
                [
                    "additionalItems",
                    "dependencies",
                    "items",
                    "maxItems",
                    "minItems",
                    "minProperties",
                ]
                .map(String::from)
                .to_vec(),
            ),
        ],
    );
}

#[test]
fn module_ids_round_trip_and_name_their_files() {
    check(
        |id: &&str| cases::parse_id(id),
        &[
            ("f0_c0", Some((0, 0))),
            ("f12_c345", Some((12, 345))),
            ("f_c1", None),
            ("f1_c", None),
            ("g1_c2", None),
            ("f1_c2x", None),
            ("f+1_c2", None),
        ],
    );
    assert_eq!(cases::id(12, 345), "f12_c345");
    check(
        |file: &&str| cases::case_of_file(file),
        &[
            ("src/cases/f3_c1.rs", Some("f3_c1".to_owned())),
            ("/abs/cases/src/cases/f3_c1.rs", Some("f3_c1".to_owned())),
            ("src\\cases\\f3_c1.rs", Some("f3_c1".to_owned())),
            ("src/main.rs", None),
            ("src/other/f3_c1.rs", None),
            ("src/cases/schema.rs", None),
        ],
    );
}

#[test]
fn main_rs_maps_the_lines_that_name_a_case() {
    let modules = cases::share([
        ("f0_c1".to_owned(), "a".to_owned()),
        ("f2_c0".to_owned(), "b pub fn decode_validated".to_owned()),
        ("f3_c4".to_owned(), "a".to_owned()),
    ]);
    assert_eq!(
        modules
            .iter()
            .map(|m| (m.id.as_str(), m.cases.len()))
            .collect::<Vec<_>>(),
        [("f0_c1", 2), ("f2_c0", 1)]
    );
    let (text, lines) = cases::main_rs(&modules);
    let lines_of = |needle: &str| -> BTreeSet<String> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| l.contains(needle))
            .map(|(n, _)| lines[&(n as u64 + 1)].clone())
            .collect()
    };
    // A module line and a table entry per module; f3_c4 is served by f0_c1's module.
    assert_eq!(lines.len(), 4);
    assert!(!text.contains("f3_c4"));
    assert_eq!(lines_of("f0_c1"), BTreeSet::from(["f0_c1".to_owned()]));
    assert_eq!(lines_of("f2_c0"), BTreeSet::from(["f2_c0".to_owned()]));
    assert!(text.contains("    pub mod f2_c0;\n"));
    assert!(text.contains(
        "    (cases::f0_c1::schema::is_valid, |v| cases::f0_c1::schema::validate(v).is_valid(), None),\n"
    ));
    // A module with types decodes too.
    assert!(text.contains(
        "cases::f2_c0::schema::validate(v).is_valid(), Some(|b| cases::f2_c0::schema::decode_validated(b).is_ok())),\n"
    ));
    assert!(text.starts_with("// The runner"));
}

#[test]
fn pins_compile_errors_on_cases() {
    let lines: LineMap = [(120, "f0_c1".to_owned()), (130, "f2_c0".to_owned())].into();
    let error = |spans: &str, children: &str| {
        format!(
            r#"{{"reason":"compiler-message","message":{{"level":"error","message":"m","rendered":"error: m","spans":[{spans}],"children":[{children}]}}}}"#
        )
    };
    let span = |file: &str, line: u64| {
        format!(
            r#"{{"file_name":"{file}","line_start":{line},"line_end":{line},"expansion":null}}"#
        )
    };
    let cases = |ids: &[&str]| {
        Diagnostic::Cases(
            ids.iter().map(|s| (*s).to_owned()).collect(),
            "error: m".into(),
        )
    };
    let in_macro = format!(
        r#"{{"file_name":"/rustc/library/core/src/macros.rs","line_start":1,"line_end":1,"expansion":{{"span":{}}}}}"#,
        span("src/cases/f4_c4.rs", 9)
    );
    let child = format!(
        r#"{{"level":"note","message":"n","spans":[{}],"children":[]}}"#,
        span("src/cases/f5_c0.rs", 2)
    );
    check(
        |line: &String| cases::diagnostic(line, &lines),
        &[
            (error(&span("src/cases/f3_c1.rs", 10), ""), cases(&["f3_c1"])),
            (error(&span("src/main.rs", 130), ""), cases(&["f2_c0"])),
            (
                error(&format!("{},{}", span("src/main.rs", 120), span("src/cases/f3_c1.rs", 1)), ""),
                cases(&["f0_c1", "f3_c1"]),
            ),
            (error(&in_macro, ""), cases(&["f4_c4"])),
            (error(&span("src/main.rs", 20), &child), cases(&["f5_c0"])),
            (
                error(&span("src/main.rs", 20), ""),
                Diagnostic::Elsewhere("error: m".into()),
            ),
            (error("", ""), Diagnostic::Nothing),
            (
                error(&span("src/cases/f3_c1.rs", 10), "").replace("\"error\"", "\"warning\""),
                Diagnostic::Warning(BTreeSet::from(["f3_c1".to_owned()]), "error: m".into()),
            ),
            (
                error(&span("src/main.rs", 20), "").replace("\"error\"", "\"warning\""),
                Diagnostic::Nothing,
            ),
            (
                error("", "").replace("\"error\"", "\"warning\""),
                Diagnostic::Nothing,
            ),
            (
                r#"{"reason":"build-finished","success":false}"#.into(),
                Diagnostic::Finished { success: false },
            ),
            (
                r#"{"reason":"compiler-artifact","target":{"name":"json-schema-test-suite-cases"},"executable":"/t/debug/runner"}"#.into(),
                Diagnostic::Executable(PathBuf::from("/t/debug/runner")),
            ),
            (
                r#"{"reason":"compiler-artifact","target":{"name":"serde_json"},"executable":null}"#.into(),
                Diagnostic::Nothing,
            ),
            ("   Compiling serde v1".into(), Diagnostic::Nothing),
        ],
    );
}

#[test]
fn reads_the_runner_s_lines() {
    use run::Verdict::*;
    check(
        |line: &&str| parse_line(line),
        &[
            ("start 3 0", Some(Line::Start(3, 0))),
            (
                "test 3 0 valid invalid",
                Some(Line::Test(3, 0, Valid, Invalid, None)),
            ),
            (
                "test 3 1 panic panic",
                Some(Line::Test(3, 1, Panic, Panic, None)),
            ),
            (
                "test 3 2 valid valid invalid",
                Some(Line::Test(3, 2, Valid, Valid, Some(Invalid))),
            ),
            ("test 3 2 valid valid invalid valid", None),
            (
                r#"panic 3 1 "index out of bounds: \"x\" at src/cases/f0_c0.rs:7""#,
                Some(Line::Panic(
                    3,
                    1,
                    "index out of bounds: \"x\" at src/cases/f0_c0.rs:7".into(),
                )),
            ),
            (
                r#"unparsable 0 2 "number out of range""#,
                Some(Line::Unparsable(0, 2, "number out of range".into())),
            ),
            ("done", Some(Line::Done)),
            ("test 3 0 valid", None),
            ("test 3 0 valid maybe", None),
            ("start x 0", None),
            ("thread 'main' has overflowed its stack", None),
        ],
    );
}

#[test]
fn judges_each_test_by_both_verdicts() {
    use run::Verdict::*;
    let verdicts = |is_valid, validate| Ran::Verdicts {
        is_valid,
        validate,
        decode: None,
        panic: None,
    };
    let typed = |decode| Ran::Verdicts {
        is_valid: Valid,
        validate: Valid,
        decode: Some(decode),
        panic: None,
    };
    check(
        |(expected, ran): &(bool, Option<Ran>)| outcome(*expected, ran.as_ref()),
        &[
            ((true, Some(verdicts(Valid, Valid))), Outcome::Passed),
            ((true, Some(typed(Valid))), Outcome::Passed),
            (
                (true, Some(typed(Invalid))),
                Outcome::Wrong("valid, invalid from decode_validated".into()),
            ),
            ((false, Some(verdicts(Invalid, Invalid))), Outcome::Passed),
            (
                (true, Some(verdicts(Invalid, Invalid))),
                Outcome::Wrong("invalid".into()),
            ),
            (
                (true, Some(verdicts(Valid, Invalid))),
                Outcome::Wrong("valid from is_valid but invalid from validate".into()),
            ),
            (
                (
                    false,
                    Some(Ran::Verdicts {
                        is_valid: Panic,
                        validate: Invalid,
                        decode: None,
                        panic: Some("boom".into()),
                    }),
                ),
                Outcome::Wrong("a panic from is_valid but invalid from validate (boom)".into()),
            ),
            (
                (true, Some(Ran::Crashed("signal 6".into()))),
                Outcome::Wrong("a crash of the runner: signal 6".into()),
            ),
            (
                (true, Some(Ran::Hung)),
                Outcome::Wrong("no verdict within 60 s".into()),
            ),
            (
                (true, Some(Ran::Unparsable("big".into()))),
                Outcome::Unsupported("instance serde_json cannot read".into()),
            ),
            (
                (true, None),
                Outcome::Wrong("no verdict: the runner never reached this test".into()),
            ),
        ],
    );
}

#[test]
fn short_causes_of_generator_errors() {
    check(
        |message: &&str| generate::invalid_cause(message),
        &[
            (
                "this schema applies itself in place ($ref, …)",
                "schema applying itself in place".to_owned(),
            ),
            (
                "invalid ECMA-262 regular expression `\\p{Letter}`: nope",
                "regular expression regress rejects".to_owned(),
            ),
            ("short", "short".to_owned()),
        ],
    );
}

fn test_result(valid: bool, outcome: Outcome) -> TestResult {
    TestResult {
        description: "t".into(),
        data: "1".into(),
        valid,
        outcome,
    }
}

fn file(name: &str, group: Group, cases: Vec<(Option<&str>, Vec<Outcome>)>) -> FileResult {
    FileResult {
        draft: Draft::Draft2020_12,
        file: format!("draft2020-12/{name}"),
        group,
        cases: cases
            .into_iter()
            .enumerate()
            .map(|(c, (cause, outcomes))| CaseResult {
                description: format!("case {c}"),
                schema: "true".into(),
                module: format!("f{}_c{c}", name.len()),
                keywords: Vec::new(),
                warning: None,
                unsupported: cause.map(|cause| Unsupported {
                    cause: cause.into(),
                    detail: format!("detail of {cause}"),
                }),
                tests: outcomes.into_iter().map(|o| test_result(true, o)).collect(),
            })
            .collect(),
    }
}

#[test]
fn counts_and_formats_tallies() {
    let tally = |passed, failed, unsupported, generator_bugs| Tally {
        passed,
        failed,
        unsupported,
        generator_bugs,
    };
    check(
        |t: &Tally| (t.counts(), t.closing_line()),
        &[
            (
                tally(0, 0, 0, 0),
                ("0 passed, 0 failed, 0 unsupported".into(), "0 passed, 0 failed".into()),
            ),
            (
                tally(1200, 3, 54, 0),
                (
                    "1200 passed, 3 failed, 54 unsupported".into(),
                    "1200 passed, 57 failed".into(),
                ),
            ),
            (
                tally(5, 0, 4, 2),
                (
                    "5 passed, 0 failed, 4 unsupported (2 of them generator bugs: code that does not compile or a panic)".into(),
                    "5 passed, 4 failed".into(),
                ),
            ),
        ],
    );
    let outcomes = [
        Outcome::Passed,
        Outcome::Passed,
        Outcome::Wrong("invalid".into()),
        Outcome::Unsupported("`$dynamicRef`".into()),
        Outcome::Unsupported(report::DOES_NOT_COMPILE.into()),
        Outcome::Unsupported(report::GENERATOR_PANICKED.into()),
    ];
    let tests: Vec<TestResult> = outcomes.into_iter().map(|o| test_result(true, o)).collect();
    assert_eq!(Tally::of(&tests), tally(2, 1, 3, 2));
    assert_eq!(Tally::of(&tests).total(), 6);
}

#[test]
fn ranks_unsupported_causes_by_tests_lost() {
    let dynamic = Outcome::Unsupported("`$dynamicRef`".into());
    let unevaluated = Outcome::Unsupported("`unevaluatedProperties`".into());
    let files = [
        file(
            "a.json",
            Group::Required,
            vec![
                (
                    Some("`$dynamicRef`"),
                    vec![dynamic.clone(), dynamic.clone()],
                ),
                (Some("`unevaluatedProperties`"), vec![unevaluated.clone()]),
            ],
        ),
        file(
            "bb.json",
            Group::Required,
            vec![
                (
                    Some("`unevaluatedProperties`"),
                    vec![unevaluated.clone(); 3],
                ),
                (None, vec![Outcome::Passed]),
            ],
        ),
        file(
            "optional/c.json",
            Group::Optional,
            vec![(Some("`$dynamicRef`"), vec![dynamic.clone(); 9])],
        ),
    ];
    assert_eq!(
        costs(&files, Group::Required),
        [
            ("`unevaluatedProperties`".to_owned(), 2, 4),
            ("`$dynamicRef`".to_owned(), 1, 2),
        ]
    );
    assert_eq!(
        costs(&files, Group::Optional),
        [("`$dynamicRef`".to_owned(), 1, 9)]
    );
    assert!(costs(&files, Group::Format).is_empty());
}

#[test]
fn the_report_ends_with_wrong_verdicts_and_the_total() {
    let files = [
        file(
            "type.json",
            Group::Required,
            vec![(
                None,
                vec![Outcome::Passed, Outcome::Wrong("invalid".into())],
            )],
        ),
        file(
            "ref.json",
            Group::Required,
            vec![
                (
                    Some("`$dynamicRef`"),
                    vec![Outcome::Unsupported("`$dynamicRef`".into())],
                ),
                (
                    Some(report::DOES_NOT_COMPILE),
                    vec![Outcome::Unsupported(report::DOES_NOT_COMPILE.into())],
                ),
            ],
        ),
        file(
            "optional/format/date.json",
            Group::Format,
            vec![(None, vec![Outcome::Passed, Outcome::Wrong("valid".into())])],
        ),
    ];
    let (text, failed) = report::render(&files);
    assert!(failed);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "draft2020-12/type.json: 1 passed, 1 failed, 0 unsupported",
            "draft2020-12/ref.json: 0 passed, 0 failed, 2 unsupported (1 of them generator bugs: code that does not compile or a panic)",
        ]
    );
    assert!(text.contains("\noptional tests, not in the required total:\n  draft2020-12/optional/format/date.json: 1 passed, 1 failed, 0 unsupported\n"));
    assert!(text.contains("\ngenerator bugs (1 cases, counted as unsupported):\n  draft2020-12/ref.json [f8_c1] \"case 1\": generated code does not compile: detail of generated code does not compile\n"));
    assert!(text.contains("\nwrong verdicts in required tests:\n  draft2020-12/type.json [f9_c0] \"case 0\" / \"t\": expected valid, got invalid; instance 1\n"));
    assert!(text.contains(
        "\nwrong verdicts in optional/format tests:\n  draft2020-12/optional/format/date.json ["
    ));
    assert_eq!(
        lines[lines.len() - 7..],
        [
            "per draft:",
            "  draft2020-12: required 1 passed, 1 failed, 2 unsupported (1 of them generator bugs: code that does not compile or a panic); optional/format 1 passed, 1 failed, 0 unsupported",
            "optional/format: 1 passed, 1 failed, 0 unsupported (generated with `format` asserted)",
            "required: 1 passed, 1 failed, 2 unsupported (1 of them generator bugs: code that does not compile or a panic)",
            "wrong verdicts: 2",
            "cases whose generated code has warnings: 0",
            "1 passed, 3 failed",
        ]
    );

    // Unsupported cases do not fail the run; a wrong format verdict does.
    let (text, failed) = report::render(&files[1..2]);
    assert!(!failed);
    assert!(text.ends_with(
        "wrong verdicts: 0\ncases whose generated code has warnings: 0\n0 passed, 2 failed\n"
    ));
    let (text, failed) = report::render(&files[1..]);
    assert!(failed);
    assert!(text.ends_with(
        "wrong verdicts: 1\ncases whose generated code has warnings: 0\n0 passed, 2 failed\n"
    ));

    // A wrong verdict in another draft's optional tests does.
    let mut optional = file(
        "optional/bignum.json",
        Group::Optional,
        vec![(None, vec![Outcome::Wrong("invalid".into())])],
    );
    optional.draft = Draft::Draft7;
    optional.file = "draft7/optional/bignum.json".into();
    let mut files = files.to_vec();
    files.push(optional);
    let (text, failed) = report::render(&files);
    assert!(failed);
    assert!(text.contains("\nwrong verdicts in optional tests:\n  draft7/optional/bignum.json [f20_c0] \"case 0\" / \"t\": expected valid, got invalid; instance 1\n"), "{text}");
    assert!(
        text.contains("\n  draft7: optional 0 passed, 1 failed, 0 unsupported\n"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "wrong verdicts: 3\ncases whose generated code has warnings: 0\n1 passed, 3 failed\n"
        ),
        "{text}"
    );
}

#[test]
fn generated_code_with_warnings_fails_the_run() {
    let mut passing = file(
        "type.json",
        Group::Required,
        vec![(None, vec![Outcome::Passed])],
    );
    let (_, failed) = report::render(std::slice::from_ref(&passing));
    assert!(!failed);
    passing.cases[0].warning =
        Some("warning: unused variable: `x`\n --> src/cases/f9_c0.rs".into());
    let (text, failed) = report::render(std::slice::from_ref(&passing));
    assert!(failed);
    assert!(text.contains("\ngenerated code with warnings (1 cases):\n  draft2020-12/type.json [f9_c0] \"case 0\": warning: unused variable: `x` --> src/cases/f9_c0.rs\n"), "{text}");
    assert!(
        text.ends_with("cases whose generated code has warnings: 1\n1 passed, 0 failed\n"),
        "{text}"
    );
    let (table, failed) = report::corpus_table(std::slice::from_ref(&passing));
    assert!(failed);
    assert!(
        table.contains("| yes | **with warnings** | 1 of 1 | warning: unused variable: `x` |"),
        "{table}"
    );
}

#[test]
fn clips_long_text_to_one_line() {
    check(
        |(s, max): &(&str, usize)| clip(s, *max),
        &[
            (("short", 10), "short".to_owned()),
            (("a\n  b\tc", 10), "a b c".to_owned()),
            (("abcdefghij", 5), "abcd…".to_owned()),
            (("ééééé", 5), "ééééé".to_owned()),
        ],
    );
}

#[test]
fn parses_arguments() {
    let args =
        |list: &[&str]| parse_args(list.iter().map(|s| (*s).to_owned())).map_err(|e| e.kind());
    check(
        |list: &Vec<&str>| args(list),
        &[
            (vec![], Ok(Args::default())),
            (
                vec![
                    "--suite",
                    "/s",
                    "--only",
                    "ref",
                    "--only",
                    "type",
                    "--release",
                ],
                Ok(Args {
                    suite: Some("/s".into()),
                    only: vec!["ref".into(), "type".into()],
                    release: true,
                    ..Args::default()
                }),
            ),
            (
                vec!["--summary", "out.json", "--check-coverage", "README.md"],
                Ok(Args {
                    summary: Some("out.json".into()),
                    check_coverage: Some("README.md".into()),
                    ..Args::default()
                }),
            ),
            (vec!["--suite"], Err(clap::error::ErrorKind::InvalidValue)),
            (vec!["--fast"], Err(clap::error::ErrorKind::UnknownArgument)),
            (
                vec!["--write-coverage", "a", "--check-coverage", "b"],
                Err(clap::error::ErrorKind::ArgumentConflict),
            ),
            (
                vec!["--", "--release"],
                Ok(Args {
                    release: true,
                    ..Args::default()
                }),
            ),
        ],
    );
}

#[test]
fn writes_the_coverage_table_between_its_markers() {
    let tally = |passed, failed, unsupported| report::Tally {
        passed,
        failed,
        unsupported,
        generator_bugs: 0,
    };
    let mut by_draft = BTreeMap::new();
    by_draft.insert(
        Draft::Draft2020_12,
        BTreeMap::from([
            ("type".to_owned(), tally(3, 0, 1)),
            ("$defs".to_owned(), tally(2, 0, 0)),
        ]),
    );
    by_draft.insert(
        Draft::Draft4,
        BTreeMap::from([("type".to_owned(), tally(5, 1, 0))]),
    );
    let totals = BTreeMap::from([
        (Draft::Draft4, tally(5, 1, 0)),
        (Draft::Draft2020_12, tally(5, 0, 1)),
    ]);
    let table = report::coverage_table(&by_draft, &totals);
    assert_eq!(
        table,
        "| keyword | draft4 | draft2020-12 |\n|---|---|---|\n| `$defs` | — | 2/2 |\n| `type` | 5/6, 1 wrong | 3/4 |\n| all required tests | 5/6, 1 wrong | 5/6 |\n"
    );
    let dir = std::env::temp_dir().join(format!("suite-coverage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("README.md");
    let begin = "<!-- suite-coverage:begin (written by `cargo suite --write-coverage`) -->";
    std::fs::write(
        &path,
        format!("intro\n{begin}\nold\n<!-- suite-coverage:end -->\nrest\n"),
    )
    .expect("write");
    assert!(!report::coverage_is_current(&path, &table).expect("markers"));
    report::write_coverage(&path, &table).expect("write");
    assert!(report::coverage_is_current(&path, &table).expect("markers"));
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.starts_with("intro\n") && text.ends_with("<!-- suite-coverage:end -->\nrest\n"),
        "{text}"
    );
    std::fs::write(&path, "no markers").expect("write");
    assert!(report::write_coverage(&path, &table).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn quotes_toml_strings() {
    check(
        |s: &&str| util::toml_string(s),
        &[
            ("/work/main/runtime", "\"/work/main/runtime\"".to_owned()),
            ("C:\\a \"b\"", "\"C:\\\\a \\\"b\\\"\"".to_owned()),
            ("tab\there", "\"tab\\u0009here\"".to_owned()),
        ],
    );
}

#[test]
fn generates_a_module_or_says_why_not() {
    let dir = scratch("generate");
    let remotes = vec![(
        suite::remote_uri("integer.json"),
        serde_json::json!({"type": "integer"}),
    )];
    let generated = generate::case(
        &dir.join("ok"),
        r#"{"$ref": "http://localhost:1234/integer.json"}"#,
        Dialect::Draft2020_12,
        false,
        false,
        &remotes,
    );
    let Generated::Code(code) = generated else {
        panic!("expected code, got {generated:?}");
    };
    assert!(code.contains("pub mod schema"), "{code}");
    assert!(code.contains("pub fn is_valid"), "{code}");
    check(
        |schema: &&str| match generate::case(
            &dir.join("declined"),
            schema,
            Dialect::Draft2019_09,
            false,
            false,
            &remotes,
        ) {
            Generated::Declined { cause, .. } => cause,
            other => format!("{other:?}"),
        },
        &[
            (
                r##"{"$schema": "https://json-schema.org/draft/2020-12/schema", "$dynamicRef": "#a"}"##,
                "unresolvable `$ref`".to_owned(),
            ),
            (
                r##"{"$schema": "https://example.test/meta", "$defs": {"m": {"$id": "https://example.test/meta", "$vocabulary": {"https://example.test/vocab": true}}}}"##,
                "`$vocabulary` requiring an unknown vocabulary".to_owned(),
            ),
            (
                r#"{"$ref": "http://localhost:1234/nowhere.json"}"#,
                "unresolvable `$ref`".to_owned(),
            ),
            (r#"{"minimum": "3"}"#, "invalid `minimum`".to_owned()),
            (
                r#"{"$schema": "http://json-schema.org/draft-03/schema#"}"#,
                "`$schema` of an unknown dialect".to_owned(),
            ),
        ],
    );
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "wecom-rooms-suite-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
    std::fs::write(path, text).expect("written");
}

#[test]
fn tallies_tests_by_keyword() {
    let mut files = vec![
        file(
            "a.json",
            Group::Required,
            vec![
                (None, vec![Outcome::Passed, Outcome::Wrong("valid".into())]),
                (
                    Some("`$dynamicRef`"),
                    vec![Outcome::Unsupported("`$dynamicRef`".into())],
                ),
            ],
        ),
        file(
            "optional/b.json",
            Group::Optional,
            vec![(None, vec![Outcome::Passed])],
        ),
    ];
    files[0].cases[0].keywords = vec!["items".into(), "type".into()];
    files[0].cases[1].keywords = vec!["$dynamicRef".into(), "items".into()];
    files[1].cases[0].keywords = vec!["type".into()];
    let table = report::by_keyword(&files, Group::Required);
    let row = |passed, failed, unsupported| Tally {
        passed,
        failed,
        unsupported,
        generator_bugs: 0,
    };
    assert_eq!(
        table.into_iter().collect::<Vec<_>>(),
        [
            ("$dynamicRef".to_owned(), row(0, 0, 1)),
            ("items".to_owned(), row(1, 1, 1)),
            ("type".to_owned(), row(1, 1, 0)),
        ]
    );
}

#[test]
fn meta_schema_refs_have_their_own_cause() {
    check(
        |reference: &&str| generate::ref_cause(reference),
        &[
            (
                "https://json-schema.org/draft/2020-12/schema",
                "`$ref` to a meta-schema (not served offline)".to_owned(),
            ),
            ("#/$defs/missing", "unresolvable `$ref`".to_owned()),
            (
                "http://localhost:1234/nowhere.json",
                "unresolvable `$ref`".to_owned(),
            ),
        ],
    );
}

/// A stand-in runner: crashes in test (0, 1), hangs in test (1, 0), and finishes after that.
#[cfg(unix)]
#[test]
fn survives_a_runner_that_crashes_or_hangs() {
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    use crate::run::Verdict::*;

    let dir = scratch("runner");
    let runner = dir.join("runner.sh");
    write(
        &runner,
        r#"#!/bin/sh
case "$2 $3" in
  "0 0") echo "start 0 0"; echo "test 0 0 valid valid"; echo "start 0 1"; kill -ABRT $$ ;;
  "0 2") echo "start 0 2"; echo 'panic 0 2 "boom"'; echo "test 0 2 panic invalid"; echo "start 1 0"; exec sleep 30 ;;
  "1 1") echo "start 1 1"; echo 'unparsable 1 1 "number out of range"'; echo done ;;
  *) echo "unexpected start: $2 $3" >&2; exit 3 ;;
esac
"#,
    );
    std::fs::set_permissions(&runner, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let results = run::run(&runner, &dir.join("tests.json"), Duration::from_millis(500))
        .expect("runs to the end");
    let got: Vec<((usize, usize), Ran)> = results.into_iter().collect();
    assert_eq!(got.len(), 5, "{got:?}");
    assert_eq!(
        got[0],
        (
            (0, 0),
            Ran::Verdicts {
                is_valid: Valid,
                validate: Valid,
                decode: None,
                panic: None
            }
        )
    );
    assert!(
        matches!(&got[1], ((0, 1), Ran::Crashed(how)) if how.contains("signal")),
        "{:?}",
        got[1]
    );
    assert_eq!(
        got[2],
        (
            (0, 2),
            Ran::Verdicts {
                is_valid: Panic,
                validate: Invalid,
                decode: None,
                panic: Some("boom".into())
            }
        )
    );
    assert_eq!(got[3], ((1, 0), Ran::Hung));
    assert_eq!(
        got[4],
        ((1, 1), Ran::Unparsable("number out of range".into()))
    );
}

#[cfg(unix)]
#[test]
fn a_runner_that_fails_outside_a_test_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    let dir = scratch("runner-broken");
    let runner = dir.join("runner.sh");
    write(&runner, "#!/bin/sh\necho 'no tests file' >&2\nexit 101\n");
    std::fs::set_permissions(&runner, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let error = run::run(&runner, &dir.join("tests.json"), Duration::from_secs(5))
        .expect_err("no test ran");
    assert!(error.contains("stopped outside any test"), "{error}");
    assert!(error.contains("no tests file"), "{error}");
}

#[test]
fn a_panic_resumed_from_another_thread_keeps_its_message() {
    let caught = generate::catch_panic(|| {
        let helper = std::thread::spawn(|| -> u8 { panic!("boom on the second thread") });
        if let Err(payload) = helper.join() {
            std::panic::resume_unwind(payload)
        }
    });
    assert_eq!(caught.unwrap_err(), "boom on the second thread");
    let caught = generate::catch_panic(|| std::panic::panic_any(7));
    assert_eq!(caught.unwrap_err(), "a panic without a message");
}
