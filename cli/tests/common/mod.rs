//! Captures built from the project's fixtures, with the verdict each exchange must get.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use base64::Engine;
use serde_json::{Value, json};

/// The access token every planted URL carries; no output may show it.
pub const TOKEN: &str = "tok-3f9c2e7a1b";
/// A corpsecret no output may show.
pub const CORPSECRET: &str = "cs-5a4b3c2d1e";
/// The host of every planted URL.
pub const HOST: &str = "https://qyapi.weixin.qq.com";

/// One planted exchange and what the checker must say about it.
#[derive(Clone, Debug)]
pub struct Expected {
    /// `valid`, `invalid` or `unknown`.
    pub verdict: &'static str,
    /// The sides every error must be on (empty: any).
    pub error_sides: &'static [&'static str],
    /// A keyword that must be among the findings (errors or notes), if any.
    pub keyword: Option<&'static str>,
}

const fn expect(
    verdict: &'static str,
    error_sides: &'static [&'static str],
    keyword: Option<&'static str>,
) -> Expected {
    Expected {
        verdict,
        error_sides,
        keyword,
    }
}

/// The project's fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// The `*.json` files of a folder, in name order, at most `limit`.
fn files(dir: &Path, limit: usize) -> Vec<String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a fixtures folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    names.sort();
    names.truncate(limit);
    names
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap_or_default())
        .collect()
}

fn entry(method: &str, url: &str, request: Option<&str>, response: Option<Value>) -> Value {
    let mut entry = json!({
        "startedDateTime": "2025-01-01T00:00:00.000Z",
        "time": 1,
        "request": {"method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": -1},
        "cache": {},
        "timings": {"send": 0, "wait": 1, "receive": 0},
    });
    if let Some(text) = request {
        entry["request"]["postData"] = json!({"mimeType": "application/json", "text": text});
    }
    if let Some(content) = response {
        entry["response"] = json!({"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [], "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1});
    }
    entry
}

fn text(body: &str) -> Option<Value> {
    Some(json!({"size": body.len(), "mimeType": "application/json", "text": body}))
}

/// gettoken's URL for a request object of strings, or `None` if a member is not a string.
fn gettoken_url(request: &str) -> Option<String> {
    let Ok(Value::Object(members)) = serde_json::from_str::<Value>(request) else {
        return None;
    };
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in &members {
        query.append_pair(name, value.as_str()?);
    }
    Some(format!("{HOST}/cgi-bin/gettoken?{}", query.finish()))
}

/// A HAR of a few hundred exchanges across the family: up to `per_folder` valid pairs,
/// invalid requests and invalid responses per endpoint, then the planted special cases.
pub fn family_har(per_folder: usize) -> (Value, Vec<Expected>) {
    let mut entries = Vec::new();
    let mut expected = Vec::new();
    for schema in wecom_rooms::SCHEMAS {
        let Some(endpoint) = schema.endpoint else {
            continue;
        };
        let base = schema.name.trim_end_matches("/request");
        let dir = fixtures().join(base);
        let valid_requests = files(&dir.join("request/valid"), per_folder);
        let valid_responses = files(
            &dir.join("response/valid"),
            per_folder.max(valid_requests.len()),
        );
        let invalid_requests = files(&dir.join("request/invalid"), per_folder);
        let invalid_responses = files(&dir.join("response/invalid"), per_folder);
        let query = endpoint.request_in == wecom_rooms_runtime::registry::RequestIn::Query;
        let mut push = |request: &str, response: &str, want: Expected| {
            let (url, body) = if query {
                match gettoken_url(request) {
                    Some(url) => (url, None),
                    None => return,
                }
            } else {
                (
                    format!("{HOST}{}?access_token={TOKEN}", endpoint.path),
                    Some(request),
                )
            };
            entries.push(entry(endpoint.method, &url, body, text(response)));
            expected.push(want);
        };
        for (request, response) in valid_requests.iter().zip(valid_responses.iter().cycle()) {
            push(request, response, expect("valid", &[], None));
        }
        for request in &invalid_requests {
            push(
                request,
                &valid_responses[0],
                expect("invalid", &["request"], None),
            );
        }
        for response in &invalid_responses {
            push(
                &valid_requests[0],
                response,
                expect("invalid", &["response"], None),
            );
        }
    }
    let list = fixtures().join("meeting/rooms/list");
    let request = files(&list.join("request/valid"), 1).remove(0);
    let response = files(&list.join("response/valid"), 1).remove(0);
    let url = format!("{HOST}/cgi-bin/meeting/rooms/list?access_token={TOKEN}");
    let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let mut plant = |entry: Value, want: Expected| {
        entries.push(entry);
        expected.push(want);
    };
    // The token missing, and the wrong method.
    plant(
        entry(
            "POST",
            &format!("{HOST}/cgi-bin/meeting/rooms/list"),
            Some(&request),
            text(&response),
        ),
        expect("invalid", &["request"], Some("required")),
    );
    plant(
        entry("GET", &url, Some(&request), text(&response)),
        expect("invalid", &["request"], Some("method")),
    );
    // A base64 response that decodes to a valid body, and one that does not decode.
    plant(
        entry(
            "POST",
            &url,
            Some(&request),
            Some(
                json!({"size": 1, "mimeType": "application/json", "encoding": "base64", "text": b64(&response)}),
            ),
        ),
        expect("valid", &[], None),
    );
    plant(
        entry(
            "POST",
            &url,
            Some(&request),
            Some(
                json!({"size": 1, "mimeType": "application/json", "encoding": "base64", "text": "e30@@"}),
            ),
        ),
        expect("invalid", &["response"], Some("encoding")),
    );
    // A response that is not JSON (an HTML error page), and a request body that is not.
    plant(
        entry(
            "POST",
            &url,
            Some(&request),
            text("<html>502 Bad Gateway</html>"),
        ),
        expect("invalid", &["response"], Some("syntax")),
    );
    plant(
        entry("POST", &url, Some("limit=1"), text(&response)),
        expect("invalid", &["request"], Some("syntax")),
    );
    // No response at all, and a response whose body was not recorded: notes.
    plant(
        entry("POST", &url, Some(&request), None),
        expect("valid", &[], Some("no-response")),
    );
    plant(
        entry(
            "POST",
            &url,
            Some(&request),
            Some(json!({"size": 0, "mimeType": "application/json"})),
        ),
        expect("valid", &[], Some("no-response")),
    );
    // A request without a body.
    plant(
        entry("POST", &url, None, text(&response)),
        expect("invalid", &["request"], Some("missing-body")),
    );
    // An unknown path, and an entry that is not an exchange.
    plant(
        entry(
            "GET",
            &format!("{HOST}/cgi-bin/user/get?access_token={TOKEN}"),
            None,
            text("{}"),
        ),
        expect("unknown", &[], Some("unknown-endpoint")),
    );
    plant(
        json!({"startedDateTime": "x"}),
        expect("invalid", &["entry"], Some("entry")),
    );
    // gettoken with a secret that no output may show, and the token in the query by mistake.
    let gettoken =
        format!("{HOST}/cgi-bin/gettoken?corpid=ID&corpsecret={CORPSECRET}&access_token={TOKEN}");
    let token_response =
        json!({"errcode": 0, "errmsg": "ok", "access_token": TOKEN, "expires_in": "7200"})
            .to_string();
    plant(
        entry("GET", &gettoken, None, text(&token_response)),
        expect(
            "invalid",
            &["request", "response"],
            Some("additionalProperties"),
        ),
    );
    let har = json!({"log": {"version": "1.2", "creator": {"name": "wecom-rooms tests", "version": "1"}, "entries": entries}});
    (har, expected)
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs the binary in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = cargo_bin_cmd!("wecom-rooms")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("the binary runs");
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 output"),
    }
}

/// A scratch folder of this test binary's own.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}
