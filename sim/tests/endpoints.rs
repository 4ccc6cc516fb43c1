//! Every endpoint's happy path over loopback HTTP, against the example state.

mod common;

use std::time::Duration;

use common::{BOT_SECRET, at_room, errcode, start};
use serde_json::json;

#[tokio::test]
async fn gettoken_issues_distinct_tokens() {
    let h = start().await;
    let first = h.token(BOT_SECRET).await;
    let second = h.token(BOT_SECRET).await;
    assert_ne!(first, second);
    assert!(first.len() <= 512);
    h.finish().await;
}

#[tokio::test]
async fn book_then_list_meetings_then_release() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let booked = h
        .post("book", &token, json!({"meetingid": "meeting-review", "meeting_room_id_list": ["room-2", "room-3"], "subject_visible": false}))
        .await;
    assert_eq!(errcode(&booked), 0, "{booked}");
    let names: Vec<_> = booked["meeting_room_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["meeting_room_name"].clone())
        .collect();
    assert_eq!(names, [json!("Taishan 泰山"), json!("Emei 峨眉")]);
    assert_eq!(h.sim.bookings()["meeting-review"], ["room-2", "room-3"]);

    let listed = h
        .post(
            "list_meetings",
            &token,
            json!({"meeting_room_id": "room-2"}),
        )
        .await;
    assert_eq!(errcode(&listed), 0, "{listed}");
    assert_eq!(listed["has_more"], false);
    let meetings = listed["meeting_info_list"].as_array().unwrap();
    assert_eq!(meetings.len(), 1);
    assert_eq!(meetings[0]["meetingid"], "meeting-review");
    assert_eq!(meetings[0]["status"], "MEETING_STATE_INIT");
    // By the device: rooms-1003 is room-3's, through list_devices' records.
    let by_device = h
        .post("list_meetings", &token, json!({"rooms_id": "rooms-1003"}))
        .await;
    assert_eq!(
        by_device["meeting_info_list"][0]["meetingid"],
        "meeting-review"
    );

    let released = h
        .post(
            "release",
            &token,
            json!({"meetingid": "meeting-review", "meeting_room_id_list": ["room-2"]}),
        )
        .await;
    assert_eq!(released, json!({"errcode": 0, "errmsg": "ok"}));
    assert_eq!(h.sim.bookings()["meeting-review"], ["room-3"]);
    let listed = h
        .post(
            "list_meetings",
            &token,
            json!({"meeting_room_id": "room-2"}),
        )
        .await;
    assert_eq!(listed["meeting_info_list"], json!([]));
    h.finish().await;
}

#[tokio::test]
async fn list_meetings_follows_the_clock_and_the_seed() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    // meeting-standup has room-1 from the seed; rooms-1001 is in room-1's rooms_id_list.
    let listed = h
        .post("list_meetings", &token, json!({"rooms_id": "rooms-1001"}))
        .await;
    assert_eq!(
        listed["meeting_info_list"][0]["meetingid"],
        "meeting-standup"
    );
    h.sim.clock().advance(Duration::from_secs(2 * 3600 + 60));
    let token = h.token(BOT_SECRET).await; // the first one expired with the 2 hours
    let listed = h.post("list_meetings", &token, json!({"meeting_room_id": "room-1", "start_time": 1_704_067_200u32, "end_time": 1_704_153_600u32})).await;
    assert_eq!(
        listed["meeting_info_list"][0]["status"],
        "MEETING_STATE_STARTED"
    );
    h.finish().await;
}

#[tokio::test]
async fn get_info_get_config_and_get_inventory() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let info = h
        .post("get_info", &token, json!({"meeting_room_id": "room-1"}))
        .await;
    assert_eq!(errcode(&info), 0, "{info}");
    assert_eq!(info["basic_info"]["meeting_room_name"], "Huangshan 黄山");
    assert_eq!(info["basic_info"]["password"], "MzMz");
    assert_eq!(info["hardware_info"]["monitor_frequency"], "60Hz");
    assert_eq!(info["is_allow_call"], true);
    // A room seeded without details gets defaults that still pass the schema.
    let plain = h
        .post("get_info", &token, json!({"meeting_room_id": "room-4"}))
        .await;
    assert_eq!(plain["hardware_info"]["meeting_room_status"], 4);
    assert_eq!(plain["scheduled_status"], 0);

    let config = h
        .post("get_config", &token, json!({"meeting_room_id": "room-1"}))
        .await;
    assert_eq!(config["meeting_settings"]["water_mark"], 2);
    assert_eq!(config["record_settings"]["share_record"], 3);

    let inventory = h.post("get_inventory", &token, json!({})).await;
    assert_eq!(inventory["normal_count"], 10);
    assert_eq!(inventory["special_used_count"], 1);
    let empty = h
        .post_raw(
            "get_inventory",
            &format!("access_token={token}"),
            Vec::new(),
        )
        .await;
    assert_eq!(empty, inventory, "an empty body counts as {{}}");
    h.finish().await;
}

#[tokio::test]
async fn the_three_listings() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let rooms = h.post("list", &token, json!({})).await;
    assert_eq!(rooms["meeting_room_list"].as_array().unwrap().len(), 4);
    assert_eq!(rooms["has_more"], false);
    assert!(rooms.get("next_cursor").is_none());
    let devices = h
        .post("list_devices", &token, json!({"meeting_room_name": "泰山"}))
        .await;
    assert_eq!(devices["device_info_list"].as_array().unwrap().len(), 1);
    assert_eq!(devices["device_info_list"][0]["rooms_id"], "rooms-1002");
    let controllers = h
        .post(
            "list_controllers",
            &token,
            json!({"controller_name": "IPAD"}),
        )
        .await;
    let names: Vec<_> = controllers["controller_info_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["controller_name"].clone())
        .collect();
    assert_eq!(names, [json!("huangshan-ipad"), json!("taishan-ipad")]);
    h.finish().await;
}

#[tokio::test]
async fn call_get_response_status_and_cancel_call() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let called = h
        .post("call", &token, at_room("meeting-standup", "room-2"))
        .await;
    assert_eq!(errcode(&called), 0, "{called}");
    let invite = called["invite_id"].as_str().unwrap().to_owned();
    let status = h
        .post(
            "get_response_status",
            &token,
            at_room("meeting-standup", "room-2"),
        )
        .await;
    assert_eq!(status["status"], 4, "呼叫中");
    assert_eq!(status["response_time"], "2024/01/01 08:00:00");
    let mut cancel = at_room("meeting-standup", "room-2");
    cancel["invite_id"] = json!(invite);
    let cancelled = h.post("cancel_call", &token, cancel).await;
    assert_eq!(cancelled, json!({"errcode": 0, "errmsg": "ok"}));
    let status = h
        .post(
            "get_response_status",
            &token,
            at_room("meeting-standup", "room-2"),
        )
        .await;
    assert_eq!(status["status"], 5, "取消呼叫");
    h.finish().await;
}

#[tokio::test]
async fn run_until_serves_what_the_cli_configures() {
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/seed.json");
    let config =
        wecom_rooms_sim::SimConfig::for_cli(None, Some(std::path::Path::new(seed)), Some(9))
            .unwrap();
    let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(wecom_rooms_sim::run_until(
        config,
        move |addr| {
            let _ = addr_tx.send(addr);
        },
        async move {
            let _ = stop_rx.await;
        },
    ));
    let addr = addr_rx.await.unwrap();
    let url = format!(
        "http://{addr}/cgi-bin/gettoken?corpid={}&corpsecret={BOT_SECRET}",
        common::CORP
    );
    let answer: serde_json::Value = common::client()
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(errcode(&answer), 0, "{answer}");
    stop_tx.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "stopped listening"
    );
    let missing = wecom_rooms_sim::SimConfig::for_cli(
        None,
        Some(std::path::Path::new("/nonexistent.json")),
        None,
    );
    assert!(
        missing
            .unwrap_err()
            .to_string()
            .starts_with("cannot read the state file")
    );
}
