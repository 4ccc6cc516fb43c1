//! Every fixture through the `jsonschema` crate, the reference validator: its
//! verdict must be the fixture's folder.
//!
//! The crate runs with its default settings for draft 2020-12, so `format` and
//! `contentEncoding` are annotations, and without network access, so every
//! `$ref` must resolve inside the schema itself.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jsonschema::Validator;
use wecom_rooms_conformance::{Expect, Fixture, fixtures, reference_validator};

/// Fewer fixtures than this means some went missing: an empty or misnamed
/// folder must not pass.
const MIN_FIXTURES: usize = 27;

#[test]
fn jsonschema_crate_agrees_with_every_fixture_folder() {
    let fixtures = fixtures();
    let mut validators = BTreeMap::new();
    let mut mismatches = Vec::new();
    for fixture in &fixtures {
        let validator = validators
            .entry(fixture.schema.clone())
            .or_insert_with(|| validator_for(&fixture.schema));
        if let Err(report) = check(validator, fixture) {
            mismatches.push(report);
        }
    }

    println!(
        "checked {} fixtures against the jsonschema crate: {} schemas, {} mismatches",
        fixtures.len(),
        validators.len(),
        mismatches.len(),
    );
    assert!(
        fixtures.len() >= MIN_FIXTURES,
        "found {} fixtures under tests/fixtures, expected at least {MIN_FIXTURES}",
        fixtures.len(),
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} fixtures got a verdict other than their folder's:\n\n{}",
        mismatches.len(),
        fixtures.len(),
        mismatches.join("\n"),
    );
}

/// One validator per schema, as a user of the crate would build it.
fn validator_for(schema: &str) -> Validator {
    reference_validator(schema)
}

/// Checks one fixture; on a mismatch returns a report naming the file and
/// every error the validator gave.
fn check(validator: &Validator, fixture: &Fixture) -> Result<(), String> {
    let path = fixture.display_path();
    let instance = match fixture.json() {
        Ok(instance) => instance,
        Err(err) => {
            // Not JSON: no validator can accept it, so it counts as invalid.
            println!("malformed (counted as invalid): {path}: {err}");
            return match fixture.expect {
                Expect::Invalid => Ok(()),
                Expect::Valid => Err(format!(
                    "{path}\n  expected valid, got malformed json: {err}\n"
                )),
            };
        }
    };

    let valid = validator.is_valid(&instance);
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|error| {
            let at = error.instance_path().as_str();
            format!(
                "  at {}: {error}",
                if at.is_empty() { "(root)" } else { at }
            )
        })
        .collect();
    // The two entry points must agree, or the verdict itself is in doubt.
    if valid == errors.is_empty() && Expect::from_valid(valid) == fixture.expect {
        return Ok(());
    }

    let mut report = format!(
        "{path}\n  expected {}, got {}",
        fixture.expect,
        Expect::from_valid(valid),
    );
    if valid != errors.is_empty() {
        let _ = write!(
            report,
            " (but iter_errors gave {} errors: the crate contradicts itself)",
            errors.len(),
        );
    }
    if errors.is_empty() {
        report.push_str("\n  no errors: the jsonschema crate accepts it\n");
    } else {
        for error in &errors {
            let _ = write!(report, "\n{error}");
        }
        report.push('\n');
    }
    Err(report)
}
