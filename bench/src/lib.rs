//! What `cargo bench-compare` measures: the payloads, and every side of every comparison as a
//! plain function, so that the criterion driver (`bench-compare`) and the callgrind driver
//! (`bench-profile`) run exactly the same code.
//!
//! Every side gets the same input and returns its whole result, which the caller passes through
//! `black_box`; every validator is built once, before anything is timed.

use std::hint::black_box;
use std::path::Path;

use serde_json::Value;
use wecom_rooms::meeting::rooms::get_info::response::{self, Response};
use wecom_rooms_runtime::validate::Report;

/// The schema, as text, for the runtime validator.
pub const SCHEMA_TEXT: &str =
    include_str!("../../schema/meeting/rooms/get_info/response.schema.json");

/// What the schema's `$ref`s name outside its file: `common.json`, by its `$id`.
pub const COMMON_ID: &str = "https://wecom-rooms.example/schema/common.json";

/// `common.json`, as text, for the runtime validator.
pub const COMMON_TEXT: &str = include_str!("../../schema/common.json");

/// The jsonschema crate's compile-time validator (its `macros` feature) for the same file, with
/// `common.json` registered under its `$id` (neither validator fetches anything).
#[jsonschema::validator(
    path = "../schema/meeting/rooms/get_info/response.schema.json",
    resources = {
        "https://wecom-rooms.example/schema/common.json" => { path = "../schema/common.json" },
    }
)]
#[derive(Debug)]
pub struct MacroValidator;

/// One document to measure, and whether the schema accepts it.
#[derive(Clone, Debug)]
pub struct Payload {
    /// Its name in benchmark ids and ratio lines.
    pub name: &'static str,
    /// What it is, for BENCHMARKS.md.
    pub about: String,
    /// The JSON text.
    pub bytes: Vec<u8>,
    /// The JSON text, parsed.
    pub value: Value,
    /// Whether the schema accepts it.
    pub valid: bool,
}

impl Payload {
    fn new(name: &'static str, about: impl Into<String>, bytes: Vec<u8>, valid: bool) -> Self {
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("payload {name} is not JSON: {e}"));
        Payload {
            name,
            about: about.into(),
            bytes,
            value,
            valid,
        }
    }
}

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/meeting/rooms/get_info/response/invalid"
);

fn fixture(file: &str) -> Vec<u8> {
    let path = Path::new(FIXTURES).join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The long text that the large payload puts in its string members: 1,000 characters mixing
/// ASCII, CJK and characters that JSON escapes.
fn long_text(seed: usize) -> String {
    let unit = "Rooms会议室 \"大厦\"\\10楼\t";
    let mut text = format!("{seed}:");
    while text.chars().count() < 1_000 {
        text.push_str(unit);
    }
    text.chars().take(1_000).collect()
}

/// The doc sample with 10,000 ids in `rooms_id_list` and 1,000-character strings in every
/// free-text member.
fn large_response() -> Vec<u8> {
    let mut value: Value = serde_json::from_str(response::EXAMPLES[0]).expect("the doc sample");
    let ids: Vec<Value> = (0..10_000u64)
        .map(|i| Value::String(format!("{}", 200_115_200_039_985_708u64 + i * 7_919)))
        .collect();
    value["basic_info"]["rooms_id_list"] = Value::Array(ids);
    for (n, (section, member)) in [
        ("basic_info", "meeting_room_name"),
        ("basic_info", "city"),
        ("basic_info", "building"),
        ("hardware_info", "cpu_info"),
        ("hardware_info", "gpu_info"),
        ("hardware_info", "memory_info"),
        ("hardware_info", "camera_model"),
        ("hardware_info", "microphone_info"),
        ("hardware_info", "speaker_info"),
        ("hardware_info", "health_status"),
    ]
    .into_iter()
    .enumerate()
    {
        value[section][member] = Value::String(long_text(n));
    }
    value["errmsg"] = Value::String(long_text(99));
    serde_json::to_vec_pretty(&value).expect("serializes")
}

/// The five payloads, in the order they are reported.
pub fn payloads() -> Vec<Payload> {
    let large = large_response();
    let large_about = format!(
        "the doc sample with 10,000 ids in `rooms_id_list` and 1,000-character strings in 11 members ({} bytes, pretty-printed)",
        large.len()
    );
    let doc = response::EXAMPLES[0].as_bytes().to_vec();
    let doc_about = format!(
        "the doc's sample response, `EXAMPLES[0]` ({} bytes, pretty-printed)",
        doc.len()
    );
    vec![
        Payload::new("doc_sample", doc_about, doc, true),
        Payload::new("large", large_about, large, true),
        Payload::new(
            "invalid_type_deep",
            "type error deep inside `hardware_info`: `enable_video_mirror` is 1 (fixture enable-video-mirror-number.json)",
            fixture("enable-video-mirror-number.json"),
            false,
        ),
        Payload::new(
            "invalid_enum",
            "out-of-set enum: `hardware_info.meeting_room_status` is 5 (fixture meeting-room-status-out-of-set.json)",
            fixture("meeting-room-status-out-of-set.json"),
            false,
        ),
        Payload::new(
            "invalid_missing",
            "missing required member `basic_info.participant_number` (fixture basic-info-missing-participant-number.json)",
            fixture("basic-info-missing-participant-number.json"),
            false,
        ),
    ]
}

/// The jsonschema crate's runtime validator for the schema, built once.
pub fn runtime_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA_TEXT).expect("the schema is JSON");
    let common: Value = serde_json::from_str(COMMON_TEXT).expect("common.json is JSON");
    // Built once per process, before anything is timed; the validator borrows it for good.
    let registry = jsonschema::Registry::new()
        .add(COMMON_ID, common)
        .and_then(|r| r.prepare())
        .expect("common.json registers");
    let registry: &'static jsonschema::Registry<'static> = Box::leak(Box::new(registry));
    jsonschema::options()
        .with_registry(registry)
        .build(&schema)
        .expect("the runtime validator builds")
}

// ---- validation: (a)-(d), and the full-error counterparts of (b) ----

/// (a) Our generated `is_valid`.
#[inline(never)]
pub fn ours_is_valid(value: &Value) -> bool {
    response::is_valid(black_box(value))
}

/// (b) Our generated full-error validation.
#[inline(never)]
pub fn ours_validate(value: &Value) -> Report {
    response::validate(black_box(value))
}

/// (c) The jsonschema runtime validator's `is_valid`.
#[inline(never)]
pub fn jsonschema_runtime_is_valid(validator: &jsonschema::Validator, value: &Value) -> bool {
    validator.is_valid(black_box(value))
}

/// (d) The jsonschema macro-generated validator's `is_valid`.
#[inline(never)]
pub fn jsonschema_macro_is_valid(value: &Value) -> bool {
    MacroValidator::is_valid(black_box(value))
}

/// Every error from the jsonschema runtime validator: the counterpart of (b).
#[inline(never)]
pub fn jsonschema_runtime_errors<'a>(
    validator: &'a jsonschema::Validator,
    value: &'a Value,
) -> Vec<jsonschema::ValidationError<'a>> {
    validator.iter_errors(black_box(value)).collect()
}

/// Every error from the jsonschema macro-generated validator: the counterpart of (b).
#[inline(never)]
pub fn jsonschema_macro_errors(value: &Value) -> Vec<jsonschema::ValidationError<'_>> {
    MacroValidator::iter_errors(black_box(value)).collect()
}

// ---- typed decoding from bytes: (e)-(g) ----

/// (e) `Response::from_slice`: our types, no validation.
#[inline(never)]
pub fn ours_from_slice(bytes: &[u8]) -> Option<Response> {
    Response::from_slice(black_box(bytes)).ok()
}

/// (e') `serde_json::from_slice::<Response>`: our types through their `Deserialize` impl, no
/// validation.
#[inline(never)]
pub fn serde_from_slice(bytes: &[u8]) -> Option<Response> {
    serde_json::from_slice::<Response>(black_box(bytes)).ok()
}

/// (f) Our validated decode.
#[inline(never)]
pub fn ours_decode_validated(bytes: &[u8]) -> Option<Response> {
    response::decode_validated(black_box(bytes)).ok()
}

/// (g) `from_slice::<Value>`, the jsonschema runtime validator's `is_valid`, then
/// `from_value::<Response>`.
#[inline(never)]
pub fn value_jsonschema_from_value(
    validator: &jsonschema::Validator,
    bytes: &[u8],
) -> Option<Response> {
    let value: Value = serde_json::from_slice(black_box(bytes)).ok()?;
    if !validator.is_valid(&value) {
        return None;
    }
    serde_json::from_value(value).ok()
}

/// Checks, untimed, that every side gives each payload the verdict the payload expects, and
/// that every typed decode of a valid payload gives the same value.
pub fn check_agreement(validator: &jsonschema::Validator, payloads: &[Payload]) {
    for p in payloads {
        let verdicts = [
            ("ours is_valid", ours_is_valid(&p.value)),
            ("ours validate", ours_validate(&p.value).is_valid()),
            (
                "jsonschema runtime",
                jsonschema_runtime_is_valid(validator, &p.value),
            ),
            ("jsonschema macro", jsonschema_macro_is_valid(&p.value)),
            (
                "jsonschema runtime errors",
                jsonschema_runtime_errors(validator, &p.value).is_empty(),
            ),
            (
                "jsonschema macro errors",
                jsonschema_macro_errors(&p.value).is_empty(),
            ),
            (
                "ours decode_validated",
                ours_decode_validated(&p.bytes).is_some(),
            ),
            (
                "value+jsonschema+from_value",
                value_jsonschema_from_value(validator, &p.bytes).is_some(),
            ),
        ];
        for (side, verdict) in verdicts {
            assert_eq!(
                verdict,
                p.valid,
                "{side} says {} is {}valid",
                p.name,
                if verdict { "" } else { "in" }
            );
        }
        if p.valid {
            let reference = ours_from_slice(&p.bytes).expect("from_slice decodes a valid payload");
            for (side, decoded) in [
                ("serde_json::from_slice", serde_from_slice(&p.bytes)),
                ("decode_validated", ours_decode_validated(&p.bytes)),
                (
                    "value+jsonschema+from_value",
                    value_jsonschema_from_value(validator, &p.bytes),
                ),
            ] {
                assert!(
                    decoded.as_ref() == Some(&reference),
                    "{side} decodes {} differently from Response::from_slice",
                    p.name
                );
            }
        }
    }
}

// ---- the generator's own speed ----

/// Writes a schema of `count` object definitions to `dir/synthetic.schema.json`: each `$defs`
/// entry is an object with a string, a bounded integer, a number, a boolean, an array of
/// strings, a string enum and a `$ref` to the next definition.
pub fn write_synthetic_schema(dir: &Path, count: usize) -> std::io::Result<()> {
    let mut defs = serde_json::Map::new();
    for i in 0..count {
        let mut properties = serde_json::json!({
            "name": { "type": "string", "description": format!("Name of item {i}.") },
            "count": { "type": "integer", "minimum": 0, "maximum": 4294967295u64 },
            "ratio": { "type": "number", "exclusiveMinimum": 0 },
            "enabled": { "type": "boolean" },
            "tags": { "type": "array", "items": { "type": "string" } },
            "kind": { "type": "string", "enum": ["alpha", "beta", "gamma"] },
        });
        if i + 1 < count {
            properties["next"] = serde_json::json!({ "$ref": format!("#/$defs/Def{:04}", i + 1) });
        }
        defs.insert(
            format!("Def{i:04}"),
            serde_json::json!({
                "title": format!("Definition {i}"),
                "description": format!("Synthetic definition number {i}."),
                "type": "object",
                "properties": properties,
                "required": ["name", "count", "kind"],
            }),
        );
    }
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Synthetic",
        "$ref": "#/$defs/Def0000",
        "$defs": defs,
    });
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("synthetic.schema.json"),
        serde_json::to_vec_pretty(&schema).expect("serializes"),
    )
}

/// The stack of the thread that runs the generator on the synthetic schema: its lowering
/// recurses through every `$ref` of the chain, and 1,000 definitions overflow the main thread's
/// 8 MiB stack.
pub const GENERATOR_STACK: usize = 256 << 20;

/// What a build script does: `Config::write_single_file` (unformatted); the file's length.
#[inline(never)]
pub fn generate_for_build_script(dir: &Path) -> usize {
    let out = dir.join("out.rs");
    // Written afresh each time: `write_single_file` skips the write when nothing changed.
    let _ = std::fs::remove_file(&out);
    wecom_rooms_codegen::Config::new(dir)
        .write_single_file(&out)
        .unwrap_or_else(|e| panic!("the generator fails on the synthetic schema: {e}"));
    std::fs::metadata(&out)
        .map(|m| m.len() as usize)
        .unwrap_or(0)
}

/// The formatted single file (`generate` then `single_file`); its length.
#[inline(never)]
pub fn generate(dir: &Path) -> usize {
    wecom_rooms_codegen::Config::new(dir)
        .generate()
        .and_then(|output| output.single_file())
        .unwrap_or_else(|e| panic!("the generator fails on the synthetic schema: {e}"))
        .len()
}

/// The fixture files of the checker's benchmark: `count` copies of the doc sample, as a team's
/// recorded payloads would be, in `dir`. Returns their names and contents.
pub fn write_checker_fixtures(dir: &Path, count: usize) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    std::fs::create_dir_all(dir)?;
    let bytes = response::EXAMPLES[0].as_bytes().to_vec();
    (0..count)
        .map(|i| {
            let name = format!("response-{i:05}.json");
            std::fs::write(dir.join(&name), &bytes)?;
            Ok((name, bytes.clone()))
        })
        .collect()
}

/// What `wecom-rooms validate` does for each file beyond reading it (the span-aware parse, the
/// validation, placing the findings), on files already in memory; how many are valid.
#[inline(never)]
pub fn check_files(files: &[(String, Vec<u8>)]) -> usize {
    files
        .iter()
        .filter(|(name, bytes)| {
            wecom_rooms_cli::check::check(&response::SCHEMA_ENTRY, name.clone(), bytes, false).valid
        })
        .count()
}

/// Reads every `*.json` file in `dir`, as the checker finds them; the bytes read.
#[inline(never)]
pub fn read_files(dir: &Path) -> usize {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).expect("reads the fixture folder") {
        let path = entry.expect("lists the fixture folder").path();
        if path.extension().is_some_and(|e| e == "json") {
            total += std::fs::read(&path).map_or(0, |b| b.len());
        }
    }
    total
}

/// The whole `wecom-rooms validate --schema meeting/rooms/get_info/response --format json DIR`
/// through the CLI's library entry, its output kept in memory; the bytes printed.
#[inline(never)]
pub fn run_checker(dir: &Path) -> usize {
    use clap::Parser as _;
    let cli = wecom_rooms_cli::Cli::try_parse_from([
        std::ffi::OsStr::new("wecom-rooms"),
        "validate".as_ref(),
        "--schema".as_ref(),
        "meeting/rooms/get_info/response".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        dir.as_os_str(),
    ])
    .expect("a valid command line");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = wecom_rooms_cli::run(
        &cli,
        wecom_rooms_cli::Io {
            out: &mut out,
            err: &mut err,
            color: false,
        },
    )
    .expect("output goes to memory");
    assert_eq!(
        status,
        wecom_rooms_cli::Status::Met,
        "every copy of the doc sample is valid"
    );
    out.len()
}
