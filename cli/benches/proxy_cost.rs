//! What `wecom-rooms proxy` costs, in one run on this machine (release build):
//!
//! - latency: one request at a time, client → simulator and client → proxy → simulator, in
//!   alternating rounds; p50 and p99 of each, and the difference (what the proxy adds);
//! - throughput: `CONCURRENCY` clients for `WINDOW` each way, alternating; requests per
//!   second and the proxied share of the direct figure;
//! - the floor of both: the same exchanges through a forwarder that checks nothing (this
//!   program again, in a process of its own, on the proxy's HTTP stack: hyper's server, the
//!   pooled hyper-util client, a multi-threaded tokio runtime), so that what forwarding alone
//!   costs on this machine is told apart from what checking adds;
//! - memory: the proxy's resident set idle, and with 1,000 connections each holding a
//!   request in flight (a simulator that answers after two seconds keeps them open).
//!
//! `cargo bench -p wecom-rooms-cli --bench proxy_cost`; the figures go in BENCHMARKS.md.
//! The simulator and the proxy are the release `wecom-rooms` binary, each its own process; the
//! load comes from this one, on one thread.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Request, Response};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};

const BINARY: &str = env!("CARGO_BIN_EXE_wecom-rooms");
const ROUNDS: usize = 10;
const PER_ROUND: usize = 500;
const CONCURRENCY: usize = 16;
const WINDOW: Duration = Duration::from_secs(3);
const CONNECTIONS: usize = 1000;
const BODY: &str = r#"{"limit": 20}"#;
/// Set to an upstream URL, this program is the floor's forwarder instead of the benchmark.
const FLOOR_UPSTREAM: &str = "PROXY_COST_FLOOR_UPSTREAM";

/// A child process, killed at the end.
struct Running(Child, String);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `wecom-rooms ARGS` and reads the URL it prints first.
fn start(args: &[&str]) -> Running {
    started(Command::new(BINARY).args(args))
}

/// Starts the floor's forwarder in front of `upstream`.
fn start_floor(upstream: &str) -> Running {
    let program = std::env::current_exe().expect("this program's path");
    started(Command::new(program).env(FLOOR_UPSTREAM, upstream))
}

fn started(command: &mut Command) -> Running {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines.next().unwrap().unwrap();
    Running(child, url)
}

/// The resident set of a process, in KiB (`VmRSS` or `VmHWM` of /proc/PID/status).
fn memory(process: &Running, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", process.0.id())).unwrap();
    (status.lines())
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or(0)
}

/// CPU time a process has used so far, user and system, in seconds (clock ticks of 1/100 s,
/// the Linux default).
fn cpu(process: &Running) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", process.0.id())).unwrap();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks as f64 / 100.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn token(http: &reqwest::Client, base: &str) -> String {
    let url =
        format!("{base}/cgi-bin/gettoken?corpid=ww0123456789abcdef&corpsecret=booking-bot-secret");
    let answer: serde_json::Value = http.get(url).send().await.unwrap().json().await.unwrap();
    answer["access_token"].as_str().unwrap().to_owned()
}

async fn list(http: &reqwest::Client, url: &str) {
    let response = http.post(url).body(BODY).send().await.unwrap();
    assert!(response.status().is_success());
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"{"));
}

/// Requests per second that `CONCURRENCY` clients get from `url` in `WINDOW`, and how many
/// requests that was.
async fn throughput(http: &reqwest::Client, url: &str) -> (f64, u64) {
    let started = Instant::now();
    let workers = (0..CONCURRENCY).map(|_| async {
        let mut done = 0u64;
        while started.elapsed() < WINDOW {
            list(http, url).await;
            done += 1;
        }
        done
    });
    let total: u64 = futures_util::future::join_all(workers)
        .await
        .into_iter()
        .sum();
    (total as f64 / started.elapsed().as_secs_f64(), total)
}

fn main() {
    if let Some(upstream) = std::env::var_os(FLOOR_UPSTREAM) {
        let upstream = upstream.into_string().expect("a UTF-8 upstream URL");
        return forward_only(&upstream);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(measure());
}

async fn measure() {
    let sim = start(&["sim", "--addr", "127.0.0.1:0"]);
    let proxy = start(&["proxy", "--upstream", &sim.1, "--listen", "127.0.0.1:0"]);
    let floor = start_floor(&sim.1);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let fetched = token(&http, &sim.1).await;
    let path = format!("/cgi-bin/meeting/rooms/list?access_token={fetched}");
    let (direct, proxied) = (format!("{}{path}", sim.1), format!("{}{path}", proxy.1));
    let forwarded = format!("{}{path}", floor.1);
    for _ in 0..200 {
        list(&http, &direct).await;
        list(&http, &proxied).await;
        list(&http, &forwarded).await;
    }
    let idle = memory(&proxy, "VmRSS");

    let (mut direct_times, mut proxied_times, mut floor_times) =
        (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for (url, times) in [
            (&direct, &mut direct_times),
            (&proxied, &mut proxied_times),
            (&forwarded, &mut floor_times),
        ] {
            for _ in 0..PER_ROUND {
                let started = Instant::now();
                list(&http, url).await;
                times.push(started.elapsed());
            }
        }
    }
    direct_times.sort();
    proxied_times.sort();
    floor_times.sort();
    println!(
        "latency, one request at a time, {} requests each way:",
        direct_times.len()
    );
    for (name, p) in [("p50", 0.50), ("p99", 0.99)] {
        let (d, x) = (percentile(&direct_times, p), percentile(&proxied_times, p));
        let f = percentile(&floor_times, p);
        println!(
            "  {name}: direct {:>6.1} µs, through the proxy {:>6.1} µs, added {:>6.1} µs \
             (the floor's forwarder {:>6.1} µs, added {:>6.1} µs)",
            micros(d),
            micros(x),
            micros(x) - micros(d),
            micros(f),
            micros(f) - micros(d)
        );
    }

    let (mut direct_rate, mut proxied_rate, mut floor_rate) = (0.0, 0.0, 0.0);
    let (mut sim_cpu, mut proxy_cpu, mut proxied_count) = (0.0, 0.0, 0);
    let (mut floor_cpu, mut floor_count) = (0.0, 0);
    for _ in 0..2 {
        direct_rate += throughput(&http, &direct).await.0 / 2.0;
        let (sim_before, proxy_before) = (cpu(&sim), cpu(&proxy));
        let (rate, count) = throughput(&http, &proxied).await;
        proxied_rate += rate / 2.0;
        proxied_count += count;
        sim_cpu += cpu(&sim) - sim_before;
        proxy_cpu += cpu(&proxy) - proxy_before;
        let floor_before = cpu(&floor);
        let (rate, count) = throughput(&http, &forwarded).await;
        floor_rate += rate / 2.0;
        floor_count += count;
        floor_cpu += cpu(&floor) - floor_before;
    }
    println!("throughput, {CONCURRENCY} concurrent clients, 2 × {WINDOW:?} each way:");
    println!(
        "  direct {direct_rate:.0} req/s, through the proxy {proxied_rate:.0} req/s ({:.0}% of direct), \
         through the floor's forwarder {floor_rate:.0} req/s ({:.0}% of direct)",
        100.0 * proxied_rate / direct_rate,
        100.0 * floor_rate / direct_rate
    );
    let per = |seconds: f64, count: u64| seconds * 1e6 / count as f64;
    println!(
        "  CPU per proxied exchange: the proxy {:.1} µs, the simulator {:.1} µs, the floor's forwarder {:.1} µs",
        per(proxy_cpu, proxied_count),
        per(sim_cpu, proxied_count),
        per(floor_cpu, floor_count)
    );
    drop(floor);
    drop(proxy);
    drop(sim);

    // Memory: 1,000 requests held open by a simulator that answers after two seconds.
    let dir = std::env::temp_dir().join(format!("wecom-rooms-proxy-cost-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut state: serde_json::Value =
        serde_json::from_str(include_str!("../../sim/examples/seed.json")).unwrap();
    state["faults"] = serde_json::json!({"delay_rate": 1.0, "delay_ms": 2000});
    let state_file = dir.join("slow.json");
    std::fs::write(&state_file, state.to_string()).unwrap();
    let slow = start(&[
        "sim",
        "--addr",
        "127.0.0.1:0",
        "--state",
        state_file.to_str().unwrap(),
    ]);
    let proxy = start(&["proxy", "--upstream", &slow.1, "--listen", "127.0.0.1:0"]);
    let token = token(&http, &proxy.1).await;
    let url = format!(
        "{}/cgi-bin/meeting/rooms/list?access_token={token}",
        proxy.1
    );
    let before = memory(&proxy, "VmRSS");
    let held = futures_util::future::join_all((0..CONNECTIONS).map(|_| list(&http, &url)));
    let sample = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        memory(&proxy, "VmRSS")
    };
    let ((), during) = tokio::join!(
        async {
            held.await;
        },
        sample
    );
    let peak = memory(&proxy, "VmHWM");
    println!("memory of the proxy (resident):");
    println!("  idle after the runs above: {} KiB", idle);
    println!("  before the held requests: {before} KiB");
    println!("  with {CONNECTIONS} connections, each with a request in flight: {during} KiB");
    println!("  peak: {peak} KiB");
    let _ = std::fs::remove_dir_all(&dir);
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// The floor's forwarder: every request sent on to `upstream` and its answer handed back,
/// headers and bytes as they are, checking, counting and logging nothing. Prints its URL first,
/// like the proxy, and serves until killed.
fn forward_only(upstream: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut out = std::io::stdout();
        writeln!(out, "http://{}", listener.local_addr().unwrap()).unwrap();
        out.flush().unwrap();
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
        let host = HeaderValue::from_str(upstream.trim_start_matches("http://")).unwrap();
        let base = upstream.to_owned();
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            stream.set_nodelay(true).unwrap();
            let (client, host, base) = (client.clone(), host.clone(), base.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                    let (client, host, base) = (client.clone(), host.clone(), base.clone());
                    async move {
                        let (parts, body) = request.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map_err(std::io::Error::other)?
                            .to_bytes();
                        let mut sent = Request::new(Full::new(body));
                        *sent.method_mut() = parts.method;
                        let url = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
                        *sent.uri_mut() = format!("{base}{url}").parse().unwrap();
                        *sent.headers_mut() = end_to_end(parts.headers);
                        sent.headers_mut().insert(header::HOST, host);
                        let answer = client.request(sent).await.map_err(std::io::Error::other)?;
                        let (parts, body) = answer.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map_err(std::io::Error::other)?
                            .to_bytes();
                        let mut response = Response::new(Full::new(body));
                        *response.status_mut() = parts.status;
                        *response.headers_mut() = end_to_end(parts.headers);
                        Ok::<_, std::io::Error>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

/// `headers` without the hop-by-hop ones this benchmark's exchanges carry.
fn end_to_end(mut headers: HeaderMap) -> HeaderMap {
    for hop in [header::CONNECTION, header::TRANSFER_ENCODING, header::HOST] {
        headers.remove(hop);
    }
    headers
}
