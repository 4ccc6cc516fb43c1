//! Hostile input never panics the simulator, and every request it can read gets an answer.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{BOT_SECRET, errcode, start_with};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wecom_rooms_sim::SimConfig;

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Sends raw bytes on a fresh connection and reads until the server closes it or 2 s pass.
async fn raw(addr: std::net::SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let _ = stream.write_all(bytes).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_gets_refusals_not_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        previous(info);
    }));
    let h = start_with(SimConfig::new().max_body_bytes(64 * 1024)).await;
    let token = h.token(BOT_SECRET).await;
    let query = format!("access_token={token}");
    let bodies: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"\xef\xbb\xbf{}".to_vec(),
        b"{\"meeting_room_id\": \"\xff\xfe\"}".to_vec(),
        b"{\"meeting_room_id\": \"\\ud800\"}".to_vec(),
        b"{\"meetingid\": 1e400, \"meeting_room_id_list\": [\"a\"]}".to_vec(),
        b"{\"meetingid\": \"m\", \"meeting_room_id_list\": [\"a\"], \"meetingid\": 3}".to_vec(),
        "[".repeat(100_000).into_bytes(),
        format!("{{\"meeting_room_id\": \"{}\"}}", "x".repeat(60_000)).into_bytes(),
        b"<xml>not json</xml>".to_vec(),
    ];
    for name in [
        "book",
        "release",
        "get_info",
        "list",
        "list_meetings",
        "call",
        "cancel_call",
        "get_response_status",
        "get_inventory",
    ] {
        for body in &bodies {
            let answer = h.post_raw(name, &query, body.clone()).await;
            let code = errcode(&answer);
            assert!(
                code == 40058 || (name == "get_inventory" && body.is_empty()),
                "{name}: {answer}"
            );
        }
    }
    // Wrong content types are ignored, as WeCom ignores them.
    let url = h.url(&format!("/cgi-bin/meeting/rooms/get_info?{query}"));
    let answer: Value = h
        .client
        .post(&url)
        .header("content-type", "text/plain")
        .body(r#"{"meeting_room_id":"room-1"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(errcode(&answer), 0, "{answer}");
    // A body over the limit: 40058, and the connection is closed.
    let huge = vec![b' '; 10 << 20];
    let answer: Value = h
        .client
        .post(&url)
        .body(huge)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(errcode(&answer), 40058);
    assert!(
        answer["errmsg"].as_str().unwrap().contains("larger than"),
        "{answer}"
    );
    // Odd query strings.
    let odd = h
        .post_raw(
            "get_info",
            "access_token=%ff%fe&access_token=x&&=",
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(errcode(&odd), 40014);
    let odd = h
        .client
        .get(h.url("/cgi-bin/gettoken?corpid=%zz&corpsecret"))
        .send()
        .await
        .unwrap();
    assert_eq!(odd.status(), 200);
    // Not HTTP at all, a lying Content-Length, a truncated request: closed, never a panic.
    let addr = h.sim.addr();
    let garbage = raw(addr, b"\x00\x01\x02 not http\r\n\r\n").await;
    assert!(
        garbage.is_empty() || garbage.starts_with("HTTP/1.1 400"),
        "{garbage}"
    );
    let lying = format!(
        "POST /cgi-bin/meeting/rooms/list?{query} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{{}}"
    );
    tokio::time::timeout(Duration::from_secs(5), async {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(lying.as_bytes()).await.unwrap();
        drop(stream);
    })
    .await
    .unwrap();
    let chunked = format!(
        "POST /cgi-bin/meeting/rooms/list?{query} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
    );
    let answer = raw(addr, chunked.as_bytes()).await;
    assert!(!answer.contains("\"errcode\":0"), "{answer}");
    // Still serving, and nothing panicked.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let fine = h
        .post(
            "get_info",
            &token,
            serde_json::json!({"meeting_room_id": "room-1"}),
        )
        .await;
    assert_eq!(errcode(&fine), 0);
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "the simulator panicked");
    h.finish().await;
}
