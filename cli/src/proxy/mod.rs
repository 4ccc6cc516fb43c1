//! `wecom-rooms proxy`: a reverse proxy in front of WeCom that checks live traffic against the
//! schemas, exchange by exchange, as `check-traffic` checks a capture.
//!
//! Each request is routed by [`crate::route`], checked ([`crate::traffic::exchange::Checking`]),
//! forwarded unchanged ([`upstream`]), and its answer checked and returned unchanged
//! ([`forward`]). Findings go to the log ([`findings`]), exchanges to a capture ([`record`]),
//! counts to Prometheus ([`metrics`]).

mod findings;
mod forward;
mod metrics;
mod record;
mod serve;
mod upstream;

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use tokio::net::TcpListener;

use crate::{Io, Status};

/// The arguments of `proxy`.
#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// Where WeCom is: scheme and authority, such as `https://qyapi.weixin.qq.com`
    #[arg(long, value_name = "URL")]
    pub upstream: String,
    /// Where to listen; port 0 picks a free port
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Record every exchange to FILE as JSON Lines, secrets redacted, for `check-traffic`
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// `observe` never changes traffic; `enforce` answers a request that breaks its schema
    /// with errcode 40058 itself, and never forwards it
    #[arg(long, value_enum, default_value_t)]
    pub mode: Mode,
    /// Serve Prometheus metrics at `http://ADDR/metrics`; port 0 picks a free port
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<SocketAddr>,
    /// Trust only the CA certificates in this PEM file for an https upstream, instead of the
    /// system's roots
    #[arg(long, value_name = "FILE")]
    pub upstream_ca: Option<PathBuf>,
    /// Give up on an upstream exchange (connect, send, answer) after this many seconds
    #[arg(long, value_name = "SECS", default_value_t = 30.0, value_parser = positive_secs)]
    pub timeout: f64,
    /// The largest request or response body checked and forwarded, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
    pub max_body_bytes: usize,
    /// How to write the log (findings, upstream errors) on standard error
    #[arg(long, value_enum, default_value_t)]
    pub log_format: LogFormat,
}

/// What the proxy does with a request that breaks its schema.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Report it, and forward it unchanged.
    #[default]
    Observe,
    /// Report it, and answer it locally with WeCom's error shape (errcode 40058).
    Enforce,
}

/// How the log is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per event.
    Json,
}

fn positive_secs(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs.is_finite() && secs < 1e9 => Ok(secs),
        _ => Err(format!(
            "expected a positive number of seconds, found {text:?}"
        )),
    }
}

/// What every connection shares.
#[derive(Debug)]
struct Proxy {
    upstream: upstream::Upstream,
    mode: Mode,
    timeout: Duration,
    max_body_bytes: usize,
    metrics: metrics::Metrics,
    recorder: Option<record::Recorder>,
}

/// Serves until interrupted (Ctrl-C or SIGTERM), after printing the address it listens on
/// (`http://…`) as the first line of standard output, and the metrics URL as the second.
pub fn proxy(args: &ProxyArgs, io: Io<'_>) -> io::Result<Status> {
    findings::init(args.log_format);
    let upstream = match upstream::Upstream::new(&args.upstream, args.upstream_ca.as_deref()) {
        Ok(upstream) => upstream,
        Err(error) => return crate::sim::trouble(io.err, &error),
    };
    let recorder = match args
        .record
        .as_deref()
        .map(record::Recorder::create)
        .transpose()
    {
        Ok(recorder) => recorder,
        Err(error) => return crate::sim::trouble(io.err, &error),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = match TcpListener::bind(args.listen).await {
            Ok(listener) => listener,
            Err(error) => return bind_trouble(io.err, args.listen, &error),
        };
        let metrics_listener = match args.metrics {
            Some(addr) => match TcpListener::bind(addr).await {
                Ok(listener) => Some(listener),
                Err(error) => return bind_trouble(io.err, addr, &error),
            },
            None => None,
        };
        writeln!(io.out, "http://{}", listener.local_addr()?)?;
        if let Some(metrics) = &metrics_listener {
            writeln!(io.out, "http://{}/metrics", metrics.local_addr()?)?;
        }
        io.out.flush()?;
        let proxy = Arc::new(Proxy {
            upstream,
            mode: args.mode,
            timeout: Duration::from_secs_f64(args.timeout),
            max_body_bytes: args.max_body_bytes,
            metrics: metrics::Metrics::new(),
            recorder,
        });
        tracing::info!(
            upstream = %args.upstream,
            mode = ?args.mode,
            "proxy listening on {}",
            listener.local_addr()?
        );
        serve::serve(listener, metrics_listener, proxy, serve::interrupted()).await;
        Ok(Status::Met)
    })
}

fn bind_trouble(err: &mut dyn Write, addr: SocketAddr, error: &io::Error) -> io::Result<Status> {
    writeln!(err, "error: cannot listen on {addr}: {error}")?;
    Ok(Status::Trouble)
}
