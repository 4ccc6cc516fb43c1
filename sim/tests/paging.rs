//! Pagination (`cursor`, `limit`, default 20, a `limit` that must not change) and the call
//! status model on the sim clock.

mod common;

use std::time::Duration;

use common::{BOT_SECRET, at_room, errcode, start, start_with};
use serde_json::{Value, json};
use wecom_rooms_sim::{SeedState, SimConfig, codes};

/// The example state with `n` more rooms, named "Extra NN".
fn with_rooms(n: usize) -> SeedState {
    let mut seed = serde_json::from_str::<Value>(wecom_rooms_sim::EXAMPLE_SEED).unwrap();
    let rooms = seed["rooms"].as_array_mut().unwrap();
    for i in 0..n {
        rooms.push(json!({"meeting_room": {
            "meeting_room_id": format!("extra-{i:02}"), "meeting_room_name": format!("Extra {i:02}"),
            "meeting_room_location": "B2", "account_type": 0, "active_code": "X", "participant_number": 6,
            "meeting_room_status": 2, "scheduled_status": 1, "is_allow_call": true}}));
    }
    SeedState::from_json(seed.to_string().as_bytes()).unwrap()
}

fn ids(page: &Value, key: &str, id: &str) -> Vec<String> {
    page[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[id].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn list_pages_by_20_by_default_and_keeps_its_limit() {
    let h = start_with(SimConfig::new().state(with_rooms(41))).await;
    let token = h.token(BOT_SECRET).await;
    let mut seen = Vec::new();
    let mut body = json!({});
    let mut pages = 0;
    loop {
        let page = h.post("list", &token, body.clone()).await;
        assert_eq!(errcode(&page), 0, "{page}");
        pages += 1;
        let got = ids(&page, "meeting_room_list", "meeting_room_id");
        assert!(got.len() <= 20);
        seen.extend(got);
        if page["has_more"] == false {
            assert!(page.get("next_cursor").is_none());
            break;
        }
        // Passing the default explicitly is the same limit.
        body = json!({"cursor": page["next_cursor"], "limit": 20});
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 45);
    let first = h.post("list", &token, json!({"limit": 5})).await;
    let cursor = first["next_cursor"].clone();
    let msg = h
        .refused(
            "list",
            &token,
            json!({"cursor": cursor, "limit": 6}),
            codes::INVALID_PARAMETER.into(),
        )
        .await;
    assert!(msg.contains("limit"), "{msg}");
    h.refused(
        "list",
        &token,
        json!({"cursor": cursor}),
        codes::INVALID_PARAMETER.into(),
    )
    .await;
    h.refused(
        "list_devices",
        &token,
        json!({"cursor": cursor, "limit": 5}),
        codes::INVALID_PARAMETER.into(),
    )
    .await;
    h.refused(
        "list",
        &token,
        json!({"cursor": "made-up", "limit": 5}),
        codes::INVALID_PARAMETER.into(),
    )
    .await;
    let second = h
        .post("list", &token, json!({"cursor": cursor, "limit": 5}))
        .await;
    assert_eq!(
        ids(&second, "meeting_room_list", "meeting_room_id"),
        ["extra-01", "extra-02", "extra-03", "extra-04", "extra-05"]
    );
    // The filter is a substring match.
    let filtered = h
        .post(
            "list",
            &token,
            json!({"meeting_room_name": "xtra 1", "limit": 50}),
        )
        .await;
    assert_eq!(filtered["meeting_room_list"].as_array().unwrap().len(), 10);
    h.finish().await;
}

#[tokio::test]
async fn devices_controllers_and_meetings_page_too() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    for (name, key, id) in [
        ("list_devices", "device_info_list", "rooms_id"),
        (
            "list_controllers",
            "controller_info_list",
            "controller_name",
        ),
    ] {
        let first = h.post(name, &token, json!({"limit": 2})).await;
        assert_eq!(first["has_more"], true, "{first}");
        let rest = h
            .post(
                name,
                &token,
                json!({"limit": 2, "cursor": first["next_cursor"]}),
            )
            .await;
        let mut all = ids(&first, key, id);
        all.extend(ids(&rest, key, id));
        let whole = h.post(name, &token, json!({})).await;
        assert_eq!(all, ids(&whole, key, id));
        h.refused(
            name,
            &token,
            json!({"limit": 3, "cursor": first["next_cursor"]}),
            codes::INVALID_PARAMETER.into(),
        )
        .await;
    }
    let book = |m: &str| json!({"meetingid": m, "meeting_room_id_list": ["room-3"]});
    assert_eq!(
        errcode(&h.post("book", &token, book("meeting-standup")).await),
        0
    );
    let first = h
        .post(
            "list_meetings",
            &token,
            json!({"meeting_room_id": "room-3", "limit": 1}),
        )
        .await;
    assert_eq!(first["has_more"], false);
    h.finish().await;
}

#[tokio::test]
async fn a_call_moves_through_its_states_as_the_clock_advances() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let status = |target: Value| {
        let h = &h;
        let token = token.clone();
        async move { h.post("get_response_status", &token, target).await }
    };
    // Never called: 1 未呼叫.
    assert_eq!(
        status(at_room("meeting-standup", "room-1")).await["status"],
        1
    );
    // room-1 auto-answers, room-2 does not (auto_response 2), room-3 declines (call_answer).
    for room in ["room-1", "room-2", "room-3"] {
        let called = h
            .post("call", &token, at_room("meeting-standup", room))
            .await;
        assert_eq!(errcode(&called), 0, "{called}");
    }
    let mra = json!({"meetingid": "meeting-standup", "mra_address": {"protocol": 1, "dial_string": "sip:room@10.0.0.9"}});
    assert_eq!(errcode(&h.post("call", &token, mra.clone()).await), 0);
    h.sim.clock().advance(Duration::from_secs(5));
    let joined = status(at_room("meeting-standup", "room-1")).await;
    assert_eq!(joined["status"], 2, "入会中");
    assert_eq!(joined["response_time"], "2024/01/01 08:00:05");
    assert_eq!(
        status(at_room("meeting-standup", "room-2")).await["status"],
        4,
        "呼叫中"
    );
    assert_eq!(
        status(at_room("meeting-standup", "room-3")).await["status"],
        3,
        "被拒绝"
    );
    assert_eq!(status(mra).await["status"], 2);
    h.sim.clock().advance(Duration::from_secs(55));
    assert_eq!(
        status(at_room("meeting-standup", "room-2")).await["status"],
        0,
        "无应答"
    );
    // meeting-standup ends at 11:00 (3 h after the start): room-1 has left.
    h.sim.clock().advance(Duration::from_secs(3 * 3600));
    let token = h.token(BOT_SECRET).await;
    let left = h
        .post(
            "get_response_status",
            &token,
            at_room("meeting-standup", "room-1"),
        )
        .await;
    assert_eq!(left["status"], 6, "已离会");
    assert_eq!(left["response_time"], "2024/01/01 11:00:00");
    h.finish().await;
}
