//! The accept loops: the proxy's, and the metrics endpoint's.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::{Proxy, forward};

/// How long a client may take to send a request's headers before its connection is closed.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves the proxy (and the metrics, if listening) until `stop` completes, then lets requests
/// in flight finish for up to the upstream timeout and a second.
pub(super) async fn serve(
    listener: TcpListener,
    metrics: Option<TcpListener>,
    proxy: Arc<Proxy>,
    stop: impl Future<Output = ()>,
) {
    let (stopping, stopped) = watch::channel(false);
    let grace = proxy.timeout + Duration::from_secs(1);
    let mut loops = JoinSet::new();
    let exchange = Arc::clone(&proxy);
    loops.spawn(accept(listener, stopped.clone(), grace, move |request| {
        forward::handle(Arc::clone(&exchange), request)
    }));
    if let Some(metrics) = metrics {
        let proxy = Arc::clone(&proxy);
        loops.spawn(accept(
            metrics,
            stopped,
            Duration::from_secs(1),
            move |request| {
                let answer = exposition(&proxy, &request);
                async move { Ok::<_, Infallible>(answer) }
            },
        ));
    }
    stop.await;
    tracing::info!("stopping");
    let _ = stopping.send(true);
    while loops.join_next().await.is_some() {}
}

/// `GET /metrics`: every metric in the text format; anything else is 404.
fn exposition(proxy: &Proxy, request: &Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
    if request.uri().path() != "/metrics" {
        let mut response = Response::new(Full::new(Bytes::from_static(b"not found\n")));
        *response.status_mut() = StatusCode::NOT_FOUND;
        return response;
    }
    let mut response = Response::new(Full::new(Bytes::from(proxy.metrics.encode())));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        ),
    );
    response
}

/// Accepts connections until `stopped` turns true, serving each on a task of its own.
async fn accept<S, F, E>(
    listener: TcpListener,
    mut stopped: watch::Receiver<bool>,
    grace: Duration,
    service: S,
) where
    S: Fn(Request<hyper::body::Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<Response<Full<Bytes>>, E>> + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of descriptors, or a connection reset before it was accepted.
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let service = service.clone();
                let mut stopped = stopped.clone();
                connections.spawn(async move {
                    let conn = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(HEADER_READ_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), service_fn(service));
                    let mut conn = std::pin::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = stopped.changed() => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
            }
            _ = stopped.changed() => break,
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(grace, drained).await.is_err() {
        connections.abort_all();
    }
}

/// Completes on Ctrl-C, or on SIGTERM where there is one.
pub(super) async fn interrupted() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut term) => {
                    term.recv().await;
                }
                Err(_) => std::future::pending().await,
            }
        };
        tokio::select! {
            () = ctrl_c => {}
            () = term => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}
