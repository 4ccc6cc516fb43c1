//! What the simulator's tests share: a started simulator, a client, and the example's names.
#![allow(dead_code)]

use serde_json::{Value, json};
use wecom_rooms_sim::{RunningSimulator, SimConfig, Simulator};

/// The example state's corp ID and its applications' secrets.
pub const CORP: &str = "ww0123456789abcdef";
pub const BOT_SECRET: &str = "booking-bot-secret";
pub const SYNC_SECRET: &str = "calendar-sync-secret";

/// A running simulator and a client for it.
pub struct Harness {
    pub sim: RunningSimulator,
    pub client: reqwest::Client,
}

/// A loopback client: no proxy, a short timeout.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("a client")
}

pub async fn start() -> Harness {
    start_with(SimConfig::new()).await
}

pub async fn start_with(config: SimConfig) -> Harness {
    let sim = Simulator::start(config)
        .await
        .expect("the simulator starts");
    Harness {
        sim,
        client: client(),
    }
}

pub fn errcode(answer: &Value) -> i64 {
    answer["errcode"].as_i64().unwrap_or(i64::MIN)
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url())
    }

    /// gettoken's answer for `corpid` and `secret`.
    pub async fn gettoken(&self, corpid: &str, secret: &str) -> Value {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("corpid", corpid)
            .append_pair("corpsecret", secret)
            .finish();
        let url = self.url(&format!("/cgi-bin/gettoken?{query}"));
        let response = self.client.get(url).send().await.expect("gettoken answers");
        assert_eq!(response.status(), 200);
        response.json().await.expect("gettoken answers JSON")
    }

    /// A token for the application with `secret` in the example's corp.
    pub async fn token(&self, secret: &str) -> String {
        let answer = self.gettoken(CORP, secret).await;
        assert_eq!(errcode(&answer), 0, "{answer}");
        assert_eq!(answer["expires_in"], 7200);
        answer["access_token"].as_str().expect("a token").to_owned()
    }

    /// POSTs `body` to `meeting/rooms/<name>` with `token`.
    pub async fn post(&self, name: &str, token: &str, body: Value) -> Value {
        self.post_at(&format!("rooms/{name}"), token, body).await
    }

    /// POSTs `body` to `meeting/<path>` with `token`.
    pub async fn post_at(&self, path: &str, token: &str, body: Value) -> Value {
        let bytes = serde_json::to_vec(&body).expect("JSON");
        self.post_bytes(path, &format!("access_token={token}"), bytes)
            .await
    }

    /// POSTs raw bytes to `meeting/rooms/<name>?<query>`.
    pub async fn post_raw(&self, name: &str, query: &str, body: Vec<u8>) -> Value {
        self.post_bytes(&format!("rooms/{name}"), query, body).await
    }

    /// POSTs raw bytes to `meeting/<path>?<query>`.
    pub async fn post_bytes(&self, path: &str, query: &str, body: Vec<u8>) -> Value {
        let url = self.url(&format!("/cgi-bin/meeting/{path}?{query}"));
        let response = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("the simulator answers");
        assert_eq!(response.status(), 200);
        response.json().await.expect("a JSON answer")
    }

    /// Asserts that `meeting/rooms/<name>` refuses `body` with `code`, and returns the errmsg.
    pub async fn refused(&self, name: &str, token: &str, body: Value, code: i64) -> String {
        self.refused_at(&format!("rooms/{name}"), token, body, code)
            .await
    }

    /// Asserts that `meeting/<path>` refuses `body` with `code`, and returns the errmsg.
    pub async fn refused_at(&self, path: &str, token: &str, body: Value, code: i64) -> String {
        let answer = self.post_at(path, token, body.clone()).await;
        assert_eq!(errcode(&answer), code, "{path} {body}: {answer}");
        assert_eq!(
            answer.as_object().map(|o| o.len()),
            Some(2),
            "only errcode and errmsg: {answer}"
        );
        answer["errmsg"].as_str().unwrap_or_default().to_owned()
    }

    /// Asserts that every answer passed its schema, and stops the simulator.
    pub async fn finish(self) {
        assert_eq!(
            self.sim.schema_violations(),
            0,
            "answers failed their schema: {:?}",
            self.sim.schema_violation_reports()
        );
        self.sim.shutdown().await;
    }
}

/// A body for call, cancel_call or get_response_status aimed at a room.
pub fn at_room(meetingid: &str, room: &str) -> Value {
    json!({"meetingid": meetingid, "meeting_room_id": room})
}
