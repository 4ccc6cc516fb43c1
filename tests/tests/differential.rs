//! Differential testing: every valid fixture, mutated many times over, through the generated
//! validators and types, the `jsonschema` crate and the `wecom-rooms` checker library.
//!
//! Each case starts from a valid fixture and applies one to three random mutations: JSON kinds
//! swapped, members removed and added (also at the wrong level, and under odd names), boundary
//! and out-of-range numbers (`4294967295`, `4294967296`, `-1`, `-2147483649`, `3.0` against
//! `3`, `-0.0`, `1e300`…), deep nesting, long strings, unusual Unicode, `null`, arrays in place
//! of objects and back. About one case in eight is then mutated as text, for what a
//! `serde_json::Value` cannot hold: `1e400`, `18446744073709551616`, `-0`, duplicate keys,
//! lone surrogates, nesting beyond serde_json's limit, a byte order mark, truncation, stray
//! bytes.
//!
//! For each case it asserts:
//!
//! - `is_valid`, `validate(..).is_valid()` and the `jsonschema` crate give one verdict;
//! - our errors name the same set of instance pointers as the `jsonschema` crate's;
//! - a typed decode succeeds on every valid instance, and on an invalid one only where every
//!   error's keyword is one the types are documented to tolerate; decoding and encoding again
//!   gives a JSON-Schema-equal value;
//! - strict-mode errors are the default errors;
//! - for every text case and one `Value` case in four (sent as text): decoding from bytes and
//!   from a `Value` agree (a byte decoder may refuse a repeated member name, which a `Value`
//!   keeps the last of, but may not decode it to anything else), `decode_validated` succeeds
//!   exactly on valid documents, and the checker library (`wecom_rooms_cli::check::check`)
//!   gives the same verdict and pointers; where a schema's quick verdict (`is_exact`) vouches
//!   for a document, the validators find nothing in it, not even a tolerance;
//! - text that is not JSON is refused by every byte-level decoder and by the checker;
//! - nothing panics.
//!
//! The run is reproducible: cases derive from one seed (printed; set `WECOM_ROOMS_DIFF_SEED` to
//! replay or explore, decimal or `0x` hex) and their index. `WECOM_ROOMS_DIFF_CASES` changes the
//! number of cases (100,000 by default). Every disagreement is minimised and reported at the
//! end, not just the first.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::{Map, Number, Value, json};
use wecom_rooms_conformance::targets::{
    Target, error_pointers, has_duplicate_keys, target, tolerated_by_types,
};
use wecom_rooms_conformance::{Expect, fixtures, load_schema, schema_names, shared_documents};
use wecom_rooms_runtime::validate::Options;

/// The seed of a run that sets none; printed with the results.
const DEFAULT_SEED: u64 = 0x8_2024_D1FF;
/// The number of cases of a run that sets none.
const DEFAULT_CASES: usize = 100_000;
/// One `Value` case in this many also goes through every byte-level path (text cases always
/// do): those paths cost more than the rest together.
const BYTES_EVERY: usize = 4;
/// A run must try at least this many cases unless told otherwise.
const MIN_CASES: usize = 100_000;

/// What one case found wrong, by kind (the kind keeps minimisation on the same track).
#[derive(Clone, Debug)]
struct Problem {
    kind: &'static str,
    detail: String,
}

fn problem(kind: &'static str, detail: String) -> Problem {
    Problem { kind, detail }
}

/// What a check of one instance saw, for the run's statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Valid,
    Invalid,
    NotJson,
}

/// Judges a parsed instance every way there is.
fn check_value(t: &Target, v: &Value) -> (Outcome, Vec<Problem>) {
    let mut problems = Vec::new();
    let fast = (t.is_valid)(v);
    let report = (t.validate_with)(v, Options::default());
    let reference = t.reference.is_valid(v);
    if fast != report.is_valid() || fast != reference {
        problems.push(problem(
            "verdict",
            format!(
                "is_valid {fast}, validate {}, jsonschema {reference}",
                report.is_valid()
            ),
        ));
    }
    let ours = error_pointers(&report);
    let theirs = t.reference_pointers(v);
    if ours != theirs {
        problems.push(problem(
            "pointers",
            format!("ours {ours:?}, jsonschema {theirs:?}"),
        ));
    }
    for error in &report.errors {
        if error.message.is_empty() || !error.schema_location.contains(".json#") {
            problems.push(problem(
                "message",
                format!("error without a message or schema location: {error:?}"),
            ));
        }
    }
    let strict = (t.validate_with)(v, Options::with_tolerances());
    if strict.errors != report.errors {
        problems.push(problem(
            "tolerances",
            format!(
                "errors with tolerances {:?} differ from the default {:?}",
                strict.errors, report.errors
            ),
        ));
    }
    let valid = report.is_valid();
    match (valid, (t.decode_value)(v)) {
        (true, Ok(encoded)) => {
            if !wecom_rooms_runtime::value::equal(&encoded, v) {
                problems.push(problem(
                    "round-trip",
                    format!("decode → encode gives {encoded}"),
                ));
            }
        }
        (true, Err(e)) => problems.push(problem(
            "decode-valid",
            format!("valid, yet the types refuse it: {e}"),
        )),
        (false, Ok(_)) => {
            let untolerated: BTreeSet<&str> = report
                .errors
                .iter()
                .filter(|e| !tolerated_by_types(e))
                .map(|e| e.keyword)
                .collect();
            if !untolerated.is_empty() {
                problems.push(problem(
                    "decode-invalid",
                    format!("invalid ({untolerated:?}), yet the types decode it"),
                ));
            }
        }
        (false, Err(_)) => {}
    }
    let outcome = if valid {
        Outcome::Valid
    } else {
        Outcome::Invalid
    };
    (outcome, problems)
}

/// Judges bytes: as text that must parse to the same verdicts as its `Value`, or as text
/// that is not JSON, which everything must refuse.
fn check_bytes(t: &Target, bytes: &[u8]) -> (Outcome, Vec<Problem>) {
    let Ok(v) = serde_json::from_slice::<Value>(bytes) else {
        let mut problems = Vec::new();
        for (name, decode) in t.decode_bytes {
            if let Ok(decoded) = decode(bytes) {
                problems.push(problem(
                    "syntax",
                    format!("not JSON, yet {name} decodes it to {decoded}"),
                ));
            }
        }
        if (t.decode_validated)(bytes).is_ok() {
            problems.push(problem(
                "syntax",
                "not JSON, yet decode_validated accepts it".to_owned(),
            ));
        }
        let cli = wecom_rooms_cli::check::check(t.entry, "case.json".to_owned(), bytes, false);
        let syntax_only = cli.errors.len() == 1 && cli.errors[0].keyword == "syntax";
        if cli.valid || !syntax_only {
            problems.push(problem(
                "cli",
                format!("not JSON, yet the checker says {:?}", cli.errors),
            ));
        }
        return (Outcome::NotJson, problems);
    };
    let (outcome, mut problems) = check_value(t, &v);
    problems.extend(check_bytes_of(t, bytes, &v, outcome == Outcome::Valid));
    (outcome, problems)
}

/// What reading `bytes` (whose `Value` is `v`, judged `valid`) adds to [`check_value`]: byte
/// decoders agree with the `Value` decoder, `decode_validated` with the verdict, and the checker
/// library with the validator.
fn check_bytes_of(t: &Target, bytes: &[u8], v: &Value, valid: bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    let decoded = (t.decode_value)(v);
    for (name, decode) in t.decode_bytes {
        let via_bytes = decode(bytes);
        if via_bytes.as_ref().ok() == decoded.as_ref().ok() {
            continue;
        }
        if via_bytes.is_err() && has_duplicate_keys(bytes) {
            // RFC 8259 leaves the meaning of a repeated member name open: a `Value` keeps the
            // last, serde's derived structs refuse it. Refusing is a fine answer; decoding to
            // something else than the validated `Value` would not be.
            DUPLICATE_REFUSALS.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        problems.push(problem(
            "decode-paths",
            format!("{name} gives {via_bytes:?}, Deserialize from the Value gives {decoded:?}"),
        ));
    }
    let validated = (t.decode_validated)(bytes);
    match (&validated, valid) {
        (Ok(a), true) if Ok(a) == decoded.as_ref() => {}
        (Err(_), false) => {}
        _ => problems.push(problem(
            "decode-validated",
            format!("valid {valid}, decode_validated gives {validated:?}"),
        )),
    }
    let cli = wecom_rooms_cli::check::check(t.entry, "case.json".to_owned(), bytes, false);
    let ours: BTreeSet<String> = (t.validate_with)(v, Options::default())
        .errors
        .into_iter()
        .map(|e| e.instance_pointer)
        .collect();
    let cli_pointers: BTreeSet<String> = cli.errors.iter().map(|f| f.pointer.clone()).collect();
    if cli.valid != valid || cli_pointers != ours {
        problems.push(problem(
            "cli",
            format!(
                "the checker says valid {} at {cli_pointers:?}; validate says {valid} at {ours:?}",
                cli.valid
            ),
        ));
    }
    if t.entry.is_exact.is_some_and(|is_exact| is_exact(bytes)) {
        let report = (t.validate_with)(v, Options::with_tolerances());
        if !report.errors.is_empty() || !report.warnings.is_empty() {
            problems.push(problem(
                "is-exact",
                format!("is_exact vouches for it, the validators report {report:?}"),
            ));
        }
    }
    problems
}

/// How often a byte-level decoder refused a document with a repeated member name.
static DUPLICATE_REFUSALS: AtomicUsize = AtomicUsize::new(0);

/// Runs a check and turns a panic into a problem.
fn guarded(check: impl FnOnce() -> (Outcome, Vec<Problem>)) -> (Outcome, Vec<Problem>) {
    match catch_unwind(AssertUnwindSafe(check)) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "a panic".to_owned());
            (
                Outcome::Invalid,
                vec![problem("crash", format!("panicked: {message}"))],
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Mutations.

/// Numbers at and beyond the bounds the schemas use (uint32, int32, u64, i64, f64).
fn boundary_numbers() -> Vec<Number> {
    let ints: [i64; 16] = [
        0,
        1,
        2,
        3,
        4,
        5,
        -1,
        -2,
        2_147_483_647,
        2_147_483_648,
        -2_147_483_648,
        -2_147_483_649,
        4_294_967_295,
        4_294_967_296,
        -4_294_967_295,
        i64::MIN,
    ];
    let uints: [u64; 4] = [
        9_007_199_254_740_992,
        9_007_199_254_740_993,
        i64::MAX as u64 + 1,
        u64::MAX,
    ];
    let floats: [f64; 20] = [
        0.0,
        -0.0,
        1.0,
        3.0,
        3.5,
        0.5,
        -0.5,
        -1.0,
        2_147_483_647.5,
        2_147_483_648.0,
        -2_147_483_649.0,
        4_294_967_295.0,
        4_294_967_296.0,
        4_294_967_295.000_000_5,
        1e300,
        -1e300,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        1.000_000_000_000_000_2,
    ];
    ints.iter()
        .map(|&i| Number::from(i))
        .chain(uints.iter().map(|&u| Number::from(u)))
        .chain(floats.iter().filter_map(|&f| Number::from_f64(f)))
        .collect()
}

/// Strings that tend to break things: empty, control characters, a byte order mark, the
/// highest code point, bidirectional overrides, combining marks, astral characters, JSON
/// pointer metacharacters, numbers and booleans as text.
const ODD_STRINGS: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "\u{1f}",
    "\u{7f}",
    "\u{feff}",
    "\u{feff}0",
    "\u{10ffff}",
    "\u{202e}gnirts",
    "e\u{301}",
    "\u{e9}",
    "𝄞",
    "😀👍🏽",
    "\u{2028}\u{2029}",
    "\\",
    "\"",
    "/",
    "~",
    "~0~1",
    "a/b~c",
    "0",
    "3",
    "-1",
    "4294967296",
    "true",
    "null",
    "{}",
    "[]",
    "MzMz",
    "aGVsbG8=",
    "===",
    "会议室测试1",
    "\u{fffd}",
];

/// Odd member names worth adding, besides every name the schemas describe (see [`keys`]).
const ODD_KEYS: &[&str] = &[
    "extra",
    "",
    "/",
    "~",
    "a/b~c",
    "~1",
    "0",
    "-",
    "\u{0}",
    "\u{feff}errcode",
    "errcode\u{0}",
    "ERRCODE",
    "errcode ",
    "键",
    "😀",
    "$ref",
];

struct Pool {
    numbers: Vec<Number>,
    keys: Vec<String>,
}

impl Pool {
    fn key(&self, rng: &mut fastrand::Rng) -> String {
        self.keys[rng.usize(..self.keys.len())].clone()
    }
}

/// Member names to add: every name a schema in `schema/` describes (so that mutations put one
/// endpoint's members, and `access_token`, where they do not belong) and [`ODD_KEYS`].
fn keys() -> Vec<String> {
    fn walk(schema: &Value, out: &mut BTreeSet<String>) {
        match schema {
            Value::Object(members) => {
                if let Some(Value::Object(properties)) = members.get("properties") {
                    out.extend(properties.keys().cloned());
                }
                members.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut names = BTreeSet::from(["access_token".to_owned()]);
    for name in schema_names() {
        walk(&load_schema(&name), &mut names);
    }
    for (_, document) in shared_documents() {
        walk(&document, &mut names);
    }
    names.extend(ODD_KEYS.iter().map(|k| (*k).to_owned()));
    names.into_iter().collect()
}

fn random_scalar(rng: &mut fastrand::Rng, pool: &Pool) -> Value {
    match rng.u8(0..10) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2..=5 => Value::Number(pool.numbers[rng.usize(..pool.numbers.len())].clone()),
        6 => Value::from(rng.i64(..)),
        7 => {
            let f = f64::from_bits(rng.u64(..));
            Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
        _ => Value::from(ODD_STRINGS[rng.usize(..ODD_STRINGS.len())]),
    }
}

fn random_value(rng: &mut fastrand::Rng, pool: &Pool, depth: usize) -> Value {
    match rng.u8(0..8) {
        0 if depth < 3 => {
            let n = rng.usize(0..4);
            Value::Array((0..n).map(|_| random_value(rng, pool, depth + 1)).collect())
        }
        1 if depth < 3 => {
            let n = rng.usize(0..4);
            Value::Object(
                (0..n)
                    .map(|_| (pool.key(rng), random_value(rng, pool, depth + 1)))
                    .collect(),
            )
        }
        _ => random_scalar(rng, pool),
    }
}

/// How deeply `v` nests: 1 for a scalar.
fn depth(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(members) => members.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// The `n`th node in pre-order (0 is `v` itself).
fn nth_node(v: &mut Value, n: usize) -> Option<&mut Value> {
    fn walk<'a>(v: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
        if *n == 0 {
            return Some(v);
        }
        *n -= 1;
        match v {
            Value::Array(items) => items.iter_mut().find_map(|item| walk(item, n)),
            Value::Object(members) => members.values_mut().find_map(|item| walk(item, n)),
            _ => None,
        }
    }
    let mut n = n;
    walk(v, &mut n)
}

/// A random node of `v` (`v` itself included), every node as likely.
fn random_node<'a>(rng: &mut fastrand::Rng, v: &'a mut Value) -> &'a mut Value {
    let n = rng.usize(..count_nodes(v));
    // Looked up twice: the borrow checker does not let the first result escape the branch.
    if nth_node(v, n).is_some() {
        nth_node(v, n).expect("the node exists")
    } else {
        v
    }
}

/// A random container in `v`, if there is one.
fn random_container<'a>(rng: &mut fastrand::Rng, v: &'a mut Value) -> Option<&'a mut Value> {
    let total = count_nodes(v);
    let mut containers = Vec::new();
    for i in 0..total {
        if nth_node(v, i).is_some_and(|n| n.is_array() || n.is_object()) {
            containers.push(i);
        }
    }
    if containers.is_empty() {
        return None;
    }
    let pick = containers[rng.usize(..containers.len())];
    nth_node(v, pick)
}

fn long_string(rng: &mut fastrand::Rng) -> String {
    let len = [1_000, 4_096, 20_000][rng.usize(..3)];
    let unit = ['x', '会', '😀', '\u{301}', '\u{0}'][rng.usize(..5)];
    std::iter::repeat_n(unit, len).collect()
}

fn nest(rng: &mut fastrand::Rng, inner: Value) -> Value {
    // Deep, but within serde_json's parser limit of 128 so the text still parses.
    let depth = rng.usize(1..=120);
    let mut v = inner;
    for level in 0..depth {
        v = if level % 2 == 0 {
            Value::Array(vec![v])
        } else {
            let mut m = Map::new();
            m.insert("a".to_owned(), v);
            Value::Object(m)
        };
    }
    v
}

/// Applies one random mutation to `v`; returns what it did, for the report.
fn mutate(rng: &mut fastrand::Rng, pool: &Pool, v: &mut Value) -> &'static str {
    match rng.u8(0..100) {
        // A node becomes a scalar of another (or the same) kind.
        0..=19 => {
            *random_node(rng, v) = random_scalar(rng, pool);
            "scalar"
        }
        // A number node (or any) becomes a boundary number, or is nudged.
        20..=34 => {
            let node = random_node(rng, v);
            let number = pool.numbers[rng.usize(..pool.numbers.len())].clone();
            *node = match node.as_number().and_then(Number::as_i64) {
                Some(i) if rng.bool() => match rng.u8(0..5) {
                    0 => Value::from(i.wrapping_add(1)),
                    1 => Value::from(i.wrapping_sub(1)),
                    2 => Value::from(i.wrapping_neg()),
                    3 => Number::from_f64(i as f64).map_or(Value::Null, Value::Number),
                    _ => Number::from_f64(i as f64 + 0.5).map_or(Value::Null, Value::Number),
                },
                _ => Value::Number(number),
            };
            "number"
        }
        // A member or item goes.
        35..=49 => {
            if let Some(container) = random_container(rng, v) {
                match container {
                    Value::Object(members) if !members.is_empty() => {
                        let key = members
                            .keys()
                            .nth(rng.usize(..members.len()))
                            .expect("in range")
                            .clone();
                        members.remove(&key);
                    }
                    Value::Array(items) if !items.is_empty() => {
                        items.remove(rng.usize(..items.len()));
                    }
                    _ => {}
                }
            }
            "remove"
        }
        // An object gets a crowd of undescribed members, before and after the named ones
        // (`is_valid` stops its walk once every named member was seen).
        50..=52 => {
            if let Some(Value::Object(members)) = random_container(rng, v) {
                for i in 0..rng.usize(20..400) {
                    let value = if rng.u8(0..8) == 0 {
                        random_value(rng, pool, 0)
                    } else {
                        Value::from(i)
                    };
                    members.insert(format!("x{i}"), value);
                }
            }
            "crowd"
        }
        // A member or item comes.
        53..=64 => {
            let value = random_value(rng, pool, 0);
            if let Some(container) = random_container(rng, v) {
                match container {
                    Value::Object(members) => {
                        let key = if rng.u8(0..4) == 0 {
                            // A name of this object's own, with a new value.
                            members
                                .keys()
                                .nth(rng.usize(..members.len().max(1)))
                                .cloned()
                                .unwrap_or_default()
                        } else {
                            pool.key(rng)
                        };
                        members.insert(key, value);
                    }
                    Value::Array(items) => {
                        let at = rng.usize(..=items.len());
                        items.insert(at, value);
                    }
                    _ => {}
                }
            }
            "add"
        }
        // Arrays become objects and objects arrays; scalars get wrapped.
        65..=71 => {
            let node = random_node(rng, v);
            *node = match std::mem::take(node) {
                Value::Array(items) => Value::Object(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, item)| (i.to_string(), item))
                        .collect(),
                ),
                Value::Object(members) => {
                    Value::Array(members.into_iter().map(|(_, v)| v).collect())
                }
                scalar if rng.bool() => Value::Array(vec![scalar]),
                scalar => json!({ "value": scalar }),
            };
            "kind-swap"
        }
        // Deep nesting.
        72..=76 => {
            let node = random_node(rng, v);
            let inner = std::mem::take(node);
            *node = nest(rng, inner);
            "nest"
        }
        // Long strings.
        77..=80 => {
            *random_node(rng, v) = Value::String(long_string(rng));
            "long-string"
        }
        // Unusual Unicode, in place of a string or appended to one.
        81..=89 => {
            let node = random_node(rng, v);
            let odd = ODD_STRINGS[rng.usize(..ODD_STRINGS.len())];
            *node = match node {
                Value::String(s) if rng.bool() => Value::String(format!("{s}{odd}")),
                _ => Value::from(odd),
            };
            "unicode"
        }
        // A node is replaced by a copy of another node of the same document.
        90..=95 => {
            let n = rng.usize(..count_nodes(v));
            let copy = nth_node(v, n).cloned().unwrap_or(Value::Null);
            *random_node(rng, v) = copy;
            "copy"
        }
        // Null.
        _ => {
            *random_node(rng, v) = Value::Null;
            "null"
        }
    }
}

/// Text that a `serde_json::Value` cannot produce: put in place of a random node.
fn raw_fragment(rng: &mut fastrand::Rng, v: &Value) -> String {
    const RAW: &[&str] = &[
        "1e400",
        "-1e400",
        "1e-400",
        "18446744073709551616",
        "18446744073709551615",
        "-9223372036854775809",
        "-9223372036854775808",
        "100000000000000000000000000000",
        "-0",
        "-0.0",
        "0e0",
        "3.0",
        "3.000000000000000000001",
        "1E0",
        "4294967295e0",
        "42949672.95e2",
        "4294967296.0",
        "2147483648e-0",
        "-2147483649.0",
        "\"\\ud800\"",
        "\"\\udc00\\ud800\"",
        "\"\\u0000\"",
        "\"\\uD834\\uDD1E\"",
        "NaN",
        "Infinity",
        "01",
        "+1",
        ".5",
        "1.",
        "0x10",
        "'x'",
        "tru",
        "nul",
        "[1,]",
        "{\"a\":1,}",
        "\"\t\"",
    ];
    match rng.u8(0..10) {
        // A duplicated member: first a random value, then the node's own (which a `Value` keeps).
        0..=2 => match v {
            Value::Object(members) if !members.is_empty() => {
                let (key, value) = members
                    .iter()
                    .nth(rng.usize(..members.len()))
                    .expect("in range");
                let mut text = String::from("{");
                let key_text = serde_json::to_string(key).expect("a key encodes");
                let other = serde_json::to_string(&json!([null, 1, "x", {}])[rng.usize(..4)])
                    .expect("encodes");
                write!(text, "{key_text}:{other}").expect("writes to a String");
                for (k, member) in members {
                    let k = serde_json::to_string(k).expect("a key encodes");
                    let member = serde_json::to_string(member).expect("encodes");
                    write!(text, ",{k}:{member}").expect("writes to a String");
                }
                let value = serde_json::to_string(value).expect("encodes");
                write!(text, ",{key_text}:{value}}}").expect("writes to a String");
                text
            }
            _ => RAW[rng.usize(..RAW.len())].to_owned(),
        },
        // Nesting past serde_json's limit.
        3 => {
            let depth = [127, 128, 129, 1_000][rng.usize(..4)];
            format!("{}{}", "[".repeat(depth), "]".repeat(depth))
        }
        _ => RAW[rng.usize(..RAW.len())].to_owned(),
    }
}

/// Replaces the sentinel string in the text with `fragment`.
const SENTINEL: &str = "\u{1}raw\u{1}";

/// The text of a text-level case: `v` (holding at most one sentinel) rendered, the sentinel
/// replaced by `fragment`, then `edit` applied to the whole text.
fn render(v: &Value, fragment: &str, edit: Edit) -> Vec<u8> {
    let quoted = serde_json::to_string(SENTINEL).expect("encodes");
    let text = serde_json::to_string(v).expect("encodes");
    let mut bytes = text.replacen(&quoted, fragment, 1).into_bytes();
    match edit {
        Edit::None => {}
        Edit::Bom => bytes.splice(0..0, *b"\xef\xbb\xbf").for_each(drop),
        Edit::Truncate(at) => bytes.truncate(at % (bytes.len() + 1)),
        Edit::Byte(at, byte) => {
            if !bytes.is_empty() {
                let at = at % bytes.len();
                bytes[at] = byte;
            }
        }
        Edit::Trailing => bytes.extend_from_slice(b" x"),
        Edit::Whitespace => {
            bytes.splice(0..0, *b" \r\n\t").for_each(drop);
            bytes.extend_from_slice(b"\n\n");
        }
    }
    bytes
}

#[derive(Clone, Copy, Debug)]
enum Edit {
    None,
    Bom,
    Truncate(usize),
    Byte(usize, u8),
    Trailing,
    Whitespace,
}

fn random_edit(rng: &mut fastrand::Rng) -> Edit {
    match rng.u8(0..12) {
        0 => Edit::Bom,
        1 => Edit::Truncate(rng.usize(..)),
        2 => Edit::Byte(
            rng.usize(..),
            [0x80, 0xff, 0xc0, b'"', b'\\', b'}', 0][rng.usize(..7)],
        ),
        3 => Edit::Trailing,
        4 => Edit::Whitespace,
        _ => Edit::None,
    }
}

/// One generated case.
#[derive(Clone, Debug)]
enum Case {
    Value(Value),
    Text {
        /// The document, with [`SENTINEL`] where `fragment` goes.
        value: Value,
        fragment: String,
        edit: Edit,
    },
}

fn make_case(
    rng: &mut fastrand::Rng,
    pool: &Pool,
    seed_value: &Value,
) -> (Case, Vec<&'static str>) {
    let mut v = seed_value.clone();
    let mut ops = Vec::new();
    let count = match rng.u8(0..10) {
        0..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };
    for _ in 0..count {
        ops.push(mutate(rng, pool, &mut v));
    }
    if rng.u8(0..8) != 0 {
        return (Case::Value(v), ops);
    }
    ops.push("text");
    let node = random_node(rng, &mut v);
    let fragment = raw_fragment(rng, node);
    *node = Value::from(SENTINEL);
    let edit = random_edit(rng);
    (
        Case::Text {
            value: v,
            fragment,
            edit,
        },
        ops,
    )
}

/// Runs one case; `through_bytes` also sends a `Value` case through every byte-level path
/// (text cases always go through them).
fn run_case(t: &Target, case: &Case, through_bytes: bool) -> (Outcome, Vec<Problem>) {
    guarded(|| match case {
        Case::Value(v) => {
            let (outcome, mut problems) = check_value(t, v);
            // Text nested deeper than serde_json's limit of 128 does not parse (hostile.rs
            // covers that), so only shallower documents go through the byte-level paths.
            if through_bytes && depth(v) < 128 {
                let text = serde_json::to_vec(v).expect("encodes");
                problems.extend(check_bytes_of(t, &text, v, outcome == Outcome::Valid));
            }
            (outcome, problems)
        }
        Case::Text {
            value,
            fragment,
            edit,
        } => check_bytes(t, &render(value, fragment, *edit)),
    })
}

// ---------------------------------------------------------------------------------------------
// Minimisation.

/// Simpler versions of `v` at its `n`th node (pre-order): the node removed, or a container
/// cut down to one item, or a string halved.
fn simplifications_at(v: &Value, n: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let mut removed = v.clone();
    if remove_nth(&mut removed, n) {
        out.push(removed);
    }
    let mut simpler = v.clone();
    let Some(node) = nth_node(&mut simpler, n) else {
        return out;
    };
    let replacement = match node {
        Value::Array(items) if items.len() > 1 => Some(Value::Array(vec![items[0].clone()])),
        Value::Array(items) if items.len() == 1 => Some(items[0].clone()),
        Value::Object(members) if members.len() == 1 => members.values().next().cloned(),
        Value::String(s) if s.chars().count() == 1 => Some(Value::from("")),
        Value::String(s) if s.chars().count() > 1 => {
            let half: String = s.chars().take(s.chars().count() / 2).collect();
            Some(Value::String(half))
        }
        _ => None,
    };
    if let Some(replacement) = replacement {
        *node = replacement;
        out.push(simpler);
    }
    out
}

/// Removes the `n`th node (pre-order) from its parent; false for the root.
fn remove_nth(v: &mut Value, n: usize) -> bool {
    fn walk(v: &mut Value, n: &mut usize) -> Option<bool> {
        match v {
            Value::Array(items) => {
                for i in 0..items.len() {
                    if *n == 0 {
                        items.remove(i);
                        return Some(true);
                    }
                    *n -= 1;
                    if let Some(done) = walk_children(&mut items[i], n) {
                        return Some(done);
                    }
                }
                None
            }
            Value::Object(members) => {
                let keys: Vec<String> = members.keys().cloned().collect();
                for key in keys {
                    if *n == 0 {
                        members.remove(&key);
                        return Some(true);
                    }
                    *n -= 1;
                    if let Some(done) = walk_children(members.get_mut(&key)?, n) {
                        return Some(done);
                    }
                }
                None
            }
            _ => None,
        }
    }
    fn walk_children(v: &mut Value, n: &mut usize) -> Option<bool> {
        walk(v, n)
    }
    if n == 0 {
        return false;
    }
    let mut n = n - 1;
    walk(v, &mut n).unwrap_or(false)
}

/// A small version of `v` for which `fails` still holds: passes over the nodes, each trying
/// to remove or simplify every node once, until a pass changes nothing (or the budget of
/// checks runs out).
fn minimise(v: &Value, fails: impl Fn(&Value) -> bool) -> Value {
    let mut best = v.clone();
    let mut budget = 3_000_usize;
    loop {
        let mut changed = false;
        let mut n = 0;
        while n < count_nodes(&best) {
            let mut accepted = false;
            for candidate in simplifications_at(&best, n) {
                if budget == 0 {
                    return best;
                }
                budget -= 1;
                if fails(&candidate) {
                    best = candidate;
                    accepted = true;
                    break;
                }
            }
            // A removal brings the next node to index `n`; a simplification may allow more.
            if accepted {
                changed = true;
            } else {
                n += 1;
            }
        }
        if !changed {
            return best;
        }
    }
}

fn minimise_case(t: &Target, case: &Case, kind: &str) -> Case {
    let fails = |c: &Case| run_case(t, c, true).1.iter().any(|p| p.kind == kind);
    match case {
        Case::Value(v) => Case::Value(minimise(v, |c| fails(&Case::Value(c.clone())))),
        Case::Text {
            value,
            fragment,
            edit,
        } => {
            let text_case = |c: &Value| Case::Text {
                value: c.clone(),
                fragment: fragment.clone(),
                edit: *edit,
            };
            let value = minimise(value, |c| fails(&text_case(c)));
            text_case(&value)
        }
    }
}

fn show(case: &Case) -> String {
    let text = match case {
        Case::Value(v) => serde_json::to_vec(v).expect("encodes"),
        Case::Text {
            value,
            fragment,
            edit,
        } => render(value, fragment, *edit),
    };
    let text = String::from_utf8_lossy(&text);
    if text.chars().count() > 600 {
        let head: String = text.chars().take(600).collect();
        format!("{head}… ({} bytes)", text.len())
    } else {
        text.into_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// The run.

/// A case's own random stream: the same for a (seed, index) pair whatever the thread.
fn case_rng(seed: u64, index: usize) -> fastrand::Rng {
    // SplitMix64 of the pair, so neighbouring indexes get unrelated streams.
    let mut z = seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    fastrand::Rng::with_seed(z ^ (z >> 31))
}

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim().replace('_', "");
    if text.is_empty() {
        return None;
    }
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|e| panic!("{name}={text:?} is not a number: {e}")))
}

struct Found {
    index: usize,
    schema: &'static str,
    fixture: String,
    ops: Vec<&'static str>,
    case: Case,
    problems: Vec<Problem>,
}

#[derive(Default)]
struct Tally {
    valid: usize,
    invalid: usize,
    not_json: usize,
    found: Vec<Found>,
}

#[test]
fn mutated_fixtures_agree_everywhere() {
    let seed = env_number("WECOM_ROOMS_DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let cases = env_number("WECOM_ROOMS_DIFF_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    let started = Instant::now();

    let mut targets = BTreeMap::new();
    let mut seeds = Vec::new();
    for fixture in fixtures() {
        if fixture.expect != Expect::Valid {
            continue;
        }
        let value = fixture.json().unwrap_or_else(|e| {
            panic!("valid fixture {} is not JSON: {e}", fixture.display_path())
        });
        targets
            .entry(fixture.schema.clone())
            .or_insert_with(|| target(&fixture.schema));
        seeds.push((fixture.schema.clone(), fixture.display_path(), value));
    }
    assert!(!seeds.is_empty(), "no valid fixtures to mutate");
    let pool = Pool {
        numbers: boundary_numbers(),
        keys: keys(),
    };

    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut tally = Tally::default();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= cases {
                            break tally;
                        }
                        // Every valid fixture in turn, so each gets its share of mutations.
                        let (schema, fixture, value) = &seeds[index % seeds.len()];
                        let t = &targets[schema];
                        let mut rng = case_rng(seed, index);
                        let (case, ops) = make_case(&mut rng, &pool, value);
                        let (outcome, problems) =
                            run_case(t, &case, index.is_multiple_of(BYTES_EVERY));
                        match outcome {
                            Outcome::Valid => tally.valid += 1,
                            Outcome::Invalid => tally.invalid += 1,
                            Outcome::NotJson => tally.not_json += 1,
                        }
                        if !problems.is_empty() {
                            tally.found.push(Found {
                                index,
                                schema: t.name,
                                fixture: fixture.clone(),
                                ops,
                                case,
                                problems,
                            });
                        }
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker panicked outside a case"))
            .collect()
    });
    let mut total = Tally::default();
    for tally in tallies {
        total.valid += tally.valid;
        total.invalid += tally.invalid;
        total.not_json += tally.not_json;
        total.found.extend(tally.found);
    }
    total.found.sort_by_key(|f| f.index);
    let checked = started.elapsed();

    // Minimise each disagreement, and keep one per kind and minimised document.
    let mut distinct: BTreeMap<(&'static str, String), (usize, &Found, Vec<Problem>)> =
        BTreeMap::new();
    let mut minimised = BTreeMap::new();
    for found in &total.found {
        let t = &targets[found.schema];
        for kind in found
            .problems
            .iter()
            .map(|p| p.kind)
            .collect::<BTreeSet<_>>()
        {
            // Minimising is slow; a handful per kind says enough.
            let attempts = minimised.entry(kind).or_insert(0_usize);
            *attempts += 1;
            let (shown, problems) = if *attempts <= 8 {
                let small = minimise_case(t, &found.case, kind);
                let problems = run_case(t, &small, true).1;
                (show(&small), problems)
            } else {
                let shown = "(not minimised: more of this kind than are worth minimising)";
                (shown.to_owned(), found.problems.clone())
            };
            distinct
                .entry((kind, shown))
                .or_insert((0, found, problems))
                .0 += 1;
        }
    }

    let elapsed = started.elapsed();
    let summary = format!(
        "differential: {cases} cases, {} disagreements ({} distinct); {} valid, {} invalid, {} not JSON, {} refusals of repeated member names; seed {seed:#x} (WECOM_ROOMS_DIFF_SEED); {:.1} s on {workers} thread(s), {:.1} s of it minimising",
        total.found.len(),
        distinct.len(),
        total.valid,
        total.invalid,
        total.not_json,
        DUPLICATE_REFUSALS.load(Ordering::Relaxed),
        elapsed.as_secs_f64(),
        (elapsed - checked).as_secs_f64(),
    );
    // Straight to stderr, past the test harness's capture, so every run shows the count.
    let _ = writeln!(std::io::stderr(), "{summary}");
    println!("{summary}");

    let mut details = String::new();
    for ((kind, small), (count, found, problems)) in &distinct {
        let _ = writeln!(
            details,
            "\n[{kind}] ×{count}, first case {} (seed {seed:#x}) from {} via {:?}\n  schema: {}\n  minimised: {small}",
            found.index, found.fixture, found.ops, found.schema,
        );
        for p in problems.iter().filter(|p| p.kind == *kind) {
            let _ = writeln!(details, "  {}", p.detail);
        }
    }
    assert!(
        cases >= MIN_CASES || std::env::var_os("WECOM_ROOMS_DIFF_CASES").is_some(),
        "too few cases: {cases}"
    );
    assert!(
        distinct.is_empty(),
        "{summary}\n{} distinct disagreement(s):\n{details}",
        distinct.len()
    );
}
