//! Checking one exchange: route it by URL path to its endpoint, then check its request (body,
//! or gettoken's query string) and its response body against the endpoint's schemas.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;
use serde_json::{Map, Value};
use wecom_rooms::SCHEMAS;
use wecom_rooms_runtime::registry::{RequestIn, SchemaEntry};
use wecom_rooms_runtime::validate::Options;

use super::redact;
use crate::check::{self, Finding};

/// Which half of an exchange a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The request.
    Request,
    /// The response.
    Response,
    /// The capture's entry itself (or the capture, for a file-level problem).
    Entry,
}

/// Which part of a request or response a finding is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// The body: line and column count inside the body's text.
    Body,
    /// The query string (as gettoken's request object, or a missing `access_token`).
    Query,
}

/// One finding of `check-traffic`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrafficFinding {
    /// The request, the response, or the entry.
    pub side: Side,
    /// The body or the query string, when the finding is in one.
    pub part: Option<Part>,
    /// JSON pointer into the body (or the query object); empty for the whole.
    pub pointer: String,
    /// 1-based line inside the body (for an entry finding: inside the capture file).
    pub line: Option<usize>,
    /// 1-based column, in characters, on that line.
    pub column: Option<usize>,
    /// The failing schema keyword, or what else went wrong (`syntax`, `no-response`, …).
    pub keyword: &'static str,
    /// What was expected and found, secrets redacted.
    pub message: String,
}

impl TrafficFinding {
    /// A finding without a place in a body.
    pub fn new(side: Side, part: Option<Part>, keyword: &'static str, message: String) -> Self {
        TrafficFinding {
            side,
            part,
            pointer: String::new(),
            line: None,
            column: None,
            keyword,
            message,
        }
    }
}

/// The verdict on one exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Checked, and no errors.
    Valid,
    /// At least one error.
    Invalid,
    /// No schema describes its path; not checked.
    Unknown,
}

/// A body as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body<'a> {
    /// None was recorded.
    Absent,
    /// Its bytes (decoded from base64 where the capture encoded them).
    Present(Cow<'a, [u8]>),
    /// Recorded in an encoding that cannot be undone; the message says why.
    Undecodable(String),
}

/// One request and its response, as read from a capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange<'a> {
    /// The HTTP method.
    pub method: String,
    /// The URL, with its query string.
    pub url: String,
    /// The request body.
    pub request: Body<'a>,
    /// The response body; `None` when no response was recorded at all.
    pub response: Option<Body<'a>>,
}

/// What `check-traffic` says about one exchange; one line of `--format json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExchangeReport {
    /// The capture file.
    pub file: String,
    /// The entry's 0-based index in the capture; `None` for a problem with the whole capture.
    pub entry: Option<usize>,
    /// The line of the capture the entry is on (JSON Lines only).
    pub capture_line: Option<usize>,
    /// The request's method.
    pub method: String,
    /// The request's URL, secrets redacted.
    pub url: String,
    /// The request schema the exchange was checked against.
    pub request_schema: Option<&'static str>,
    /// The response schema the exchange was checked against.
    pub response_schema: Option<&'static str>,
    /// The verdict.
    pub verdict: Verdict,
    /// Violations.
    pub errors: Vec<TrafficFinding>,
    /// Tolerances of the default verdict.
    pub warnings: Vec<TrafficFinding>,
    /// What could not be checked, and why (errors with `--strict`).
    pub notes: Vec<TrafficFinding>,
}

impl ExchangeReport {
    /// A report of an entry (or capture) that is not an exchange at all.
    pub fn broken(
        file: &str,
        entry: Option<usize>,
        line: Option<usize>,
        finding: TrafficFinding,
    ) -> Self {
        ExchangeReport {
            file: file.to_owned(),
            entry,
            capture_line: line,
            method: String::new(),
            url: String::new(),
            request_schema: None,
            response_schema: None,
            verdict: Verdict::Invalid,
            errors: vec![finding],
            warnings: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// The request schemas with an endpoint, by path, and their response schemas.
static ROUTES: LazyLock<
    HashMap<&'static str, (&'static SchemaEntry, Option<&'static SchemaEntry>)>,
> = LazyLock::new(|| {
    let by_name = |name: &str| SCHEMAS.iter().find(|entry| entry.name == name);
    (SCHEMAS.iter())
        .filter_map(|entry| {
            let endpoint = entry.endpoint?;
            let response = endpoint.response_schema.and_then(by_name);
            Some((endpoint.path, (entry, response)))
        })
        .collect()
});

/// Checks one exchange; `strict` makes warnings and notes errors.
pub fn check(
    file: &str,
    entry: usize,
    line: Option<usize>,
    exchange: &Exchange<'_>,
    strict: bool,
) -> ExchangeReport {
    let (url, mut secrets) = redact::url(&exchange.url);
    let mut report = ExchangeReport {
        file: file.to_owned(),
        entry: Some(entry),
        capture_line: line,
        method: exchange.method.clone(),
        url,
        request_schema: None,
        response_schema: None,
        verdict: Verdict::Valid,
        errors: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
    };
    let parsed = url::Url::parse(&exchange.url).or_else(|error| match error {
        url::ParseError::RelativeUrlWithoutBase => {
            url::Url::parse("http://localhost").and_then(|base| base.join(&exchange.url))
        }
        error => Err(error),
    });
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            let message = format!("the URL cannot be parsed: {error}");
            report
                .errors
                .push(TrafficFinding::new(Side::Entry, None, "entry", message));
            return finish(report, &secrets, strict);
        }
    };
    let Some(&(request, response)) = ROUTES.get(parsed.path()) else {
        let message = format!(
            "no schema describes the path {}; not checked",
            parsed.path()
        );
        report.notes.push(TrafficFinding::new(
            Side::Request,
            None,
            "unknown-endpoint",
            message,
        ));
        report.verdict = Verdict::Unknown;
        return finish(report, &secrets, strict);
    };
    report.request_schema = Some(request.name);
    report.response_schema = response.map(|schema| schema.name);
    let Some(endpoint) = request.endpoint else {
        return finish(report, &secrets, strict);
    };
    if !exchange.method.eq_ignore_ascii_case(endpoint.method) {
        let message = format!("expected {}, found {}", endpoint.method, exchange.method);
        report
            .errors
            .push(TrafficFinding::new(Side::Request, None, "method", message));
    }
    let query: Vec<(String, String)> = (parsed.query_pairs())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    for parameter in endpoint.query.iter().filter(|parameter| parameter.required) {
        let present = query
            .iter()
            .any(|(name, value)| name == parameter.name && !value.is_empty());
        if !present {
            let mut finding = TrafficFinding::new(
                Side::Request,
                Some(Part::Query),
                "required",
                format!("missing query parameter \"{}\"", parameter.name),
            );
            finding.pointer = format!("/{}", parameter.name);
            report.errors.push(finding);
        }
    }
    match endpoint.request_in {
        RequestIn::Query => {
            let object: Map<String, Value> = (query.iter())
                .map(|(name, value)| (name.clone(), Value::String(value.clone())))
                .collect();
            let options = Options::with_tolerances();
            let mut found = (request.validate_with)(&Value::Object(object), options);
            if strict {
                found.errors.append(&mut found.warnings);
            }
            let placed = |errors: Vec<wecom_rooms_runtime::validate::ValidationError>| {
                errors.into_iter().map(|error| TrafficFinding {
                    side: Side::Request,
                    part: Some(Part::Query),
                    pointer: error.instance_pointer,
                    line: None,
                    column: None,
                    keyword: error.keyword,
                    message: error.message,
                })
            };
            report.errors.extend(placed(found.errors));
            report.warnings.extend(placed(found.warnings));
            if matches!(&exchange.request, Body::Present(bytes) if !bytes.is_empty()) {
                let message = format!(
                    "{} takes no request body; the body was not checked",
                    endpoint.path
                );
                report.notes.push(TrafficFinding::new(
                    Side::Request,
                    Some(Part::Body),
                    "unchecked-body",
                    message,
                ));
            }
        }
        _ => body(
            &mut report,
            Side::Request,
            request,
            &exchange.request,
            &mut secrets,
            strict,
        ),
    }
    match (&exchange.response, response) {
        (None, _) => {
            let message = "no response was recorded; only the request was checked".to_owned();
            report.notes.push(TrafficFinding::new(
                Side::Response,
                None,
                "no-response",
                message,
            ));
        }
        (Some(Body::Absent), _) => {
            let message =
                "the response body was not recorded; only the request was checked".to_owned();
            report.notes.push(TrafficFinding::new(
                Side::Response,
                Some(Part::Body),
                "no-response",
                message,
            ));
        }
        (Some(recorded), Some(schema)) => {
            body(
                &mut report,
                Side::Response,
                schema,
                recorded,
                &mut secrets,
                strict,
            );
        }
        (Some(_), None) => {
            let message =
                "the endpoint names no response schema; the response was not checked".to_owned();
            report.notes.push(TrafficFinding::new(
                Side::Response,
                None,
                "no-response",
                message,
            ));
        }
    }
    finish(report, &secrets, strict)
}

fn body(
    report: &mut ExchangeReport,
    side: Side,
    schema: &SchemaEntry,
    recorded: &Body<'_>,
    secrets: &mut Vec<String>,
    strict: bool,
) {
    let bytes = match recorded {
        Body::Present(bytes) => bytes,
        Body::Absent => {
            let message = format!("the {} has no body", side_name(side));
            report.errors.push(TrafficFinding::new(
                side,
                Some(Part::Body),
                "missing-body",
                message,
            ));
            return;
        }
        Body::Undecodable(why) => {
            report.errors.push(TrafficFinding::new(
                side,
                Some(Part::Body),
                "encoding",
                why.clone(),
            ));
            return;
        }
    };
    let checked = check::check(schema, String::new(), bytes, strict);
    if checked.errors.is_empty() && checked.warnings.is_empty() {
        return;
    }
    redact::body_secrets(bytes, secrets);
    let placed = |finding: Finding| TrafficFinding {
        side,
        part: Some(Part::Body),
        pointer: finding.pointer,
        line: Some(finding.line),
        column: Some(finding.column),
        keyword: finding.keyword,
        message: finding.message,
    };
    report.errors.extend(checked.errors.into_iter().map(placed));
    report
        .warnings
        .extend(checked.warnings.into_iter().map(placed));
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Request => "request",
        Side::Response => "response",
        Side::Entry => "entry",
    }
}

fn finish(mut report: ExchangeReport, secrets: &[String], strict: bool) -> ExchangeReport {
    if strict {
        report.errors.append(&mut report.notes);
    }
    if !secrets.is_empty() {
        let findings = (report.errors.iter_mut())
            .chain(report.warnings.iter_mut())
            .chain(report.notes.iter_mut());
        for finding in findings {
            finding.message = redact::message(&finding.message, secrets);
            finding.pointer = redact::message(&finding.pointer, secrets);
        }
    }
    if !report.errors.is_empty() {
        report.verdict = Verdict::Invalid;
    }
    report
}
