//! Strings that carry `contentEncoding: base64`.
//!
//! JSON Schema's `contentEncoding: base64` names the base64 of RFC 4648 §4: the standard
//! alphabet (`A–Z a–z 0–9 + /`) with `=` padding. The decoding here is strict about it (see
//! [`Base64String::decode`]), while the string itself is kept exactly as it was sent, so a
//! message that does not decode still round-trips unchanged.

use std::error::Error;
use std::fmt;
use std::string::FromUtf8Error;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// A string field with `contentEncoding: base64`, kept exactly as sent.
///
/// Nothing is checked or changed when a message is decoded: a placeholder such as `"XXXXXXX"`
/// deserializes and serializes back as it was, so decode → encode is lossless. The bytes are
/// decoded on demand with [`decode`](Self::decode) or [`decode_utf8`](Self::decode_utf8), and
/// validators report a string that does not decode, as a warning on request.
///
/// It serializes as a plain JSON string, and `Debug` shows the raw text:
///
/// ```
/// use wecom_rooms_runtime::Base64String;
///
/// let s = Base64String::encode("hello");
/// assert_eq!(format!("{s:?}"), r#"Base64String("aGVsbG8=")"#);
/// assert_eq!(serde_json::to_string(&s).unwrap(), r#""aGVsbG8=""#);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Base64String(String);

impl Base64String {
    /// Wraps `s` as it is, without checking that it is base64.
    #[inline]
    pub fn new(s: impl Into<String>) -> Self {
        Base64String(s.into())
    }

    /// Encodes `bytes` with the standard alphabet and padding.
    pub fn encode(bytes: impl AsRef<[u8]>) -> Self {
        Base64String(STANDARD.encode(bytes))
    }

    /// The string as sent.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The string as sent, unwrapped.
    #[inline]
    pub fn into_inner(self) -> String {
        self.0
    }

    /// Decodes the string as RFC 4648 §4 base64, strictly.
    ///
    /// Accepted is exactly what an encoder produces: the standard alphabet only (no `-` or `_`),
    /// a length that is a multiple of 4 with the canonical `=` padding (missing padding is an
    /// error), no whitespace or line breaks anywhere, and zero bits where the last symbol has
    /// bits to spare (`"aGVsbG9="` is rejected, since only `"aGVsbG8="` encodes `hello`).
    /// The empty string decodes to no bytes.
    ///
    /// ```
    /// use wecom_rooms_runtime::Base64String;
    ///
    /// assert_eq!(Base64String::new("aGVsbG8=").decode().unwrap(), b"hello");
    /// assert!(Base64String::new("aGVsbG8").decode().is_err()); // no padding
    /// assert!(Base64String::new("aGVs bG8=").decode().is_err()); // whitespace
    /// assert!(Base64String::new("XXXXXXX").decode().is_err());
    /// ```
    pub fn decode(&self) -> Result<Vec<u8>, base64::DecodeError> {
        STANDARD.decode(&self.0)
    }

    /// Decodes the string as [`decode`](Self::decode) does, then reads the bytes as UTF-8.
    ///
    /// ```
    /// use wecom_rooms_runtime::{Base64String, DecodeUtf8Error};
    ///
    /// assert_eq!(Base64String::new("aGVsbG8=").decode_utf8().unwrap(), "hello");
    /// let not_utf8 = Base64String::encode([0xff, 0xfe]);
    /// assert!(matches!(not_utf8.decode_utf8(), Err(DecodeUtf8Error::Utf8(_))));
    /// let not_base64 = Base64String::new("XXXXXXX");
    /// assert!(matches!(not_base64.decode_utf8(), Err(DecodeUtf8Error::Base64(_))));
    /// ```
    pub fn decode_utf8(&self) -> Result<String, DecodeUtf8Error> {
        let bytes = self.decode().map_err(DecodeUtf8Error::Base64)?;
        String::from_utf8(bytes).map_err(DecodeUtf8Error::Utf8)
    }

    /// Whether [`decode`](Self::decode) would succeed; does not allocate.
    #[inline]
    pub fn is_valid_base64(&self) -> bool {
        is_base64(&self.0)
    }
}

impl From<String> for Base64String {
    #[inline]
    fn from(s: String) -> Self {
        Base64String(s)
    }
}

impl From<&str> for Base64String {
    #[inline]
    fn from(s: &str) -> Self {
        Base64String(s.to_owned())
    }
}

impl AsRef<str> for Base64String {
    #[inline]
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Whether `s` is strict RFC 4648 §4 base64, exactly as [`Base64String::decode`] accepts it.
///
/// It checks the alphabet, padding and spare bits by hand, so validators can call it on every
/// `contentEncoding: base64` string without allocating.
///
/// Generated code reaches it as `__private::is_base64`.
pub fn is_base64(s: &str) -> bool {
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return false;
    }
    let Some((body, last)) = bytes.split_last_chunk::<4>() else {
        return true; // the empty string decodes to no bytes
    };
    if !body.iter().all(|&b| sextet(b).is_some()) {
        return false;
    }
    // Padding may only end the last quad, and the bits it leaves over must be zero.
    match *last {
        [a, b, b'=', b'='] => sextet(a).is_some() && sextet(b).is_some_and(|v| v & 0x0f == 0),
        [a, b, c, b'='] => {
            sextet(a).is_some() && sextet(b).is_some() && sextet(c).is_some_and(|v| v & 0x03 == 0)
        }
        quad => quad.iter().all(|&b| sextet(b).is_some()),
    }
}

/// The 6-bit value of a symbol of the standard alphabet.
#[inline]
const fn sextet(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Why [`Base64String::decode_utf8`] failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeUtf8Error {
    /// The string is not strict base64 (see [`Base64String::decode`]).
    Base64(base64::DecodeError),
    /// The decoded bytes are not UTF-8.
    Utf8(FromUtf8Error),
}

impl fmt::Display for DecodeUtf8Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The details are in `source()`; base64's own text is capitalized and ends in a period.
        match self {
            DecodeUtf8Error::Base64(_) => f.write_str("string is not valid base64"),
            DecodeUtf8Error::Utf8(_) => f.write_str("decoded bytes are not valid utf-8"),
        }
    }
}

impl Error for DecodeUtf8Error {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            DecodeUtf8Error::Base64(e) => Some(e),
            DecodeUtf8Error::Utf8(e) => Some(e),
        }
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Base64String {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Base64String".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "contentEncoding": "base64" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks `is_base64` against the engine, and the decoded bytes when there are some.
    fn check(s: &str, expected: Option<&[u8]>) {
        let decoded = Base64String::new(s).decode();
        assert_eq!(decoded.as_deref().ok(), expected, "decode({s:?})");
        assert_eq!(is_base64(s), expected.is_some(), "is_base64({s:?})");
    }

    #[test]
    fn decodes_strictly() {
        check("", Some(b""));
        check("aGVsbG8=", Some(b"hello"));
        check("aGVsbG8h", Some(b"hello!"));
        check("aGk=", Some(b"hi"));
        check("YQ==", Some(b"a"));
        check("+/+/", Some(&[0xfb, 0xff, 0xbf]));
        check("=", None);
        check("==", None);
        check("====", None);
        check("a===", None);
        check("a", None);
        check("aGVsbG8", None); // padding is required
        check("aGVsbG8==", None);
        check("aGVsbG9=", None); // non-zero spare bits
        check("YR==", None);
        check("aGVs bG8=", None);
        check(" aGVsbG8=", None);
        check("aGVsbG8=\n", None);
        check("aGVs\nbG8=", None);
        check("aGVsbG8=aGk=", None); // padding in the middle
        check("-_-_", None); // URL-safe alphabet
        check("XXXXXXX", None);
        check("XXXXXXXX", Some(&[0x5d, 0x75, 0xd7, 0x5d, 0x75, 0xd7]));
        check("aMOpw6k=", Some("hé\u{e9}".as_bytes()));
        check("é===", None);
        check("ééAA", None);
    }

    #[test]
    fn is_base64_agrees_with_decode_exhaustively() {
        // Symbols chosen for their spare bits (A=0, Q=16, E=4, 9=61), padding, the other
        // alphabet, whitespace and a two-byte character.
        const SYMBOLS: [&str; 13] = [
            "A", "Q", "E", "g", "9", "+", "/", "=", "-", "_", " ", "\n", "é",
        ];
        let mut strings = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            frontier = frontier
                .iter()
                .flat_map(|s| SYMBOLS.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(frontier.iter().cloned());
        }
        // The last quad after a full one, and a full one after it (padding in the middle).
        for quad in &frontier {
            strings.push(format!("AAAA{quad}"));
            strings.push(format!("{quad}AAAA"));
        }
        assert!(strings.len() > 60_000);
        for s in &strings {
            let engine = STANDARD.decode(s).is_ok();
            assert_eq!(is_base64(s), engine, "is_base64({s:?})");
        }
    }

    #[test]
    fn round_trips_what_does_not_decode() {
        for raw in ["XXXXXXX", "aGVsbG8", "", "not base64 at all ☃"] {
            let json = serde_json::to_string(raw).unwrap();
            let s: Base64String = serde_json::from_str(&json).unwrap();
            assert_eq!(s.as_str(), raw);
            assert_eq!(serde_json::to_string(&s).unwrap(), json);
        }
    }

    #[test]
    fn encodes_with_padding() {
        assert_eq!(Base64String::encode("hello").as_str(), "aGVsbG8=");
        assert_eq!(Base64String::encode([]).as_str(), "");
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(Base64String::encode(&bytes).decode().unwrap(), bytes);
    }

    #[test]
    fn conversions_and_debug() {
        let s = Base64String::from("aGk=");
        assert_eq!(s, Base64String::from(String::from("aGk=")));
        assert_eq!(s.as_ref(), "aGk=");
        assert_eq!(format!("{s:?}"), r#"Base64String("aGk=")"#);
        assert!(s.is_valid_base64());
        assert_eq!(s.decode_utf8().unwrap(), "hi");
        assert_eq!(s.into_inner(), "aGk=");
        assert_eq!(Base64String::default().as_str(), "");
    }

    #[test]
    fn decode_utf8_errors() {
        let e = Base64String::new("XXXXXXX").decode_utf8().unwrap_err();
        assert_eq!(e.to_string(), "string is not valid base64");
        assert!(e.source().is_some());
        let e = Base64String::encode([0xc3]).decode_utf8().unwrap_err();
        assert_eq!(e.to_string(), "decoded bytes are not valid utf-8");
        assert!(
            e.source()
                .unwrap()
                .downcast_ref::<FromUtf8Error>()
                .is_some()
        );
    }
}
