//! Contract breaks planted on both sides are found exactly once each, in the log, the metrics
//! and the capture, with no secret anywhere; `enforce` keeps a bad request from the upstream.

use std::time::Duration;

use serde_json::Value;
use wecom_rooms::client::{Client, RetryPolicy};
use wecom_rooms::endpoints::{GetInfo, List};
use wecom_rooms_sim::{Endpoint, Faults, SimConfig, Simulator};

use crate::support::{
    CORP_ID, Proxy, ROOM_SECRETS, SECRET, check_traffic, http, metric, post, token,
};

const LIST: &str = "/cgi-bin/meeting/rooms/list";
const GET_INFO: &str = "/cgi-bin/meeting/rooms/get_info";

fn client(base: &str) -> Client {
    Client::builder(CORP_ID, SECRET)
        .base_url(base)
        .http_client(http())
        .retry(RetryPolicy::attempts(1))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observe_passes_traffic_unchanged_and_finds_each_planted_break_once() {
    let sim = Simulator::start(SimConfig::new()).await.unwrap();
    let proxy = Proxy::start(sim.base_url(), &[]);

    // The typed client behind the proxy: everything on schema.
    let client = client(&proxy.url);
    let page = client.call(List::new()).await.unwrap();
    assert!(!page.meeting_room_list.is_empty());
    let room = client
        .call(GetInfo::new("room-1".parse().unwrap()))
        .await
        .unwrap();
    assert!(!room.basic_info.meeting_room_name.is_empty());

    // A plain client: the same read-only request direct and through the proxy gets the same
    // status and bytes.
    let token = token(&proxy.url).await;
    let direct = post(
        sim.base_url(),
        "get_info",
        &token,
        r#"{"meeting_room_id":"room-1"}"#,
    )
    .await;
    let proxied = post(
        &proxy.url,
        "get_info",
        &token,
        r#"{"meeting_room_id":"room-1"}"#,
    )
    .await;
    assert_eq!(proxied, direct);

    // Planted: a request off its schema (forwarded: the simulator refuses it itself) ...
    let (status, answer) = post(&proxy.url, "list", &token, r#"{"limit": "ten"}"#).await;
    assert_eq!(status, 200);
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(
        answer["errcode"], 40058,
        "the simulator's own refusal: {answer}"
    );
    // ... and an answer off its schema, once.
    sim.set_faults(Faults::none().with_off_schema_answers())
        .unwrap();
    let (_, broken) = post(
        &proxy.url,
        "get_info",
        &token,
        r#"{"meeting_room_id":"room-1"}"#,
    )
    .await;
    sim.set_faults(Faults::none()).unwrap();
    let broken: Value = serde_json::from_slice(&broken).unwrap();
    assert_eq!(
        broken["errcode"], "0",
        "returned unchanged, off schema as it came"
    );

    // An unknown path is forwarded (the simulator says 404) and counted as unrouted.
    let unknown = http()
        .get(format!(
            "{}/cgi-bin/nowhere?access_token={token}",
            proxy.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    let series = |labels: &str| format!("wecom_rooms_proxy_violations_total{{{labels}}}");
    let request_break = series(&format!(
        "endpoint=\"{LIST}\",direction=\"request\",keyword=\"type\""
    ));
    let answer_break = series(&format!(
        "endpoint=\"{GET_INFO}\",direction=\"response\",keyword=\"type\""
    ));
    assert_eq!(metric(&proxy, &request_break).await, 1.0);
    assert_eq!(metric(&proxy, &answer_break).await, 1.0);
    let requests =
        |endpoint: &str| format!("wecom_rooms_proxy_requests_total{{endpoint=\"{endpoint}\"}}");
    assert_eq!(metric(&proxy, &requests(GET_INFO)).await, 3.0);
    assert_eq!(metric(&proxy, &requests("unrouted")).await, 1.0);
    assert!(metric(&proxy, "wecom_rooms_proxy_added_latency_seconds_count").await >= 7.0);

    let stopped = proxy.stop();
    let violations = stopped.findings("violation");
    assert_eq!(violations.len(), 2, "{}", stopped.log);
    let by = |direction: &str| {
        (violations.iter())
            .find(|event| event["direction"] == direction)
            .unwrap_or_else(|| panic!("no {direction} violation in {}", stopped.log))
    };
    let request = by("request");
    assert_eq!(
        (
            &request["endpoint"],
            &request["pointer"],
            &request["keyword"]
        ),
        (
            &Value::from(LIST),
            &Value::from("/limit"),
            &Value::from("type")
        )
    );
    let response = by("response");
    assert_eq!(
        (
            &response["endpoint"],
            &response["pointer"],
            &response["keyword"]
        ),
        (
            &Value::from(GET_INFO),
            &Value::from("/errcode"),
            &Value::from("type")
        )
    );
    assert!(response["message"].as_str().unwrap().contains("integer"));

    // No secret in the log or the capture: not the application's secret, not the token, not
    // a `Secret` member's value.
    for secret in [SECRET, &token].into_iter().chain(ROOM_SECRETS) {
        assert!(!stopped.log.contains(secret), "{secret} in the log");
        assert!(!stopped.record.contains(secret), "{secret} in the capture");
    }

    // The capture checks as the traffic did: the same two breaks, nothing else.
    let (code, reports) = check_traffic(&stopped.record_path);
    assert_eq!(code, 1);
    let invalid: Vec<&Value> = (reports.iter())
        .filter(|report| report["verdict"] == "invalid")
        .collect();
    assert_eq!(invalid.len(), 2, "{reports:#?}");
    let unknown = reports.iter().filter(|r| r["verdict"] == "unknown").count();
    assert_eq!(unknown, 1);
    assert_eq!(
        reports.len(),
        8,
        "every exchange was recorded: {reports:#?}"
    );
    for report in &reports {
        assert!(
            report["warnings"].as_array().unwrap().is_empty(),
            "{report}"
        );
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enforce_answers_a_bad_request_itself_and_the_simulator_never_sees_it() {
    let sim = Simulator::start(SimConfig::new()).await.unwrap();
    let proxy = Proxy::start(sim.base_url(), &["--mode", "enforce"]);
    let token = token(&proxy.url).await;

    let (status, answer) = post(&proxy.url, "list", &token, r#"{"limit": 500}"#).await;
    assert_eq!(status, 200, "WeCom answers its refusals with 200");
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(answer["errcode"], 40058);
    let errmsg = answer["errmsg"].as_str().unwrap();
    assert!(errmsg.contains("/limit (maximum)"), "{errmsg}");
    assert_eq!(
        sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::List>()),
        0,
        "never forwarded"
    );

    // The typed client's own refusal, as it would come from WeCom.
    let refused = client(&proxy.url)
        .call(GetInfo::new("room-1".parse().unwrap()))
        .await;
    assert!(refused.is_ok(), "a valid request passes: {refused:?}");
    let missing = post(&proxy.url, "get_info", &token, "{}").await;
    let missing: Value = serde_json::from_slice(&missing.1).unwrap();
    assert_eq!(missing["errcode"], 40058);
    assert_eq!(
        sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::GetInfo>()),
        1,
        "only the valid one"
    );

    // A gettoken without its secret is refused too, and no secret is echoed.
    let url = format!("{}/cgi-bin/gettoken?corpid={CORP_ID}", proxy.url);
    let answer: Value = http().get(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 40058, "{answer}");
    assert_eq!(
        sim.requests_to(Endpoint::of::<wecom_rooms::endpoints::GetToken>()),
        2,
        "the test's and the client's"
    );

    let blocked =
        |endpoint: &str| format!("wecom_rooms_proxy_blocked_total{{endpoint=\"{endpoint}\"}}");
    assert_eq!(metric(&proxy, &blocked(LIST)).await, 1.0);
    assert_eq!(metric(&proxy, &blocked(GET_INFO)).await, 1.0);
    let stopped = proxy.stop();
    assert_eq!(stopped.findings("violation").len(), 3, "{}", stopped.log);
    assert!(!stopped.log.contains(&token) && !stopped.log.contains(SECRET));
    let (_, reports) = check_traffic(&stopped.record_path);
    let invalid = reports.iter().filter(|r| r["verdict"] == "invalid").count();
    assert_eq!(invalid, 3, "{reports:#?}");
    sim.shutdown().await;
}
