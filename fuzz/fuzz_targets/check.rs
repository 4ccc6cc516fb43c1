//! Bytes → the checker library of the `wecom-rooms` command (`check::check`: UTF-8 and
//! syntax checks, the validator, the span parser that places findings). Its verdict and
//! pointers are the validator's; every finding's span holds exactly the value its pointer names;
//! text that is not JSON gets one `syntax` finding at a real position.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wecom_rooms_cli::check::{Finding, SYNTAX, check};
use wecom_rooms_runtime::validate::Options;

fn placed(text: &[u8], finding: &Finding) {
    assert!(finding.line >= 1 && finding.column >= 1, "{finding:?}");
    assert!(finding.span.start <= finding.span.end && finding.span.end <= text.len());
}

fuzz_target!(|bytes: &[u8]| {
    let strict = bytes.first().is_some_and(|b| b & 1 == 1);
    let parsed = serde_json::from_slice::<serde_json::Value>(bytes);
    for schema in wecom_rooms_fuzz::schemas() {
        let report = check(schema.entry, "fuzz.json".to_owned(), bytes, strict);
        for finding in report.errors.iter().chain(&report.warnings) {
            placed(bytes, finding);
        }
        let Ok(v) = &parsed else {
            assert!(!report.valid);
            assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
            assert_eq!(report.errors[0].keyword, SYNTAX);
            continue;
        };
        let ours = (schema.validate_with)(v, Options::with_tolerances());
        let expected = if strict {
            ours.is_strictly_valid()
        } else {
            ours.is_valid()
        };
        assert_eq!(
            report.valid, expected,
            "{}: checker vs validator",
            schema.name
        );
        let mut want: Vec<&str> = ours
            .errors
            .iter()
            .map(|e| e.instance_pointer.as_str())
            .collect();
        if strict {
            want.extend(ours.warnings.iter().map(|e| e.instance_pointer.as_str()));
        }
        want.sort_unstable();
        let mut got: Vec<&str> = report.errors.iter().map(|f| f.pointer.as_str()).collect();
        got.sort_unstable();
        assert_eq!(got, want, "{}: checker's pointers", schema.name);
        for finding in report.errors.iter().chain(&report.warnings) {
            let text = &bytes[finding.span.clone()];
            let at: serde_json::Value = serde_json::from_slice(text)
                .unwrap_or_else(|e| panic!("span of {finding:?} is not a value: {e}"));
            assert_eq!(
                Some(&at),
                v.pointer(&finding.pointer),
                "{}: the span of {finding:?} holds another value",
                schema.name
            );
        }
    }
});
