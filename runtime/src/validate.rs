//! What generated validators report: every violation with where it is, which keyword found it
//! and a message a person understands.

use std::fmt;

/// One violation of a schema, or one tolerance noted in a report.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ValidationError {
    /// JSON pointer (RFC 6901) to the offending value in the instance; empty for the root.
    pub instance_pointer: String,
    /// The keyword that failed, such as `minimum` or `required`.
    pub keyword: &'static str,
    /// Where the keyword is: the schema's `$id` (or file) and a JSON pointer into it.
    pub schema_location: &'static str,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.instance_pointer.is_empty() {
            "(root)"
        } else {
            &self.instance_pointer
        };
        write!(f, "{at}: {}", self.message)
    }
}

impl std::error::Error for ValidationError {}

/// What to report besides the violations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Also report, as warnings, what the default verdict tolerates: members that no
    /// `properties` or `patternProperties` of their object describes, and `contentEncoding:
    /// base64` strings that do not decode. A strict check treats these warnings as errors.
    pub tolerances: bool,
}

impl Options {
    /// Options that also report tolerances (see [`Options::tolerances`]).
    pub fn with_tolerances() -> Self {
        Options { tolerances: true }
    }
}

/// The outcome of a full validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// Violations: the instance is valid exactly when this is empty.
    pub errors: Vec<ValidationError>,
    /// Tolerances noted when [`Options::tolerances`] is set; they do not make the instance invalid.
    pub warnings: Vec<ValidationError>,
}

impl Report {
    /// Whether the default verdict is "valid".
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// Whether a strict check passes: no errors and no warnings.
    pub fn is_strictly_valid(&self) -> bool {
        self.errors.is_empty() && self.warnings.is_empty()
    }
}
