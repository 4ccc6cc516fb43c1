//! What the fuzz targets share: the generated schemas with every way to judge an instance, and
//! the agreements that must hold between them. Each check panics on a disagreement, which
//! libFuzzer reports as a crash.

mod alloc_cap;

use serde_json::Value;

pub use alloc_cap::LIMIT as ALLOCATION_LIMIT;
use wecom_rooms_runtime::validate::{Options, Report};

pub use wecom_rooms_conformance::targets::{
    ByteDecoder, Target as Schema, error_pointers, has_duplicate_keys, tolerated_by_types,
};

/// One current-thread tokio runtime per process for the simulator's targets, on paused time: a
/// delay fault's sleep returns at once.
pub fn paused_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("a current-thread runtime")
    })
}

/// Every generated schema (built once per process).
pub fn schemas() -> &'static [Schema] {
    static SCHEMAS: std::sync::OnceLock<Vec<Schema>> = std::sync::OnceLock::new();
    SCHEMAS.get_or_init(wecom_rooms_conformance::targets::targets)
}

/// The validators agree with each other and with the `jsonschema` crate.
pub fn check_validators(schema: &Schema, v: &Value) -> Report {
    let fast = (schema.is_valid)(v);
    let report = (schema.validate_with)(v, Options::default());
    let strict = (schema.validate_with)(v, Options::with_tolerances());
    let reference = schema.reference.is_valid(v);
    assert_eq!(
        fast,
        report.is_valid(),
        "{}: is_valid vs validate on {v}",
        schema.name
    );
    assert_eq!(
        fast, reference,
        "{}: ours vs jsonschema on {v}",
        schema.name
    );
    assert_eq!(
        report.errors, strict.errors,
        "{}: tolerances changed errors",
        schema.name
    );
    assert_eq!(
        error_pointers(&report),
        schema.reference_pointers(v),
        "{}: error pointers on {v}",
        schema.name
    );
    for e in &report.errors {
        assert!(!e.message.is_empty(), "an error without a message: {e:?}");
        assert!(
            v.pointer(&e.instance_pointer).is_some(),
            "an error at a pointer that names nothing: {e:?}"
        );
    }
    report
}
