//! An upstream that is down, slow, or drops connections: the client gets WeCom's shape
//! (errcode -1) with 502 or 504, promptly, and the proxy carries on.

use serde_json::Value;
use wecom_rooms::client::{Client, RetryPolicy};
use wecom_rooms::endpoints::List;
use wecom_rooms_sim::{Faults, SimConfig, Simulator};

use crate::support::{CORP_ID, Proxy, SECRET, http, metric, post, token};

/// The status and answer of a gettoken through `base`.
async fn gettoken(base: &str) -> (u16, Value) {
    let url = format!("{base}/cgi-bin/gettoken?corpid={CORP_ID}&corpsecret={SECRET}");
    let response = http().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn errors(kind: &str) -> String {
    format!(
        "wecom_rooms_proxy_upstream_errors_total{{endpoint=\"/cgi-bin/gettoken\",kind=\"{kind}\"}}"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_that_is_down_gives_502_with_errcode_minus_1() {
    // A port that was free a moment ago, and that nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let proxy = Proxy::start(&format!("http://127.0.0.1:{port}"), &[]);
    let (status, answer) = gettoken(&proxy.url).await;
    assert_eq!(status, 502);
    assert_eq!(answer["errcode"], -1);
    assert!(
        answer["errmsg"]
            .as_str()
            .unwrap()
            .contains("cannot connect"),
        "{answer}"
    );

    // The typed client sees a server error it may retry, not a hang.
    let client = Client::builder(CORP_ID, SECRET)
        .base_url(&proxy.url)
        .http_client(http())
        .retry(RetryPolicy::attempts(1))
        .build()
        .unwrap();
    let error = client.call(List::new()).await.unwrap_err();
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        chain += &format!(": {cause}");
        source = cause.source();
    }
    assert!(chain.contains("502"), "{chain}");
    assert_eq!(metric(&proxy, &errors("connect")).await, 2.0);
    let stopped = proxy.stop();
    assert!(stopped.log.contains("upstream error"), "{}", stopped.log);
    assert!(!stopped.log.contains(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_upstream_times_out_with_504_and_a_dropping_one_gives_502() {
    let sim = Simulator::start(SimConfig::new()).await.unwrap();
    let proxy = Proxy::start(sim.base_url(), &["--timeout", "0.3"]);

    sim.set_faults(Faults::none().with_delay(1.0, 5_000))
        .unwrap();
    let (status, answer) = gettoken(&proxy.url).await;
    assert_eq!(
        (status, &answer["errcode"]),
        (504, &Value::from(-1)),
        "{answer}"
    );

    sim.set_faults(Faults::none().with_drop_rate(1.0)).unwrap();
    let (status, answer) = gettoken(&proxy.url).await;
    assert_eq!(
        (status, &answer["errcode"]),
        (502, &Value::from(-1)),
        "{answer}"
    );

    // And once the upstream is well again, so is everything behind the proxy.
    sim.set_faults(Faults::none()).unwrap();
    let token = token(&proxy.url).await;
    let (status, _) = post(&proxy.url, "list", &token, "{}").await;
    assert_eq!(status, 200);

    assert_eq!(metric(&proxy, &errors("timeout")).await, 1.0);
    assert_eq!(metric(&proxy, &errors("dropped")).await, 1.0);
    let stopped = proxy.stop();
    assert!(stopped.findings("violation").is_empty(), "{}", stopped.log);
    // The failed exchanges are recorded without an answer.
    assert_eq!(stopped.record.lines().count(), 4);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_are_refused_with_status_2() {
    let binary = env!("CARGO_BIN_EXE_wecom-rooms");
    for (upstream, expected) in [
        ("ftp://example.com", "must be http or https"),
        ("http://127.0.0.1:1/base", "no path or query"),
        ("not a url", "is not a URL"),
    ] {
        let output = std::process::Command::new(binary)
            .args(["proxy", "--upstream", upstream])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
    let missing = std::process::Command::new(binary)
        .args([
            "proxy",
            "--upstream",
            "https://h",
            "--upstream-ca",
            "/nonexistent.pem",
        ])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_the_limit_are_refused_not_held() {
    let sim = Simulator::start(SimConfig::new()).await.unwrap();
    // A token answer is about 90 bytes; a list of four rooms about 1,300.
    let proxy = Proxy::start(sim.base_url(), &["--max-body-bytes", "200"]);
    let token = token(&proxy.url).await;

    let (status, answer) = post(&proxy.url, "list", &token, &" ".repeat(201)).await;
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(
        (status, &answer["errcode"]),
        (413, &Value::from(40058)),
        "{answer}"
    );

    let (status, answer) = post(&proxy.url, "list", &token, "{}").await;
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(
        (status, &answer["errcode"]),
        (502, &Value::from(-1)),
        "{answer}"
    );
    let series = "wecom_rooms_proxy_upstream_errors_total{endpoint=\"/cgi-bin/meeting/rooms/list\",kind=\"too_large\"}";
    assert_eq!(metric(&proxy, series).await, 1.0);
    proxy.stop();
    sim.shutdown().await;
}
