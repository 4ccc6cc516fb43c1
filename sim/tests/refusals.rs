//! Every refusal: tokens, credentials, bodies, and the rules the pages set.

mod common;

use std::time::Duration;

use common::{BOT_SECRET, CORP, SYNC_SECRET, at_room, errcode, start};
use serde_json::json;
use wecom_rooms_sim::codes;

const INVALID: i64 = codes::INVALID_PARAMETER as i64;

#[tokio::test]
async fn tokens_missing_unknown_and_expired() {
    let h = start().await;
    let body = || serde_json::to_vec(&json!({"meeting_room_id": "room-1"})).unwrap();
    let missing = h.post_raw("get_info", "", body()).await;
    assert_eq!(errcode(&missing), 41001);
    let empty = h.post_raw("get_info", "access_token=", body()).await;
    assert_eq!(errcode(&empty), 41001);
    // In the body instead of the query: still missing (the page's 排查方法 for 41001).
    let in_body = json!({"meeting_room_id": "room-1", "access_token": "x"}).to_string();
    assert_eq!(
        errcode(&h.post_raw("get_info", "", in_body.into_bytes()).await),
        41001
    );
    h.refused(
        "get_info",
        "not-a-token",
        json!({"meeting_room_id": "room-1"}),
        40014,
    )
    .await;

    let token = h.token(BOT_SECRET).await;
    h.sim.clock().advance(Duration::from_secs(7199));
    let ok = h
        .post("get_info", &token, json!({"meeting_room_id": "room-1"}))
        .await;
    assert_eq!(errcode(&ok), 0);
    h.sim.clock().advance(Duration::from_secs(1));
    h.refused(
        "get_info",
        &token,
        json!({"meeting_room_id": "room-1"}),
        42001,
    )
    .await;
    h.finish().await;
}

#[tokio::test]
async fn gettoken_refuses_unknown_credentials() {
    let h = start().await;
    assert_eq!(errcode(&h.gettoken("ww-nobody", BOT_SECRET).await), 40013);
    assert_eq!(errcode(&h.gettoken(CORP, "wrong").await), 40001);
    assert_eq!(errcode(&h.gettoken(CORP, "").await), 40001);
    let no_secret = h
        .client
        .get(h.url(&format!("/cgi-bin/gettoken?corpid={CORP}")))
        .send()
        .await
        .unwrap();
    assert_eq!(errcode(&no_secret.json().await.unwrap()), 40001);
    let post = h
        .client
        .post(h.url(&format!(
            "/cgi-bin/gettoken?corpid={CORP}&corpsecret={BOT_SECRET}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(errcode(&post.json().await.unwrap()), INVALID);
    h.finish().await;
}

#[tokio::test]
async fn bodies_that_are_not_json_or_fail_their_schema() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let query = format!("access_token={token}");
    let garbage = h.post_raw("book", &query, b"{not json".to_vec()).await;
    assert_eq!(errcode(&garbage), INVALID);
    assert!(
        garbage["errmsg"]
            .as_str()
            .unwrap()
            .contains("Warning: wrong json format.")
    );
    let msg = h
        .refused(
            "book",
            &token,
            json!({"meeting_room_id_list": ["room-1"]}),
            INVALID,
        )
        .await;
    assert!(msg.contains("meetingid"), "{msg}");
    h.refused(
        "book",
        &token,
        json!({"meetingid": "m", "meeting_room_id_list": []}),
        INVALID,
    )
    .await;
    h.refused(
        "get_info",
        &token,
        json!({"meeting_room_id": "room-1", "access_token": token}),
        INVALID,
    )
    .await;
    h.refused("call", &token, json!({"meetingid": "meeting-standup", "meeting_room_id": "room-1", "mra_address": {"protocol": 1, "dial_string": "x"}}), INVALID).await;
    h.refused("list", &token, json!({"limit": 51}), INVALID)
        .await;
    h.refused(
        "list_meetings",
        &token,
        json!({"meeting_room_id": "room-1", "limit": 21}),
        INVALID,
    )
    .await;
    h.refused("get_inventory", &token, json!({"x": 1}), INVALID)
        .await;
    let get = h
        .client
        .get(h.url(&format!("/cgi-bin/meeting/rooms/list?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        errcode(&get.json().await.unwrap()),
        INVALID,
        "a GET where a POST belongs"
    );
    let unknown = h
        .client
        .post(h.url("/cgi-bin/meeting/rooms/set_config"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    h.finish().await;
}

#[tokio::test]
async fn unknown_rooms_meetings_and_invites() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    h.refused(
        "get_info",
        &token,
        json!({"meeting_room_id": "room-9"}),
        INVALID,
    )
    .await;
    h.refused(
        "get_config",
        &token,
        json!({"meeting_room_id": "room-9"}),
        INVALID,
    )
    .await;
    h.refused(
        "list_meetings",
        &token,
        json!({"meeting_room_id": "room-9"}),
        INVALID,
    )
    .await;
    h.refused(
        "list_meetings",
        &token,
        json!({"rooms_id": "rooms-9"}),
        INVALID,
    )
    .await;
    h.refused(
        "book",
        &token,
        json!({"meetingid": "nope", "meeting_room_id_list": ["room-1"]}),
        90602,
    )
    .await;
    h.refused(
        "release",
        &token,
        json!({"meetingid": "nope", "meeting_room_id_list": ["room-1"]}),
        90602,
    )
    .await;
    h.refused("call", &token, at_room("nope", "room-1"), 90602)
        .await;
    h.refused(
        "book",
        &token,
        json!({"meetingid": "meeting-review", "meeting_room_id_list": ["room-9"]}),
        INVALID,
    )
    .await;
    h.refused(
        "call",
        &token,
        at_room("meeting-standup", "room-9"),
        INVALID,
    )
    .await;
    let mut cancel = at_room("meeting-standup", "room-1");
    cancel["invite_id"] = json!("invite-nope");
    h.refused("cancel_call", &token, cancel, INVALID).await;
    h.finish().await;
}

#[tokio::test]
async fn meetings_of_another_application() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    h.refused(
        "book",
        &token,
        json!({"meetingid": "meeting-board", "meeting_room_id_list": ["room-2"]}),
        730_005,
    )
    .await;
    h.refused("call", &token, at_room("meeting-board", "room-2"), 730_005)
        .await;
    h.refused(
        "get_response_status",
        &token,
        at_room("meeting-board", "room-2"),
        730_005,
    )
    .await;
    // list_meetings shows only the caller's meetings.
    let sync = h.token(SYNC_SECRET).await;
    let booked = h
        .post(
            "book",
            &sync,
            json!({"meetingid": "meeting-board", "meeting_room_id_list": ["room-2"]}),
        )
        .await;
    assert_eq!(errcode(&booked), 0, "{booked}");
    let theirs = h
        .post(
            "list_meetings",
            &token,
            json!({"meeting_room_id": "room-2"}),
        )
        .await;
    assert_eq!(theirs["meeting_info_list"], json!([]));
    let mine = h
        .post("list_meetings", &sync, json!({"meeting_room_id": "room-2"}))
        .await;
    assert_eq!(mine["meeting_info_list"][0]["meetingid"], "meeting-board");
    h.finish().await;
}

#[tokio::test]
async fn booking_rules() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let book = |m: &str, rooms: &[&str]| json!({"meetingid": m, "meeting_room_id_list": rooms});
    let msg = h
        .refused(
            "book",
            &token,
            book("meeting-offsite", &["room-2"]),
            INVALID,
        )
        .await;
    assert!(msg.contains("24 hours"), "{msg}");
    h.refused("book", &token, book("meeting-weekly", &["room-2"]), 730_011)
        .await;
    h.refused("book", &token, book("meeting-review", &["room-4"]), 90711)
        .await;
    // room-1 is booked for meeting-standup (10:00–11:00); meeting-review is 10:30–11:30.
    let msg = h
        .refused(
            "book",
            &token,
            book("meeting-review", &["room-2", "room-1"]),
            INVALID,
        )
        .await;
    assert!(msg.contains("already booked"), "{msg}");
    assert_eq!(
        h.sim.bookings()["meeting-review"],
        Vec::<String>::new(),
        "all or nothing"
    );
    // Booking again what the meeting already has is fine.
    assert_eq!(
        errcode(
            &h.post("book", &token, book("meeting-standup", &["room-1"]))
                .await
        ),
        0
    );
    let msg = h
        .refused(
            "release",
            &token,
            book("meeting-review", &["room-1"]),
            INVALID,
        )
        .await;
    assert!(msg.contains("not booked"), "{msg}");
    h.finish().await;
}

#[tokio::test]
async fn list_meetings_windows_of_at_most_90_days() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let start = 1_704_067_200u32;
    let ninety = 90 * 86_400;
    let ok = h
        .post(
            "list_meetings",
            &token,
            json!({"meeting_room_id": "room-1", "start_time": start, "end_time": start + ninety}),
        )
        .await;
    assert_eq!(errcode(&ok), 0, "{ok}");
    let msg = h.refused("list_meetings", &token, json!({"meeting_room_id": "room-1", "start_time": start, "end_time": start + ninety + 1}), INVALID).await;
    assert!(msg.contains("90 days"), "{msg}");
    h.refused(
        "list_meetings",
        &token,
        json!({"meeting_room_id": "room-1", "start_time": start, "end_time": start - 1}),
        INVALID,
    )
    .await;
    h.finish().await;
}

#[tokio::test]
async fn calls_that_cannot_be_made_or_cancelled() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let msg = h
        .refused(
            "call",
            &token,
            at_room("meeting-standup", "room-4"),
            INVALID,
        )
        .await;
    assert!(msg.contains("does not accept calls"), "{msg}");
    let called = h
        .post("call", &token, at_room("meeting-standup", "room-1"))
        .await;
    let mut cancel = at_room("meeting-standup", "room-1");
    cancel["invite_id"] = called["invite_id"].clone();
    let mut elsewhere = cancel.clone();
    elsewhere["meeting_room_id"] = json!("room-2");
    h.refused("cancel_call", &token, elsewhere, INVALID).await;
    h.sim.clock().advance(Duration::from_secs(5));
    let msg = h.refused("cancel_call", &token, cancel, INVALID).await;
    assert!(msg.contains("no longer ringing"), "{msg}");
    h.finish().await;
}
