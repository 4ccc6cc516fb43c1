//! Hostile input: one test per row of the README's table. Each input goes through every entry
//! point a caller has: `serde_json` parsing, the generated `validate` and `is_valid`, the
//! generated typed decoders (`serde_json::from_slice`, `Response::from_slice`, `Deserialize`
//! from a `Value`, `decode_validated`) and the checker library of the `wecom-rooms` command
//! (`wecom_rooms_cli::check::check`). Each must give a clear error or a correct verdict, with
//! no panic, no stack overflow and bounded memory.
//!
//! The large inputs are made in memory. Each test that uses much memory runs its case in a child
//! process of its own (at most two at a time), so that on Linux the peak resident memory it
//! asserts a bound on (`VmHWM`) is the case's own.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wecom_rooms::meeting::rooms::get_info::{request, response};
use wecom_rooms_cli::check::{FileReport, SYNTAX, check};
use wecom_rooms_runtime::registry::SchemaEntry;
use wecom_rooms_runtime::validate::Report;

/// Which generated module an input is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Schema {
    Request,
    Response,
}

impl Schema {
    fn name(self) -> &'static str {
        match self {
            Schema::Request => request::SCHEMA_NAME,
            Schema::Response => response::SCHEMA_NAME,
        }
    }

    fn entry(self) -> &'static SchemaEntry {
        wecom_rooms::SCHEMAS
            .iter()
            .find(|e| e.name == self.name())
            .expect("the schema is registered")
    }
}

/// What the entry points made of one input; `None` for one that was not run.
#[derive(Debug)]
struct Seen {
    /// `serde_json::from_slice::<Value>`.
    parsed: Result<(), String>,
    /// `is_valid`, when the text parsed.
    is_valid: Option<bool>,
    /// `validate`, when the text parsed.
    report: Option<Report>,
    /// `serde_json::from_slice` into the generated type (the request's only byte decoder).
    from_slice: Option<Result<(), String>>,
    /// `Response::from_slice`, the response's fast byte decoder.
    response: Option<Result<response::Response, String>>,
    /// `Deserialize` from the parsed `Value`.
    from_value: Option<Result<(), String>>,
    /// The generated `decode_validated`.
    decode_validated: Option<Result<(), String>>,
    /// The checker library.
    cli: FileReport,
    elapsed: Duration,
}

impl Seen {
    /// Whether the typed decoder from bytes accepted the input.
    fn decoded(&self) -> bool {
        match (&self.from_slice, &self.response) {
            (Some(r), _) => r.is_ok(),
            (None, Some(r)) => r.is_ok(),
            (None, None) => unreachable!("every run decodes from bytes"),
        }
    }
}

/// Which entry points to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entries {
    /// Every one.
    All,
    /// For inputs too large to read seven times in a debug build: parsing, `is_valid`,
    /// `validate`, the one typed decoder from bytes a caller would use (`serde_json::from_slice`
    /// for the request, `Response::from_slice` for the response) and the checker. The others
    /// are these steps composed.
    Essential,
}

/// The error as a person sees it: its message and its sources'.
fn ok_or_message<T, E: std::error::Error>(result: Result<T, E>) -> Result<(), String> {
    result.map(drop).map_err(|e| {
        let mut text = e.to_string();
        let mut source = e.source();
        while let Some(cause) = source {
            text.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        text
    })
}

/// Runs `bytes` through every entry point, checking that they agree with one another.
fn run(schema: Schema, bytes: &[u8]) -> Seen {
    run_with(schema, bytes, Entries::All)
}

/// Runs `bytes` through the entry points `entries` names, checking that they agree.
fn run_with(schema: Schema, bytes: &[u8], entries: Entries) -> Seen {
    let started = Instant::now();
    let all = entries == Entries::All;
    let parsed = serde_json::from_slice::<Value>(bytes);
    let (is_valid, report, from_value) = match &parsed {
        Ok(v) => match schema {
            Schema::Request => (
                Some(request::is_valid(v)),
                Some(request::validate(v)),
                all.then(|| {
                    ok_or_message(<request::Request as serde::Deserialize>::deserialize(v))
                }),
            ),
            Schema::Response => (
                Some(response::is_valid(v)),
                Some(response::validate(v)),
                all.then(|| {
                    ok_or_message(<response::Response as serde::Deserialize>::deserialize(v))
                }),
            ),
        },
        Err(_) => (None, None, None),
    };
    let parsed = ok_or_message(parsed);
    let (from_slice, response, decode_validated) = match schema {
        Schema::Request => (
            Some(ok_or_message(serde_json::from_slice::<request::Request>(
                bytes,
            ))),
            None,
            all.then(|| ok_or_message(request::decode_validated(bytes))),
        ),
        Schema::Response => (
            all.then(|| ok_or_message(serde_json::from_slice::<response::Response>(bytes))),
            Some(response::Response::from_slice(bytes).map_err(|e| e.to_string())),
            all.then(|| ok_or_message(response::decode_validated(bytes))),
        ),
    };
    let cli = check(schema.entry(), "hostile.json".to_owned(), bytes, false);
    let seen = Seen {
        parsed,
        is_valid,
        report,
        from_slice,
        response,
        from_value,
        decode_validated,
        cli,
        elapsed: started.elapsed(),
    };
    agree(&seen, bytes);
    seen
}

/// Whatever the input, the entry points agree with one another.
fn agree(seen: &Seen, bytes: &[u8]) {
    let Some(report) = &seen.report else {
        assert!(!seen.decoded(), "not JSON, yet the types decode it");
        if let Some(Ok(())) = &seen.from_slice {
            panic!("not JSON, yet from_slice decodes it");
        }
        if let Some(validated) = &seen.decode_validated {
            let validated = validated.as_ref().unwrap_err();
            assert!(
                validated.starts_with("not valid JSON: "),
                "decode_validated must say the text is not JSON: {validated}"
            );
        }
        assert!(!seen.cli.valid);
        assert_eq!(
            seen.cli.errors.len(),
            1,
            "one syntax error: {:?}",
            seen.cli.errors
        );
        assert_eq!(seen.cli.errors[0].keyword, SYNTAX);
        return;
    };
    let valid = report.is_valid();
    assert_eq!(seen.is_valid, Some(valid), "is_valid and validate disagree");
    assert_eq!(seen.cli.valid, valid, "the checker and validate disagree");
    if let Some(validated) = &seen.decode_validated {
        assert_eq!(
            validated.is_ok(),
            valid,
            "decode_validated and validate disagree: {validated:?}"
        );
    }
    if valid {
        // serde's derived structs refuse a repeated member, which a `Value` (and so the
        // validators) takes the last of: see `duplicate_keys`.
        assert!(
            seen.decoded() || wecom_rooms_conformance::targets::has_duplicate_keys(bytes),
            "valid, yet the types refuse it: {seen:?}"
        );
    }
    let mut ours: Vec<&str> = report
        .errors
        .iter()
        .map(|e| e.instance_pointer.as_str())
        .collect();
    ours.sort_unstable();
    let mut cli: Vec<&str> = seen.cli.errors.iter().map(|f| f.pointer.as_str()).collect();
    cli.sort_unstable();
    assert_eq!(cli, ours, "the checker and validate report other places");
}

/// The doc's sample response, as a `Value`.
fn sample() -> Value {
    serde_json::from_str(response::EXAMPLES[0]).expect("the example is JSON")
}

fn text(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("encodes")
}

/// Asserts the input is refused as not JSON with `fragment` in every error message.
fn assert_not_json(seen: &Seen, fragment: &str) {
    let parse = seen.parsed.as_ref().expect_err("not JSON");
    assert!(
        parse.contains(fragment),
        "serde_json says {parse:?}, expected {fragment:?}"
    );
    assert!(
        seen.cli.errors[0].message.contains(fragment),
        "the checker says {:?}, expected {fragment:?}",
        seen.cli.errors[0].message
    );
    // The typed decoders refuse it too (`run` checks that), though maybe for an earlier reason:
    // a member of the wrong kind before the fault.
}

// ---------------------------------------------------------------------------------------------
// Memory.

/// Tests that use much memory run at most two at a time (one per core of the machines this
/// runs on), so that the machine's memory is not shared by more.
static HEAVY: Mutex<usize> = Mutex::new(0);
static HEAVY_DONE: Condvar = Condvar::new();
const HEAVY_AT_ONCE: usize = 2;

/// Holds one of the [`HEAVY_AT_ONCE`] turns while it lives.
struct Heavy;

/// Waits for a turn among the memory-heavy tests.
fn heavy() -> Heavy {
    let mut running = HEAVY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    while *running >= HEAVY_AT_ONCE {
        running = HEAVY_DONE
            .wait(running)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }
    *running += 1;
    Heavy
}

impl Drop for Heavy {
    fn drop(&mut self) {
        let mut running = HEAVY
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *running -= 1;
        HEAVY_DONE.notify_one();
    }
}

/// Names the test a child process of this binary runs as a memory-heavy case.
const CASE_VARIABLE: &str = "WECOM_ROOMS_HOSTILE_CASE";
/// How the child reports its peak resident memory on its standard output.
const PEAK_LINE: &str = "hostile-case-peak-kib=";

/// Runs `case` in a child process of this test binary that runs only the test `test`, so that
/// the peak resident memory measured (`VmHWM`, which Linux never lowers) is the case's own and
/// not that of whichever test ran before it in this process, and asserts it is at most
/// `bound_mib`. In the child (the variable names the test), runs `case` and prints its peak.
fn in_own_process(test: &str, bound_mib: u64, case: fn()) {
    if std::env::var(CASE_VARIABLE).is_ok_and(|name| name == test) {
        case();
        if let Some(kib) = status_kib("VmHWM:") {
            // On a line of its own: the harness prints the test's name without a line break.
            println!("\n{PEAK_LINE}{kib}");
        }
        return;
    }
    let _turn = heavy();
    let started = Instant::now();
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = std::process::Command::new(exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CASE_VARIABLE, test)
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The case's own timings, shown with `--nocapture`.
    print!("{stdout}");
    assert!(
        output.status.success(),
        "{test} failed in its own process:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("test result: ok. 1 passed;"),
        "the child did not run {test}:\n{stdout}"
    );
    let peak_kib = stdout
        .lines()
        .find_map(|line| line.strip_prefix(PEAK_LINE)?.parse::<u64>().ok());
    println!(
        "{test}: {:.2} s in its own process; its peak resident memory: {}",
        started.elapsed().as_secs_f64(),
        peak_kib.map_or("not measured here".to_owned(), |k| format!(
            "{} MiB",
            k / 1024
        )),
    );
    // Only Linux tells the peak; elsewhere the case still runs and must pass.
    if let Some(kib) = peak_kib {
        assert!(
            kib / 1024 <= bound_mib,
            "{test}: peak resident memory {} MiB, more than {bound_mib} MiB",
            kib / 1024
        );
    }
}

/// A field of `/proc/self/status` in KiB, where there is one.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// ---------------------------------------------------------------------------------------------
// The rows.

#[test]
fn empty_file() {
    for schema in [Schema::Request, Schema::Response] {
        for bytes in [b"".as_slice(), b"   \n\t\r\n"] {
            let seen = run(schema, bytes);
            assert_not_json(&seen, "EOF while parsing a value");
            let at = &seen.cli.errors[0];
            assert_eq!((at.line, at.column), (1, 1), "{bytes:?}");
        }
    }
}

#[test]
fn byte_order_mark() {
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(response::EXAMPLES[0].as_bytes());
    let seen = run(Schema::Response, &bytes);
    // RFC 8259 forbids senders to add one; serde_json sees a character where a value starts,
    // and the checker says what it is.
    let parse = seen.parsed.as_ref().expect_err("not JSON");
    assert!(
        parse.contains("expected value at line 1 column 1"),
        "{parse}"
    );
    let finding = &seen.cli.errors[0];
    assert!(finding.message.contains("byte order mark"), "{finding:?}");
    assert_eq!((finding.line, finding.column), (1, 1));
    // After the document it is no whitespace either: trailing characters.
    let seen = run(
        Schema::Request,
        "{\"meeting_room_id\":\"a\"}\u{feff}".as_bytes(),
    );
    assert_not_json(&seen, "trailing characters");
    // Inside a string it is a character like any other.
    let seen = run(
        Schema::Request,
        "{\"meeting_room_id\":\"\u{feff}\"}".as_bytes(),
    );
    assert_eq!(seen.is_valid, Some(true));
    assert_eq!(seen.from_slice, Some(Ok(())));
}

#[test]
fn invalid_utf8() {
    let cases: [&[u8]; 5] = [
        b"{\"meeting_room_id\": \"\xff\"}",
        b"{\"meeting_room_id\": \"\xc3\x28\"}",
        // An encoded surrogate (U+D800), which UTF-8 forbids.
        b"{\"meeting_room_id\": \"\xed\xa0\x80\"}",
        // Overlong encoding of '/'.
        b"{\"meeting_room_id\": \"\xc0\xaf\"}",
        // Cut in the middle of a character.
        b"{\"meeting_room_id\": \"\xe4\xbc",
    ];
    for bytes in cases {
        let seen = run(Schema::Request, bytes);
        assert!(seen.parsed.is_err(), "{bytes:?}");
        let message = &seen.cli.errors[0].message;
        assert!(
            message.contains("UTF-8"),
            "the checker names the encoding: {message}"
        );
    }
    // Outside a string too.
    let seen = run(Schema::Response, b"{\xff\"errcode\": 0}");
    assert!(seen.parsed.is_err());
    // A lone surrogate escape is valid UTF-8 but no Unicode scalar: serde_json refuses it.
    let seen = run(Schema::Request, br#"{"meeting_room_id": "\ud800"}"#);
    assert!(seen.parsed.is_err());
}

/// A response whose `rooms_id_list` holds ids until the text is at least `bytes` long, the
/// last one being `last` (JSON text); built as text, which is quicker than a `Value`.
fn big_response(bytes: usize, last: &str) -> (Vec<u8>, usize) {
    let mut doc = sample();
    doc["basic_info"]["rooms_id_list"] = json!(["IDS"]);
    let template = String::from_utf8(text(&doc)).expect("UTF-8");
    let (head, tail) = template.split_once("\"IDS\"").expect("the marker");
    let id = "\"200115200039985708\",";
    let count = bytes.saturating_sub(template.len()) / id.len() + 2;
    let mut out = String::with_capacity(template.len() + count * id.len() + last.len());
    out.push_str(head);
    for _ in 1..count {
        out.push_str(id);
    }
    out.push_str(last);
    out.push_str(tail);
    (out.into_bytes(), count)
}

/// The doc's sample response with `count` more members `"m0": 0, "m1": 1, …`, as text.
fn response_with_members(count: usize) -> Vec<u8> {
    let sample = String::from_utf8(text(&sample())).expect("UTF-8");
    let body = sample.strip_suffix('}').expect("an object");
    let mut out = String::with_capacity(body.len() + count * 20);
    out.push_str(body);
    for i in 0..count {
        out.push_str(&format!(",\"m{i}\":{i}"));
    }
    out.push('}');
    out.into_bytes()
}

/// A request with `count` more members `"m0": null, …`, as text.
fn request_with_members(count: usize) -> Vec<u8> {
    let mut out = String::with_capacity(count * 16 + 40);
    out.push_str("{\"meeting_room_id\":\"RoomId001\"");
    for i in 0..count {
        out.push_str(&format!(",\"m{i}\":null"));
    }
    out.push('}');
    out.into_bytes()
}

fn fifty_megabytes_case() {
    let (bytes, count) = big_response(50 << 20, "\"last\"");
    assert!(bytes.len() >= 50 << 20);
    let seen = run_with(Schema::Response, &bytes, Entries::Essential);
    assert_eq!(seen.is_valid, Some(true));
    let Some(Ok(response::Response::RoomInfo(room))) = &seen.response else {
        panic!(
            "errcode 0 is a RoomInfo: {:?}",
            seen.response.as_ref().map(|r| r.as_ref().err())
        )
    };
    assert_eq!(room.basic_info.rooms_id_list.len(), count);
    assert_eq!(room.basic_info.rooms_id_list[count - 1], "last");
    println!(
        "50 MB valid ({count} ids, {} bytes): {:.2} s",
        bytes.len(),
        seen.elapsed.as_secs_f64()
    );
    drop(seen);

    // The same with one bad id at the very end: one error, placed on it.
    // (The checker parses and validates it; the typed decoder must refuse it.)
    let started = Instant::now();
    let (bytes, count) = big_response(50 << 20, "7");
    let report = check(
        Schema::Response.entry(),
        "big.json".to_owned(),
        &bytes,
        false,
    );
    let pointer = format!("/basic_info/rooms_id_list/{}", count - 1);
    let pointers: Vec<&str> = report.errors.iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(pointers, [pointer.as_str()]);
    let finding = &report.errors[0];
    assert_eq!(
        &bytes[finding.span.clone()],
        b"7",
        "placed on the item: {finding:?}"
    );
    assert_eq!(finding.line, 1);
    let refused = response::Response::from_slice(&bytes).expect_err("an id is a number");
    assert!(
        refused.to_string().contains("expected a string"),
        "{refused}"
    );
    println!("50 MB invalid: {:.2} s", started.elapsed().as_secs_f64());
}

#[test]
fn nesting_100_000_deep() {
    let depth = 100_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = format!("{}0{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    let in_member = format!(
        "{{\"errcode\": 0, \"errmsg\": \"ok\", \"x\": {arrays}}}",
        arrays = arrays
    );
    let in_request = format!("{{\"meeting_room_id\": {objects}}}");
    for (schema, input) in [
        (Schema::Response, &arrays),
        (Schema::Response, &objects),
        (Schema::Response, &in_member),
        (Schema::Request, &in_request),
        (Schema::Request, &arrays),
    ] {
        let seen = run(schema, input.as_bytes());
        assert_not_json(&seen, "recursion limit exceeded");
        // The fault is placed where the 128th level opens.
        assert_eq!(seen.cli.errors[0].line, 1);
    }
    // Just under the limit parses, and is judged.
    let depth = 127;
    let deep = format!(
        "{{\"errcode\": 1, \"errmsg\": \"e\", \"x\": {}{}}}",
        "[".repeat(depth - 1),
        "]".repeat(depth - 1)
    );
    let seen = run(Schema::Response, deep.as_bytes());
    assert_eq!(seen.is_valid, Some(true));
    assert_eq!(seen.from_slice, Some(Ok(())));
}

/// The checker's verdict on `bytes`, or `None` if it takes longer than `limit`. (The thread of
/// a checker that overruns is left to finish on its own.)
/// How long the checker may take on a million findings or members. A linear pass takes seconds
/// (12.6 s for the million members on an idle machine); a quadratic one (a scan per finding)
/// takes hours.
const SCAN_LIMIT: Duration = Duration::from_secs(30);

fn check_within(schema: Schema, bytes: &[u8], limit: Duration) -> Option<FileReport> {
    let bytes = bytes.to_vec();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let report = check(schema.entry(), "hostile.json".to_owned(), &bytes, false);
        let _ = send.send(report);
    });
    receive.recv_timeout(limit).ok()
}

fn a_million_members_case() {
    let members = 1_000_000;
    // In the request, whose `additionalProperties: false` refuses each of them: one error per
    // member, all at the object.
    let bytes = request_with_members(members);
    let seen = run_with(Schema::Request, &bytes, Entries::Essential);
    let report = seen.report.as_ref().expect("parses");
    assert_eq!(report.errors.len(), members, "one error per member");
    assert!(
        report
            .errors
            .iter()
            .all(|e| e.keyword == "additionalProperties" && e.instance_pointer.is_empty())
    );
    let refused = seen.from_slice.as_ref().and_then(|r| r.as_ref().err());
    assert!(
        refused.is_some_and(|e| e.contains("unknown field")),
        "{refused:?}"
    );
    println!(
        "a million members, request: {:.2} s",
        seen.elapsed.as_secs_f64()
    );
    drop(seen);
    drop(bytes);

    // In the response, where members the schema does not name are allowed, and kept.
    let bytes = response_with_members(members);
    let started = Instant::now();
    let value: Value = serde_json::from_slice(&bytes).expect("JSON");
    assert!(response::is_valid(&value));
    assert!(response::validate(&value).is_valid());
    drop(value);
    match response::Response::from_slice(&bytes) {
        Ok(response::Response::RoomInfo(room)) => assert_eq!(room.extra.len(), members),
        other => panic!("expected a RoomInfo: {other:?}"),
    }
    println!(
        "a million members, response without the checker: {:.2} s",
        started.elapsed().as_secs_f64()
    );
    // The checker reports each undescribed member as a warning and places it in the text;
    // placing must not take time quadratic in the number of members.
    let limit = SCAN_LIMIT;
    let started = Instant::now();
    let report = check_within(Schema::Response, &bytes, limit).unwrap_or_else(|| {
        panic!(
            "the checker did not finish within {limit:?} on a response with a million \
             undescribed members (SpanTree::span finds each member by a linear scan)"
        )
    });
    assert!(report.valid);
    // One warning per undescribed member (the doc sample's placeholder `pmi_pwd` adds its own).
    let undescribed = report
        .warnings
        .iter()
        .filter(|w| w.keyword == "additionalProperties")
        .count();
    assert_eq!(undescribed, members);
    println!(
        "a million members, response, the checker: {:.2} s",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn numbers_beyond_every_type() {
    let with = |number: &str| {
        let template = text(&sample());
        let template = String::from_utf8(template).expect("UTF-8");
        let marker = "\"participant_number\":3";
        assert!(template.contains(marker));
        template.replace(marker, &format!("\"participant_number\":{number}"))
    };
    // Beyond f64: serde_json refuses the text.
    for huge in ["1e400", "-1e400", "1E+400"] {
        let seen = run(Schema::Response, with(huge).as_bytes());
        assert_not_json(&seen, "number out of range");
    }
    // Beyond u64 but within f64: a float, out of the uint32 range: one error, at the member.
    for big in [
        "18446744073709551616",
        "18446744073709551615",
        "-9223372036854775809",
        "4294967296",
        "1e300",
        "-1",
    ] {
        let seen = run(Schema::Response, with(big).as_bytes());
        let report = seen.report.as_ref().expect("parses");
        let places: Vec<(&str, &str)> = report
            .errors
            .iter()
            .map(|e| (e.instance_pointer.as_str(), e.keyword))
            .collect();
        assert_eq!(places.len(), 1, "{big}: {places:?}");
        assert_eq!(places[0].0, "/basic_info/participant_number", "{big}");
        assert!(!seen.decoded(), "{big} does not fit a u32");
        assert!(seen.from_value.as_ref().is_some_and(Result::is_err));
        assert!(seen.from_slice.as_ref().is_some_and(Result::is_err));
        assert!(seen.cli.errors[0].message.contains("expected an integer"));
    }
    // The same in `errcode`, which decides the response's shape.
    for big in ["18446744073709551616", "-2147483649", "2147483648"] {
        let doc = format!("{{\"errcode\": {big}, \"errmsg\": \"x\"}}");
        let seen = run(Schema::Response, doc.as_bytes());
        let report = seen.report.as_ref().expect("parses");
        assert_eq!(report.errors.len(), 1, "{big}: {:?}", report.errors);
        assert_eq!(report.errors[0].instance_pointer, "/errcode");
        assert!(!seen.decoded());
        assert!(seen.from_slice.as_ref().is_some_and(Result::is_err));
    }
    // Within range, as floats: integers to JSON Schema and to the types alike.
    for integral in ["3.0", "3e0", "0.3e1", "4294967295.0", "-0", "-0.0"] {
        let seen = run(Schema::Response, with(integral).as_bytes());
        assert_eq!(seen.is_valid, Some(true), "{integral}");
        assert_eq!(seen.from_slice, Some(Ok(())), "{integral}");
    }
    // What f64 cannot tell apart from an integer counts as one: serde_json reads `1e-400` as 0
    // and `3.0000000000000001` as 3 (the jsonschema crate, on the same `Value`, agrees).
    for rounded in ["1e-400", "3.0000000000000001", "4294967295.00000001"] {
        let seen = run(Schema::Response, with(rounded).as_bytes());
        assert_eq!(seen.is_valid, Some(true), "{rounded}");
    }
}

#[test]
fn duplicate_keys() {
    // serde_json's `Value` keeps the last of a repeated member, so the validators judge the
    // last; serde's derived structs refuse a repeated field. No entry point yields a value
    // other than the validated one.
    let seen = run(
        Schema::Request,
        br#"{"meeting_room_id": 1, "meeting_room_id": "RoomId001"}"#,
    );
    assert_eq!(seen.is_valid, Some(true));
    assert_eq!(seen.decode_validated, Some(Ok(())));
    // The derived struct reads the first, of the wrong kind, and stops there.
    let refused = seen
        .from_slice
        .clone()
        .unwrap()
        .expect_err("a repeated field");
    assert!(refused.contains("invalid type: integer `1`"), "{refused}");
    let seen = run(
        Schema::Request,
        br#"{"meeting_room_id": "a", "meeting_room_id": "RoomId001"}"#,
    );
    assert_eq!(seen.is_valid, Some(true));
    let refused = seen
        .from_slice
        .clone()
        .unwrap()
        .expect_err("a repeated field");
    assert!(refused.contains("duplicate field"), "{refused}");

    let seen = run(
        Schema::Request,
        br#"{"meeting_room_id": "RoomId001", "meeting_room_id": 1}"#,
    );
    assert_eq!(seen.is_valid, Some(false));
    assert!(!seen.decoded() && seen.decode_validated.as_ref().unwrap().is_err());

    // The member that picks the response's shape: the last `errcode` decides, everywhere that
    // decodes at all.
    let doc = br#"{"errcode": 0, "errcode": 42001, "errmsg": "access_token expired"}"#;
    let seen = run(Schema::Response, doc);
    assert_eq!(seen.is_valid, Some(true));
    match response::decode_validated(doc).expect("valid") {
        response::Response::ErrorEnvelope(e) => assert_eq!(e.errcode, 42001),
        other => panic!("the last errcode decides: {other:?}"),
    }
    let refused = seen.response.as_ref().unwrap().as_ref().unwrap_err();
    assert!(refused.contains("duplicate field `errcode`"), "{refused}");

    // Inside a struct that keeps unknown members, with both values of the right type.
    let mut doc = String::from_utf8(text(&sample())).expect("UTF-8");
    doc = doc.replacen(
        "\"city\":\"广州\"",
        "\"city\":\"first\",\"city\":\"last\"",
        1,
    );
    let seen = run(Schema::Response, doc.as_bytes());
    assert_eq!(seen.is_valid, Some(true));
    let via_value = match response::decode_validated(doc.as_bytes()).expect("valid") {
        response::Response::RoomInfo(room) => room.basic_info.city,
        other => panic!("{other:?}"),
    };
    assert_eq!(via_value, "last");
    let fast = response::Response::from_slice(doc.as_bytes());
    println!("Response::from_slice on a repeated \"city\": {fast:?}");
    match fast {
        Ok(response::Response::RoomInfo(room)) => assert_eq!(
            room.basic_info.city, "last",
            "Response::from_slice decodes another value than the validated one"
        ),
        Ok(other) => panic!("{other:?}"),
        Err(e) => assert!(e.to_string().contains("duplicate field"), "{e}"),
    }
}

fn ten_megabyte_string_case() {
    let long: String = "会".repeat((10 << 20) / 3 + 1);
    assert!(long.len() >= 10 << 20);
    // Where a string belongs: valid.
    let bytes = text(&json!({ "meeting_room_id": long }));
    let seen = run_with(Schema::Request, &bytes, Entries::Essential);
    assert_eq!(seen.is_valid, Some(true));
    assert_eq!(seen.from_slice, Some(Ok(())));
    drop(seen);

    // Where an integer belongs: one error, with a message of bounded size.
    let mut doc = sample();
    doc["basic_info"]["participant_number"] = Value::from(long.as_str());
    let seen = run_with(Schema::Response, &text(&doc), Entries::Essential);
    let report = seen.report.as_ref().expect("parses");
    assert_eq!(report.errors.len(), 1);
    assert!(
        report.errors[0].message.len() < 300,
        "the validator's message quotes a bounded prefix: {} bytes",
        report.errors[0].message.len()
    );
    assert!(seen.cli.errors[0].message.len() < 300);
    // serde's own decode error quotes the whole string: the error is 10 MB long.
    let decode_error = seen
        .response
        .as_ref()
        .unwrap()
        .as_ref()
        .expect_err("not a u32");
    println!(
        "a decode error about a 10 MB string is {} bytes long",
        decode_error.len()
    );
    drop(seen);

    // As a member name, in the response (allowed) and in the request (refused).
    let mut doc = sample();
    doc.as_object_mut()
        .expect("an object")
        .insert(long.clone(), Value::Null);
    let seen = run_with(Schema::Response, &text(&doc), Entries::Essential);
    assert_eq!(seen.is_valid, Some(true));
    assert!(seen.cli.warnings[0].message.len() < 300);
    let bytes = text(&json!({ long.clone(): "x", "meeting_room_id": "r" }));
    let seen = run_with(Schema::Request, &bytes, Entries::Essential);
    assert_eq!(seen.is_valid, Some(false));
    assert!(seen.report.as_ref().unwrap().errors[0].message.len() < 300);
}

fn many_findings_on_one_line_case() {
    // Not a row of its own but the 50 MB and million-member rows' cousin: minified JSON is one
    // line, and the checker gives every finding a column. A million ids that are numbers, one
    // error each, all on line 1: placing them must not take time quadratic in their number.
    let count = 1_000_000;
    let mut doc = sample();
    doc["basic_info"]["rooms_id_list"] = Value::Array((0..count).map(Value::from).collect());
    let bytes = text(&doc);
    let limit = SCAN_LIMIT;
    let report = check_within(Schema::Response, &bytes, limit).unwrap_or_else(|| {
        panic!(
            "the checker did not place {count} findings on one line within {limit:?} \
             (LineIndex::line_column counts the characters from the line's start for each)"
        )
    });
    assert_eq!(report.errors.len(), count);
    let last = report.errors.last().expect("errors");
    assert_eq!(
        last.pointer,
        format!("/basic_info/rooms_id_list/{}", count - 1)
    );
    assert_eq!(
        &bytes[last.span.clone()],
        (count - 1).to_string().as_bytes()
    );
    // Every byte before it is ASCII, but for the sample's Chinese text.
    let before = std::str::from_utf8(&bytes[..last.span.start]).expect("UTF-8");
    assert_eq!(last.column, before.chars().count() + 1);
}

// ---------------------------------------------------------------------------------------------
// The memory-heavy cases, each in its own process with a bound on its own peak. The bounds are
// about twice what each case measured (the test prints it), so that a copy too many fails.

#[test]
fn fifty_megabytes() {
    in_own_process("fifty_megabytes", BOUND_50_MB, fifty_megabytes_case);
}

#[test]
fn a_million_members() {
    in_own_process(
        "a_million_members",
        BOUND_MILLION_MEMBERS,
        a_million_members_case,
    );
}

#[test]
fn ten_megabyte_string() {
    in_own_process(
        "ten_megabyte_string",
        BOUND_10_MB_STRING,
        ten_megabyte_string_case,
    );
}

#[test]
fn many_findings_on_one_line() {
    in_own_process(
        "many_findings_on_one_line",
        BOUND_MILLION_FINDINGS,
        many_findings_on_one_line_case,
    );
}

// Measured on Linux: 473, 901, 114 and 398 MiB.
const BOUND_50_MB: u64 = 1024;
const BOUND_MILLION_MEMBERS: u64 = 2048;
const BOUND_10_MB_STRING: u64 = 256;
const BOUND_MILLION_FINDINGS: u64 = 800;
