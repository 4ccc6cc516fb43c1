//! What the `wecom-rooms` client costs per call over a bare HTTP round trip on loopback: the
//! same get_info call, sent N times one after another, by reqwest alone (a token fetched
//! beforehand, the body written by hand, the answer parsed as `serde_json::Value`) and by
//! `Client::call` (request validation, token cache, span, validating decode, typed result),
//! both against the simulator, alternating rounds so that both see the same machine.
//!
//! `cargo run --release -p wecom-rooms-sim --example client_overhead [CALLS]`

use std::time::{Duration, Instant};

use wecom_rooms::client::Client;
use wecom_rooms::endpoints::GetInfo;
use wecom_rooms_sim::{SimConfig, Simulator};

const CORP_ID: &str = "ww0123456789abcdef";
const SECRET: &str = "booking-bot-secret";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let calls: u32 = std::env::args().nth(1).map_or(Ok(2000), |n| n.parse())?;
    let sim = Simulator::start(SimConfig::new()).await?;
    let base = sim.base_url().to_owned();
    let http = reqwest::Client::builder().no_proxy().build()?;
    let client = Client::builder(CORP_ID, SECRET)
        .base_url(&base)
        .http_client(http.clone())
        .build()?;

    let granted: serde_json::Value = http
        .get(format!(
            "{base}/cgi-bin/gettoken?corpid={CORP_ID}&corpsecret={SECRET}"
        ))
        .send()
        .await?
        .json()
        .await?;
    let token = granted["access_token"]
        .as_str()
        .ok_or("no token")?
        .to_owned();
    let url = format!("{base}/cgi-bin/meeting/rooms/get_info?access_token={token}");

    let bare = || async {
        let body: serde_json::Value = http
            .post(&url)
            .header("content-type", "application/json")
            .body(r#"{"meeting_room_id":"room-1"}"#)
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(body["errcode"], 0);
        Ok::<_, reqwest::Error>(())
    };
    let room_id: wecom_rooms::NonEmptyString = "room-1".parse()?;
    let typed = || async {
        let room = client.call(GetInfo::new(room_id.clone())).await?;
        assert!(!room.basic_info.meeting_room_name.is_empty());
        Ok::<_, wecom_rooms::client::CallError>(())
    };

    // Warm up both paths (connections, the client's token).
    for _ in 0..100 {
        bare().await?;
        typed().await?;
    }
    let (mut bare_time, mut typed_time) = (Duration::ZERO, Duration::ZERO);
    let rounds = 10;
    for _ in 0..rounds {
        let started = Instant::now();
        for _ in 0..calls / rounds {
            bare().await?;
        }
        bare_time += started.elapsed();
        let started = Instant::now();
        for _ in 0..calls / rounds {
            typed().await?;
        }
        typed_time += started.elapsed();
    }
    let n = f64::from(calls / rounds * rounds);
    let per = |t: Duration| t.as_secs_f64() * 1e6 / n;
    let (bare_us, typed_us) = (per(bare_time), per(typed_time));
    println!("calls per side: {n}");
    println!("bare reqwest round trip: {bare_us:.1} µs per call");
    println!("Client::call:            {typed_us:.1} µs per call");
    println!(
        "client cost: {:.1} µs per call ({:.2}× the bare round trip)",
        typed_us - bare_us,
        typed_us / bare_us
    );
    assert_eq!(sim.schema_violations(), 0);
    Ok(())
}
