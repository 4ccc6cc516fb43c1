//! One exchange: read the request, check it, forward it (or, in `enforce`, refuse it), read
//! the answer, check it, and hand it back unchanged.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};
use serde_json::json;

use super::findings;
use super::metrics::UNROUTED;
use super::record::redact_json;
use super::{Mode, Proxy};
use crate::route::route;
use crate::traffic::exchange::{Body, Checking, ExchangeReport};

/// WeCom's 不合法的参数, the code it refuses a malformed request with.
const INVALID_PARAMETER: i32 = 40058;
/// WeCom's 系统繁忙, the code of an answer the upstream did not give.
const SYSTEM_BUSY: i32 = -1;

/// The service's error: the client went away mid-request, so the connection is closed.
#[derive(Debug)]
pub(super) struct ClientGone;

impl fmt::Display for ClientGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the client closed the connection mid-request")
    }
}

impl std::error::Error for ClientGone {}

/// Serves one request.
pub(super) async fn handle(
    proxy: Arc<Proxy>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, ClientGone> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let url = (parts.uri.path_and_query()).map_or("/", |pq| pq.as_str());
    let endpoint = route(parts.uri.path()).map_or(UNROUTED, |route| route.endpoint.path);
    proxy.metrics.request(endpoint);
    let body = match read(body, proxy.max_body_bytes).await {
        Read::Whole(bytes) => bytes,
        Read::TooLarge => {
            tracing::warn!(
                endpoint,
                limit = proxy.max_body_bytes,
                "request body over --max-body-bytes; refused with 413"
            );
            let message = format!(
                "wecom-rooms proxy: the request body is larger than {} bytes",
                proxy.max_body_bytes
            );
            let mut answer =
                wecom_error(StatusCode::PAYLOAD_TOO_LARGE, INVALID_PARAMETER, &message);
            // The rest of the body was not read: the connection cannot carry another request.
            (answer.headers_mut()).insert(header::CONNECTION, HeaderValue::from_static("close"));
            return Ok(answer);
        }
        Read::Broken => return Err(ClientGone),
    };
    let checking = (endpoint != UNROUTED).then(|| {
        let recorded = if body.is_empty() {
            Body::Absent
        } else {
            Body::Present(Cow::Borrowed(&body[..]))
        };
        Checking::request(
            ("proxy", None, None),
            parts.method.as_str(),
            url,
            &recorded,
            false,
        )
    });
    let checking = match checking {
        Some(checking) if proxy.mode == Mode::Enforce && checking.request_is_invalid() => {
            let report = checking.finish();
            let method = parts.method.as_str();
            return Ok(block(&proxy, endpoint, method, url, &body, &report));
        }
        checking => checking,
    };
    let forwarded = forward(&proxy, &parts, url, body.clone()).await;
    let (status, headers, answer, upstream) = match forwarded {
        Ok(answered) => answered,
        Err(failure) => {
            proxy.metrics.upstream_error(endpoint, failure.kind);
            tracing::warn!(
                endpoint,
                kind = failure.kind,
                method = parts.method.as_str(),
                "upstream error: {}",
                failure.detail
            );
            if let Some(checking) = checking {
                let report = checking.finish();
                log(&proxy, &report, endpoint, &body, &[]);
            }
            record(&proxy, parts.method.as_str(), url, &body, None);
            return Ok(wecom_error(failure.status, SYSTEM_BUSY, &failure.message()));
        }
    };
    if let Some(checking) = checking {
        let report = if status.is_success() {
            checking.response(Some(&Body::Present(Cow::Borrowed(&answer[..]))))
        } else {
            proxy.metrics.upstream_error(endpoint, "status");
            tracing::warn!(
                endpoint,
                status = status.as_u16(),
                "upstream answered {status}; the answer was not checked"
            );
            checking.finish()
        };
        log(&proxy, &report, endpoint, &body, &answer);
    }
    record(&proxy, parts.method.as_str(), url, &body, Some(&answer));
    let mut response = Response::new(Full::new(answer));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    proxy.metrics.latency(
        endpoint,
        upstream,
        started.elapsed().saturating_sub(upstream),
    );
    Ok(response)
}

/// How reading a body ended.
enum Read {
    Whole(Bytes),
    TooLarge,
    Broken,
}

/// Reads a whole body of at most `limit` bytes.
async fn read<B>(mut body: B, limit: usize) -> Read
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    if body.size_hint().lower() > limit as u64 {
        return Read::TooLarge;
    }
    let mut bytes = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Read::Broken;
        };
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                return Read::TooLarge;
            }
            bytes.extend_from_slice(&data);
        }
    }
    Read::Whole(bytes.freeze())
}

/// Why the upstream gave no answer.
struct Failure {
    /// The metric's `kind`.
    kind: &'static str,
    /// What the client is told, as HTTP.
    status: StatusCode,
    /// What happened, for the log (with causes; never a URL, so never a token).
    detail: String,
}

impl Failure {
    /// The `errmsg` the client gets.
    fn message(&self) -> String {
        let what = match self.kind {
            "connect" => "cannot connect to the upstream",
            "timeout" => "the upstream did not answer in time",
            "too_large" => "the upstream's answer is larger than --max-body-bytes",
            _ => "the upstream closed the connection without a whole answer",
        };
        format!("wecom-rooms proxy: {what}")
    }
}

/// The upstream's answer: status, headers (hop-by-hop ones left out), body, and how long it
/// took.
type Answered = (StatusCode, HeaderMap, Bytes, Duration);

/// Sends the request on, bytes, query and end-to-end headers unchanged (`Host` names the
/// upstream), and reads the whole answer, all within the timeout.
async fn forward(
    proxy: &Proxy,
    parts: &hyper::http::request::Parts,
    url: &str,
    body: Bytes,
) -> Result<Answered, Failure> {
    let upstream = &proxy.upstream;
    let mut request = Request::new(Full::new(body));
    *request.method_mut() = parts.method.clone();
    *request.uri_mut() = format!("{}{url}", upstream.base)
        .parse()
        .map_err(|_| Failure {
            kind: "connect",
            status: StatusCode::BAD_GATEWAY,
            detail: "the request's path does not make an upstream URL".to_owned(),
        })?;
    *request.headers_mut() = end_to_end(&parts.headers);
    (request.headers_mut()).insert(header::HOST, upstream.host.clone());
    let started = Instant::now();
    let exchange = async {
        let response = upstream.client.request(request).await.map_err(|error| {
            let kind = if error.is_connect() {
                "connect"
            } else {
                "dropped"
            };
            Failure {
                kind,
                status: StatusCode::BAD_GATEWAY,
                detail: chain(&error),
            }
        })?;
        let (parts, body) = response.into_parts();
        match read(body, proxy.max_body_bytes).await {
            Read::Whole(bytes) => Ok((parts.status, end_to_end(&parts.headers), bytes)),
            Read::TooLarge => Err(Failure {
                kind: "too_large",
                status: StatusCode::BAD_GATEWAY,
                detail: format!("the answer is larger than {} bytes", proxy.max_body_bytes),
            }),
            Read::Broken => Err(Failure {
                kind: "dropped",
                status: StatusCode::BAD_GATEWAY,
                detail: "the connection closed mid-answer".to_owned(),
            }),
        }
    };
    match tokio::time::timeout(proxy.timeout, exchange).await {
        Ok(Ok((status, headers, bytes))) => Ok((status, headers, bytes, started.elapsed())),
        Ok(Err(failure)) => Err(failure),
        Err(_) => Err(Failure {
            kind: "timeout",
            status: StatusCode::GATEWAY_TIMEOUT,
            detail: format!("no whole answer within {:?}", proxy.timeout),
        }),
    }
}

/// An error and its causes on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

/// The headers that travel end to end: all but the hop-by-hop ones (RFC 9110, section 7.6.1),
/// those a `Connection` header names included, `Host`, which names this proxy, and `Expect`,
/// which this proxy has already met by reading the whole body.
fn end_to_end(headers: &HeaderMap) -> HeaderMap {
    const HOP_BY_HOP: [HeaderName; 8] = [
        header::CONNECTION,
        HeaderName::from_static("keep-alive"),
        HeaderName::from_static("proxy-connection"),
        header::PROXY_AUTHENTICATE,
        header::PROXY_AUTHORIZATION,
        header::TE,
        header::TRAILER,
        header::TRANSFER_ENCODING,
    ];
    let named: Vec<String> = (headers.get_all(header::CONNECTION).iter())
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    let mut kept = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let hop = HOP_BY_HOP.contains(name)
            || name == header::UPGRADE
            || name == header::HOST
            || name == header::EXPECT
            || named.iter().any(|named| named == name.as_str());
        if !hop {
            kept.append(name.clone(), value.clone());
        }
    }
    kept
}

/// `enforce`'s answer to a request that breaks its schema, never forwarded: WeCom's own shape
/// and code for an invalid parameter, naming the first violation.
fn block(
    proxy: &Proxy,
    endpoint: &'static str,
    method: &str,
    url: &str,
    body: &Bytes,
    report: &ExchangeReport,
) -> Response<Full<Bytes>> {
    proxy.metrics.blocked(endpoint);
    log(proxy, report, endpoint, body, &[]);
    record(proxy, method, url, body, None);
    let schema = report.request_schema.unwrap_or(endpoint);
    let mut message = format!("wecom-rooms proxy: the request breaks {schema}");
    if let Some(first) = report.errors.first() {
        let pointer = if first.pointer.is_empty() {
            "/"
        } else {
            &first.pointer
        };
        message += &format!(" at {pointer} ({}): {}", first.keyword, first.message);
    }
    let more = report.errors.len().saturating_sub(1);
    if more > 0 {
        message += &format!(" (and {more} more)");
    }
    let secrets = redact_json(body).1;
    let message = crate::traffic::redact::message(&message, &secrets);
    wecom_error(StatusCode::OK, INVALID_PARAMETER, &message)
}

/// An answer of the proxy's own, in WeCom's shape.
fn wecom_error(status: StatusCode, errcode: i32, errmsg: &str) -> Response<Full<Bytes>> {
    let body = json!({"errcode": errcode, "errmsg": errmsg}).to_string();
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    (response.headers_mut()).insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    response
}

/// Logs the report's findings, with every secret of both bodies kept out.
fn log(
    proxy: &Proxy,
    report: &ExchangeReport,
    endpoint: &'static str,
    request: &[u8],
    answer: &[u8],
) {
    let any = !(report.errors.is_empty() && report.warnings.is_empty() && report.notes.is_empty());
    if !any {
        return;
    }
    let mut secrets = redact_json(request).1;
    secrets.extend(redact_json(answer).1);
    findings::log(report, endpoint, &proxy.metrics, &secrets);
}

fn record(proxy: &Proxy, method: &str, url: &str, request: &[u8], answer: Option<&[u8]>) {
    if let Some(recorder) = &proxy.recorder
        && !recorder.record(method, url, request, answer)
    {
        proxy.metrics.record_dropped();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_headers_and_host_stay_behind() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("host", "proxy:8080"),
            ("expect", "100-continue"),
            ("connection", "keep-alive, x-trace"),
            ("keep-alive", "timeout=5"),
            ("x-trace", "1"),
            ("transfer-encoding", "chunked"),
            ("content-type", "application/json"),
            ("x-request-id", "a"),
            ("x-request-id", "b"),
        ] {
            headers.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        let kept = end_to_end(&headers);
        let names: Vec<&str> = kept.keys().map(HeaderName::as_str).collect();
        assert_eq!(names, ["content-type", "x-request-id"]);
        assert_eq!(kept.get_all("x-request-id").iter().count(), 2);
    }
}
