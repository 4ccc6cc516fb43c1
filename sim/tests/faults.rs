//! Every fault kind, exercised and counted; deterministic under the seed.

mod common;

use std::time::{Duration, Instant};

use common::{BOT_SECRET, errcode, start, start_with};
use serde_json::{Value, json};
use wecom_rooms_sim::{Faults, RateLimit, SeedState, SimConfig};

fn room() -> Value {
    json!({"meeting_room_id": "room-1"})
}

#[tokio::test]
async fn system_busy_on_a_share_of_calls_deterministic_under_the_seed() {
    async fn run(seed: u64) -> (Vec<i64>, u64) {
        let h = start_with(SimConfig::new().seed(seed)).await;
        let token = h.token(BOT_SECRET).await;
        h.sim
            .set_faults(Faults::none().with_error_rate(0.3))
            .unwrap();
        let mut codes = Vec::new();
        for _ in 0..60 {
            codes.push(errcode(&h.post("get_info", &token, room()).await));
        }
        let errors = h.sim.fault_counts().errors;
        h.finish().await;
        (codes, errors)
    }
    let (a, errors) = run(42).await;
    assert!(a.iter().all(|&c| c == 0 || c == -1), "{a:?}");
    let busy = a.iter().filter(|&&c| c == -1).count() as u64;
    assert_eq!(busy, errors);
    assert!((5..=35).contains(&busy), "about 30% of 60: {busy}");
    assert_eq!(run(42).await.0, a, "same seed, same faults");
    assert_ne!(run(43).await.0, a, "another seed, other faults");
}

#[tokio::test]
async fn a_per_token_rate_limit_on_sim_time() {
    let h =
        start_with(SimConfig::new().faults(Faults::none().with_rate_limit(RateLimit::new(3, 1))))
            .await;
    let token = h.token(BOT_SECRET).await;
    let other = h.token(BOT_SECRET).await;
    for _ in 0..3 {
        assert_eq!(errcode(&h.post("get_info", &token, room()).await), 0);
    }
    h.refused("get_info", &token, room(), 45009).await;
    assert_eq!(
        errcode(&h.post("get_info", &other, room()).await),
        0,
        "per token"
    );
    h.sim.clock().advance(Duration::from_secs(1));
    assert_eq!(
        errcode(&h.post("get_info", &token, room()).await),
        0,
        "a new window"
    );
    assert_eq!(h.sim.fault_counts().rate_limited, 1);
    h.finish().await;
}

#[tokio::test]
async fn slow_answers() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    h.sim
        .set_faults(Faults::none().with_delay(1.0, 300))
        .unwrap();
    let started = Instant::now();
    assert_eq!(errcode(&h.post("get_info", &token, room()).await), 0);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(h.sim.fault_counts().delayed, 1);
    h.finish().await;
}

#[tokio::test]
async fn dropped_connections() {
    let h = start().await;
    let token = h.token(BOT_SECRET).await;
    h.sim
        .set_faults(Faults::none().with_drop_rate(1.0))
        .unwrap();
    let url = h.url(&format!(
        "/cgi-bin/meeting/rooms/get_info?access_token={token}"
    ));
    let sent = h.client.post(url).body(room().to_string()).send().await;
    let error = sent.expect_err("the connection is closed without an answer");
    assert!(!error.is_timeout(), "{error:?}");
    assert_eq!(h.sim.fault_counts().dropped, 1);
    h.sim.set_faults(Faults::none()).unwrap();
    assert_eq!(
        errcode(&h.post("get_info", &token, room()).await),
        0,
        "served again"
    );
    h.finish().await;
}

#[tokio::test]
async fn tokens_invalidated_early() {
    let h = start_with(SimConfig::new().faults(Faults::none().with_token_lifetime(60))).await;
    let token = h.token(BOT_SECRET).await;
    h.sim.clock().advance(Duration::from_secs(59));
    assert_eq!(errcode(&h.post("get_info", &token, room()).await), 0);
    h.sim.clock().advance(Duration::from_secs(1));
    h.refused("get_info", &token, room(), 40014).await;
    // On demand: every token issued so far stops working.
    h.sim.set_faults(Faults::none()).unwrap();
    let fresh = h.token(BOT_SECRET).await;
    assert_eq!(errcode(&h.post("get_info", &fresh, room()).await), 0);
    h.sim.invalidate_tokens();
    h.refused("get_info", &fresh, room(), 40014).await;
    let newer = h.token(BOT_SECRET).await;
    assert_eq!(errcode(&h.post("get_info", &newer, room()).await), 0);
    assert_eq!(h.sim.fault_counts().invalidated_tokens, 2);
    h.finish().await;
}

#[tokio::test]
async fn faults_from_the_state_file() {
    let mut seed: Value = serde_json::from_str(wecom_rooms_sim::EXAMPLE_SEED).unwrap();
    seed["faults"] = json!({"error_rate": 1.0, "rate_limit": {"calls": 100, "window_secs": 60}});
    let state = SeedState::from_json(seed.to_string().as_bytes()).unwrap();
    let h = start_with(SimConfig::new().state(state)).await;
    assert_eq!(errcode(&h.gettoken(common::CORP, BOT_SECRET).await), -1);
    assert_eq!(h.sim.faults().rate_limit, Some(RateLimit::new(100, 60)));
    assert!(
        h.sim
            .set_faults(Faults::none().with_drop_rate(2.0))
            .is_err()
    );
    h.finish().await;

    seed["faults"] = json!({"error_rate": 7});
    let state = SeedState::from_json(seed.to_string().as_bytes()).unwrap();
    let refused = wecom_rooms_sim::Simulator::start(SimConfig::new().state(state)).await;
    assert!(refused.unwrap_err().to_string().contains("error_rate"));
}
