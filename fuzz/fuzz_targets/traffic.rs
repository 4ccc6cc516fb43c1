//! Bytes → `check-traffic`'s pipeline in one thread: the capture's kind told by content, HAR
//! or JSON Lines read into batches, each item checked (`traffic::work`) and printed in every
//! streaming format and as a test case. Items come in order; `--format json` prints one JSON
//! object per report.
#![no_main]

use libfuzzer_sys::fuzz_target;
// Links the capped allocator (see `wecom_rooms_fuzz::ALLOCATION_LIMIT`).
use wecom_rooms_cli::Format;
use wecom_rooms_cli::traffic::{Outcome, print, source, work};
use wecom_rooms_fuzz as _;

fuzz_target!(|bytes: &[u8]| {
    let strict = bytes.first().is_some_and(|b| b & 1 == 1);
    let mut items = 0usize;
    let mut started = false;
    source::produce_from("fuzz.capture", bytes, &mut |batch| {
        for item in batch {
            items += 1;
            match work(item, strict) {
                Outcome::Start(file) => {
                    assert!(!started && file == "fuzz.capture");
                    started = true;
                }
                Outcome::Report(report) => {
                    assert!(started);
                    for format in [Format::Human, Format::Github] {
                        let mut out = Vec::new();
                        print::print(format, true, &report, &mut out).expect("a Vec takes all");
                    }
                    let mut out = Vec::new();
                    print::print(Format::Json, false, &report, &mut out).expect("a Vec takes all");
                    let line: serde_json::Value =
                        serde_json::from_slice(&out).expect("--format json prints JSON");
                    assert!(line.is_object());
                    let _ = print::case(&report);
                }
                Outcome::Unreadable(message) => panic!("a slice is always readable: {message}"),
            }
        }
        true
    });
    assert!(started && items >= 1);
});
