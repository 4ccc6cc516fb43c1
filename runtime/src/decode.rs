//! Validated decoding: a document becomes a typed value only if the schema accepts it, and
//! [`DecodeError`] says why it did not.

use std::fmt;

use crate::validate::Report;

/// Why a validated decode failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes are not JSON.
    Syntax(serde_json::Error),
    /// The document is JSON but the schema rejects it; the report lists every violation.
    Invalid(Report),
    /// The schema accepts the document but the generated types cannot hold it (for example
    /// `3.0` inside an integer array; codegen's README lists these limits).
    Decode(serde_json::Error),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Syntax(_) => f.write_str("not valid JSON"),
            DecodeError::Invalid(report) => {
                let count = report.errors.len();
                let plural = if count == 1 { "" } else { "s" };
                write!(f, "{count} violation{plural} of the schema")
            }
            DecodeError::Decode(_) => f.write_str("valid, but does not fit the generated types"),
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DecodeError::Syntax(e) | DecodeError::Decode(e) => Some(e),
            DecodeError::Invalid(report) => report.errors.first().map(|e| e as _),
        }
    }
}
