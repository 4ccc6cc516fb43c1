//! Meetings made through the API: create, update, cancel, get_info, get_user_meetingid, and
//! the Rooms endpoints acting on them.

mod common;

use std::time::Duration;

use common::{BOT_SECRET, Harness, SYNC_SECRET, errcode, start};
use serde_json::{Value, json};
use wecom_rooms_sim::{DEFAULT_START, codes};

const INVALID: i64 = codes::INVALID_PARAMETER as i64;
const HOUR: u64 = 3600;

/// A valid create body: one hour, starting `from_now` seconds after the sim clock's start.
fn plan(title: &str, from_now: u64) -> Value {
    json!({
        "admin_userid": "zhangsan",
        "title": title,
        "meeting_start": DEFAULT_START + from_now,
        "meeting_duration": HOUR,
        "invitees": {"userid": ["lisi", "wangwu"]},
    })
}

impl Harness {
    /// Creates a meeting and returns its answer.
    async fn create(&self, token: &str, body: Value) -> Value {
        let answer = self.post_at("create", token, body.clone()).await;
        assert_eq!(errcode(&answer), 0, "create {body}: {answer}");
        answer
    }

    async fn info(&self, token: &str, meetingid: &str) -> Value {
        let answer = self
            .post_at("get_info", token, json!({"meetingid": meetingid}))
            .await;
        assert_eq!(errcode(&answer), 0, "get_info {meetingid}: {answer}");
        answer
    }
}

fn id_of(answer: &Value) -> String {
    answer["meetingid"]
        .as_str()
        .expect("a meetingid")
        .to_owned()
}

#[tokio::test]
async fn a_created_meeting_is_read_updated_and_cancelled() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let mut body = plan("Quarterly review", 2 * 86_400);
    body["description"] = json!("numbers");
    body["settings"] = json!({"password": "1234", "remind_scope": 4,
        "ring_users": {"userid": ["lisi"]}, "hosts": {"userid": ["zhangsan", "wangwu"]}});
    let created = h.create(&token, body).await;
    let id = id_of(&created);
    let code = created["meeting_code"].as_str().expect("a code").to_owned();
    assert_eq!(code.len(), 9, "{created}");

    let info = h.info(&token, &id).await;
    assert_eq!(info["title"], "Quarterly review");
    assert_eq!(info["admin_userid"], "zhangsan");
    assert_eq!(info["meeting_start"], DEFAULT_START + 2 * 86_400);
    assert_eq!(info["meeting_duration"], HOUR);
    assert_eq!(info["description"], "numbers");
    assert_eq!(info["status"], 1, "待开始: {info}");
    assert_eq!(info["meeting_code"], code.as_str());
    assert_eq!(info["settings"]["password"], "1234");
    // The administrator is filtered out of the hosts, as the pages say.
    assert_eq!(info["settings"]["hosts"]["userid"], json!(["wangwu"]));
    let members: Vec<&str> = (info["attendees"]["member"].as_array().expect("members"))
        .iter()
        .filter_map(|m| m["userid"].as_str())
        .collect();
    assert_eq!(members, ["zhangsan", "lisi", "wangwu"]);
    // By code instead of id: the same meeting.
    let by_code = h
        .post_at("get_info", &token, json!({"meeting_code": code}))
        .await;
    assert_eq!(by_code["title"], "Quarterly review");

    let update = json!({"meetingid": id, "title": "Quarterly review (moved)",
        "meeting_start": DEFAULT_START + 3 * 86_400, "meeting_duration": HOUR, "settings": {"enable_waiting_room": true}});
    assert_eq!(errcode(&h.post_at("update", &token, update).await), 0);
    let info = h.info(&token, &id).await;
    assert_eq!(info["title"], "Quarterly review (moved)");
    assert_eq!(info["meeting_start"], DEFAULT_START + 3 * 86_400);
    assert_eq!(info["meeting_duration"], HOUR, "kept");
    // Settings change member by member.
    assert_eq!(info["settings"]["enable_waiting_room"], true);
    assert_eq!(info["settings"]["password"], "1234");

    let cancel = json!({"meetingid": id});
    assert_eq!(
        errcode(&h.post_at("cancel", &token, cancel.clone()).await),
        0
    );
    assert_eq!(h.info(&token, &id).await["status"], 4, "已取消");
    let cancelled = codes::MEETING_CANCELLED.into();
    h.refused_at("cancel", &token, cancel.clone(), cancelled)
        .await;
    h.refused_at(
        "update",
        &token,
        json!({"meetingid": id, "title": "x"}),
        cancelled,
    )
    .await;
    h.refused(
        "book",
        &token,
        json!({"meetingid": id, "meeting_room_id_list": ["room-2"]}),
        cancelled,
    )
    .await;
    h.finish().await;
}

#[tokio::test]
async fn get_info_follows_the_clock() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let id = id_of(&h.create(&token, plan("Now and then", HOUR)).await);
    assert_eq!(h.info(&token, &id).await["status"], 1);
    h.sim.clock().advance(Duration::from_secs(HOUR + 60));
    assert_eq!(h.info(&token, &id).await["status"], 2, "会议中");
    // Started: neither updated nor cancelled.
    h.refused_at(
        "update",
        &token,
        json!({"meetingid": id, "title": "late"}),
        codes::MEETING_NOT_UPDATABLE.into(),
    )
    .await;
    h.refused_at(
        "cancel",
        &token,
        json!({"meetingid": id}),
        codes::MEETING_NOT_CANCELLABLE.into(),
    )
    .await;
    h.sim.clock().advance(Duration::from_secs(HOUR));
    let token = h.token(BOT_SECRET).await; // the first one expired with the 2 hours
    assert_eq!(h.info(&token, &id).await["status"], 3, "已结束");
    h.finish().await;
}

#[tokio::test]
async fn create_and_update_give_the_pages_codes() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let with = |key: &str, value: Value| {
        let mut body = plan("Rules", HOUR);
        body[key] = value;
        body
    };
    let with_settings = |settings: Value| with("settings", settings);
    let cases: Vec<(Value, i32)> = vec![
        (
            with("meeting_start", json!(DEFAULT_START)),
            codes::START_IN_THE_PAST,
        ),
        (with("title", json!("x".repeat(256))), codes::INVALID_TITLE),
        (
            with_settings(json!({"password": "12ab"})),
            codes::INVALID_PASSWORD,
        ),
        (
            with_settings(
                json!({"hosts": {"userid": (0..11).map(|i| format!("u{i}")).collect::<Vec<_>>()}}),
            ),
            codes::TOO_MANY_HOSTS,
        ),
        (
            with(
                "invitees",
                json!({"userid": (0..301).map(|i| format!("u{i}")).collect::<Vec<_>>()}),
            ),
            codes::TOO_MANY_PARTICIPANTS,
        ),
        (
            with("invitees", json!({"userid": ["lisi", ""]})),
            codes::INVALID_PARTICIPANT,
        ),
        (
            with_settings(json!({"remind_scope": 4, "ring_users": {"userid": ["zhaoliu"]}})),
            codes::RING_USER_NOT_INVITED,
        ),
        (
            with_settings(json!({"auto_record_type": "local", "attendee_join_auto_record": true})),
            codes::INVALID_SETTINGS,
        ),
        (
            with_settings(json!({"remind_scope": 9})),
            codes::INVALID_SETTINGS,
        ),
        (
            with("meeting_duration", json!(299)),
            codes::INVALID_PARAMETER,
        ),
        (
            with("skip_duplicate_check", json!(true)),
            codes::INVALID_PARAMETER,
        ),
        (with("access_token", json!("t")), codes::INVALID_PARAMETER),
    ];
    for (body, code) in cases {
        h.refused_at("create", &token, body, code.into()).await;
    }
    let id = id_of(&h.create(&token, plan("Rules", HOUR)).await);
    h.refused_at(
        "update",
        &token,
        json!({"meetingid": id, "meeting_start": DEFAULT_START - 1, "meeting_duration": HOUR}),
        codes::START_IN_THE_PAST.into(),
    )
    .await;
    h.refused_at(
        "update",
        &token,
        json!({"meetingid": id, "settings": {"password": "1"}}),
        codes::INVALID_PASSWORD.into(),
    )
    .await;
    // Nothing refused was stored.
    assert_eq!(h.info(&token, &id).await["title"], "Rules");
    h.finish().await;
}

#[tokio::test]
async fn meetings_of_other_applications_and_unknown_ones() {
    let h = start().await;
    let bot = h.token(BOT_SECRET).await;
    let sync = h.token(SYNC_SECRET).await;
    let id = id_of(&h.create(&bot, plan("Mine", HOUR)).await);
    let other = codes::NOT_OWN_MEETING.into();
    h.refused_at("get_info", &sync, json!({"meetingid": id}), other)
        .await;
    h.refused_at(
        "update",
        &sync,
        json!({"meetingid": id, "title": "x"}),
        other,
    )
    .await;
    h.refused_at("cancel", &sync, json!({"meetingid": id}), other)
        .await;
    let unknown = codes::INVALID_MEETING_ID.into();
    h.refused_at("get_info", &bot, json!({"meetingid": "nope"}), unknown)
        .await;
    h.refused_at("cancel", &bot, json!({"meetingid": "nope"}), unknown)
        .await;
    h.refused_at(
        "get_info",
        &bot,
        json!({"meeting_code": "000000000"}),
        codes::INVALID_MEETING_CODE.into(),
    )
    .await;
    h.refused_at("get_info", &bot, json!({}), INVALID).await;
    let sub = codes::INVALID_SUB_MEETING_ID.into();
    h.refused_at(
        "cancel",
        &bot,
        json!({"meetingid": id, "sub_meetingid": "s1"}),
        sub,
    )
    .await;
    h.refused_at(
        "get_info",
        &bot,
        json!({"meetingid": id, "sub_meetingid": "s1"}),
        sub,
    )
    .await;
    h.finish().await;
}

#[tokio::test]
async fn a_members_meetings_page_by_page_in_a_window() {
    let h = start().await;
    let bot = h.token(BOT_SECRET).await;
    let sync = h.token(SYNC_SECRET).await;
    let mut made = Vec::new();
    for day in 1..=5 {
        made.push(id_of(&h.create(&bot, plan("Daily", day * 86_400)).await));
    }
    // Another member's meeting, and lisi's meeting made by another application.
    let mut elsewhere = plan("Not lisi's", 86_400);
    elsewhere["invitees"] = json!({"userid": ["wangwu"]});
    h.create(&bot, elsewhere).await;
    h.create(&sync, plan("Other app", 86_400)).await;

    let mut seen = Vec::new();
    let mut cursor = json!("0");
    loop {
        let body = json!({"userid": "lisi", "limit": 2, "cursor": cursor,
            "begin_time": DEFAULT_START});
        let page = h.post_at("get_user_meetingid", &bot, body).await;
        assert_eq!(errcode(&page), 0, "{page}");
        assert!(
            page.get("has_more").is_none(),
            "the page documents no has_more"
        );
        let ids = page["meetingid_list"].as_array().expect("a list");
        assert!(ids.len() <= 2);
        seen.extend(ids.iter().filter_map(Value::as_str).map(str::to_owned));
        match page.get("next_cursor") {
            Some(next) => cursor = next.clone(),
            None => break,
        }
    }
    assert_eq!(seen, made, "by start time, each once");

    // Upcoming meetings are listed whatever the end_time; a window over 180 days is refused.
    let body =
        json!({"userid": "lisi", "begin_time": DEFAULT_START, "end_time": DEFAULT_START + 1});
    let page = h.post_at("get_user_meetingid", &bot, body).await;
    assert_eq!(page["meetingid_list"].as_array().map(Vec::len), Some(5));
    let body = json!({"userid": "lisi", "begin_time": DEFAULT_START,
        "end_time": DEFAULT_START + 180 * 86_400 + 1});
    h.refused_at("get_user_meetingid", &bot, body, INVALID)
        .await;
    // A past meeting is listed only while the window reaches back to it.
    h.sim.clock().advance(Duration::from_secs(2 * 86_400));
    let bot = h.token(BOT_SECRET).await;
    let body = json!({"userid": "lisi", "begin_time": DEFAULT_START + 2 * 86_400 - 10});
    let page = h.post_at("get_user_meetingid", &bot, body).await;
    assert_eq!(
        page["meetingid_list"].as_array().map(Vec::len),
        Some(4),
        "{page}"
    );
    h.finish().await;
}

#[tokio::test]
async fn rooms_are_booked_for_created_meetings() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    let start_at = DEFAULT_START + 86_400;
    let id = id_of(&h.create(&token, plan("With a room", 86_400)).await);
    let book =
        |meetingid: &str| json!({"meetingid": meetingid, "meeting_room_id_list": ["room-2"]});
    let booked = h.post("book", &token, book(&id)).await;
    assert_eq!(errcode(&booked), 0, "{booked}");
    let window = json!({"meeting_room_id": "room-2", "start_time": start_at - 60,
        "end_time": start_at + 60});
    let listed = h.post("list_meetings", &token, window.clone()).await;
    assert_eq!(
        listed["meeting_info_list"][0]["meetingid"],
        id.as_str(),
        "{listed}"
    );
    assert_eq!(
        listed["meeting_info_list"][0]["status"],
        "MEETING_STATE_INIT"
    );
    assert_eq!(listed["meeting_info_list"][0]["subject"], "With a room");

    // Another meeting the next day has the room then; the first cannot move onto it.
    let other = id_of(&h.create(&token, plan("Next day", 2 * 86_400)).await);
    assert_eq!(errcode(&h.post("book", &token, book(&other)).await), 0);
    let onto =
        json!({"meetingid": id, "meeting_start": start_at + 86_400, "meeting_duration": HOUR});
    h.refused_at("update", &token, onto.clone(), INVALID).await;
    // Nor become recurring: rooms are booked only for one-off meetings.
    let recurring = json!({"meetingid": id, "reminders": {"is_repeat": 1}});
    h.refused_at(
        "update",
        &token,
        recurring,
        codes::UNSUPPORTED_MEETING_TYPE.into(),
    )
    .await;

    // Cancelled, a meeting keeps showing in the room's list but frees the room.
    let cancel = json!({"meetingid": other});
    assert_eq!(errcode(&h.post_at("cancel", &token, cancel).await), 0);
    assert_eq!(errcode(&h.post_at("update", &token, onto).await), 0);
    let window = json!({"meeting_room_id": "room-2", "start_time": start_at + 86_400 - 60,
        "end_time": start_at + 86_400 + 60});
    let listed = h.post("list_meetings", &token, window).await;
    let states: Vec<(&str, &str)> = (listed["meeting_info_list"].as_array().expect("a list"))
        .iter()
        .filter_map(|m| Some((m["meetingid"].as_str()?, m["status"].as_str()?)))
        .collect();
    assert!(
        states.contains(&(id.as_str(), "MEETING_STATE_INIT")),
        "{listed}"
    );
    assert!(
        states.contains(&(other.as_str(), "MEETING_STATE_CANCELLED")),
        "{listed}"
    );
    h.finish().await;
}
