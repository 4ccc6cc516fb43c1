//! A scriptable WeCom stand-in on 127.0.0.1 for the client's tests: each request goes to a
//! handler that answers by path, and every request is counted by path. It stops when dropped.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub body: serde_json::Value,
}

/// What the handler answers: a status, a body, and how long to wait first.
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
}

impl Answer {
    pub fn json(body: serde_json::Value) -> Self {
        Answer {
            status: 200,
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }

    pub fn error(errcode: i32, errmsg: &str) -> Self {
        Self::json(serde_json::json!({"errcode": errcode, "errmsg": errmsg}))
    }
}

pub type Handler = dyn Fn(&Seen, usize) -> Answer + Send + Sync;

pub struct Server {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Answers gettoken with `token-N` (N counting gettoken calls) and every other path with
    /// `handler(request, n)`, n counting that path's calls from 1.
    pub fn start(handler: impl Fn(&Seen, usize) -> Answer + Send + Sync + 'static) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let thread = {
            let (seen, stop) = (Arc::clone(&seen), Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Ok(Some(mut request)) = server.recv_timeout(Duration::from_millis(50))
                    else {
                        continue;
                    };
                    let url = request.url().to_owned();
                    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
                    let query = query
                        .split('&')
                        .filter_map(|pair| pair.split_once('='))
                        .map(|(k, v)| (k.to_owned(), v.to_owned()))
                        .collect();
                    let mut body = Vec::new();
                    let _ = request.as_reader().read_to_end(&mut body);
                    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
                    let entry = Seen {
                        path: path.to_owned(),
                        query,
                        body,
                    };
                    let n = {
                        let mut seen = seen.lock().unwrap();
                        seen.push(entry.clone());
                        seen.iter().filter(|s| s.path == entry.path).count()
                    };
                    let answer = if entry.path == "/cgi-bin/gettoken" {
                        Answer::json(serde_json::json!({
                            "errcode": 0, "errmsg": "ok",
                            "access_token": format!("token-{n}"), "expires_in": 7200
                        }))
                    } else {
                        handler(&entry, n)
                    };
                    // Answers run on their own threads so that a slow one holds up nothing.
                    std::thread::spawn(move || {
                        std::thread::sleep(answer.delay);
                        let header = tiny_http::Header::from_bytes(
                            &b"Content-Type"[..],
                            &b"application/json"[..],
                        )
                        .unwrap();
                        let response = tiny_http::Response::from_string(answer.body)
                            .with_status_code(answer.status)
                            .with_header(header);
                        let _ = request.respond(response);
                    });
                }
            })
        };
        Server {
            base_url: format!("http://127.0.0.1:{port}"),
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// How many requests went to `path`.
    pub fn calls(&self, path: &str) -> usize {
        self.seen().iter().filter(|s| s.path == path).count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
