//! HAR 1.2 captures, streamed: `log.entries` is read one entry at a time through a window
//! over the file (`traffic/window.rs`), so a capture of any size never becomes one `Value`;
//! every other member is skipped, checked to be JSON but not kept. The reading thread only
//! cuts entries out as raw JSON text; turning one into an exchange ([`exchange`]) is a worker's
//! job, on every core.

use std::borrow::Cow;
use std::io::Read;

use base64::Engine;
use serde_json::Value;
use serde_json::value::RawValue;

use super::exchange::{Body, Exchange};
use super::window::{Halt, Window};

/// A problem with a capture as a whole: where it stops being readable, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// `syntax` for text that is not JSON, `capture` for JSON that is not a HAR.
    pub keyword: &'static str,
    /// What is wrong.
    pub message: String,
    /// 1-based line and column in the capture file, when known.
    pub place: Option<(usize, usize)>,
    /// Whether reading the file failed (rather than its content).
    pub unreadable: bool,
}

/// Reads the HAR capture from `reader`, handing each entry of `log.entries` to `each` in order
/// (which returns `false` to stop). Returns the problem that ended the walk early, if any.
pub fn entries(reader: impl Read, each: &mut dyn FnMut(Box<RawValue>) -> bool) -> Option<Problem> {
    entries_in(Window::new(reader), each)
}

fn entries_in(
    mut window: Window<impl Read>,
    each: &mut dyn FnMut(Box<RawValue>) -> bool,
) -> Option<Problem> {
    let mut found = false;
    match walk(&mut window, &mut found, each) {
        Ok(()) if found => None,
        Ok(()) => Some(Problem {
            keyword: "capture",
            message: "not a HAR capture: no log.entries array".to_owned(),
            place: None,
            unreadable: false,
        }),
        Err(Halt::Stopped) => None,
        Err(Halt::Io(error)) => Some(Problem {
            keyword: "syntax",
            message: error.to_string(),
            place: None,
            unreadable: true,
        }),
        Err(Halt::Wrong {
            syntax,
            message,
            place,
        }) => Some(Problem {
            keyword: if syntax { "syntax" } else { "capture" },
            message: format!("not a HAR capture: {message}"),
            place: Some(place),
            unreadable: false,
        }),
    }
}

/// The whole document: only `log.entries` is read, every other member is skipped (checked to
/// be JSON, not kept).
fn walk<R: Read>(
    window: &mut Window<R>,
    found: &mut bool,
    each: &mut dyn FnMut(Box<RawValue>) -> bool,
) -> Result<(), Halt> {
    expect(window, b'{', "a HAR object with a log member")?;
    window.object(|window, key| {
        if key != "log" {
            return window.skip();
        }
        expect(window, b'{', "a log object with an entries array")?;
        window.object(|window, key| {
            if key != "entries" {
                return window.skip();
            }
            expect(window, b'[', "an array of entries")?;
            *found = true;
            window.array(|window| {
                let entry: Box<RawValue> = window.value()?;
                if each(entry) {
                    Ok(())
                } else {
                    Err(Halt::Stopped)
                }
            })
        })
    })?;
    window.end()
}

/// Fails unless the next value opens with `open`, naming what was `expected`.
fn expect<R: Read>(window: &mut Window<R>, open: u8, expected: &str) -> Result<(), Halt> {
    if window.peek()? == Some(open) {
        return Ok(());
    }
    let found = window.found()?;
    let wrong = window.unexpected(format!("invalid type: {found}, expected {expected}"));
    // Text that is not JSON, or that ends here, is that first.
    window.skip()?;
    Err(wrong)
}

/// The exchange a HAR entry, as [`entries`] cut it out, records, or why it records none.
///
/// # Errors
///
/// As [`exchange`].
pub fn exchange_of(entry: &RawValue) -> Result<Exchange<'static>, String> {
    // The text was read as JSON already, but cutting it out does not decode escapes: a lone
    // surrogate (`"\ud800"`) is found here, and reported as this entry's problem.
    let entry: Value = serde_json::from_str(entry.get())
        .map_err(|error| format!("the entry cannot be read: {error}"))?;
    exchange(entry)
}

/// The exchange a HAR entry records, or why it records none.
///
/// # Errors
///
/// When the entry is not an object with a `request` object holding a string `url` and
/// `method`.
pub fn exchange(entry: Value) -> Result<Exchange<'static>, String> {
    let Value::Object(mut entry) = entry else {
        return Err("the entry is not an object".to_owned());
    };
    let Some(Value::Object(mut request)) = entry.remove("request") else {
        return Err("the entry has no request object".to_owned());
    };
    let text = |value: Option<Value>, what: &str| match value {
        Some(Value::String(text)) => Ok(text),
        _ => Err(format!("the entry's request has no string {what}")),
    };
    let method = text(request.remove("method"), "method")?;
    let url = text(request.remove("url"), "url")?;
    let body = match request.remove("postData") {
        Some(Value::Object(mut data)) => content(data.remove("text"), data.remove("encoding")),
        _ => Body::Absent,
    };
    let response = match entry.remove("response") {
        Some(Value::Object(mut response)) => {
            let status = response.get("status").and_then(Value::as_i64);
            let (text, encoding) = match response.remove("content") {
                Some(Value::Object(mut content)) => {
                    (content.remove("text"), content.remove("encoding"))
                }
                _ => (None, None),
            };
            // Browsers record a request that got no answer as status 0 with nothing in it.
            if status == Some(0) && text.is_none() {
                None
            } else {
                Some(content(text, encoding))
            }
        }
        _ => None,
    };
    Ok(Exchange {
        method,
        url,
        request: body,
        response,
    })
}

/// A `content` (or `postData`) text in its `encoding`.
fn content(text: Option<Value>, encoding: Option<Value>) -> Body<'static> {
    let Some(Value::String(text)) = text else {
        return Body::Absent;
    };
    match encoding {
        None | Some(Value::Null) => Body::Present(Cow::Owned(text.into_bytes())),
        Some(Value::String(encoding)) if encoding.is_empty() => {
            Body::Present(Cow::Owned(text.into_bytes()))
        }
        Some(Value::String(encoding)) if encoding.eq_ignore_ascii_case("base64") => {
            // Recorders wrap long base64 text; the alphabet has no whitespace, so drop it.
            let compact: String = text.split_ascii_whitespace().collect();
            match base64::engine::general_purpose::STANDARD.decode(compact) {
                Ok(bytes) => Body::Present(Cow::Owned(bytes)),
                Err(error) => {
                    Body::Undecodable(format!("the base64 body does not decode: {error}"))
                }
            }
        }
        Some(other) => Body::Undecodable(format!(
            "unsupported body encoding {other}; only base64 can be undone"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> (Vec<Value>, Option<Problem>) {
        let mut seen = Vec::new();
        let problem = entries(text.as_bytes(), &mut |entry| {
            seen.push(serde_json::from_str(entry.get()).unwrap());
            true
        });
        (seen, problem)
    }

    #[test]
    fn entries_are_handed_over_one_by_one_and_the_rest_skipped() {
        let (seen, problem) =
            all(r#"{"log": {"version": "1.2", "pages": [{}], "entries": [1, {"a": 2}], "x": 0}}"#);
        assert_eq!(seen, [serde_json::json!(1), serde_json::json!({"a": 2})]);
        assert_eq!(problem, None);
    }

    #[test]
    fn problems_say_where_the_capture_breaks() {
        let (seen, problem) = all("{\"log\": {\"entries\": [1,\n 2,");
        assert_eq!(seen.len(), 2);
        let problem = problem.unwrap();
        assert_eq!(problem.keyword, "syntax");
        assert_eq!(problem.place, Some((2, 3)));
        assert_eq!(all("{\"log\": {}}").1.unwrap().keyword, "capture");
        assert_eq!(all("[1]").1.unwrap().keyword, "capture");
        assert_eq!(
            all("{\"log\": {\"entries\": []}} x").1.unwrap().keyword,
            "syntax"
        );
        // Columns are 1-based even where serde_json says 0 (nothing read on the line).
        assert_eq!(all("").1.unwrap().place, Some((1, 1)));
        assert_eq!(all("{\"log\":\n").1.unwrap().place, Some((2, 1)));
    }

    #[test]
    fn an_entry_whose_escapes_do_not_decode_is_reported_alone() {
        let text = r#"{"log": {"entries": [{"request": {"method": "GET", "url": "/\ud800"}}, 2]}}"#;
        let mut seen = Vec::new();
        let problem = entries(text.as_bytes(), &mut |entry| {
            seen.push(exchange_of(&entry).map(|exchange| exchange.url));
            true
        });
        assert_eq!(problem, None);
        assert!(
            seen[0]
                .as_ref()
                .unwrap_err()
                .starts_with("the entry cannot be read: ")
        );
        assert_eq!(seen[1], Err("the entry is not an object".to_owned()));
    }

    /// The same entries and the same problem, at the same place, whatever the window's edges
    /// cut; and for text that is not JSON, serde_json's place for the whole text.
    #[test]
    fn windows_of_any_size_read_alike_and_place_faults_as_serde_json_does() {
        let inputs = [
            r#"{"log": {"version": "1.2", "pages": [{"id": "p\u00e9"}], "entries": [1, {"a": [2, 3.5e2, "x\"y"]}, null, true, -0.25, "s"], "x": {"y": [[]]}}, "z": 12345}"#,
            "{\n  \"log\": {\n    \"entries\": [\n      {\"request\": {\"url\": \"/u\"}},\n      123456789\n    ]\n  }\n}\n",
            "{\"log\": {\"entries\": [1,\n 2,",
            "{\"log\": {\"entries\": [1 2]}}",
            "{\"log\": {\"entries\": [1,]}}",
            "{\"log\": {\"entries\": [{\"a\": tru}]}}",
            "{\"log\": {\"pages\": [1, {\"a\" 1}], \"entries\": []}}",
            "{\"log\": {\"pages\": \"unterminated, \"entries\": []}}",
            "{\"log\": {\"entries\": []},}",
            "{\"log\": {\"entries\": []}} x",
            "{\"log\": {\"entries\": []}}\n\n  12",
            "{\"log\"\n: {1: 2}}",
            "{\"log\": {\"entries\": [12",
            "{\"log\": {\"entries\": [12]",
            "[1]",
            "{\"log\": []}",
            "{\"log\": {\"entries\": {}}}",
            "{\"log\": {}}",
            "",
            "  \n ",
            "{\"log\":\n",
            "{\"log\": x}",
            "{\"log\": {\"entries\": nul}}",
            "{\"log\": {\"entries\": 12}}",
        ];
        let run = |text: &str, chunk: usize| {
            let mut seen = Vec::new();
            let window = Window::with_chunk(text.as_bytes(), chunk);
            let problem = entries_in(window, &mut |entry| {
                seen.push(entry.get().to_owned());
                true
            });
            (seen, problem)
        };
        for text in inputs {
            let whole = run(text, 1 << 20);
            for chunk in 1..=9 {
                assert_eq!(run(text, chunk), whole, "{text:?} in windows of {chunk}");
            }
            let (seen, problem) = whole;
            match serde_json::from_str::<Value>(text) {
                Ok(value) => {
                    let listed = value.pointer("/log/entries").and_then(Value::as_array);
                    match listed {
                        Some(listed) => {
                            assert_eq!(problem, None, "{text:?}");
                            let seen: Vec<Value> = seen
                                .iter()
                                .map(|e| serde_json::from_str(e).unwrap())
                                .collect();
                            assert_eq!(&seen, listed, "{text:?}");
                        }
                        None => assert_eq!(problem.unwrap().keyword, "capture", "{text:?}"),
                    }
                }
                Err(error) => {
                    let problem = problem.unwrap_or_else(|| panic!("{text:?}: no problem"));
                    assert_eq!(problem.keyword, "syntax", "{text:?}: {problem:?}");
                    let place = (error.line(), error.column().max(1));
                    assert_eq!(
                        problem.place,
                        Some(place),
                        "{text:?}: {problem:?} vs {error}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_stop_ends_the_walk_without_a_problem() {
        let text = r#"{"log": {"entries": [1, 2, 3]}}"#;
        let mut seen = 0;
        let problem = entries(text.as_bytes(), &mut |_| {
            seen += 1;
            seen < 2
        });
        assert_eq!((seen, problem), (2, None));
    }

    #[test]
    fn base64_and_unknown_encodings() {
        let b64 = |text: &str, encoding: &str| content(Some(text.into()), Some(encoding.into()));
        assert_eq!(
            b64("e30=", "base64"),
            Body::Present(Cow::Owned(b"{}".to_vec()))
        );
        assert!(matches!(b64("e3@=", "base64"), Body::Undecodable(_)));
        assert!(matches!(b64("x", "gzip"), Body::Undecodable(_)));
        assert_eq!(content(None, None), Body::Absent);
    }
}
