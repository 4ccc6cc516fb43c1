//! The in-process entry point (what the fuzz targets drive) answers exactly as the server
//! does over HTTP: the same state and seed give the same status and the same bytes, call by
//! call, refusals, unknown paths and oversized bodies included.

mod common;

use common::{BOT_SECRET, CORP};
use wecom_rooms_sim::SimConfig;
use wecom_rooms_sim::in_process::{Answer, InProcess};

#[tokio::test]
async fn in_process_answers_are_the_servers_byte_for_byte() {
    let config = || SimConfig::new().max_body_bytes(4096);
    let harness = common::start_with(config()).await;
    let local = InProcess::new(config()).expect("the example state");
    let base = harness.sim.base_url().to_owned();

    let gettoken = format!("/cgi-bin/gettoken?corpid={CORP}&corpsecret={BOT_SECRET}");
    let over_http = harness.client.get(format!("{base}{gettoken}")).send().await;
    let granted: serde_json::Value = over_http.expect("gettoken").json().await.expect("JSON");
    let token = granted["access_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let local_token = match local.request(b"GET", &gettoken, b"").await {
        Answer::Sent(200, body) => serde_json::from_slice::<serde_json::Value>(&body)
            .expect("JSON")["access_token"]
            .as_str()
            .expect("a token")
            .to_owned(),
        other => panic!("gettoken in process: {other:?}"),
    };
    assert_eq!(token, local_token, "the same seed issues the same token");

    let rooms = |name: &str| format!("/cgi-bin/meeting/rooms/{name}?access_token={token}");
    let create = format!("/cgi-bin/meeting/create?access_token={token}");
    let calls: [(&str, String, Vec<u8>); 9] = [
        ("POST", rooms("get_info"), br#"{"meeting_room_id":"room-1"}"#.to_vec()),
        ("POST", rooms("list"), br#"{"limit":2}"#.to_vec()),
        ("POST", rooms("get_info"), br#"{"meeting_room_id":""}"#.to_vec()),
        ("POST", rooms("get_info"), b"{not json".to_vec()),
        ("GET", rooms("get_info"), Vec::new()),
        ("POST", "/cgi-bin/meeting/rooms/get_info".to_owned(), b"{}".to_vec()),
        ("POST", rooms("no_such_endpoint"), b"{}".to_vec()),
        ("POST", rooms("get_info"), vec![b' '; 5000]),
        (
            "POST",
            create,
            br#"{"admin_userid":"zhangsan","title":"t","meeting_start":1900000000,"meeting_duration":3600}"#
                .to_vec(),
        ),
    ];
    for (method, url, body) in calls {
        let sent = harness
            .client
            .request(method.parse().expect("a method"), format!("{base}{url}"))
            .body(body.clone())
            .send()
            .await
            .expect("the server answers");
        let status = sent.status().as_u16();
        let over_http = sent.bytes().await.expect("a body").to_vec();
        let in_process = local.request(method.as_bytes(), &url, &body).await;
        assert_eq!(
            in_process,
            Answer::Sent(status, over_http),
            "{method} {url}"
        );
    }
    assert_eq!(local.schema_violations(), 0);
    assert_eq!(harness.sim.schema_violations(), 0);
}
