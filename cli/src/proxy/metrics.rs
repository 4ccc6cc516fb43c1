//! The proxy's Prometheus metrics: requests, violations, blocked requests, upstream errors,
//! and the latency of the upstream and the latency the proxy adds.

use std::fmt;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The endpoint label of a request no schema routes (its path is not used as a label, so that
/// arbitrary paths cannot grow the metrics without bound).
pub(super) const UNROUTED: &str = "unrouted";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabel {
    endpoint: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ViolationLabels {
    endpoint: &'static str,
    direction: &'static str,
    keyword: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UpstreamErrorLabels {
    endpoint: &'static str,
    kind: &'static str,
}

/// Every metric, and the registry that writes them out.
pub(super) struct Metrics {
    registry: Registry,
    requests: Family<EndpointLabel, Counter>,
    violations: Family<ViolationLabels, Counter>,
    blocked: Family<EndpointLabel, Counter>,
    upstream_errors: Family<UpstreamErrorLabels, Counter>,
    records_dropped: Counter,
    upstream_seconds: Family<EndpointLabel, Histogram>,
    added_seconds: Histogram,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("wecom_rooms_proxy");
        let requests = Family::default();
        registry.register(
            "requests",
            "Requests received, by endpoint (`unrouted` for paths no schema describes)",
            requests.clone(),
        );
        let violations = Family::default();
        registry.register(
            "violations",
            "Schema violations found, by endpoint, direction (request or response) and keyword",
            violations.clone(),
        );
        let blocked = Family::default();
        registry.register(
            "blocked",
            "Requests answered locally with errcode 40058 by --mode enforce, never forwarded",
            blocked.clone(),
        );
        let upstream_errors = Family::default();
        registry.register(
            "upstream_errors",
            "Exchanges the upstream did not complete, by endpoint and kind (connect, timeout, \
             dropped, too_large)",
            upstream_errors.clone(),
        );
        let records_dropped = Counter::default();
        registry.register(
            "records_dropped",
            "Exchanges left out of --record because the writer fell behind",
            records_dropped.clone(),
        );
        // 1 ms to about 33 s.
        let upstream_seconds: Family<EndpointLabel, Histogram> =
            Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.001, 2.0, 16)));
        registry.register(
            "upstream_latency_seconds",
            "Time from forwarding a request to holding the upstream's whole answer, by endpoint",
            upstream_seconds.clone(),
        );
        // 10 µs to about 0.3 s.
        let added_seconds = Histogram::new(exponential_buckets(0.000_01, 2.0, 16));
        registry.register(
            "added_latency_seconds",
            "Time the proxy adds to an exchange: reading, checking, recording, not waiting",
            added_seconds.clone(),
        );
        Metrics {
            registry,
            requests,
            violations,
            blocked,
            upstream_errors,
            records_dropped,
            upstream_seconds,
            added_seconds,
        }
    }

    pub fn request(&self, endpoint: &'static str) {
        self.requests
            .get_or_create(&EndpointLabel { endpoint })
            .inc();
    }

    pub fn violation(
        &self,
        endpoint: &'static str,
        direction: &'static str,
        keyword: &'static str,
    ) {
        let labels = ViolationLabels {
            endpoint,
            direction,
            keyword,
        };
        self.violations.get_or_create(&labels).inc();
    }

    pub fn blocked(&self, endpoint: &'static str) {
        self.blocked
            .get_or_create(&EndpointLabel { endpoint })
            .inc();
    }

    pub fn upstream_error(&self, endpoint: &'static str, kind: &'static str) {
        let labels = UpstreamErrorLabels { endpoint, kind };
        self.upstream_errors.get_or_create(&labels).inc();
    }

    pub fn record_dropped(&self) {
        self.records_dropped.inc();
    }

    pub fn latency(&self, endpoint: &'static str, upstream: Duration, added: Duration) {
        (self
            .upstream_seconds
            .get_or_create(&EndpointLabel { endpoint }))
        .observe(upstream.as_secs_f64());
        self.added_seconds.observe(added.as_secs_f64());
    }

    /// The text exposition format (OpenMetrics).
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}
