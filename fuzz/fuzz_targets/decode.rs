//! Bytes → the generated typed decoders (`decode_validated`, `serde_json::from_slice`,
//! `Response::from_slice`, `Deserialize` from a `Value`) → encoded again. Nothing panics; a
//! validated decode succeeds exactly on valid documents; decoders agree; what decodes encodes to
//! a value that decodes to itself, and for a valid document to a JSON-Schema-equal one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wecom_rooms_fuzz::{has_duplicate_keys, schemas, tolerated_by_types};
use wecom_rooms_runtime::value::equal;

fuzz_target!(|bytes: &[u8]| {
    let parsed = serde_json::from_slice::<serde_json::Value>(bytes);
    for schema in schemas() {
        let validated = (schema.decode_validated)(bytes);
        let via_bytes: Vec<_> = schema
            .decode_bytes
            .iter()
            .map(|(name, decode)| (*name, decode(bytes)))
            .collect();
        let Ok(v) = &parsed else {
            assert!(validated.as_ref().is_err_and(|e| e.starts_with("syntax:")));
            for (name, decoded) in &via_bytes {
                assert!(decoded.is_err(), "{name} decodes text that is not JSON");
            }
            continue;
        };
        let report = (schema.validate_with)(v, Default::default());
        let valid = report.is_valid();
        let decoded = (schema.decode_value)(v);
        match &validated {
            Ok(d) => {
                assert!(
                    valid,
                    "{}: decode_validated accepts an invalid {v}",
                    schema.name
                );
                assert_eq!(Some(d), decoded.as_ref().ok(), "validated vs Value decode");
            }
            Err(e) => assert!(
                !valid,
                "{}: decode_validated refuses a valid {v}: {e}",
                schema.name
            ),
        }
        let duplicates = has_duplicate_keys(bytes);
        for (name, d) in &via_bytes {
            if d.is_err() && duplicates {
                continue; // serde's derived structs refuse repeated members.
            }
            assert_eq!(
                d.as_ref().ok(),
                decoded.as_ref().ok(),
                "{}: {name} and Deserialize from the Value disagree on {v}",
                schema.name
            );
        }
        match (&decoded, valid) {
            (Ok(encoded), true) => {
                assert!(
                    equal(encoded, v),
                    "{}: round trip changed {v} into {encoded}",
                    schema.name
                );
                assert!(
                    (schema.is_valid)(encoded),
                    "re-encoded value is invalid: {encoded}"
                );
            }
            (Err(e), true) => panic!("{}: valid, yet the types refuse {v}: {e}", schema.name),
            (Ok(_), false) => {
                for error in &report.errors {
                    assert!(
                        tolerated_by_types(error),
                        "{}: invalid ({}), yet the types decode {v}",
                        schema.name,
                        error.keyword
                    );
                }
            }
            (Err(_), false) => {}
        }
        if let Ok(encoded) = &decoded {
            // Encoding is stable: the encoded value decodes to itself.
            let again = (schema.decode_value)(encoded);
            assert_eq!(
                again.as_ref().ok(),
                Some(encoded),
                "{}: encode is not stable",
                schema.name
            );
        }
    }
});
