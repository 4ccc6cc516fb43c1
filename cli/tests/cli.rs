//! Command-level tests: the `wecom-rooms` binary as CI and pre-commit run it.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

const REQUEST: &str = "meeting/rooms/get_info/request";
const RESPONSE: &str = "meeting/rooms/get_info/response";
const SEVERAL_ERRORS: &str = "tests/data/several-errors.json";

/// What one run printed and how it ended.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The JSON Lines of `--format json`.
    fn lines(&self) -> Vec<Value> {
        (self.stdout.lines())
            .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
            .collect()
    }
}

/// Runs the binary from the crate's folder, so that paths in output are short and stable.
fn run(args: &[&str]) -> Run {
    let output = cargo_bin_cmd!("wecom-rooms")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("the binary runs");
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 output"),
    }
}

fn validate(schema: &str, more: &[&str]) -> Run {
    let mut args = vec!["validate", "--schema", schema];
    args.extend_from_slice(more);
    run(&args)
}

/// A fixture of the project, relative to the crate's folder.
fn fixture(rest: &str) -> String {
    format!("../tests/fixtures/meeting/rooms/get_info/{rest}")
}

#[test]
fn schemas_lists_every_name_with_its_title() {
    let run = run(&["schemas"]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), wecom_rooms::SCHEMAS.len());
    for (line, entry) in lines.iter().zip(wecom_rooms::SCHEMAS) {
        assert!(line.starts_with(entry.name), "{line}");
        assert!(line.ends_with(entry.title), "{line}");
    }
}

#[test]
fn no_path_checks_the_bundled_examples() {
    let human = validate(RESPONSE, &[]);
    assert_eq!(human.code, 0, "{human:?}");
    assert_eq!(
        human.stderr.lines().last(),
        Some(
            "checked 1 file (the bundled examples of meeting/rooms/get_info/response): \
             1 valid, 0 invalid, 1 warning"
        )
    );
    for schema in [REQUEST, RESPONSE] {
        let json = validate(schema, &["--format", "json"]);
        assert_eq!(json.code, 0, "{json:?}");
        let lines = json.lines();
        assert!(!lines.is_empty());
        for (index, line) in lines.iter().enumerate() {
            let file = format!("<bundled>/{schema}/example-{}.json", index + 1);
            assert_eq!(line["file"], file.as_str());
            assert_eq!(line["valid"], true);
        }
    }
}

#[test]
fn human_format_shows_the_line_a_caret_and_a_summary() {
    let run = validate(RESPONSE, &[SEVERAL_ERRORS]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("error[minimum]: expected an integer in 0..=4294967295")
    );
    assert!(
        run.stdout
            .contains("┌─ tests/data/several-errors.json:9:27")
    );
    assert!(run.stdout.contains("\"participant_number\": -3,"));
    assert!(run.stdout.contains("^^ at /basic_info/participant_number"));
    assert!(!run.stdout.contains('\u{1b}'), "no colour into a pipe");
    assert_eq!(
        run.stderr,
        "checked 1 file: 0 valid, 1 invalid, 1 warning\n"
    );
}

#[test]
fn human_output_of_a_file_with_several_errors() {
    let run = validate(RESPONSE, &[SEVERAL_ERRORS]);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn json_output_of_a_file_with_several_errors() {
    let run = validate(RESPONSE, &["--format", "json", SEVERAL_ERRORS]);
    assert_eq!(run.stderr, "", "no summary in JSON format");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn json_format_prints_one_object_of_fixed_shape_per_file() {
    let run = validate(
        RESPONSE,
        &[
            "--format",
            "json",
            &fixture("response/valid"),
            SEVERAL_ERRORS,
        ],
    );
    assert_eq!(run.code, 1);
    let lines = run.lines();
    assert_eq!(
        lines.len(),
        json_files(Path::new(&fixture("response/valid"))).len() + 1
    );
    let keys = |value: &Value| -> Vec<String> {
        value
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect()
    };
    for line in &lines {
        assert_eq!(keys(line), ["errors", "file", "valid", "warnings"]);
        for finding in [&line["errors"], &line["warnings"]]
            .iter()
            .flat_map(|findings| findings.as_array().expect("an array"))
        {
            assert_eq!(
                keys(finding),
                ["column", "keyword", "line", "message", "pointer"]
            );
        }
    }
    let last = lines.last().expect("a line");
    assert_eq!(last["file"], SEVERAL_ERRORS);
    assert_eq!(last["errors"].as_array().map(Vec::len), Some(5));
    assert_eq!(last["warnings"][0]["pointer"], "/room_tag");
}

#[test]
fn github_format_prints_annotations() {
    let run = validate(RESPONSE, &["--format", "github", SEVERAL_ERRORS]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(
        lines[2],
        "::error file=tests/data/several-errors.json,line=9,col=27,title=wecom-rooms minimum\
         ::/basic_info/participant_number: expected an integer in 0..=4294967295, found -3"
    );
    assert_eq!(
        lines[5],
        "::warning file=tests/data/several-errors.json,line=46,col=15,\
         title=wecom-rooms additionalProperties\
         ::/room_tag: member \"room_tag\" is not described by the schema"
    );
}

#[test]
fn github_format_escapes_properties_and_messages() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("github-escapes");
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let file = dir.join("a,b:c.json");
    std::fs::write(&file, "{\"meeting_room_id\": \"x\", \"100%\": 1}").expect("written");
    let run = validate(
        REQUEST,
        &["--format", "github", file.to_str().expect("UTF-8")],
    );
    assert_eq!(run.code, 1);
    let escaped = file
        .display()
        .to_string()
        .replace(':', "%3A")
        .replace(',', "%2C");
    assert_eq!(
        run.stdout,
        format!(
            "::error file={escaped},line=1,col=1,title=wecom-rooms additionalProperties\
             ::(root): unexpected member \"100%25\"\n"
        )
    );
}

#[test]
fn exit_0_when_every_file_is_valid() {
    let run = validate(REQUEST, &[&fixture("request/valid")]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "checked 3 files: 3 valid, 0 invalid\n");
}

#[test]
fn exit_1_when_a_file_is_invalid() {
    let run = validate(
        REQUEST,
        &[&fixture("request/valid"), &fixture("request/invalid")],
    );
    assert_eq!(run.code, 1);
    let invalid = std::fs::read_dir(fixture("request/invalid"))
        .expect("the folder exists")
        .count();
    assert!(
        run.stderr
            .ends_with(&format!(": 3 valid, {invalid} invalid\n")),
        "{}",
        run.stderr
    );
}

#[test]
fn exit_2_and_the_valid_names_for_an_unknown_schema() {
    let run = validate("meeting/rooms/get_info/nope", &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("'meeting/rooms/get_info/nope'"));
    let names: Vec<&str> = wecom_rooms::SCHEMAS.iter().map(|e| e.name).collect();
    let possible = format!("[possible values: {}]", names.join(", "));
    assert!(run.stderr.contains(&possible), "{}", run.stderr);
}

#[test]
fn exit_2_for_other_usage_errors() {
    assert_eq!(run(&["validate"]).code, 2);
    assert_eq!(validate(REQUEST, &["--format", "xml"]).code, 2);
    assert_eq!(validate(REQUEST, &["--expect", "maybe"]).code, 2);
    assert_eq!(run(&["frobnicate"]).code, 2);
}

#[test]
fn exit_2_naming_an_unreadable_path_after_checking_the_others() {
    let valid = fixture("request/valid/doc-sample.json");
    let run = validate(REQUEST, &["--format", "json", "no/such/file.json", &valid]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: cannot read no/such/file.json: "),
        "{}",
        run.stderr
    );
    let lines = run.lines();
    assert_eq!(lines.len(), 1, "the readable file is still checked");
    assert_eq!(lines[0]["valid"], true);

    let human = validate(REQUEST, &["no/such/dir", &valid]);
    assert_eq!(human.code, 2);
    assert!(
        human
            .stderr
            .ends_with("checked 1 file: 1 valid, 0 invalid; 1 path could not be read\n")
    );
}

/// Each malformed input: (file, line, column, message) of its one `syntax` error.
const MALFORMED: &[(&str, usize, usize, &str)] = &[
    (
        "tests/data/malformed/bom.json",
        1,
        1,
        "unexpected byte order mark",
    ),
    (
        "tests/data/malformed/empty.json",
        1,
        1,
        "EOF while parsing a value",
    ),
    (
        "tests/data/malformed/invalid-utf8.json",
        2,
        25,
        "invalid UTF-8 sequence starting with byte 0xff",
    ),
    (
        "tests/data/malformed/trailing-garbage.json",
        4,
        1,
        "trailing characters",
    ),
    (
        "tests/data/malformed/truncated.json",
        2,
        27,
        "EOF while parsing a string",
    ),
];

#[test]
fn malformed_input_fails_with_one_syntax_error_at_the_fault() {
    for &(file, line, column, message) in MALFORMED {
        let run = validate(REQUEST, &["--format", "json", file]);
        assert_eq!(run.code, 1, "{file}");
        let [report] = run.lines().try_into().expect("one line");
        assert_eq!(report["valid"], false);
        assert_eq!(report["warnings"], serde_json::json!([]));
        let [error] = report["errors"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .try_into()
            .expect("one error");
        assert_eq!(error["keyword"], "syntax", "{file}");
        assert_eq!(error["pointer"], "", "{file}");
        assert_eq!(
            (error["line"].as_u64(), error["column"].as_u64()),
            (Some(line as u64), Some(column as u64)),
            "{file}"
        );
        let text = error["message"].as_str().unwrap_or_default();
        assert!(text.starts_with(message), "{file}: {text}");
    }
}

#[test]
fn malformed_files_are_never_skipped_and_the_rest_still_checked() {
    let valid = fixture("request/valid/doc-sample.json");
    let run = validate(REQUEST, &["tests/data/malformed", &valid]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "checked 6 files: 1 valid, 5 invalid\n");
    assert_eq!(run.stdout.matches("error[syntax]").count(), 5);
    for &(file, line, column, _) in MALFORMED {
        assert!(
            run.stdout.contains(&format!("{file}:{line}:{column}")),
            "{file}"
        );
    }
    let github = validate(REQUEST, &["--format", "github", "tests/data/malformed"]);
    assert_eq!(github.stdout.lines().count(), 5);
    assert!(
        github
            .stdout
            .lines()
            .all(|line| line.starts_with("::error file=tests/data/malformed/"))
    );
}

#[test]
fn strict_turns_tolerances_into_errors() {
    let file = fixture("response/valid/unknown-member-top-level.json");
    let lenient = validate(RESPONSE, &["--format", "json", &file]);
    assert_eq!(lenient.code, 0);
    let [report] = lenient.lines().try_into().expect("one line");
    assert_eq!(report["valid"], true);
    assert_eq!(report["errors"], serde_json::json!([]));
    let warned: Vec<&str> = (report["warnings"].as_array().into_iter().flatten())
        .filter_map(|w| w["keyword"].as_str())
        .collect();
    assert!(warned.contains(&"additionalProperties"), "{warned:?}");

    let strict = validate(RESPONSE, &["--format", "json", "--strict", &file]);
    assert_eq!(strict.code, 1);
    let [report] = strict.lines().try_into().expect("one line");
    assert_eq!(report["valid"], false);
    assert_eq!(report["warnings"], serde_json::json!([]));
    let errors: Vec<&str> = (report["errors"].as_array().into_iter().flatten())
        .filter_map(|e| e["keyword"].as_str())
        .collect();
    assert_eq!(errors.len(), warned.len());
    assert!(errors.contains(&"additionalProperties"));
}

#[test]
fn expect_invalid_passes_negative_fixtures() {
    for (schema, dir) in [(REQUEST, "request/invalid"), (RESPONSE, "response/invalid")] {
        let run = validate(schema, &["--expect", "invalid", &fixture(dir)]);
        assert_eq!(run.code, 0, "{dir}: {}", run.stderr);
        assert!(!run.stdout.contains("error["), "their errors are notes");
        assert!(run.stdout.contains("note["));
    }
}

#[test]
fn every_schema_checks_its_fixtures_and_bundled_examples() {
    assert!(
        wecom_rooms::SCHEMAS.len() >= 36,
        "gettoken, twelve Rooms endpoints and five meeting endpoints"
    );
    for entry in wecom_rooms::SCHEMAS {
        let folder = format!("../tests/fixtures/{}", entry.name);
        let valid = validate(
            entry.name,
            &["--format", "json", &format!("{folder}/valid")],
        );
        assert_eq!(valid.code, 0, "{}: {}", entry.name, valid.stdout);
        assert!(
            !valid.lines().is_empty(),
            "{}: no valid fixtures",
            entry.name
        );
        let invalid = validate(
            entry.name,
            &["--expect", "invalid", &format!("{folder}/invalid")],
        );
        assert_eq!(invalid.code, 0, "{}: {}", entry.name, invalid.stderr);
        let bundled = validate(entry.name, &[]);
        assert_eq!(bundled.code, 0, "{}: {}", entry.name, bundled.stderr);
    }
}

#[test]
fn expect_invalid_fails_on_a_valid_file() {
    let valid = fixture("request/valid/doc-sample.json");
    let invalid = fixture("request/invalid/meeting-room-id-null.json");
    let human = validate(REQUEST, &["--expect", "invalid", &valid, &invalid]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains(&format!(
        "error: {valid} is valid, but --expect invalid expects every file to fail"
    )));
    assert!(
        human
            .stderr
            .ends_with("1 valid, 1 invalid; 1 expected to be invalid\n")
    );

    let github = validate(
        REQUEST,
        &[
            "--format", "github", "--expect", "invalid", &valid, &invalid,
        ],
    );
    assert_eq!(github.code, 1);
    let lines: Vec<&str> = github.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with(&format!("::error file={valid},line=1,col=1,")));
    assert!(lines[1].starts_with(&format!("::notice file={invalid},line=2,col=22,")));

    let json = validate(
        REQUEST,
        &["--format", "json", "--expect", "invalid", &valid],
    );
    assert_eq!(json.code, 1);
    assert_eq!(json.lines()[0]["valid"], true);
}

/// Every `*.json` under `dir`, found without the binary's walker, in the order it promises.
fn json_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("a readable folder")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            found.extend(json_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "json") {
            found.push(path.display().to_string());
        }
    }
    found
}

#[test]
fn directories_are_searched_recursively_in_name_order() {
    let dir = fixture("response");
    let run = validate(RESPONSE, &["--format", "json", &dir]);
    let files: Vec<String> = (run.lines().iter())
        .map(|line| line["file"].as_str().expect("a file").to_owned())
        .collect();
    assert_eq!(files, json_files(Path::new(&dir)));
    assert!(files.iter().any(|file| file.contains("/valid/")));
    assert!(files.iter().any(|file| file.contains("/invalid/")));
}

#[test]
fn a_terminal_gets_colour_from_the_library() {
    use clap::Parser;
    let cli = wecom_rooms_cli::Cli::parse_from([
        "wecom-rooms",
        "validate",
        "--schema",
        RESPONSE,
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/several-errors.json"
        ),
    ]);
    let render = |color: bool| {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let io = wecom_rooms_cli::Io {
            out: &mut out,
            err: &mut err,
            color,
        };
        let status = wecom_rooms_cli::run(&cli, io).expect("written");
        assert_eq!(status.code(), 1);
        String::from_utf8(out).expect("UTF-8")
    };
    assert!(render(true).contains("\u{1b}["));
    assert!(!render(false).contains('\u{1b}'));
}
