//! Bytes → a sequence of requests to the simulator, in process (`wecom_rooms_sim::in_process`:
//! the code the HTTP server runs once a body is read), over the example state. Every answer
//! to a routed path is JSON with an integer `errcode` and passes its response schema; nothing
//! panics, whatever the order of calls, the bodies or the clock.
//!
//! Input: requests separated by a 0 byte, each `[how][route]body`. `how`'s bits 0–1 pick
//! the method (GET, POST, DELETE, one hyper refuses), bit 2 sends a token fetched for this
//! input, bit 3 a made-up token, bit 4 moves the clock an hour first; `route` picks an entry
//! of the family's routes or, past them, a path no endpoint has. A body cannot hold a 0 byte,
//! which JSON text outside strings never does.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
// Links the capped allocator (see `wecom_rooms_fuzz::ALLOCATION_LIMIT`).
use serde_json::Value;
use wecom_rooms::ROUTES;
use wecom_rooms_fuzz as _;
use wecom_rooms_sim::in_process::{Answer, InProcess};
use wecom_rooms_sim::{DEFAULT_START, SimClock, SimConfig};

const GETTOKEN: &str = "/cgi-bin/gettoken?corpid=ww0123456789abcdef&corpsecret=booking-bot-secret";

async fn token(sim: &InProcess) -> String {
    let Answer::Sent(200, body) = sim.request(b"GET", GETTOKEN, b"").await else {
        panic!("gettoken without faults answers");
    };
    let granted: Value = serde_json::from_slice(&body).expect("gettoken answers JSON");
    granted["access_token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

fuzz_target!(|bytes: &[u8]| {
    let clock = SimClock::manual(DEFAULT_START);
    let sim = InProcess::new(SimConfig::new().clock(clock.clone())).expect("the example state");
    wecom_rooms_fuzz::paused_runtime().block_on(async {
        let mut token = token(&sim).await;
        for request in bytes.split(|b| *b == 0) {
            let [how, route, body @ ..] = request else {
                continue;
            };
            if how & 0x10 != 0 {
                clock.advance(Duration::from_secs(3600));
                token = self::token(&sim).await;
            }
            let method: &[u8] = match how & 3 {
                0 => b"GET",
                1 => b"POST",
                2 => b"DELETE",
                _ => b"NOT A METHOD",
            };
            let path = ROUTES
                .get(usize::from(*route))
                .map_or("/cgi-bin/meeting/rooms/nope", |r| r.endpoint.path);
            let url = if how & 4 != 0 {
                format!("{path}?access_token={token}")
            } else if how & 8 != 0 {
                format!("{path}?access_token=made-up")
            } else {
                path.to_owned()
            };
            let Answer::Sent(status, answer) = sim.request(method, &url, body).await else {
                panic!("no fault drops a connection in the example state");
            };
            if status != 200 {
                assert!(status == 404 || status == 400, "status {status}");
                continue;
            }
            let answer: Value = serde_json::from_slice(&answer).expect("answers are JSON");
            assert!(answer["errcode"].is_i64(), "{answer}");
        }
    });
    assert_eq!(
        sim.schema_violations(),
        0,
        "{:?}",
        sim.schema_violation_reports()
    );
});
