//! The async client against a scriptable server on loopback: every retry and refresh path,
//! counted in requests and token fetches; timeouts; pagination; and no token in any log line.
#![cfg(feature = "client")]

mod agree;
mod server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::TryStreamExt as _;
use serde_json::json;
use server::{Answer, Server};
use wecom_rooms::client::{Cause, Client, RetryPolicy};
use wecom_rooms::endpoints::{GetInfo, List};
use wecom_rooms::meeting::rooms::get_info::response::EXAMPLES;

const GET_INFO: &str = "/cgi-bin/meeting/rooms/get_info";
const LIST: &str = "/cgi-bin/meeting/rooms/list";
const GETTOKEN: &str = "/cgi-bin/gettoken";
const SECRET: &str = "s3cret-Zq81";

fn room() -> Answer {
    Answer::json(serde_json::from_str(EXAMPLES[0]).unwrap())
}

/// A reqwest client that never goes through a proxy from the environment: the server is local.
fn direct() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn client(server: &Server) -> Client {
    captured();
    Client::builder("ww1234", SECRET)
        .base_url(&server.base_url)
        .http_client(direct())
        .retry(RetryPolicy::attempts(3).delays(
            Duration::from_millis(5),
            Duration::from_millis(20),
            Duration::from_millis(50),
        ))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_call_fetches_one_token_and_reuses_it() {
    let server = Server::start(|_, _| room());
    let client = client(&server);
    for _ in 0..3 {
        let room = client
            .call(GetInfo::new("RoomId001".parse().unwrap()))
            .await
            .unwrap();
        assert_eq!(room.basic_info.meeting_room_name, "会议室测试1");
    }
    assert_eq!((server.calls(GETTOKEN), server.calls(GET_INFO)), (1, 3));
    let seen = server.seen();
    let call = seen.iter().find(|s| s.path == GET_INFO).unwrap();
    assert_eq!(call.query["access_token"], "token-1");
    assert_eq!(call.body, json!({"meeting_room_id": "RoomId001"}));
    let gettoken = seen.iter().find(|s| s.path == GETTOKEN).unwrap();
    assert_eq!(gettoken.query["corpid"], "ww1234");
    assert_eq!(gettoken.query["corpsecret"], SECRET);
}

#[tokio::test]
async fn system_busy_is_retried_with_a_bounded_number_of_attempts() {
    let server = Server::start(|_, n| {
        if n <= 2 {
            Answer::error(-1, "system busy")
        } else {
            room()
        }
    });
    client(&server)
        .call(GetInfo::new("RoomId001".parse().unwrap()))
        .await
        .unwrap();
    assert_eq!(server.calls(GET_INFO), 3);

    let always = Server::start(|_, _| Answer::error(-1, "system busy"));
    let error = client(&always)
        .call(GetInfo::new("RoomId001".parse().unwrap()))
        .await
        .unwrap_err();
    assert_eq!(always.calls(GET_INFO), 3);
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.api_error().map(|e| e.errcode()), Some(-1));
    assert_eq!(
        error.to_string(),
        "/cgi-bin/meeting/rooms/get_info: wecom answered with an error (3 attempts)"
    );
    let source = std::error::Error::source(&error).unwrap().to_string();
    assert_eq!(source, "wecom error -1: system busy");
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_tried_once_more() {
    let server = Server::start(|seen, _| {
        if seen.query["access_token"] == "token-1" {
            Answer::error(42001, "access_token expired")
        } else {
            room()
        }
    });
    client(&server)
        .call(GetInfo::new("RoomId001".parse().unwrap()))
        .await
        .unwrap();
    assert_eq!((server.calls(GETTOKEN), server.calls(GET_INFO)), (2, 2));

    let never = Server::start(|_, _| Answer::error(40014, "invalid access_token"));
    let error = client(&never)
        .call(GetInfo::new("RoomId001".parse().unwrap()))
        .await
        .unwrap_err();
    assert_eq!((never.calls(GETTOKEN), never.calls(GET_INFO)), (2, 2));
    assert_eq!(error.api_error().map(|e| e.errcode()), Some(40014));
}

#[tokio::test]
async fn a_rate_limit_backs_off_then_succeeds() {
    let server = Server::start(|_, n| {
        if n == 1 {
            Answer::error(45009, "api freq out of limit")
        } else {
            room()
        }
    });
    let started = std::time::Instant::now();
    client(&server)
        .call(GetInfo::new("RoomId001".parse().unwrap()))
        .await
        .unwrap();
    assert_eq!(server.calls(GET_INFO), 2);
    // At least half the 20 ms rate-limit delay was waited.
    assert!(started.elapsed() >= Duration::from_millis(10));
}

#[tokio::test]
async fn server_errors_are_retried_and_other_statuses_are_not() {
    let server = Server::start(|_, n| {
        if n == 1 {
            Answer {
                status: 502,
                body: "<h1>Bad Gateway</h1>".into(),
                delay: Duration::ZERO,
            }
        } else {
            room()
        }
    });
    client(&server)
        .call(GetInfo::new("RoomId001".parse().unwrap()))
        .await
        .unwrap();
    assert_eq!(server.calls(GET_INFO), 2);

    let missing = Server::start(|_, _| Answer {
        status: 404,
        body: "no".into(),
        delay: Duration::ZERO,
    });
    let error = client(&missing)
        .call(GetInfo::new("RoomId001".parse().unwrap()))
        .await
        .unwrap_err();
    assert!(matches!(error.cause(), Cause::Http(_)), "{error:?}");
    assert_eq!(missing.calls(GET_INFO), 1);
}

#[tokio::test]
async fn the_timeout_covers_the_whole_call() {
    let server = Server::start(|_, _| Answer {
        delay: Duration::from_secs(2),
        ..room()
    });
    let client = Client::builder("ww1234", SECRET)
        .base_url(&server.base_url)
        .http_client(direct())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client
        .call(GetInfo::new("RoomId001".parse().unwrap()))
        .await
        .unwrap_err();
    assert!(matches!(error.cause(), Cause::Timeout(t) if *t == Duration::from_millis(200)));
    assert_eq!(
        error.to_string(),
        "/cgi-bin/meeting/rooms/get_info: timed out after 200ms"
    );
}

/// A request its schema refuses. A typed request cannot be one; a hand-made endpoint type that
/// sends any JSON as call's body can, and is checked all the same.
#[derive(serde::Serialize)]
struct RawCall(serde_json::Value);

impl wecom_rooms::Endpoint for RawCall {
    const ENDPOINT: wecom_rooms_runtime::registry::Endpoint =
        wecom_rooms::meeting::rooms::call::request::ENDPOINT;
    const SCHEMA: wecom_rooms_runtime::registry::SchemaEntry =
        wecom_rooms::meeting::rooms::call::request::SCHEMA_ENTRY;
    type Response = wecom_rooms::meeting::rooms::call::response::Response;
    fn decode_response(
        body: &[u8],
    ) -> Result<Self::Response, wecom_rooms_runtime::decode::DecodeError> {
        wecom_rooms::meeting::rooms::call::response::decode_validated(body)
    }
}

/// A call whose MRA protocol (9) the schema does not name.
fn unknown_protocol() -> RawCall {
    RawCall(serde_json::json!({
        "meetingid": "m",
        "mra_address": {"protocol": 9, "dial_string": "10.0.0.1"}
    }))
}

const CALL_PATH: &str = "/cgi-bin/meeting/rooms/call";

#[tokio::test]
async fn invalid_requests_and_unreadable_answers_are_not_retried() {
    let server = Server::start(|_, _| Answer::json(json!({"errcode": 0, "errmsg": "ok"})));
    let client = client(&server);
    let error = client.call(unknown_protocol()).await.unwrap_err();
    assert!(
        matches!(error.cause(), Cause::InvalidRequest(_)),
        "{error:?}"
    );
    assert_eq!(server.calls(CALL_PATH), 0);
    // errcode 0 without the room's details: not a get_info answer, and not retried.
    let error = client
        .call(GetInfo::new("RoomId001".parse().unwrap()))
        .await
        .unwrap_err();
    assert!(matches!(error.cause(), Cause::Decode(_)), "{error:?}");
    assert_eq!(server.calls(GET_INFO), 1);
}

/// Three pages of rooms: the cursor moves on, the limit stays.
fn room_pages(seen: &server::Seen, _: usize) -> Answer {
    assert_eq!(
        seen.body["limit"], 2,
        "the limit must stay the same: {}",
        seen.body
    );
    let page = match seen.body.get("cursor").and_then(|c| c.as_str()) {
        None => 0,
        Some("page-1") => 1,
        Some("page-2") => 2,
        Some(other) => panic!("unexpected cursor {other}"),
    };
    let rooms: Vec<_> = (0..2)
        .map(|i| {
            json!({
                "meeting_room_id": format!("room-{page}-{i}"), "meeting_room_name": "n",
                "meeting_room_location": "l", "account_type": 1, "active_code": "c",
                "participant_number": 4, "meeting_room_status": 2, "scheduled_status": 1,
                "is_allow_call": true
            })
        })
        .collect();
    let mut body =
        json!({"errcode": 0, "errmsg": "ok", "has_more": page < 2, "meeting_room_list": rooms});
    if page < 2 {
        body["next_cursor"] = json!(format!("page-{}", page + 1));
    }
    Answer::json(body)
}

#[tokio::test]
async fn paginate_walks_every_page_with_the_same_limit() {
    let server = Server::start(room_pages);
    let mut request = List::new();
    request.limit = wecom_rooms::Bounded::new(2);
    let rooms: Vec<_> = client(&server)
        .paginate(request)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = rooms.iter().map(|r| r.meeting_room_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "room-0-0", "room-0-1", "room-1-0", "room-1-1", "room-2-0", "room-2-1"
        ]
    );
    assert_eq!((server.calls(LIST), server.calls(GETTOKEN)), (3, 1));
}

#[tokio::test]
async fn a_cursor_handed_out_twice_ends_the_listing_with_an_error() {
    let server = Server::start(|_, _| {
        Answer::json(json!({"errcode": 0, "errmsg": "ok", "has_more": true,
            "next_cursor": "again", "meeting_room_list": []}))
    });
    let result: Result<Vec<_>, _> = client(&server).paginate(List::new()).try_collect().await;
    let error = result.unwrap_err();
    assert!(matches!(error.cause(), Cause::Pagination(_)), "{error:?}");
    assert_eq!(server.calls(LIST), 2);
}

/// A `tracing` writer that keeps every line in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test binary, from a global subscriber installed by the first test
/// that builds a client (a scoped one would miss spans whose interest another test's thread
/// cached first).
fn captured() -> Captured {
    static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
            captured
        })
        .clone()
}

#[tokio::test]
async fn no_log_line_and_no_debug_output_shows_the_token_or_the_secret() {
    let captured = captured();
    let server = Server::start(|seen, _| {
        if seen.query["access_token"] == "token-1" {
            Answer::error(42001, "access_token expired")
        } else {
            Answer::error(-1, "system busy")
        }
    });
    let client = client(&server);
    let error = client
        .call(GetInfo::new("RoomId001".parse().unwrap()))
        .await
        .unwrap_err();
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("wecom_rooms.call"), "{logs}");
    assert!(
        logs.contains("endpoint=\"/cgi-bin/meeting/rooms/get_info\""),
        "{logs}"
    );
    assert!(
        logs.contains("errcode=-1") && logs.contains("errcode=42001"),
        "{logs}"
    );
    assert!(logs.contains("attempt=3"), "{logs}");
    for shown in [
        logs,
        format!("{client:?}"),
        format!("{error:?}"),
        error.to_string(),
    ] {
        for secret in ["token-1", "token-2", SECRET] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}
