//! The whole path through a real HTTP server on 127.0.0.1 and a real HTTP client: build a
//! request, send it with ureq, let a tiny_http server check what arrived and answer with the
//! doc's sample or an error envelope, and parse what comes back.
//!
//! The server picks its answer by the room ID in the request body, so each room ID stands for
//! one outcome. Every wait is bounded: the client and the server time out after a few seconds,
//! and the server stops when the test ends, passed or failed.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::Duration;

use wecom_rooms::meeting::rooms::get_info::request::Request;
use wecom_rooms::meeting::rooms::get_info::response::MonitorFrequency;
use wecom_rooms::{AccessToken, Error, ErrorKind, build_request_to, parse_response};

/// A token with characters that must be percent-encoded in a query.
const TOKEN: &str = "tok/en+with=odd&chars%41-_~";
const ENCODED_TOKEN: &str = "tok%2Fen%2Bwith%3Dodd%26chars%2541-_~";
const TIMEOUT: Duration = Duration::from_secs(5);

/// What the server answers: a status and a body.
type Answer = (u16, Vec<u8>);

/// What the server saw of one request.
#[derive(Debug)]
struct Seen {
    method: String,
    url: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// A server on 127.0.0.1 that answers by room ID, and stops when dropped.
struct Server {
    base_url: String,
    seen: Receiver<Seen>,
    stop: Arc<AtomicBool>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(answers: BTreeMap<&'static str, Answer>) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let (tx, seen) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let server = Arc::clone(&server);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Ok(Some(mut request)) = server.recv_timeout(Duration::from_millis(100))
                    else {
                        continue;
                    };
                    let mut body = Vec::new();
                    request
                        .as_reader()
                        .take(64 * 1024)
                        .read_to_end(&mut body)
                        .expect("read the request body");
                    let content_type = request
                        .headers()
                        .iter()
                        .find(|h| h.field.equiv("Content-Type"))
                        .map(|h| h.value.to_string());
                    let room_id = serde_json::from_slice::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v["meeting_room_id"].as_str().map(str::to_owned))
                        .unwrap_or_default();
                    let (status, answer) = answers
                        .get(room_id.as_str())
                        .cloned()
                        .unwrap_or((400, b"unknown room".to_vec()));
                    let json = tiny_http::Header::from_bytes("Content-Type", "application/json")
                        .expect("a valid header");
                    let response = tiny_http::Response::from_data(answer)
                        .with_status_code(status)
                        .with_header(json);
                    let _ = tx.send(Seen {
                        method: request.method().to_string(),
                        url: request.url().to_owned(),
                        content_type,
                        body,
                    });
                    let _ = request.respond(response);
                }
            })
        };
        Server {
            base_url: format!("http://127.0.0.1:{port}"),
            seen,
            stop,
            server,
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Sends `request` with ureq and hands the response, body read, back as an `http::Response`.
fn send(agent: &ureq::Agent, request: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let response = agent.run(request).expect("the loopback exchange");
    let (parts, mut body) = response.into_parts();
    let body = body.read_to_vec().expect("read the response body");
    http::Response::from_parts(parts, body)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/meeting/rooms/get_info/response")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn envelope(errcode: i32, errmsg: &str) -> Answer {
    let body = serde_json::json!({"errcode": errcode, "errmsg": errmsg});
    (200, body.to_string().into_bytes())
}

/// What a call should come to.
#[derive(Debug)]
enum Outcome {
    Room,
    Api(i32, ErrorKind),
    /// A decode error whose message contains this.
    Decode(&'static str),
    Http(u16),
}

#[test]
fn the_whole_path_through_a_loopback_server() {
    use ErrorKind::*;
    use Outcome::*;

    let cases: &[(&str, Answer, Outcome)] = &[
        ("RoomId001", (200, fixture("valid/doc-sample.json")), Room),
        ("busy", envelope(-1, "system busy"), Api(-1, Retryable)),
        (
            "invalid-token",
            envelope(40014, "invalid access_token"),
            Api(40014, InvalidToken),
        ),
        (
            "expired",
            envelope(42001, "access_token expired"),
            Api(42001, InvalidToken),
        ),
        (
            "frequency",
            envelope(45009, "api freq out of limit"),
            Api(45009, RateLimited),
        ),
        (
            "concurrency",
            envelope(45033, "api concurrent out of limit"),
            Api(45033, RateLimited),
        ),
        (
            "forbidden",
            envelope(48002, "api forbidden"),
            Api(48002, NotPermitted),
        ),
        (
            "untrusted-ip",
            envelope(60020, "not allow to access from your ip"),
            Api(60020, NotPermitted),
        ),
        (
            "no-privilege",
            envelope(301002, "no privilege to access app"),
            Api(301002, NotPermitted),
        ),
        (
            "other",
            envelope(40058, "invalid parameter"),
            Api(40058, Other),
        ),
        (
            "bad-gateway",
            (502, b"<html>Bad Gateway</html>".to_vec()),
            Http(502),
        ),
        ("unavailable", (503, Vec::new()), Http(503)),
        (
            "malformed",
            (
                200,
                br#"{"errcode": 0, "errmsg": "ok", "basic_info": {"#.to_vec(),
            ),
            Decode("EOF"),
        ),
        (
            "without-details",
            (200, br#"{"errcode": 0, "errmsg": "ok"}"#.to_vec()),
            Decode("missing field `basic_info`"),
        ),
    ];
    let answers = cases
        .iter()
        .map(|(room, answer, _)| (*room, answer.clone()))
        .collect();
    let server = Server::start(answers);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(TIMEOUT))
        .build()
        .into();
    let token = AccessToken::new(TOKEN).unwrap();

    for (room, _, expected) in cases {
        let request = Request::new(room.parse().expect("not empty"));
        let prepared = build_request_to(&server.base_url, &request, &token).unwrap();
        let response = send(&agent, prepared.into_http());

        // What went over the wire.
        let seen = server
            .seen
            .recv_timeout(TIMEOUT)
            .expect("the server saw it");
        assert_eq!(seen.method, "POST", "{room}");
        assert_eq!(
            seen.url,
            format!("/cgi-bin/meeting/rooms/get_info?access_token={ENCODED_TOKEN}"),
            "{room}"
        );
        let query = seen.url.split_once('?').unwrap().1;
        let sent = query.strip_prefix("access_token=").unwrap();
        let decoded = percent_encoding::percent_decode_str(sent)
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, TOKEN, "{room}");
        assert_eq!(seen.content_type.as_deref(), Some("application/json"));
        let body: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
        assert_eq!(body, serde_json::json!({"meeting_room_id": room}), "{room}");
        assert!(!String::from_utf8_lossy(&seen.body).contains("odd"));

        // What came back.
        let got = parse_response::<Request>(&response);
        match (&got, expected) {
            (Ok(info), Room) => {
                assert_eq!(info.basic_info.meeting_room_name, "会议室测试1");
                assert_eq!(info.basic_info.desc.decode_utf8().unwrap(), "hello");
                assert_eq!(
                    info.hardware_info.monitor_frequency,
                    MonitorFrequency::Number(0)
                );
                let shown = format!("{info:?}");
                assert!(!shown.contains("MzMz") && !shown.contains("XXXXXXX"));
            }
            (Err(Error::Api(e)), Api(code, kind)) => {
                assert_eq!((e.errcode(), e.kind()), (*code, *kind), "{room}");
            }
            (Err(Error::Decode(e)), Decode(text)) => {
                assert!(e.to_string().contains(text), "{room}: {e}");
            }
            (Err(Error::Http { status, .. }), Http(code)) => {
                assert_eq!(status.as_u16(), *code, "{room}");
            }
            _ => panic!("{room}: got {got:?}, expected {expected:?}"),
        }
        if let Err(e) = &got {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("odd"), "{room}: {shown}");
        }
    }
}
