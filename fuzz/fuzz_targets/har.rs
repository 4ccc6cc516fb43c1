//! Bytes → the streaming HAR reader (`traffic::har::entries`) and each entry → an exchange →
//! its check. Nothing panics; a capture that is JSON (without duplicate members, which the
//! reader and `Value` resolve differently) with a `log.entries` array is walked to its end,
//! entry by entry; text that is not JSON, even with its invalid UTF-8 forgiven, ends with a
//! problem.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wecom_rooms_cli::traffic::{exchange, har};

fuzz_target!(|bytes: &[u8]| {
    let strict = bytes.first().is_some_and(|b| b & 1 == 1);
    let mut seen = 0usize;
    // Entries cut out whole whose escapes do not decode (a lone surrogate): reported one by one.
    let mut unreadable = 0usize;
    let problem = har::entries(bytes, &mut |entry| {
        seen += 1;
        match har::exchange_of(&entry) {
            Ok(exchange) => {
                let report = exchange::check("fuzz.har", seen - 1, None, &exchange, strict);
                assert_eq!(report.entry, Some(seen - 1));
            }
            Err(message) => {
                unreadable += usize::from(message.starts_with("the entry cannot be read"))
            }
        }
        true
    });
    // Members other than `log.entries` are skipped without decoding their strings, so invalid
    // UTF-8 in them may go unnoticed (and is noticed in an entry): text that is not JSON even with such bytes
    // made U+FFFD must end with a problem, and only valid UTF-8 must be walked to its end.
    let lossy = String::from_utf8_lossy(bytes);
    match serde_json::from_str::<Value>(&lossy) {
        Err(_) => assert!(
            problem.is_some() || unreadable > 0,
            "not JSON, yet no problem"
        ),
        Ok(_) if std::str::from_utf8(bytes).is_err() => {}
        Ok(value) if !wecom_rooms_fuzz::has_duplicate_keys(bytes) => {
            assert_eq!(unreadable, 0);
            let entries = value
                .as_object()
                .and_then(|root| root.get("log"))
                .and_then(Value::as_object)
                .and_then(|log| log.get("entries"))
                .and_then(Value::as_array);
            if let Some(entries) = entries {
                assert_eq!(problem, None);
                assert_eq!(seen, entries.len());
            }
        }
        Ok(_) => {}
    }
    if let Some(problem) = problem {
        assert!(!problem.unreadable, "reading a slice cannot fail");
        if let Some((line, column)) = problem.place {
            assert!(line >= 1 && column >= 1, "{problem:?}");
        }
    }
});
