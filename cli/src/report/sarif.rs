//! SARIF 2.1.0, as GitHub code scanning reads it: one run of the `wecom-rooms` tool, one rule
//! per keyword that found something, one result per issue. Columns count Unicode code points
//! (`columnKind: unicodeCodePoints`), as the checker's do. serde_json writes and escapes it.

use std::collections::BTreeMap;
use std::io::{self, Write};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Value, json};

use super::{Document, Issue};

/// The schema the document names.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// What a relative URI reference cannot carry as it is: `%`, which starts an escape, `?` and
/// `#`, which end the path, and what RFC 3986 does not allow anywhere. Non-ASCII is always
/// encoded.
const URI_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Writes `document` as one SARIF 2.1.0 log, followed by a newline.
///
/// # Errors
///
/// When output cannot be written.
pub fn write(document: &Document, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(document))?;
    out.write_all(b"\n")
}

/// The SARIF log of `document`.
pub fn log(document: &Document) -> Value {
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    for issue in document.issues() {
        rules.entry(&issue.rule).or_default();
    }
    for (index, slot) in rules.values_mut().enumerate() {
        *slot = index;
    }
    let results: Vec<Value> = (document.issues())
        .map(|issue| result(issue, rules.get(issue.rule.as_str()).copied().unwrap_or(0)))
        .collect();
    let rules: Vec<Value> = (rules.keys())
        .map(|rule| {
            json!({
                "id": rule,
                "name": rule,
                "shortDescription": { "text": describe_rule(rule) },
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "wecom-rooms",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "automationDetails": { "id": format!("wecom-rooms/{}/", document.command) },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn result(issue: &Issue, rule_index: usize) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": uri(&issue.file) } });
    if let Some((line, column)) = issue.region {
        physical["region"] = json!({ "startLine": line, "startColumn": column });
    }
    let mut location = json!({ "physicalLocation": physical });
    if let Some(logical) = &issue.logical {
        location["logicalLocations"] = json!([{ "fullyQualifiedName": logical }]);
    }
    let mut result = json!({
        "ruleId": issue.rule,
        "ruleIndex": rule_index,
        "level": issue.level.as_str(),
        "message": { "text": issue.message },
        "locations": [location],
    });
    if !issue.properties.is_empty() {
        result["properties"] = Value::Object(issue.properties.clone());
    }
    result
}

/// A file path as a URI reference: `/` separators, the rest percent-encoded.
pub fn uri(path: &str) -> String {
    utf8_percent_encode(&path.replace('\\', "/"), URI_ESCAPES).to_string()
}

fn describe_rule(rule: &str) -> String {
    match rule {
        "syntax" => "The text is not JSON".to_owned(),
        "expect" => "The file is valid, but was expected to fail".to_owned(),
        "unknown-endpoint" => "No schema describes the exchange's URL path".to_owned(),
        "no-response" => "The exchange has no recorded response body".to_owned(),
        "missing-body" => "The request has no body".to_owned(),
        "encoding" => "The body's encoding cannot be undone".to_owned(),
        "method" => "The request uses another HTTP method than its endpoint".to_owned(),
        "entry" => "The capture's entry is not an exchange".to_owned(),
        "capture" => "The capture cannot be read as HAR or JSON Lines".to_owned(),
        keyword => format!("The schema keyword `{keyword}` is not met"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("a b/c#d%?.json"), "a%20b/c%23d%25%3F.json");
        assert_eq!(uri("dir\\会.har"), "dir/%E4%BC%9A.har");
    }
}
