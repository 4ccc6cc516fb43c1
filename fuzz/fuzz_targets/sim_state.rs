//! Bytes → the simulator's state loader (`SeedState::from_json`, then the checks that build
//! its world) → a few requests over the state it accepts. A state is refused with an error or
//! served; nothing panics and no answer breaks its response schema, whatever the state says
//! (faults included: delays pass at once on paused time).
#![no_main]

use libfuzzer_sys::fuzz_target;
// Links the capped allocator (see `wecom_rooms_fuzz::ALLOCATION_LIMIT`).
use serde_json::Value;
use wecom_rooms_fuzz as _;
use wecom_rooms_sim::in_process::{Answer, InProcess};
use wecom_rooms_sim::{SeedState, SimConfig};

/// The form's query value: `%`-encoded as a query needs.
fn encoded(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(state) = SeedState::from_json(bytes) else {
        return;
    };
    let app = state.apps.first().cloned();
    let Ok(sim) = InProcess::new(SimConfig::new().state(state)) else {
        return;
    };
    wecom_rooms_fuzz::paused_runtime().block_on(async {
        let Some(app) = app else { return };
        let gettoken = format!(
            "/cgi-bin/gettoken?corpid={}&corpsecret={}",
            encoded(&app.corpid),
            encoded(&app.corpsecret)
        );
        let token = match sim.request(b"GET", &gettoken, b"").await {
            Answer::Sent(200, body) => {
                let granted: Value = serde_json::from_slice(&body).expect("answers are JSON");
                granted["access_token"].as_str().map(str::to_owned)
            }
            _ => None,
        };
        let Some(token) = token else { return };
        let calls: [(&str, &[u8]); 4] = [
            ("list", br#"{"limit": 100}"#),
            (
                "list_meetings",
                br#"{"start_time": 1700000000, "end_time": 1700086400}"#,
            ),
            ("get_inventory", b"{}"),
            ("list_devices", br#"{"limit": 100}"#),
        ];
        for (name, body) in calls {
            let url = format!(
                "/cgi-bin/meeting/rooms/{name}?access_token={}",
                encoded(&token)
            );
            if let Answer::Sent(status, answer) = sim.request(b"POST", &url, body).await {
                assert_eq!(status, 200);
                let answer: Value = serde_json::from_slice(&answer).expect("answers are JSON");
                assert!(answer["errcode"].is_i64(), "{answer}");
            }
        }
    });
    assert_eq!(
        sim.schema_violations(),
        0,
        "{:?}",
        sim.schema_violation_reports()
    );
});
