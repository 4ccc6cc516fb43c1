//! HAR 1.2 captures, streamed: `log.entries` is read one entry at a time through serde's
//! `SeqAccess`, so a capture of any size never becomes one `Value`; every other member is
//! skipped unread. The reading thread only cuts entries out as raw JSON text; turning one into
//! an exchange ([`exchange`]) is a worker's job, on every core.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;

use base64::Engine;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::exchange::{Body, Exchange};

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

/// Why the walk over the entries stopped early: the consumer asked it to.
const STOPPED: &str = "wecom-rooms: stopped";

/// Reads the HAR capture from `reader`, handing each entry of `log.entries` to `each` in order
/// (which returns `false` to stop). Returns the problem that ended the walk early, if any.
pub fn entries(reader: impl Read, each: &mut dyn FnMut(Box<RawValue>) -> bool) -> Option<Problem> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut walk = Walk {
        each,
        found: false,
        stopped: false,
    };
    let outcome =
        de::Deserializer::deserialize_map(&mut de, Root(&mut walk)).and_then(|()| de.end());
    match outcome {
        _ if walk.stopped => None,
        Err(error) => {
            let keyword = if error.is_data() { "capture" } else { "syntax" };
            let message = error.to_string();
            let suffix = format!(" at line {} column {}", error.line(), error.column());
            let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
            // serde_json says column 0 for an end of input before any byte of a line.
            let place = (error.line() > 0).then(|| (error.line(), error.column().max(1)));
            if error.is_io() {
                return Some(Problem {
                    keyword,
                    message,
                    place: None,
                    unreadable: true,
                });
            }
            let message = format!("not a HAR capture: {message}");
            Some(Problem {
                keyword,
                message,
                place,
                unreadable: false,
            })
        }
        Ok(()) if !walk.found => Some(Problem {
            keyword: "capture",
            message: "not a HAR capture: no log.entries array".to_owned(),
            place: None,
            unreadable: false,
        }),
        Ok(()) => None,
    }
}

struct Walk<'f> {
    each: &'f mut dyn FnMut(Box<RawValue>) -> bool,
    found: bool,
    stopped: bool,
}

/// The whole document: only its `log` member is read.
struct Root<'w, 'f>(&'w mut Walk<'f>);
/// `log`: only its `entries` member is read.
struct Log<'w, 'f>(&'w mut Walk<'f>);
/// `log.entries`, one element at a time.
struct Entries<'w, 'f>(&'w mut Walk<'f>);

impl<'de> Visitor<'de> for Root<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR object with a log member")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "log" {
                map.next_value_seed(Log(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Log<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Log<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a log object with an entries array")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "entries" {
                map.next_value_seed(Entries(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Entries<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of entries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.found = true;
        while let Some(entry) = seq.next_element::<Box<RawValue>>()? {
            if !(self.0.each)(entry) {
                self.0.stopped = true;
                return Err(de::Error::custom(STOPPED));
            }
        }
        Ok(())
    }
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
