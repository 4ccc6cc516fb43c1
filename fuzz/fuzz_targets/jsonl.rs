//! Bytes → the JSON Lines reader (`traffic::jsonl::lines`, with a small line limit so that
//! the too-long path is reached) and each line → an exchange → its check. Lines come in
//! order, hold no line ending and never more than the limit; a line that is not an exchange
//! is an error at a real column.
#![no_main]

use libfuzzer_sys::fuzz_target;
// Links the capped allocator (see `wecom_rooms_fuzz::ALLOCATION_LIMIT`).
use wecom_rooms_cli::traffic::{exchange, jsonl};
use wecom_rooms_fuzz as _;

/// Small enough that inputs of a few hundred bytes have too-long lines.
const MAX: usize = 256;

fuzz_target!(|bytes: &[u8]| {
    let strict = bytes.first().is_some_and(|b| b & 1 == 1);
    let mut last = 0usize;
    let mut index = 0usize;
    let read = jsonl::lines(bytes, MAX, &mut |line| {
        match line {
            jsonl::Line::Text(number, text) => {
                assert!(number > last, "line {number} after {last}");
                last = number;
                assert!(text.len() <= MAX && !text.contains(&b'\n'));
                match jsonl::exchange(&text) {
                    Ok(exchange) => {
                        let report =
                            exchange::check("fuzz.jsonl", index, Some(number), &exchange, strict);
                        assert_eq!(report.capture_line, Some(number));
                    }
                    Err((_, message, column)) => {
                        assert!(!message.is_empty());
                        assert!(column >= 1 && column <= text.len() + 1, "column {column}");
                    }
                }
            }
            jsonl::Line::TooLong(number, length) => {
                assert!(number > last);
                last = number;
                assert!(length > MAX as u64 && length <= bytes.len() as u64);
            }
        }
        index += 1;
        true
    });
    assert!(read.is_ok(), "reading a slice cannot fail");
});
