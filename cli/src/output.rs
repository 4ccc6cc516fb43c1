//! The three streaming ways of printing a file's findings: for people, as JSON Lines, and as
//! GitHub Actions annotations. The whole-document formats are in the `report` module.

use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label, Severity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, termcolor::Ansi};

use crate::check::{FileReport, Finding, SYNTAX};

/// How findings are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Each finding with its source line and a caret, and a summary on stderr.
    #[default]
    Human,
    /// One JSON object per file, one per line (JSON Lines).
    Json,
    /// GitHub Actions workflow commands, which become annotations on the files.
    Github,
    /// JUnit XML, one test case per file (or exchange), written when every file is checked.
    Junit,
    /// SARIF 2.1.0 (GitHub code scanning), written when every file is checked.
    Sarif,
}

/// The verdict every file is expected to get.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Expect {
    /// Every file passes (recorded payloads).
    #[default]
    Valid,
    /// Every file fails (negative fixtures); their errors are then shown as notes.
    Invalid,
}

impl Expect {
    /// Whether a file with this report meets the expectation.
    pub fn is_met_by(self, report: &FileReport) -> bool {
        report.valid == (self == Expect::Valid)
    }
}

/// Prints reports in one format.
#[derive(Clone, Copy, Debug)]
pub struct Printer {
    /// The format.
    pub format: Format,
    /// Whether human output gets ANSI colours.
    pub color: bool,
    /// The expected verdict: the errors of a file expected to fail are notes, not errors.
    pub expect: Expect,
}

impl Printer {
    /// Prints what there is to say about one file; `bytes` is its content.
    pub fn print(&self, report: &FileReport, bytes: &[u8], out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            Format::Human => self.human(report, bytes, out),
            Format::Json => {
                serde_json::to_writer(&mut *out, report)?;
                out.write_all(b"\n")
            }
            Format::Github => self.github(report, out),
            // Whole documents: written by `crate::report` once every file is checked.
            Format::Junit | Format::Sarif => Ok(()),
        }
    }

    fn human(&self, report: &FileReport, bytes: &[u8], out: &mut dyn Write) -> io::Result<()> {
        let met = self.expect.is_met_by(report);
        if report.errors.is_empty() && report.warnings.is_empty() && met {
            return Ok(());
        }
        // Invalid UTF-8 becomes U+FFFD, but only after the first bad byte, where the
        // one syntax error of such a file points, so its offset still holds.
        let mut source = String::from_utf8_lossy(bytes);
        if let Some(rest) = source.strip_prefix('\u{feff}') {
            // A byte order mark is invisible, and so would its caret be; U+FFFD has the same
            // length in UTF-8, so every offset still holds.
            source = format!("\u{fffd}{rest}").into();
        }
        let file = SimpleFile::new(report.file.as_str(), source.as_ref());
        let error = match self.expect {
            Expect::Valid => Severity::Error,
            Expect::Invalid => Severity::Note,
        };
        let mut diagnostics: Vec<Diagnostic<()>> = report
            .errors
            .iter()
            .map(|finding| diagnostic(finding, error, &source))
            .chain((report.warnings.iter()).map(|f| diagnostic(f, Severity::Warning, &source)))
            .collect();
        if !met && self.expect == Expect::Invalid {
            diagnostics.push(Diagnostic::error().with_message(format!(
                "{} is valid, but --expect invalid expects every file to fail",
                report.file
            )));
        }
        let config = Config::default();
        let mut rendered = Vec::new();
        for diagnostic in &diagnostics {
            let emitted = if self.color {
                term::emit_to_write_style(&mut Ansi::new(&mut rendered), &config, &file, diagnostic)
            } else {
                term::emit_to_io_write(&mut rendered, &config, &file, diagnostic)
            };
            emitted.map_err(io::Error::other)?;
        }
        out.write_all(&rendered)
    }

    fn github(&self, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        let error = match self.expect {
            Expect::Valid => "error",
            Expect::Invalid => "notice",
        };
        let findings = (report.errors.iter().map(|finding| (error, finding)))
            .chain(report.warnings.iter().map(|finding| ("warning", finding)));
        for (level, finding) in findings {
            let message = if finding.keyword == SYNTAX {
                finding.message.clone()
            } else {
                format!("{}: {}", shown_pointer(&finding.pointer), finding.message)
            };
            writeln!(
                out,
                "::{level} file={},line={},col={},title={}::{}",
                escape_property(&report.file),
                finding.line,
                finding.column,
                escape_property(&format!("wecom-rooms {}", finding.keyword)),
                escape_data(&message),
            )?;
        }
        if !self.expect.is_met_by(report) && self.expect == Expect::Invalid {
            writeln!(
                out,
                "::error file={},line=1,col=1,title={}::{}",
                escape_property(&report.file),
                escape_property("wecom-rooms --expect invalid"),
                escape_data("the file is valid, but --expect invalid expects every file to fail"),
            )?;
        }
        Ok(())
    }
}

fn diagnostic(finding: &Finding, severity: Severity, source: &str) -> Diagnostic<()> {
    let label = if finding.keyword == SYNTAX {
        "here".to_owned()
    } else {
        format!("at {}", shown_pointer(&finding.pointer))
    };
    let diagnostic = Diagnostic::new(severity)
        .with_code(finding.keyword)
        .with_message(&finding.message)
        .with_label(Label::primary((), caret(source, &finding.span)).with_message(label));
    if finding.schema_location.is_empty() {
        diagnostic
    } else {
        // Tells apart findings that read alike but come from different parts of the schema.
        diagnostic.with_note(format!("schema: {}", finding.schema_location))
    }
}

/// What to underline: a scalar on one line whole; otherwise, so that an object or array does
/// not drag its whole body into the snippet, the first character.
fn caret(source: &str, span: &Range<usize>) -> Range<usize> {
    let start = span.start.min(source.len());
    let rest = &source[start..];
    let end = span.end.clamp(start, source.len());
    let scalar = !rest.starts_with(['{', '[']);
    if end > start && scalar && !source[start..end].contains('\n') {
        start..end
    } else {
        start..start + rest.chars().next().map_or(0, char::len_utf8)
    }
}

fn shown_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    }
}

/// Escapes a workflow command's message, as GitHub's own toolkit does.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value, which also ends at `:` or `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn carets_cover_scalars_and_open_containers() {
        let text = "{\"a\": \"xyz\", \"b\": [1,\n2]}";
        let string = text.find("\"xyz\"").unwrap();
        assert_eq!(&text[caret(text, &(string..string + 5))], "\"xyz\"");
        let array = text.find('[').unwrap();
        assert_eq!(&text[caret(text, &(array..text.len() - 1))], "[");
        assert_eq!(&text[caret(text, &(0..text.len()))], "{");
        assert_eq!(
            caret(text, &(text.len()..text.len())),
            text.len()..text.len()
        );
        assert_eq!(&"é"[caret("é", &(0..0))], "é");
    }
}
