//! Every fixture through the generated validators and types.
//!
//! For each fixture the generated `is_valid` and `validate` must give its folder's verdict and
//! the `jsonschema` crate's; the set of instance pointers our errors name must equal the set the
//! `jsonschema` crate names; and the generated types must decode exactly the valid fixtures
//! (except where types are documented to be more tolerant than the schema) and encode them back
//! to an equal value.

use std::collections::BTreeMap;

use serde_json::Value;
use wecom_rooms::meeting::rooms::get_info::response;
use wecom_rooms_conformance::targets::{Target, error_pointers, target, tolerated_by_types};
use wecom_rooms_conformance::{Expect, Fixture, fixtures};
use wecom_rooms_runtime::validate::Options;

#[test]
fn generated_code_agrees_with_every_fixture_and_the_reference_validator() {
    let fixtures = fixtures();
    let mut schemas = BTreeMap::new();
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let schema = schemas
            .entry(fixture.schema.clone())
            .or_insert_with(|| target(&fixture.schema));
        if let Err(problems) = check(schema, fixture) {
            failures.push(format!(
                "{}\n  {}",
                fixture.display_path(),
                problems.join("\n  ")
            ));
        }
    }
    println!(
        "checked {} fixtures against the generated validators and types",
        fixtures.len()
    );
    // Every schema of the crate is exercised both ways.
    for entry in wecom_rooms::SCHEMAS {
        for expect in [Expect::Valid, Expect::Invalid] {
            let has = |f: &&Fixture| f.schema == entry.name && f.expect == expect;
            assert!(
                fixtures.iter().any(|f| has(&f)),
                "{}: no fixture in {expect}/",
                entry.name
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) disagree:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn check(schema: &Target, fixture: &Fixture) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    let (_, plain_decode) = schema.decode_bytes[0];
    let decoded = plain_decode(&fixture.text);
    let instance = match fixture.json() {
        Ok(instance) => instance,
        Err(_) => {
            // Malformed: nothing to validate, but the types must refuse it too.
            if fixture.expect == Expect::Valid {
                problems.push("malformed, yet in valid/".to_owned());
            }
            if decoded.is_ok() {
                problems.push("the generated types decode a malformed file".to_owned());
            }
            return if problems.is_empty() {
                Ok(())
            } else {
                Err(problems)
            };
        }
    };

    // Every way to decode bytes agrees with the plain one on every fixture.
    for (name, decode) in &schema.decode_bytes[1..] {
        let via = decode(&fixture.text);
        if via.as_ref().ok() != decoded.as_ref().ok() {
            problems.push(format!(
                "{name} gives {via:?}, serde_json::from_slice gives {decoded:?}"
            ));
        }
    }
    let validated = (schema.decode_validated)(&fixture.text);
    // A typed value exactly for the valid fixtures, and the same value the plain decode gives.
    match (fixture.expect, &validated, &decoded) {
        (Expect::Valid, Ok(v), Ok(d)) if v == d => {}
        (Expect::Invalid, Err(_), _) => {}
        _ => problems.push(format!("decode_validated gives {validated:?}")),
    }
    let fast = (schema.is_valid)(&instance);
    let report = (schema.validate_with)(&instance, Options::default());
    let reference = schema.reference.is_valid(&instance);
    let expected = fixture.expect == Expect::Valid;
    if fast != expected || report.is_valid() != expected || reference != expected {
        problems.push(format!(
            "verdicts: folder {}, is_valid {fast}, validate {}, jsonschema {reference}",
            fixture.expect,
            report.is_valid()
        ));
    }

    let ours = error_pointers(&report);
    let theirs = schema.reference_pointers(&instance);
    if ours != theirs {
        problems.push(format!(
            "error pointers: ours {ours:?}, jsonschema {theirs:?}"
        ));
    }
    for error in &report.errors {
        if error.message.is_empty() || !error.schema_location.contains(".json#") {
            problems.push(format!(
                "error without a message or schema location: {error:?}"
            ));
        }
    }

    match (expected, decoded) {
        (true, Ok(encoded)) => {
            if !wecom_rooms_runtime::value::equal(&encoded, &instance) {
                problems.push(format!("decode → encode changed the value: {encoded}"));
            }
        }
        (true, Err(e)) => problems.push(format!("valid, but the generated types refuse it: {e}")),
        (false, Ok(_)) => {
            let untolerated: Vec<&str> = report
                .errors
                .iter()
                .filter(|e| !tolerated_by_types(e))
                .map(|e| e.keyword)
                .collect();
            if !untolerated.is_empty() {
                problems.push(format!(
                    "invalid ({untolerated:?}), yet the generated types decode it"
                ));
            }
        }
        (false, Err(_)) => {}
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Strict mode reports what the default verdict tolerates, and nothing on the doc sample but its
/// placeholder password.
#[test]
fn strict_mode_reports_tolerances() {
    let check = |text: &str, expected: &[(&str, &str)]| {
        let instance: Value = serde_json::from_str(text).expect("test input is JSON");
        let report = response::validate_with(&instance, Options::with_tolerances());
        let got: Vec<(&str, &str)> = report
            .warnings
            .iter()
            .map(|w| (w.instance_pointer.as_str(), w.keyword))
            .collect();
        assert_eq!(got, expected, "{text}");
        assert!(
            report.is_valid(),
            "tolerances never make an instance invalid: {text}"
        );
        let quiet = response::validate_with(&instance, Options::default());
        assert!(quiet.warnings.is_empty(), "warnings need the option");
    };
    let sample = response::EXAMPLES[0];
    check(sample, &[("/pmi_info/pmi_pwd", "contentEncoding")]);
    let mut extended: Value = serde_json::from_str(sample).expect("the example is JSON");
    extended["new_top"] = Value::from(1);
    extended["basic_info"]["new_inner"] = Value::from("x");
    extended["pmi_info"]["pmi_pwd"] = Value::from("MTIz");
    check(
        &extended.to_string(),
        &[
            ("/basic_info/new_inner", "additionalProperties"),
            ("/new_top", "additionalProperties"),
        ],
    );
    check(
        r#"{"errcode": 42001, "errmsg": "access_token expired", "hint": "x"}"#,
        &[("/hint", "additionalProperties")],
    );
}

/// Messages say what was expected and what was found.
#[test]
fn messages_name_expectation_and_finding() {
    let check = |text: &str, pointer: &str, message: &str| {
        let instance: Value = serde_json::from_str(text).expect("test input is JSON");
        let report = response::validate(&instance);
        assert!(
            report
                .errors
                .iter()
                .any(|e| e.instance_pointer == pointer && e.message == message),
            "{text}: no error at {pointer} saying {message:?}; got {:#?}",
            report.errors
        );
    };
    let mut sample: Value =
        serde_json::from_str(response::EXAMPLES[0]).expect("the example is JSON");
    sample["basic_info"]["participant_number"] = Value::from(-1);
    check(
        &sample.to_string(),
        "/basic_info/participant_number",
        "expected an integer in 0..=4294967295, found -1",
    );
    sample["basic_info"]["participant_number"] = Value::from("3");
    check(
        &sample.to_string(),
        "/basic_info/participant_number",
        "expected an integer in 0..=4294967295, found \"3\"",
    );
    sample["account_info"]["account_type"] = Value::from(3);
    check(
        &sample.to_string(),
        "/account_info/account_type",
        "expected one of 0 (Regular), 1 (Dedicated), 2 (Trial), found 3 (matching 0 of them)",
    );
    sample["hardware_info"]["monitor_frequency"] = Value::from(true);
    check(
        &sample.to_string(),
        "/hardware_info/monitor_frequency",
        "expected a string or an integer in 0..=4294967295, found true",
    );
    check(
        r#"{"errcode": 0, "errmsg": "ok"}"#,
        "",
        "missing required member \"basic_info\"",
    );
    check(
        r#"{"errcode": 42001}"#,
        "",
        "missing required member \"errmsg\"",
    );
    check("[]", "", "expected an object, found an array of 0 items");
}
