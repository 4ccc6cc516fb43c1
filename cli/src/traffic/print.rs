//! `check-traffic`'s output: each exchange for people, as JSON Lines or as GitHub annotations,
//! and as a case of the whole-document formats.

use std::io::{self, Write};

use serde_json::{Map, Value};

use super::exchange::{ExchangeReport, Part, Side, TrafficFinding, Verdict};
use crate::output::{Format, escape_data, escape_property};
use crate::report::{Case, Issue, Level};

/// A report's findings with their levels, errors first.
fn findings(report: &ExchangeReport) -> impl Iterator<Item = (Level, &TrafficFinding)> {
    (report.errors.iter().map(|f| (Level::Error, f)))
        .chain(report.warnings.iter().map(|f| (Level::Warning, f)))
        .chain(report.notes.iter().map(|f| (Level::Note, f)))
}

/// What the report is about: `entry 3 (line 4): POST <url>`, or `the capture`.
pub fn title(report: &ExchangeReport) -> String {
    let Some(entry) = report.entry else {
        return "the capture".to_owned();
    };
    let mut title = format!("entry {entry}");
    if let Some(line) = report.capture_line {
        title += &format!(" (line {line})");
    }
    if !report.method.is_empty() || !report.url.is_empty() {
        title += &format!(": {} {}", report.method, report.url);
    }
    title
}

/// Where a finding is: `request body 3:12 at /limit`, `request query at /corpid`, `response`.
pub fn place(finding: &TrafficFinding) -> String {
    let mut place = match finding.side {
        Side::Request => "request",
        Side::Response => "response",
        Side::Entry => "entry",
    }
    .to_owned();
    match finding.part {
        Some(Part::Body) => place += " body",
        Some(Part::Query) => place += " query",
        None => {}
    }
    if let (Some(line), Some(column)) = (finding.line, finding.column) {
        place += &format!(" {line}:{column}");
    }
    if !finding.pointer.is_empty() {
        place += &format!(" at {}", finding.pointer);
    }
    place
}

/// Prints one exchange's report in a streaming format.
///
/// # Errors
///
/// When output cannot be written.
pub fn print(
    format: Format,
    color: bool,
    report: &ExchangeReport,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human(color, report, out),
        Format::Json => {
            serde_json::to_writer(&mut *out, report)?;
            out.write_all(b"\n")
        }
        Format::Github => github(report, out),
        Format::Junit | Format::Sarif => Ok(()),
    }
}

fn human(color: bool, report: &ExchangeReport, out: &mut dyn Write) -> io::Result<()> {
    if report.errors.is_empty() && report.warnings.is_empty() && report.notes.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}: {}", report.file, title(report))?;
    for (level, finding) in findings(report) {
        let (start, end) = match (color, level) {
            (false, _) => ("", ""),
            (true, Level::Error) => ("\u{1b}[1;31m", "\u{1b}[0m"),
            (true, Level::Warning) => ("\u{1b}[1;33m", "\u{1b}[0m"),
            (true, Level::Note) => ("\u{1b}[1;36m", "\u{1b}[0m"),
        };
        writeln!(
            out,
            "  {start}{}[{}]{end} {}: {}",
            level.as_str(),
            finding.keyword,
            place(finding),
            finding.message
        )?;
    }
    Ok(())
}

/// The place in the capture file GitHub and SARIF get: an entry finding's own place in the
/// file, else the entry's line (JSON Lines).
fn region(report: &ExchangeReport, finding: &TrafficFinding) -> Option<(usize, usize)> {
    match (finding.side, finding.line, finding.column) {
        (Side::Entry, Some(line), Some(column)) => Some((line, column)),
        _ => report.capture_line.map(|line| (line, 1)),
    }
}

fn github(report: &ExchangeReport, out: &mut dyn Write) -> io::Result<()> {
    for (level, finding) in findings(report) {
        let level = match level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        };
        let at = match region(report, finding) {
            Some((line, column)) => format!(",line={line},col={column}"),
            None => String::new(),
        };
        let message = format!("{}: {}: {}", title(report), place(finding), finding.message);
        writeln!(
            out,
            "::{level} file={}{at},title={}::{}",
            escape_property(&report.file),
            escape_property(&format!("wecom-rooms {}", finding.keyword)),
            escape_data(&message),
        )?;
    }
    Ok(())
}

/// The report as a test case: named by its title, in the suite of its capture file.
pub fn case(report: &ExchangeReport) -> Case {
    let issues = findings(report)
        .map(|(level, finding)| issue(report, level, finding))
        .collect();
    let skipped = (report.verdict == Verdict::Unknown).then(|| {
        report
            .notes
            .first()
            .map(|note| note.message.clone())
            .unwrap_or_default()
    });
    Case {
        name: title(report),
        classname: report.file.clone(),
        skipped,
        issues,
    }
}

fn issue(report: &ExchangeReport, level: Level, finding: &TrafficFinding) -> Issue {
    let mut properties = Map::new();
    let mut set = |key: &str, value: Value| {
        if !value.is_null() {
            properties.insert(key.to_owned(), value);
        }
    };
    set("entry", report.entry.into());
    set("captureLine", report.capture_line.into());
    set("method", Value::from(report.method.as_str()));
    set("url", Value::from(report.url.as_str()));
    set(
        "side",
        serde_json::to_value(finding.side).unwrap_or_default(),
    );
    set(
        "part",
        serde_json::to_value(finding.part).unwrap_or_default(),
    );
    set("pointer", Value::from(finding.pointer.as_str()));
    set("bodyLine", finding.line.into());
    set("bodyColumn", finding.column.into());
    let logical = report.entry.map(|entry| {
        let side = serde_json::to_value(finding.side).unwrap_or_default();
        let mut logical = format!("entries[{entry}].{}", side.as_str().unwrap_or_default());
        if let Some(part) = serde_json::to_value(finding.part)
            .ok()
            .as_ref()
            .and_then(Value::as_str)
        {
            logical = format!("{logical}.{part}");
        }
        logical + &finding.pointer
    });
    Issue {
        level,
        rule: finding.keyword.to_owned(),
        message: format!("{}: {}: {}", title(report), place(finding), finding.message),
        file: report.file.clone(),
        region: region(report, finding),
        logical,
        properties,
    }
}
