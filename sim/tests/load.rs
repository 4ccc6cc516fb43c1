//! Thousands of concurrent book/release calls against a handful of rooms: the state stays
//! right, and every refusal carries a documented errcode.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use common::{BOT_SECRET, errcode, start_with};
use serde_json::{Value, json};
use wecom_rooms_sim::{SeedState, SimConfig, codes};

const ROOMS: usize = 5;
const TASKS: usize = 40;
const CALLS_PER_TASK: usize = 100;

/// The example's apps, `ROOMS` rooms and `TASKS` meetings that all overlap (10:00–11:00), so
/// that a room can be held by one meeting at a time.
fn load_state() -> SeedState {
    let mut seed: Value = serde_json::from_str(wecom_rooms_sim::EXAMPLE_SEED).unwrap();
    seed["rooms"] = (0..ROOMS)
        .map(|i| json!({"meeting_room": {
            "meeting_room_id": format!("load-room-{i}"), "meeting_room_name": format!("Load {i}"),
            "meeting_room_location": "L", "account_type": 0, "active_code": "X", "participant_number": 4,
            "meeting_room_status": 2, "scheduled_status": 1, "is_allow_call": true}}))
        .collect();
    seed["meetings"] = (0..TASKS)
        .map(|i| {
            json!({"owner": "booking-bot", "meeting": {
            "meetingid": format!("load-meeting-{i:02}"), "meeting_code": "1", "subject": "load",
            "status": "MEETING_STATE_INIT", "meeting_type": 0,
            "start_time": 1_704_074_400u32 + (i as u32 % 3) * 60, "end_time": 1_704_078_000u32}})
        })
        .collect();
    seed["devices"] = json!([]);
    seed["controllers"] = json!([]);
    SeedState::from_json(seed.to_string().as_bytes()).unwrap()
}

#[derive(Default)]
struct Tally {
    booked: u64,
    released: u64,
    refused: BTreeMap<i64, u64>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_book_and_release_keep_the_state_right() {
    let h = Arc::new(start_with(SimConfig::new().state(load_state()).seed(1)).await);
    let token = h.token(BOT_SECRET).await;
    // Who holds each room, as the clients saw it: a holder is removed before its release is
    // sent, and a successful book must find the room free here too.
    let holders: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (h, token, holders) = (Arc::clone(&h), token.clone(), Arc::clone(&holders));
        tasks.push(tokio::spawn(async move {
            let meeting = format!("load-meeting-{task:02}");
            let mut rng = fastrand::Rng::with_seed(task as u64);
            let mut held = BTreeSet::new();
            let mut tally = Tally::default();
            for _ in 0..CALLS_PER_TASK {
                let release = !held.is_empty() && rng.bool();
                if release {
                    let room: String = held.iter().nth(rng.usize(..held.len())).cloned().unwrap();
                    holders.lock().unwrap().remove(&room);
                    let body = json!({"meetingid": meeting, "meeting_room_id_list": [room]});
                    let answer = h.post("release", &token, body).await;
                    assert_eq!(errcode(&answer), 0, "releasing what we hold: {answer}");
                    held.remove(&room);
                    tally.released += 1;
                } else {
                    let room = format!("load-room-{}", rng.usize(..ROOMS));
                    let body = json!({"meetingid": meeting, "meeting_room_id_list": [room]});
                    let answer = h.post("book", &token, body).await;
                    match errcode(&answer) {
                        0 => {
                            if held.insert(room.clone()) {
                                let previous = holders.lock().unwrap().insert(room.clone(), task);
                                assert_eq!(previous, None, "{room} double-booked");
                            }
                            tally.booked += 1;
                        }
                        code => {
                            assert_eq!(code, i64::from(codes::INVALID_PARAMETER), "{answer}");
                            assert!(
                                answer["errmsg"]
                                    .as_str()
                                    .unwrap()
                                    .contains("already booked"),
                                "{answer}"
                            );
                            *tally.refused.entry(code).or_default() += 1;
                        }
                    }
                }
            }
            (meeting, held, tally)
        }));
    }
    let mut expected = BTreeMap::new();
    let mut total = Tally::default();
    for task in tasks {
        let (meeting, held, tally) = task.await.expect("no task panicked");
        expected.insert(meeting, held);
        total.booked += tally.booked;
        total.released += tally.released;
        for (code, n) in tally.refused {
            *total.refused.entry(code).or_default() += n;
        }
    }
    let elapsed = started.elapsed();
    let calls = (TASKS * CALLS_PER_TASK) as f64;
    println!(
        "load: {calls} book/release calls from {TASKS} tasks in {:.2} s: {:.0} calls/s \
         ({} booked, {} released, refused by errcode {:?})",
        elapsed.as_secs_f64(),
        calls / elapsed.as_secs_f64(),
        total.booked,
        total.released,
        total.refused
    );
    assert!(
        total.booked > 0 && !total.refused.is_empty(),
        "the rooms were contended"
    );

    // No successful booking lost, none invented: the server holds exactly what the clients do.
    let actual: BTreeMap<String, BTreeSet<String>> = h
        .sim
        .bookings()
        .into_iter()
        .map(|(meeting, rooms)| (meeting, rooms.into_iter().collect()))
        .collect();
    assert_eq!(actual, expected);
    // No room double-booked: every meeting overlaps every other, so each room has at most one.
    let mut per_room: BTreeMap<&String, usize> = BTreeMap::new();
    for room in expected.values().flatten() {
        *per_room.entry(room).or_default() += 1;
    }
    assert!(per_room.values().all(|&n| n == 1), "{per_room:?}");
    for i in 0..ROOMS {
        let listed = h
            .post(
                "list_meetings",
                &token,
                json!({"meeting_room_id": format!("load-room-{i}")}),
            )
            .await;
        assert!(
            listed["meeting_info_list"].as_array().unwrap().len() <= 1,
            "{listed}"
        );
    }
    let h = Arc::into_inner(h).expect("every task is done");
    h.finish().await;
}
