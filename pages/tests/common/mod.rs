//! What the pages tests share: the schema folder and the jsonschema crate's verdict on samples.

pub mod mutate;

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::Value;

/// The jsonschema crate's errors for `instance` under the schema called `name` (none when it
/// is valid), or why the schema cannot be built.
#[allow(dead_code)] // each test binary uses what it needs
pub fn judge(name: &str, instance: &Value) -> Result<Vec<String>, String> {
    if !wecom_rooms_conformance::schema_path(name).is_file() {
        return Err(format!("no schema {name}"));
    }
    // `reference_validator` panics on a schema the crate rejects; that is a finding here.
    let validator = catch_unwind(AssertUnwindSafe(|| {
        wecom_rooms_conformance::reference_validator(name)
    }))
    .map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| format!("the jsonschema crate rejects schema {name}"))
    })?;
    Ok(validator
        .iter_errors(instance)
        .map(|e| {
            let at = e.instance_path().as_str().to_owned();
            format!("{} at `{}`", e, if at.is_empty() { "/" } else { &at })
        })
        .collect())
}

/// A judge that finds every sample valid, for tests about members only.
#[allow(dead_code)] // each test binary uses what it needs
pub fn lenient(_: &str, _: &Value) -> Result<Vec<String>, String> {
    Ok(Vec::new())
}
