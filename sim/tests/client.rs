//! The `wecom-rooms` client end to end against the simulator: the whole flow with one token,
//! and every fault the simulator injects met by the client's retries and refreshes, counted on
//! both sides. Every answer the simulator sent passed its schema.

use std::time::Duration;

use futures_util::TryStreamExt as _;
use wecom_rooms::client::{Client, RetryPolicy};
use wecom_rooms::endpoints::{Book, GetConfig, GetInfo, List, ListDevices, Release};
use wecom_rooms_sim::{Endpoint, Faults, RateLimit, RunningSimulator, SimConfig, Simulator};

const CORP_ID: &str = "ww0123456789abcdef";
const SECRET: &str = "booking-bot-secret";

fn client(sim: &RunningSimulator, attempts: u32) -> Client {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    Client::builder(CORP_ID, SECRET)
        .base_url(sim.base_url())
        .http_client(http)
        .retry(RetryPolicy::attempts(attempts).delays(
            Duration::from_millis(2),
            Duration::from_millis(20),
            Duration::from_millis(40),
        ))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn assert_schemas_kept(sim: &RunningSimulator) {
    assert_eq!(
        sim.schema_violations(),
        0,
        "{:?}",
        sim.schema_violation_reports()
    );
}

#[tokio::test]
async fn a_rate_limit_is_backed_off_until_its_window_passes() {
    // Two calls a second of real time. Windows are aligned to whole seconds, so a burst that
    // happens to straddle a boundary fits four calls: the fifth always meets the limit.
    let faults = Faults::default().with_rate_limit(RateLimit::new(2, 1));
    let config = SimConfig::new()
        .faults(faults)
        .clock(wecom_rooms_sim::SimClock::system());
    let sim = Simulator::start(config).await.unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let client = Client::builder(CORP_ID, SECRET)
        .base_url(sim.base_url())
        .http_client(http)
        .retry(RetryPolicy::attempts(6).delays(
            Duration::from_millis(2),
            Duration::from_millis(400),
            Duration::from_secs(2),
        ))
        .build()
        .unwrap();
    for _ in 0..5 {
        client
            .call(GetInfo::new("room-1".parse().unwrap()))
            .await
            .unwrap();
    }
    assert!(
        sim.fault_counts().rate_limited > 0,
        "{:?}",
        sim.fault_counts()
    );
    assert_schemas_kept(&sim);
}

#[tokio::test]
async fn list_book_read_release_with_one_token() {
    let sim = Simulator::start(SimConfig::new()).await.unwrap();
    let client = client(&sim, 1);
    let mut first_page = List::new();
    first_page.limit = wecom_rooms::Bounded::new(1);
    let rooms: Vec<_> = client.paginate(first_page).try_collect().await.unwrap();
    assert_eq!(rooms.len(), 4);
    assert_eq!(
        sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::List>()),
        4,
        "one room a page"
    );
    let booked = client
        .call(Book::new(
            "meeting-review".parse().unwrap(),
            wecom_rooms::NonEmptyVec::new(vec!["room-2".parse().unwrap()]).unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(booked.meeting_room_list[0].meeting_room_id, "room-2");
    let room = client
        .call(GetInfo::new("room-2".parse().unwrap()))
        .await
        .unwrap();
    assert!(!room.basic_info.meeting_room_name.is_empty());
    client
        .call(Release::new(
            "meeting-review".parse().unwrap(),
            wecom_rooms::NonEmptyVec::new(vec!["room-2".parse().unwrap()]).unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(
        sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::GetToken>()),
        1
    );
    assert_schemas_kept(&sim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_token_fetch() {
    let sim = Simulator::start(SimConfig::new()).await.unwrap();
    let client = client(&sim, 1);
    let calls: Vec<_> = (0..50)
        .map(|i| {
            let client = client.clone();
            let room = format!("room-{}", i % 3 + 1);
            tokio::spawn(async move { client.call(GetInfo::new(room.try_into().unwrap())).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(
        sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::GetToken>()),
        1
    );
    assert_eq!(
        sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::GetInfo>()),
        50
    );
    assert_schemas_kept(&sim);
}

#[tokio::test]
async fn a_busy_server_is_retried_until_it_answers() {
    let faults = Faults::default().with_error_rate(0.3);
    let sim = Simulator::start(SimConfig::new().seed(11).faults(faults))
        .await
        .unwrap();
    let client = client(&sim, 8);
    for _ in 0..20 {
        client
            .call(GetConfig::new("room-1".parse().unwrap()))
            .await
            .unwrap();
    }
    let injected = sim.fault_counts().errors;
    assert!(injected > 0, "the seed injects some -1");
    let sent = sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::GetConfig>())
        + sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::GetToken>());
    assert_eq!(sent, 20 + 1 + injected, "one retry per injected error");
    assert_schemas_kept(&sim);
}

#[tokio::test]
async fn an_invalidated_or_expired_token_is_replaced_once() {
    let sim = Simulator::start(SimConfig::new()).await.unwrap();
    let client = client(&sim, 1);
    client
        .call(GetInfo::new("room-1".parse().unwrap()))
        .await
        .unwrap();
    sim.invalidate_tokens();
    client
        .call(GetInfo::new("room-1".parse().unwrap()))
        .await
        .unwrap();
    assert_eq!(
        sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::GetToken>()),
        2
    );
    assert_eq!(sim.fault_counts().invalidated_tokens, 1);
    sim.clock().advance(Duration::from_secs(7201));
    client
        .call(GetInfo::new("room-1".parse().unwrap()))
        .await
        .unwrap();
    assert_eq!(
        sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::GetToken>()),
        3
    );
    assert_eq!(
        sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::GetInfo>()),
        5,
        "each refusal tried once more"
    );
    assert_schemas_kept(&sim);
}

#[tokio::test]
async fn dropped_connections_are_retried() {
    let faults = Faults::default().with_drop_rate(0.3);
    let sim = Simulator::start(SimConfig::new().seed(5).faults(faults))
        .await
        .unwrap();
    let client = client(&sim, 10);
    let mut request = ListDevices::new();
    request.limit = wecom_rooms::Bounded::new(2);
    let devices: Vec<_> = client.paginate(request).try_collect().await.unwrap();
    assert_eq!(devices.len(), 4);
    let dropped = sim.fault_counts().dropped;
    assert!(dropped > 0, "the seed drops some connections");
    let sent = sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::ListDevices>())
        + sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::GetToken>());
    assert_eq!(sent, 2 + 1 + dropped, "one retry per dropped connection");
    assert_schemas_kept(&sim);
}

#[path = "../examples/client_flow.rs"]
mod client_flow;

#[tokio::test]
async fn the_client_flow_example_creates_books_releases_and_cancels() {
    let sim = Simulator::start(SimConfig::new()).await.unwrap();
    let seen = client_flow::run(&sim).await.unwrap();
    assert!(seen.listed_while_booked, "{seen:?}");
    assert!(!seen.listed_after_release, "{seen:?}");
    assert_eq!(
        seen.final_status,
        wecom_rooms::meeting::get_info::response::MeetingStatus::Cancelled
    );
    assert_eq!(seen.token_fetches, 1, "one token for the whole flow");
    assert_schemas_kept(&sim);
}
