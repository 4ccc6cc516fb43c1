//! Start the simulator, get a token, book a room, see the booking, then inject a fault.
//!
//! `cargo run -p wecom-rooms-sim --example quickstart`

use std::time::Duration;

use serde_json::{Value, json};
use wecom_rooms_sim::{Faults, SimConfig, Simulator};

async fn post(
    client: &reqwest::Client,
    base: &str,
    name: &str,
    token: &str,
    body: Value,
) -> Result<Value, reqwest::Error> {
    let url = format!("{base}/cgi-bin/meeting/rooms/{name}?access_token={token}");
    client.post(url).json(&body).send().await?.json().await
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The example state (examples/seed.json), a clock standing at 2024-01-01 08:00 (UTC+8).
    let sim = Simulator::start(SimConfig::new().seed(7)).await?;
    let base = sim.base_url().to_owned();
    println!("listening on {base}");
    let client = reqwest::Client::builder().no_proxy().build()?;

    let url =
        format!("{base}/cgi-bin/gettoken?corpid=ww0123456789abcdef&corpsecret=booking-bot-secret");
    let granted: Value = client.get(url).send().await?.json().await?;
    let token = granted["access_token"]
        .as_str()
        .ok_or("no token")?
        .to_owned();
    println!("token expires in {} s", granted["expires_in"]);

    let booked = post(
        &client,
        &base,
        "book",
        &token,
        json!({"meetingid": "meeting-review", "meeting_room_id_list": ["room-2"]}),
    )
    .await?;
    println!("book: {booked}");
    let clash = post(
        &client,
        &base,
        "book",
        &token,
        json!({"meetingid": "meeting-review", "meeting_room_id_list": ["room-1"]}),
    )
    .await?;
    println!("book an overlapping room: {clash}");
    let listed = post(
        &client,
        &base,
        "list_meetings",
        &token,
        json!({"meeting_room_id": "room-2"}),
    )
    .await?;
    println!("list_meetings: {listed}");

    // Two hours later the token has expired: 42001.
    sim.clock().advance(Duration::from_secs(7200));
    let expired = post(&client, &base, "get_inventory", &token, json!({})).await?;
    println!("after 7200 s: {expired}");

    // Every call now answers -1 (系统繁忙).
    sim.set_faults(Faults::none().with_error_rate(1.0))?;
    let busy: Value = client
        .get(format!(
            "{base}/cgi-bin/gettoken?corpid=ww0123456789abcdef&corpsecret=booking-bot-secret"
        ))
        .send()
        .await?
        .json()
        .await?;
    println!("with error_rate 1.0: {busy}");

    assert_eq!(sim.schema_violations(), 0);
    sim.shutdown().await;
    Ok(())
}
