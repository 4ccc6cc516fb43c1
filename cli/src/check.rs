//! Checking one file: parse, validate, and place every finding at its line and column.

use std::ops::Range;

use serde::Serialize;
use serde_json::Value;
use wecom_rooms_runtime::registry::SchemaEntry;
use wecom_rooms_runtime::validate::{Options, ValidationError};

use crate::position::{LineIndex, SpanTree, floor_char_boundary};

/// The keyword of a finding that the text is not JSON at all.
pub const SYNTAX: &str = "syntax";

/// One error or warning, and where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// JSON pointer to the offending value; empty for the whole document (and for `syntax`).
    pub pointer: String,
    /// 1-based line of the start of the offending value (or of the fault, for `syntax`).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The schema keyword that failed, or `syntax`.
    pub keyword: &'static str,
    /// What was expected and what was found.
    pub message: String,
    /// The failing keyword's place in the schema; empty for `syntax`.
    #[serde(skip)]
    pub schema_location: &'static str,
    /// Byte range of the offending value in the file, empty at a syntax fault.
    #[serde(skip)]
    pub span: Range<usize>,
}

/// The outcome of checking one file; serialises to one line of `--format json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// The file's path, or `<bundled>/…` for a bundled example.
    pub file: String,
    /// Whether there are no errors (after `--strict` has made warnings errors).
    pub valid: bool,
    /// Violations, in the order they appear in the file.
    pub errors: Vec<Finding>,
    /// Tolerances of the default verdict, in the order they appear in the file.
    pub warnings: Vec<Finding>,
}

/// Checks the bytes of one file against `schema`.
///
/// Text that is not JSON fails with a single `syntax` error at the fault, including a UTF-8
/// byte order mark: RFC 8259 forbids sending one, and serde_json, which the typed API
/// deserialises with, rejects it, so a fixture that starts with one would not load.
pub fn check(schema: &SchemaEntry, file: String, bytes: &[u8], strict: bool) -> FileReport {
    // Most files are valid: their typed decode says so without a `Value`, and only a file it
    // cannot vouch for is parsed and validated in full.
    if schema.is_exact.is_some_and(|is_exact| is_exact(bytes)) {
        return FileReport {
            file,
            valid: true,
            errors: Vec::new(),
            warnings: Vec::new(),
        };
    }
    let (errors, warnings) = match parse(bytes) {
        Ok((text, value)) => findings(schema, text, &value, strict),
        Err(fault) => (vec![fault], Vec::new()),
    };
    FileReport {
        file,
        valid: errors.is_empty(),
        errors,
        warnings,
    }
}

fn parse(bytes: &[u8]) -> Result<(&str, Value), Finding> {
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let at = error.valid_up_to();
        // Everything before the first bad byte is valid, so its position can be counted.
        let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let message = match error.error_len() {
            Some(_) => format!(
                "invalid UTF-8 sequence starting with byte 0x{:02x}",
                bytes[at]
            ),
            None => "incomplete UTF-8 sequence at the end of the file".to_owned(),
        };
        syntax_error(before, at, message)
    })?;
    if text.starts_with('\u{feff}') {
        let message = "unexpected byte order mark (U+FEFF): JSON text must not start with one";
        return Err(syntax_error(text, 0, message.to_owned()));
    }
    match serde_json::from_str(text) {
        Ok(value) => Ok((text, value)),
        Err(error) => Err(serde_fault(text, &error)),
    }
}

/// Places a serde_json error, whose column is a 1-based byte column of the offending byte.
fn serde_fault(text: &str, error: &serde_json::Error) -> Finding {
    let at = if error.is_eof() {
        // The text stops short: point just past its last token, not at trailing whitespace.
        text.trim_end_matches([' ', '\t', '\n', '\r']).len()
    } else {
        let line_start = LineIndex::new(text).line_start(error.line());
        floor_char_boundary(text, line_start + error.column().saturating_sub(1))
    };
    // serde_json appends a position in bytes; ours replaces it.
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
    syntax_error(text, at, message)
}

fn syntax_error(text: &str, at: usize, message: String) -> Finding {
    let position = LineIndex::new(text).line_column(at);
    Finding {
        pointer: String::new(),
        line: position.line,
        column: position.column,
        keyword: SYNTAX,
        message,
        schema_location: "",
        span: at..at,
    }
}

fn findings(
    schema: &SchemaEntry,
    text: &str,
    value: &Value,
    strict: bool,
) -> (Vec<Finding>, Vec<Finding>) {
    let mut report = (schema.validate_with)(value, Options::with_tolerances());
    if strict {
        report.errors.append(&mut report.warnings);
    }
    if report.errors.is_empty() && report.warnings.is_empty() {
        return (Vec::new(), Vec::new());
    }
    // Only now is there something to place, so only now is the span tree worth building.
    let tree = SpanTree::parse(text);
    let lines = LineIndex::new(text);
    let place = |found: Vec<ValidationError>| {
        let mut placed: Vec<Finding> = found
            .into_iter()
            .map(|error| {
                let span = match &tree {
                    Some(tree) => tree.span(&error.instance_pointer),
                    // serde_json accepted the text, so this does not happen; if the span parser
                    // ever disagrees, the document's start is still a place in the file.
                    None => document_start(text)..document_start(text),
                };
                let position = lines.line_column(span.start);
                Finding {
                    pointer: error.instance_pointer,
                    line: position.line,
                    column: position.column,
                    keyword: error.keyword,
                    message: error.message,
                    schema_location: error.schema_location,
                    span,
                }
            })
            .collect();
        // Stable, so findings at one place keep the validator's order.
        placed.sort_by_key(|finding| finding.span.start);
        placed
    };
    (place(report.errors), place(report.warnings))
}

fn document_start(text: &str) -> usize {
    text.len() - text.trim_start_matches([' ', '\t', '\n', '\r']).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response() -> &'static SchemaEntry {
        wecom_rooms::SCHEMAS
            .iter()
            .find(|entry| entry.name == "meeting/rooms/get_info/response")
            .expect("the response schema")
    }

    fn fault(bytes: &[u8]) -> (usize, usize, String) {
        let report = check(response(), "f".into(), bytes, false);
        assert!(!report.valid);
        let [error] = report.errors.as_slice() else {
            panic!("one error expected: {:?}", report.errors)
        };
        assert_eq!(error.keyword, SYNTAX);
        (error.line, error.column, error.message.clone())
    }

    fn place(bytes: &[u8]) -> (usize, usize) {
        let (line, column, _) = fault(bytes);
        (line, column)
    }

    #[test]
    fn syntax_faults_are_placed_in_characters() {
        assert_eq!(place(b"{\"a\": x}"), (1, 7));
        let (line, column, message) = fault("{\n \"城\": \"市\", x}".as_bytes());
        assert_eq!((line, column), (2, 12));
        assert_eq!(message, "key must be a string");
        assert_eq!(place(b"{} x"), (1, 4));
    }

    #[test]
    fn end_of_input_points_past_the_last_token() {
        assert_eq!(place(b""), (1, 1));
        assert_eq!(place(b" \n\n"), (1, 1));
        let (line, column, message) = fault(b"{\n  \"errcode\": \n\n");
        assert_eq!((line, column), (2, 13));
        assert_eq!(message, "EOF while parsing a value");
    }

    #[test]
    fn invalid_utf8_is_placed_at_the_first_bad_byte() {
        let (line, column, message) = fault(b"{\n\"errmsg\": \"\xc3\xa9\xff\"}");
        assert_eq!((line, column), (2, 13));
        assert_eq!(message, "invalid UTF-8 sequence starting with byte 0xff");
        let (line, column, message) =
            fault(&[b"[\"".as_slice(), "会".as_bytes(), b"\xe8\xae"].concat());
        assert_eq!((line, column), (1, 4));
        assert_eq!(message, "incomplete UTF-8 sequence at the end of the file");
    }

    #[test]
    fn a_byte_order_mark_is_refused() {
        let (line, column, _) = fault(b"\xef\xbb\xbf{}");
        assert_eq!((line, column), (1, 1));
    }
}
