//! The log: one structured event per finding (tracing, text or JSON on standard error), with
//! the endpoint, direction, instance pointer, keyword and message, secrets redacted.

use crate::traffic::exchange::{ExchangeReport, Side, TrafficFinding};
use crate::traffic::redact;

use super::LogFormat;
use super::metrics::Metrics;

/// Writes the log to standard error; a subscriber already set (a test's) is kept.
pub(super) fn init(format: LogFormat) {
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// The `direction` of a finding.
pub(super) fn direction(side: Side) -> &'static str {
    match side {
        Side::Request => "request",
        Side::Response => "response",
        Side::Entry => "exchange",
    }
}

/// Logs every finding of `report` and counts its errors as violations of `endpoint`.
/// `secrets` are values (of `Secret` members deeper than the report redacts) that no message
/// may show.
pub(super) fn log(
    report: &ExchangeReport,
    endpoint: &'static str,
    metrics: &Metrics,
    secrets: &[String],
) {
    let scrub = |finding: &TrafficFinding| {
        if secrets.is_empty() {
            (finding.pointer.clone(), finding.message.clone())
        } else {
            (
                redact::message(&finding.pointer, secrets),
                redact::message(&finding.message, secrets),
            )
        }
    };
    for finding in &report.errors {
        metrics.violation(endpoint, direction(finding.side), finding.keyword);
        let (pointer, message) = scrub(finding);
        tracing::warn!(
            finding = "violation",
            endpoint,
            direction = direction(finding.side),
            pointer,
            keyword = finding.keyword,
            method = report.method,
            url = report.url,
            "{message}"
        );
    }
    for (kind, findings) in [
        ("tolerance", &report.warnings),
        ("unchecked", &report.notes),
    ] {
        for finding in findings {
            let (pointer, message) = scrub(finding);
            tracing::info!(
                finding = kind,
                endpoint,
                direction = direction(finding.side),
                pointer,
                keyword = finding.keyword,
                method = report.method,
                url = report.url,
                "{message}"
            );
        }
    }
}
