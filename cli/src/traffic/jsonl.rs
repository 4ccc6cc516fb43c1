//! JSON Lines captures, streamed: read one line at a time into a buffer of bounded size, each
//! line a HAR entry object or a `{"method", "url", "request_body", "response_body"}` record.

use std::borrow::Cow;
use std::io::{self, BufRead, Read};

use serde::Deserialize;
use serde_json::value::RawValue;

use super::exchange::{Body, Exchange};
use super::har;

/// The longest line read; a longer one is reported, not checked, and skipped.
pub const MAX_LINE: usize = 64 << 20;

/// One line of a capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// Its 1-based number and its bytes, without the line ending.
    Text(usize, Vec<u8>),
    /// Its number and its length, when longer than the limit.
    TooLong(usize, u64),
}

/// Hands each non-blank line of `reader` to `each` in order (which returns `false` to stop),
/// never holding more than `max` bytes of a line.
///
/// # Errors
///
/// When the reader fails.
pub fn lines(
    mut reader: impl BufRead,
    max: usize,
    each: &mut dyn FnMut(Line) -> bool,
) -> io::Result<()> {
    let mut number = 0;
    loop {
        number += 1;
        let mut buffer = Vec::new();
        let read = (&mut reader)
            .take(max as u64 + 1)
            .read_until(b'\n', &mut buffer)?;
        if read == 0 {
            return Ok(());
        }
        let line = if buffer.len() > max && buffer.last() != Some(&b'\n') {
            let skipped = skip_line(&mut reader)?;
            Line::TooLong(number, buffer.len() as u64 + skipped)
        } else {
            while matches!(buffer.last(), Some(b'\n' | b'\r')) {
                buffer.pop();
            }
            if buffer
                .iter()
                .all(|byte| matches!(byte, b' ' | b'\t' | b'\r'))
            {
                continue;
            }
            Line::Text(number, buffer)
        };
        if !each(line) {
            return Ok(());
        }
    }
}

/// Consumes the rest of a line, returning how many bytes it had.
fn skip_line(reader: &mut impl BufRead) -> io::Result<u64> {
    let mut skipped = 0;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(skipped);
        }
        match chunk.iter().position(|&byte| byte == b'\n') {
            Some(at) => {
                reader.consume(at + 1);
                return Ok(skipped + at as u64);
            }
            None => {
                let length = chunk.len();
                reader.consume(length);
                skipped += length as u64;
            }
        }
    }
}

/// A line of either shape, read once: a HAR entry has `request`; a record has `method`, `url`
/// and the bodies, which stay as they are in the line.
#[derive(Deserialize)]
struct Fields<'a> {
    #[serde(borrow, default)]
    request: Option<&'a RawValue>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(borrow, default)]
    request_body: Option<&'a RawValue>,
    #[serde(borrow, default)]
    response_body: Option<&'a RawValue>,
}

/// The exchange one line records.
///
/// # Errors
///
/// `(keyword, message, column)`: `syntax` with the 1-based column in the line where it stops
/// being JSON, or `entry` when it is JSON but neither shape.
pub fn exchange(line: &[u8]) -> Result<Exchange<'_>, (&'static str, String, usize)> {
    let syntax = |error: serde_json::Error| {
        let message = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
        ("syntax", message, error.column().max(1))
    };
    let entry = |message: String| ("entry", message, 1);
    let neither = |why: &str| {
        entry(format!(
            "the line is neither a HAR entry nor a {{\"method\", \"url\", \"request_body\", \"response_body\"}} record: {why}"
        ))
    };
    let fields: Fields<'_> = match serde_json::from_slice(line) {
        Ok(fields) => fields,
        Err(error) if error.is_syntax() || error.is_eof() => return Err(syntax(error)),
        // A member of the wrong type (`"method": 1`) or a line that is no object.
        Err(error) if line.trim_ascii_start().starts_with(b"{") => {
            return Err(neither(
                error
                    .to_string()
                    .split(" at line ")
                    .next()
                    .unwrap_or_default(),
            ));
        }
        Err(_) => return Err(entry("the line is not a JSON object".into())),
    };
    if fields.request.is_some() {
        let value = serde_json::from_slice(line).map_err(syntax)?;
        return har::exchange(value).map_err(entry);
    }
    let (Some(method), Some(url)) = (fields.method, fields.url) else {
        return Err(neither("missing field `method` or `url`"));
    };
    Ok(Exchange {
        method,
        url,
        request: raw_body(fields.request_body),
        response: fields.response_body.map(|raw| raw_body(Some(raw))),
    })
}

/// A body as a record holds it: a string is the body's text, anything else the body itself.
fn raw_body(raw: Option<&RawValue>) -> Body<'_> {
    let Some(raw) = raw else {
        return Body::Absent;
    };
    let text = raw.get();
    if text.starts_with('"') {
        match serde_json::from_str::<Cow<'_, str>>(text) {
            Ok(Cow::Borrowed(text)) => Body::Present(Cow::Borrowed(text.as_bytes())),
            Ok(Cow::Owned(text)) => Body::Present(Cow::Owned(text.into_bytes())),
            Err(error) => Body::Undecodable(format!("the body string cannot be read: {error}")),
        }
    } else if text == "null" {
        Body::Absent
    } else {
        Body::Present(Cow::Borrowed(text.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &[u8], max: usize) -> Vec<Line> {
        let mut seen = Vec::new();
        lines(text, max, &mut |line| {
            seen.push(line);
            true
        })
        .unwrap();
        seen
    }

    #[test]
    fn long_lines_are_reported_and_skipped_blank_ones_dropped() {
        let seen = all(b"{}\r\n\n  \n0123456789\n{\"a\": 1}", 9);
        assert_eq!(
            seen,
            [
                Line::Text(1, b"{}".to_vec()),
                Line::TooLong(4, 10),
                Line::Text(5, b"{\"a\": 1}".to_vec()),
            ]
        );
        assert_eq!(all(b"0123456789", 5), [Line::TooLong(1, 10)]);
    }

    #[test]
    fn both_shapes_and_string_or_embedded_bodies() {
        let record = br#"{"method": "POST", "url": "/u", "request_body": "{\"a\": 1}", "response_body": {"b": 2}}"#;
        let exchange = exchange(record).unwrap();
        assert_eq!(
            exchange.request,
            Body::Present(Cow::Owned(br#"{"a": 1}"#.to_vec()))
        );
        assert_eq!(
            exchange.response,
            Some(Body::Present(Cow::Borrowed(br#"{"b": 2}"#.as_slice())))
        );
        let no_response = exchange_of(br#"{"method": "GET", "url": "/u", "response_body": null}"#);
        assert_eq!(
            (no_response.request, no_response.response),
            (Body::Absent, None)
        );
        let entry = exchange_of(br#"{"request": {"method": "GET", "url": "/u"}}"#);
        assert_eq!(entry.url, "/u");
        assert_eq!(super::exchange(b"[1]").unwrap_err().0, "entry");
        assert_eq!(super::exchange(b"{\"url\": 1}").unwrap_err().0, "entry");
        assert_eq!(
            super::exchange(b"{\"a\" 1}").unwrap_err(),
            ("syntax", "expected `:`".to_owned(), 6)
        );
    }

    fn exchange_of(line: &[u8]) -> Exchange<'_> {
        super::exchange(line).unwrap()
    }
}
