//! The whole-document report formats, JUnit XML ([`junit`]) and SARIF 2.1.0 ([`sarif`]), for
//! `validate` and `check-traffic` alike: both commands turn what they found into a
//! [`Document`] of suites and cases, and these writers turn it into text.
//!
//! Unlike the streaming formats, these hold every case until the end: a document's counts and
//! closing tags come after its last case.

pub mod junit;
pub mod sarif;

use std::io::{self, Write};

use serde_json::{Map, Value};

use crate::check::{FileReport, Finding, SYNTAX};
use crate::output::{Expect, Format};

/// How serious an issue is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Fails its case.
    Error,
    /// A tolerance of the default verdict.
    Warning,
    /// Information that does not fail anything.
    Note,
}

impl Level {
    /// The name SARIF and the human output give the level.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// One finding, as the report formats show it.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    /// How serious it is.
    pub level: Level,
    /// The failing keyword (the SARIF rule).
    pub rule: String,
    /// What is wrong, in one line, with where it is inside its body when that is not the file.
    pub message: String,
    /// The file it is in, as given on the command line.
    pub file: String,
    /// The 1-based line and column in the file, when the finding has a place there.
    pub region: Option<(usize, usize)>,
    /// Where it is in logical terms, such as `entries[3].request.body/limit`.
    pub logical: Option<String>,
    /// Further facts (entry, URL, side, pointer, …), carried into SARIF's property bag.
    pub properties: Map<String, Value>,
}

/// One test case: a file of `validate`, an exchange of `check-traffic`.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// The case's name.
    pub name: String,
    /// Its JUnit class name: the schema, or the capture file.
    pub classname: String,
    /// Why it was not checked, when it was not (an unknown endpoint).
    pub skipped: Option<String>,
    /// Its findings; any error fails the case.
    pub issues: Vec<Issue>,
}

impl Case {
    /// Whether an error fails the case.
    pub fn failed(&self) -> bool {
        self.issues.iter().any(|issue| issue.level == Level::Error)
    }
}

/// A named group of cases: JUnit's test suite.
#[derive(Clone, Debug, PartialEq)]
pub struct Suite {
    /// Its name.
    pub name: String,
    /// Its cases, in order.
    pub cases: Vec<Case>,
}

/// Everything one run found, for a whole-document format.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The subcommand that made it (`validate`, `check-traffic`).
    pub command: &'static str,
    /// The suites, in order.
    pub suites: Vec<Suite>,
}

impl Document {
    /// A document with empty suites of these names.
    pub fn new(command: &'static str, suites: impl IntoIterator<Item = String>) -> Self {
        let suites = (suites.into_iter())
            .map(|name| Suite {
                name,
                cases: Vec::new(),
            })
            .collect();
        Document { command, suites }
    }

    /// Adds a case to the suite at `suite`, or to a new last suite past the end.
    pub fn push(&mut self, suite: usize, case: Case) {
        match self.suites.get_mut(suite) {
            Some(suite) => suite.cases.push(case),
            None => self.suites.push(Suite {
                name: case.classname.clone(),
                cases: vec![case],
            }),
        }
    }

    /// Every issue, in order.
    pub fn issues(&self) -> impl Iterator<Item = &Issue> {
        (self.suites.iter())
            .flat_map(|suite| &suite.cases)
            .flat_map(|case| &case.issues)
    }
}

/// Writes `document` in `format` when that is a whole-document format; otherwise nothing.
///
/// # Errors
///
/// When output cannot be written.
pub fn write(format: Format, document: &Document, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Junit => junit::write(document, out),
        Format::Sarif => sarif::write(document, out),
        Format::Human | Format::Json | Format::Github => Ok(()),
    }
}

/// The case of one file checked by `validate`: its errors (notes when the file is expected to
/// be invalid), its warnings, and an error when it is valid but expected not to be.
pub fn file_case(schema: &str, report: &FileReport, expect: Expect) -> Case {
    let error = match expect {
        Expect::Valid => Level::Error,
        Expect::Invalid => Level::Note,
    };
    let mut issues: Vec<Issue> = (report.errors.iter().map(|f| (error, f)))
        .chain(report.warnings.iter().map(|f| (Level::Warning, f)))
        .map(|(level, finding)| file_issue(&report.file, level, finding))
        .collect();
    if !expect.is_met_by(report) && expect == Expect::Invalid {
        issues.push(Issue {
            level: Level::Error,
            rule: "expect".to_owned(),
            message: "the file is valid, but --expect invalid expects every file to fail".into(),
            file: report.file.clone(),
            region: Some((1, 1)),
            logical: None,
            properties: Map::new(),
        });
    }
    Case {
        name: report.file.clone(),
        classname: schema.to_owned(),
        skipped: None,
        issues,
    }
}

fn file_issue(file: &str, level: Level, finding: &Finding) -> Issue {
    let message = if finding.keyword == SYNTAX {
        finding.message.clone()
    } else {
        let at = if finding.pointer.is_empty() {
            "(root)"
        } else {
            &finding.pointer
        };
        format!("{at}: {}", finding.message)
    };
    let mut properties = Map::new();
    properties.insert("pointer".into(), finding.pointer.clone().into());
    Issue {
        level,
        rule: finding.keyword.to_owned(),
        message,
        file: file.to_owned(),
        region: Some((finding.line, finding.column)),
        logical: (finding.keyword != SYNTAX).then(|| finding.pointer.clone()),
        properties,
    }
}
