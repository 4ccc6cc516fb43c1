//! The client and `parse_response` read an answer the same way: each (status, body) of a table
//! goes through `parse_response` and, served on loopback, through `Client::call`, and both
//! must end in the same verdict (after whatever retries or refresh the client makes).

use serde_json::{Value, json};
use wecom_rooms::client::Cause;
use wecom_rooms::endpoints::GetInfo;
use wecom_rooms::meeting::rooms::get_info::response::EXAMPLES;
use wecom_rooms::{Error, parse_response};

use super::server::{Answer, Server};

/// What became of an answer, in words that both sides can give: success (with the room's
/// name), WeCom's error, a status other than 2xx, or a body that is not a get_info answer,
/// each with its whole message.
fn verdict_of_parse(
    result: Result<wecom_rooms::meeting::rooms::get_info::response::RoomInfo, Error>,
) -> String {
    match result {
        Ok(room) => format!("ok: {}", room.basic_info.meeting_room_name),
        Err(Error::Api(e)) => format!("api: {e:?}"),
        Err(e @ Error::Http { .. }) => format!("http: {e}"),
        Err(Error::Decode(e)) => format!("decode: {e}"),
        Err(other) => panic!("parse_response gave {other:?}"),
    }
}

fn verdict_of_call(
    result: Result<
        wecom_rooms::meeting::rooms::get_info::response::RoomInfo,
        wecom_rooms::client::CallError,
    >,
) -> String {
    match result {
        Ok(room) => format!("ok: {}", room.basic_info.meeting_room_name),
        Err(e) => match e.cause() {
            Cause::Api(e) => format!("api: {e:?}"),
            Cause::Http(e) => format!("http: {e}"),
            Cause::Decode(e) => format!("decode: {e}"),
            other => panic!("the call failed otherwise: {other:?}"),
        },
    }
}

fn sample() -> Value {
    serde_json::from_str(EXAMPLES[0]).unwrap()
}

/// The doc's sample with `edit` applied.
fn sample_with(edit: impl FnOnce(&mut Value)) -> String {
    let mut body = sample();
    edit(&mut body);
    body.to_string()
}

/// (what the case is, status, body, the verdict's kind).
fn cases() -> Vec<(&'static str, u16, String, &'static str)> {
    let envelope = |code: i32, msg: &str| json!({"errcode": code, "errmsg": msg}).to_string();
    vec![
        ("the doc's sample", 200, sample().to_string(), "ok"),
        ("another 2xx status", 203, sample().to_string(), "ok"),
        (
            // The schema names statuses 0 to 3: the types keep 9 as Unknown(9).
            "a room status the schema does not name",
            200,
            sample_with(|b| b["hardware_info"]["meeting_room_status"] = json!(9)),
            "ok",
        ),
        (
            "a member the schema does not name",
            200,
            sample_with(|b| b["new_member"] = json!({"x": 1})),
            "ok",
        ),
        (
            "an expired token",
            200,
            envelope(42001, "access_token expired"),
            "api",
        ),
        ("system busy", 200, envelope(-1, "system busy"), "api"),
        (
            "a rate limit",
            200,
            envelope(45009, "api freq out of limit"),
            "api",
        ),
        (
            "not permitted",
            200,
            envelope(48002, "api forbidden"),
            "api",
        ),
        (
            "an unknown room, with extra members",
            200,
            json!({"errcode": 40058, "errmsg": "invalid", "hint": [1]}).to_string(),
            "api",
        ),
        (
            "an envelope with errcode 0 and nothing else",
            200,
            envelope(0, "ok"),
            "decode",
        ),
        (
            "a body that is not JSON",
            200,
            "<html>ok</html>".into(),
            "decode",
        ),
        ("an empty body", 200, String::new(), "decode"),
        ("an array", 200, "[]".into(), "decode"),
        (
            "errcode as a string",
            200,
            json!({"errcode": "42001", "errmsg": "x"}).to_string(),
            "decode",
        ),
        (
            "a room name of the wrong type",
            200,
            sample_with(|b| b["basic_info"]["meeting_room_name"] = json!(7)),
            "decode",
        ),
        ("a bad gateway", 502, "<h1>Bad Gateway</h1>".into(), "http"),
        ("not found", 404, "no".into(), "http"),
        (
            "too many requests, with an envelope",
            429,
            envelope(45009, "api freq out of limit"),
            "http",
        ),
        (
            "a server error with the doc's sample",
            500,
            sample().to_string(),
            "http",
        ),
        ("a redirect without a location", 302, String::new(), "http"),
        (
            "forbidden, multi-line",
            403,
            "line one\r\nline two".into(),
            "http",
        ),
    ]
}

#[tokio::test]
async fn parse_response_and_the_client_give_the_same_verdict_on_every_answer() {
    for (name, status, body, kind) in cases() {
        let response = http::Response::builder()
            .status(status)
            .body(body.as_bytes())
            .unwrap();
        let parsed = verdict_of_parse(parse_response::<GetInfo>(&response));

        let served = body.clone();
        let server = Server::start(move |_, _| Answer {
            status,
            body: served.clone(),
            delay: std::time::Duration::ZERO,
        });
        let called = verdict_of_call(
            super::client(&server)
                .call(GetInfo::new("RoomId001".parse().unwrap()))
                .await,
        );

        assert_eq!(parsed, called, "{name}: {status} {body}");
        assert!(
            parsed.starts_with(kind),
            "{name}: expected {kind}, got {parsed}"
        );
    }
}
