//! Validated decoding: a document becomes a typed value only if the schema accepts it.

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
            DecodeError::Syntax(e) => write!(f, "not valid JSON: {e}"),
            DecodeError::Invalid(report) => {
                let count = report.errors.len();
                write!(
                    f,
                    "{count} violation{} of the schema",
                    if count == 1 { "" } else { "s" }
                )?;
                if let Some(first) = report.errors.first() {
                    write!(f, ", first {first}")?;
                }
                Ok(())
            }
            DecodeError::Decode(e) => write!(f, "valid, but does not fit the generated types: {e}"),
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
