//! JUnit XML, in the shape GitLab, Jenkins and Azure Pipelines read: `<testsuites>` holding one
//! `<testsuite>` per suite and one `<testcase>` per case. A case with errors gets one
//! `<failure>` listing them; an unchecked case gets `<skipped>`; warnings and notes go to the
//! case's `<system-out>`. quick-xml writes the markup and escapes every text and attribute.

use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesStart, BytesText, Event};

use super::{Case, Document, Issue, Level};

/// Writes `document` as JUnit XML.
///
/// # Errors
///
/// When output cannot be written.
pub fn write(document: &Document, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = Writer::new_with_indent(&mut *out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let cases = document.suites.iter().flat_map(|suite| &suite.cases);
    let name = format!("wecom-rooms {}", document.command);
    let all = element("testsuites", &counts(&name, cases));
    writer.write_event(Event::Start(all.borrow()))?;
    for suite in &document.suites {
        let start = element("testsuite", &counts(&suite.name, suite.cases.iter()));
        writer.write_event(Event::Start(start.borrow()))?;
        for case in &suite.cases {
            testcase(&mut writer, case)?;
        }
        writer.write_event(Event::End(start.to_end()))?;
    }
    writer.write_event(Event::End(all.to_end()))?;
    drop(writer);
    out.write_all(b"\n")
}

/// A start tag with these attributes, their values escaped by quick-xml.
fn element(name: &'static str, attributes: &[(&str, String)]) -> BytesStart<'static> {
    let mut start = BytesStart::new(name);
    for (key, value) in attributes {
        start.push_attribute((*key, xml_safe(value).as_str()));
    }
    start
}

fn counts<'a>(name: &str, cases: impl Iterator<Item = &'a Case>) -> Vec<(&'static str, String)> {
    let (mut tests, mut failures, mut skipped) = (0, 0, 0);
    for case in cases {
        tests += 1;
        if case.failed() {
            failures += 1;
        } else if case.skipped.is_some() {
            skipped += 1;
        }
    }
    vec![
        ("name", name.to_owned()),
        ("tests", tests.to_string()),
        ("failures", failures.to_string()),
        ("errors", "0".to_owned()),
        ("skipped", skipped.to_string()),
    ]
}

fn text<W: Write>(writer: &mut Writer<W>, start: BytesStart<'_>, body: &str) -> io::Result<()> {
    writer.write_event(Event::Start(start.borrow()))?;
    writer.write_event(Event::Text(BytesText::new(&xml_safe(body))))?;
    writer.write_event(Event::End(start.to_end()))
}

fn testcase<W: Write>(writer: &mut Writer<W>, case: &Case) -> io::Result<()> {
    let start = element(
        "testcase",
        &[
            ("name", case.name.clone()),
            ("classname", case.classname.clone()),
        ],
    );
    let errors: Vec<&Issue> = (case.issues.iter())
        .filter(|issue| issue.level == Level::Error)
        .collect();
    let others: Vec<&Issue> = (case.issues.iter())
        .filter(|issue| issue.level != Level::Error)
        .collect();
    if errors.is_empty() && others.is_empty() && case.skipped.is_none() {
        return writer.write_event(Event::Empty(start));
    }
    writer.write_event(Event::Start(start.borrow()))?;
    if let Some(first) = errors.first() {
        let message = format!(
            "{} error{}, first: {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            first.message
        );
        let failure = element(
            "failure",
            &[("message", message), ("type", first.rule.clone())],
        );
        text(writer, failure, &lines(&errors))?;
    } else if let Some(reason) = &case.skipped {
        writer.write_event(Event::Empty(element(
            "skipped",
            &[("message", reason.clone())],
        )))?;
    }
    if !others.is_empty() {
        text(writer, BytesStart::new("system-out"), &lines(&others))?;
    }
    writer.write_event(Event::End(start.to_end()))
}

/// One line per issue: `level[rule] file:line:column: message`.
fn lines(issues: &[&Issue]) -> String {
    let mut text = String::new();
    for issue in issues {
        let place = match issue.region {
            Some((line, column)) => format!("{}:{line}:{column}", issue.file),
            None => issue.file.clone(),
        };
        text += &format!(
            "{}[{}] {place}: {}\n",
            issue.level.as_str(),
            issue.rule,
            issue.message
        );
    }
    text
}

/// Replaces what XML 1.0 cannot carry even escaped (control characters other than tab, line
/// feed and carriage return, and U+FFFE, U+FFFF) with its `\u{…}` spelling; quick-xml escapes
/// the rest.
pub fn xml_safe(text: &str) -> String {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}'))
    };
    if text.chars().all(allowed) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if allowed(c) {
                c.to_string()
            } else {
                format!("\\u{{{:x}}}", c as u32)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_cannot_carry_are_spelled_out() {
        assert_eq!(xml_safe("a\u{1}b\tc\u{ffff}"), "a\\u{1}b\tc\\u{ffff}");
        assert_eq!(xml_safe("<&>\"'"), "<&>\"'");
    }
}
