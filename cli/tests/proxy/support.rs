//! Starting the proxy command, stopping it as an operator would, and reading what it left.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_wecom-rooms");

pub const CORP_ID: &str = "ww0123456789abcdef";
pub const SECRET: &str = "booking-bot-secret";
/// The `Secret` members of room-1's details in the example state: get_info's `password` and
/// `pmi_pwd`.
pub const ROOM_SECRETS: [&str; 2] = ["MzMz", "MTIzNDU2"];

/// The proxy's process, killed when the test ends however it ends.
pub struct Proxy {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// `http://127.0.0.1:PORT/metrics`.
    pub metrics: String,
    pub log: PathBuf,
    pub record: PathBuf,
    dir: PathBuf,
}

/// What a stopped proxy left.
pub struct Stopped {
    /// Its whole log.
    pub log: String,
    /// Its log's events, one JSON object each.
    pub events: Vec<Value>,
    /// Its capture.
    pub record: String,
    pub record_path: PathBuf,
    dir: PathBuf,
}

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Stopped {
    /// The events of one kind of finding (`violation`, `tolerance`, `unchecked`).
    pub fn findings(&self, kind: &str) -> Vec<&Value> {
        (self.events.iter())
            .filter(|event| event["finding"] == kind)
            .collect()
    }
}

impl Proxy {
    /// Starts `wecom-rooms proxy --upstream UPSTREAM` with a JSON log, metrics and a capture,
    /// and `extra` arguments.
    pub fn start(upstream: &str, extra: &[&str]) -> Proxy {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("wecom-rooms-proxy-{}-{run}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (log, record) = (dir.join("proxy.log"), dir.join("capture.jsonl"));
        let mut child = Command::new(BINARY)
            .args(["proxy", "--upstream", upstream, "--listen", "127.0.0.1:0"])
            .args([
                "--metrics",
                "127.0.0.1:0",
                "--log-format",
                "json",
                "--record",
            ])
            .arg(&record)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the binary starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut next = || lines.next().and_then(Result::ok).unwrap_or_default();
        let (url, metrics) = (next(), next());
        let proxy = Proxy {
            child: Some(child),
            url,
            metrics,
            log,
            record,
            dir,
        };
        assert!(
            proxy.url.starts_with("http://127.0.0.1:"),
            "{:?}",
            proxy.url
        );
        assert!(proxy.metrics.ends_with("/metrics"), "{:?}", proxy.metrics);
        proxy
    }

    /// Stops it with SIGTERM, as a deployment does, and reads what it left; it must exit 0.
    pub fn stop(mut self) -> Stopped {
        let mut child = self.child.take().unwrap();
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        let log = std::fs::read_to_string(&self.log).unwrap();
        assert!(
            status.success(),
            "the proxy ended with {status}; its log:\n{log}"
        );
        let events = (log.lines())
            .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
            .collect();
        let record = std::fs::read_to_string(&self.record).unwrap();
        Stopped {
            log,
            events,
            record,
            record_path: self.record.clone(),
            dir: self.dir.clone(),
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A plain HTTP client: no WeCom API, no proxy from the environment.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// The value of the metric line that starts with `series` (name and labels), 0 when absent.
pub async fn metric(proxy: &Proxy, series: &str) -> f64 {
    let text = http()
        .get(&proxy.metrics)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (text.lines())
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |value| value.trim().parse().unwrap())
}

/// A token from gettoken, through `base`.
pub async fn token(base: &str) -> String {
    let url = format!("{base}/cgi-bin/gettoken?corpid={CORP_ID}&corpsecret={SECRET}");
    let answer: Value = http().get(url).send().await.unwrap().json().await.unwrap();
    answer["access_token"].as_str().unwrap().to_owned()
}

/// POSTs `body` to a Rooms endpoint through `base`: status and the answer's bytes.
pub async fn post(base: &str, name: &str, token: &str, body: &str) -> (u16, Vec<u8>) {
    let url = format!("{base}/cgi-bin/meeting/rooms/{name}?access_token={token}");
    let response = http()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

/// Runs `check-traffic --format json` on a capture: its exit code and its reports.
pub fn check_traffic(capture: &std::path::Path) -> (i32, Vec<Value>) {
    let output = Command::new(BINARY)
        .args(["check-traffic", "--format", "json"])
        .arg(capture)
        .output()
        .unwrap();
    let reports = (String::from_utf8(output.stdout).unwrap().lines())
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (output.status.code().unwrap(), reports)
}
