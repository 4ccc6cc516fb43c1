//! Checking one exchange: route it by URL path to its endpoint, then check its request (body,
//! or gettoken's query string) and its response body against the endpoint's schemas.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};
use wecom_rooms_runtime::registry::{RequestIn, SchemaEntry};
use wecom_rooms_runtime::validate::Options;

use super::redact;
use crate::check::{self, Finding};
use crate::route::route;

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

/// Checks one exchange; `strict` makes warnings and notes errors.
pub fn check(
    file: &str,
    entry: usize,
    line: Option<usize>,
    exchange: &Exchange<'_>,
    strict: bool,
) -> ExchangeReport {
    let where_ = (file, Some(entry), line);
    let checking = Checking::request(
        where_,
        &exchange.method,
        &exchange.url,
        &exchange.request,
        strict,
    );
    checking.response(exchange.response.as_ref())
}

/// An exchange half checked: its request, and what its response is to be checked against.
/// `proxy` checks a request before the answer exists; `check-traffic` checks both at once.
#[derive(Debug)]
pub struct Checking {
    report: ExchangeReport,
    secrets: Vec<String>,
    /// The response schema, once the request was routed to an endpoint that names one.
    response: Option<&'static SchemaEntry>,
    /// Whether the request reached an endpoint, so that its response is worth checking.
    routed: bool,
    strict: bool,
}

impl Checking {
    /// Checks a request (method, URL with its query string, body) at `(file, entry, line)`.
    pub fn request(
        (file, entry, line): (&str, Option<usize>, Option<usize>),
        method: &str,
        raw_url: &str,
        body: &Body<'_>,
        strict: bool,
    ) -> Self {
        let (url, secrets) = redact::url(raw_url);
        let report = ExchangeReport {
            file: file.to_owned(),
            entry,
            capture_line: line,
            method: method.to_owned(),
            url,
            request_schema: None,
            response_schema: None,
            verdict: Verdict::Valid,
            errors: Vec::new(),
            warnings: Vec::new(),
            notes: Vec::new(),
        };
        let mut checking = Checking {
            report,
            secrets,
            response: None,
            routed: false,
            strict,
        };
        checking.check_request(method, raw_url, body);
        checking
    }

    /// Whether the request broke its schema (or its endpoint's method or query).
    pub fn request_is_invalid(&self) -> bool {
        !self.report.errors.is_empty()
    }

    /// Checks the response, `None` when none was recorded, and gives the report.
    pub fn response(mut self, recorded: Option<&Body<'_>>) -> ExchangeReport {
        if self.routed {
            self.check_response(recorded);
        }
        self.finish()
    }

    /// The report without a response check (a request that was never answered).
    pub fn finish(self) -> ExchangeReport {
        finish(self.report, &self.secrets, self.strict)
    }

    fn check_request(&mut self, method: &str, raw_url: &str, body_: &Body<'_>) {
        let (report, strict) = (&mut self.report, self.strict);
        let parsed = url::Url::parse(raw_url).or_else(|error| match error {
            url::ParseError::RelativeUrlWithoutBase => {
                url::Url::parse("http://localhost").and_then(|base| base.join(raw_url))
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
                return;
            }
        };
        let Some(route) = route(parsed.path()) else {
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
            return;
        };
        let (request, endpoint) = (route.request, &route.endpoint);
        report.request_schema = Some(request.name);
        report.response_schema = Some(route.response.name);
        self.response = Some(route.response);
        self.routed = true;
        if !method.eq_ignore_ascii_case(endpoint.method) {
            let message = format!("expected {}, found {}", endpoint.method, method);
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
                if matches!(body_, Body::Present(bytes) if !bytes.is_empty()) {
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
                report,
                Side::Request,
                request,
                body_,
                &mut self.secrets,
                strict,
            ),
        }
    }

    fn check_response(&mut self, recorded: Option<&Body<'_>>) {
        let report = &mut self.report;
        match (recorded, self.response) {
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
                    report,
                    Side::Response,
                    schema,
                    recorded,
                    &mut self.secrets,
                    self.strict,
                );
            }
            (Some(_), None) => {
                let message = "the endpoint names no response schema; the response was not checked"
                    .to_owned();
                report.notes.push(TrafficFinding::new(
                    Side::Response,
                    None,
                    "no-response",
                    message,
                ));
            }
        }
    }
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
    // A secret the proxy's recorder replaced breaks its pattern now; it was checked live.
    let redacted = redact::redacted_pointers(bytes);
    let kept = |finding: &Finding| !redacted.contains(&finding.pointer);
    let placed = |finding: Finding| TrafficFinding {
        side,
        part: Some(Part::Body),
        pointer: finding.pointer,
        line: Some(finding.line),
        column: Some(finding.column),
        keyword: finding.keyword,
        message: finding.message,
    };
    report
        .errors
        .extend(checked.errors.into_iter().filter(kept).map(placed));
    report
        .warnings
        .extend(checked.warnings.into_iter().filter(kept).map(placed));
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
