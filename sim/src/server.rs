//! HTTP: the accept loop, one hyper connection per task, and the path of one request.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, header};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::clock::SimClock;
use crate::faults::FaultCounts;
use crate::handlers;
use crate::protocol::{Endpoint, Refusal, codes};
use crate::record::Recorder;
use crate::world::World;

/// At most this many schema violations are kept for [`Shared::violation_reports`].
const MAX_REPORTS: usize = 32;

/// What every connection shares: the state, the clock and the counters.
#[derive(Debug)]
pub(crate) struct Shared {
    world: Mutex<World>,
    pub clock: SimClock,
    pub max_body_bytes: usize,
    requests: AtomicU64,
    /// Requests per endpoint, for tests that count what a client sent.
    per_endpoint: Mutex<std::collections::BTreeMap<Endpoint, u64>>,
    violations: AtomicU64,
    reports: Mutex<Vec<String>>,
    recorder: Option<Recorder>,
}

impl Shared {
    pub fn new(
        world: World,
        clock: SimClock,
        max_body_bytes: usize,
        recorder: Option<Recorder>,
    ) -> Self {
        Shared {
            world: Mutex::new(world),
            clock,
            max_body_bytes,
            requests: AtomicU64::new(0),
            per_endpoint: Mutex::new(std::collections::BTreeMap::new()),
            violations: AtomicU64::new(0),
            reports: Mutex::new(Vec::new()),
            recorder,
        }
    }

    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn requests_to(&self, endpoint: Endpoint) -> u64 {
        let counts = self
            .per_endpoint
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        counts.get(&endpoint).copied().unwrap_or(0)
    }

    pub fn violations(&self) -> u64 {
        self.violations.load(Ordering::Relaxed)
    }

    pub fn violation_reports(&self) -> Vec<String> {
        self.reports
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn fault_counts(&self) -> FaultCounts {
        self.world().counts
    }

    /// The answer to a request that reached an endpoint and drew no fault.
    fn answer(
        &self,
        endpoint: Endpoint,
        method: &Method,
        query: &[(String, String)],
        body: &[u8],
    ) -> Value {
        let now = self.clock.now_secs();
        let mut world = self.world();
        let result = if endpoint == Endpoint::of::<wecom_rooms::endpoints::GetToken>() {
            if method == Method::GET {
                handlers::gettoken::gettoken(&mut world, now, query)
            } else {
                Err(Refusal::invalid(
                    "gettoken is a GET with corpid and corpsecret in the query",
                ))
            }
        } else {
            let token = query
                .iter()
                .find(|(k, _)| k == "access_token")
                .map(|(_, v)| v.as_str());
            world.authenticate(token, now).and_then(|app| {
                if method == Method::POST {
                    handlers::serve(&mut world, endpoint, app, now, body)
                } else {
                    Err(Refusal::invalid(
                        "this endpoint takes a POST with a JSON body",
                    ))
                }
            })
        };
        result.unwrap_or_else(|refusal| refusal.to_json())
    }

    /// Checks `answer` against the endpoint's response schema, counting a violation, and
    /// makes the HTTP response.
    fn send(&self, endpoint: Endpoint, answer: &Value, close: bool) -> Response<Full<Bytes>> {
        if !endpoint.response_is_valid(answer) {
            self.violations.fetch_add(1, Ordering::Relaxed);
            let mut reports = self.reports.lock().unwrap_or_else(PoisonError::into_inner);
            if reports.len() < MAX_REPORTS {
                reports.push(format!("{}: {answer}", endpoint.path()));
            }
        }
        let body = serde_json::to_vec(answer).unwrap_or_default();
        let mut response = Response::new(Full::new(Bytes::from(body)));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json; charset=UTF-8"),
        );
        if close {
            headers.insert(
                header::CONNECTION,
                header::HeaderValue::from_static("close"),
            );
        }
        response
    }
}

/// The service's error: hyper closes the connection without answering.
#[derive(Debug)]
pub(crate) struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped")
    }
}

impl std::error::Error for Dropped {}

/// Serves one request.
async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let Some(endpoint) = shared.route(request.uri().path()) else {
        return Ok(not_found());
    };
    let method = request.method().clone();
    let url = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |pq| pq.as_str().to_owned(),
    );
    let body = match read_body(request.into_body(), shared.max_body_bytes).await {
        Body::Read(bytes) => bytes,
        Body::TooLarge => return Ok(shared.too_large(endpoint)),
        Body::Broken => return Err(Dropped),
    };
    shared.respond(endpoint, &method, &url, &body).await
}

/// The answer to a path no endpoint has.
pub(crate) fn not_found() -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"not found")));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

impl Shared {
    /// The endpoint at `path`, counting the request; `None` for a path no endpoint has.
    pub(crate) fn route(&self, path: &str) -> Option<Endpoint> {
        let endpoint = Endpoint::from_path(path)?;
        self.requests.fetch_add(1, Ordering::Relaxed);
        *self
            .per_endpoint
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(endpoint)
            .or_insert(0) += 1;
        Some(endpoint)
    }

    /// The refusal of a body over the size limit, closing the connection.
    pub(crate) fn too_large(&self, endpoint: Endpoint) -> Response<Full<Bytes>> {
        let limit = self.max_body_bytes;
        let refusal = Refusal::invalid(format!("request body larger than {limit} bytes"));
        self.send(endpoint, &refusal.to_json(), true)
    }

    /// Serves a routed request whose body has been read: faults, the answer, the planted
    /// contract break, the recording. `url` is the path and query as sent.
    pub(crate) async fn respond(
        &self,
        endpoint: Endpoint,
        method: &Method,
        url: &str,
        body: &[u8],
    ) -> Result<Response<Full<Bytes>>, Dropped> {
        let query = parse_query(url.split_once('?').map_or("", |(_, query)| query));
        let draw = self.world().draw_faults();
        if draw.drop {
            return Err(Dropped);
        }
        if let Some(ms) = draw.delay_ms {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        let mut answer = if draw.error {
            Refusal::new(codes::SYSTEM_BUSY, "system busy").to_json()
        } else {
            self.answer(endpoint, method, &query, body)
        };
        let off_schema = {
            let mut world = self.world();
            world.counts.off_schema += u64::from(world.faults.off_schema);
            world.faults.off_schema
        };
        if off_schema {
            crate::faults::off_schema(&mut answer);
        }
        if let Some(recorder) = &self.recorder {
            let sent = (method != Method::GET).then_some(body);
            recorder.record(method.as_str(), url, sent, &answer);
        }
        Ok(self.send(endpoint, &answer, false))
    }
}

/// How much of a body over the limit is still read (and thrown away) so that the client gets
/// to read the refusal; past it the connection is closed mid-upload.
const DRAIN_LIMIT: usize = 64 << 20;

enum Body {
    Read(Bytes),
    TooLarge,
    Broken,
}

/// Reads a body of at most `limit` bytes; a longer one is drained up to [`DRAIN_LIMIT`].
async fn read_body(mut body: Incoming, limit: usize) -> Body {
    let mut bytes = BytesMut::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Body::Broken;
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen > DRAIN_LIMIT {
            return Body::Broken;
        }
        if seen <= limit {
            bytes.extend_from_slice(&data);
        }
    }
    if seen > limit {
        Body::TooLarge
    } else {
        Body::Read(bytes.freeze())
    }
}

/// The query string's parameters, percent-decoded, in order.
fn parse_query(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Accepts connections until `shutdown` turns true, then lets open connections finish their
/// request in flight (for up to a second).
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of descriptors, or a connection reset before it was accepted.
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                };
                let shared = Arc::clone(&shared);
                let shutdown = shutdown.clone();
                connections.spawn(connection(stream, shared, shutdown));
            }
            _ = shutdown.changed() => break,
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(1), drained)
        .await
        .is_err()
    {
        connections.abort_all();
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| handle(Arc::clone(&shared), request));
    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
