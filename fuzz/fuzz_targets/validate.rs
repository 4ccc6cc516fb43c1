//! Bytes → `serde_json::Value` → every generated validator: `is_valid`, `validate` and
//! `validate_with` agree with each other and with the `jsonschema` crate (verdict and error
//! pointers).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    for schema in wecom_rooms_fuzz::schemas() {
        wecom_rooms_fuzz::check_validators(schema, &value);
    }
});
