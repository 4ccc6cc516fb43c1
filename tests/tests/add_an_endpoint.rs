//! A new endpoint is its schema files: in a copy of the workspace, a made-up endpoint's
//! request and response schemas are added under `schema/`, the crate is regenerated, and with
//! no other edit the crate names it in `endpoints`, `wecom-rooms schemas` lists it, the
//! simulator answers it with a schema-valid answer, and `check-traffic` routes the recorded
//! exchange to its schemas.
//!
//! It builds the copy's crates (into this workspace's target directory, under a folder of its
//! own), so it takes a minute or two.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace's root.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// This test binary's target directory (`target/debug/deps/<binary>` → `target`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    exe.ancestors()
        .nth(3)
        .expect("target/<profile>/deps/<binary>")
        .to_path_buf()
}

/// Copies `from` into `to`, leaving out build output and version control.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("creates the copy");
    for entry in std::fs::read_dir(from).expect("reads the workspace") {
        let entry = entry.expect("reads an entry");
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (source, dest) = (entry.path(), to.join(&name));
        if entry.file_type().expect("has a type").is_dir() {
            copy_tree(&source, &dest);
        } else {
            std::fs::copy(&source, &dest).expect("copies a file");
        }
    }
}

const REQUEST: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Ping a room request",
  "examples": [{"meeting_room_id": "RoomId001"}],
  "x-endpoint": {
    "method": "POST",
    "base_url": "https://qyapi.weixin.qq.com",
    "path": "/cgi-bin/meeting/rooms/ping",
    "query": {"access_token": {"required": true, "description": "The access token."}},
    "response": "response.schema.json"
  },
  "type": "object",
  "properties": {
    "meeting_room_id": {"description": "The room to ping.", "$ref": "../../../common.json#/$defs/MeetingRoomId"}
  },
  "required": ["meeting_room_id"],
  "additionalProperties": false
}
"#;

const RESPONSE: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Ping a room response",
  "examples": [
    {"errcode": 0, "errmsg": "ok", "meeting_room_id": "RoomId001", "reachable": true}
  ],
  "$ref": "../../../common.json#/$defs/ErrorEnvelope",
  "if": {"properties": {"errcode": {"const": 0}}, "required": ["errcode"]},
  "then": {"$ref": "#/$defs/Pong"},
  "$defs": {
    "Pong": {
      "description": "The room answered.",
      "type": "object",
      "properties": {
        "errcode": {"description": "0.", "$ref": "../../../common.json#/$defs/Int32", "const": 0},
        "errmsg": {"description": "ok.", "type": "string"},
        "meeting_room_id": {"description": "The room.", "$ref": "../../../common.json#/$defs/MeetingRoomId"},
        "reachable": {"description": "Whether it answered.", "type": "boolean"}
      },
      "required": ["errcode", "errmsg", "meeting_room_id", "reachable"]
    }
  }
}
"##;

/// The crate's user, in the copy: names the endpoint, builds its request from an id another
/// endpoint's response yields, and decodes the answer.
const PROBE: &str = r#"
use wecom_rooms::endpoints::Ping;
use wecom_rooms::{AccessToken, build_request, parse_body};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listed = wecom_rooms::meeting::rooms::list::response::EXAMPLES[0];
    let page = parse_body::<wecom_rooms::endpoints::List>(listed.as_bytes())?;
    let request = Ping::new(page.meeting_room_list[0].meeting_room_id.clone());
    let prepared = build_request(&request, &AccessToken::new("token")?)?;
    assert_eq!(prepared.into_http().uri().path(), "/cgi-bin/meeting/rooms/ping");
    let answer = wecom_rooms::meeting::rooms::ping::response::EXAMPLES[0];
    let pong = parse_body::<Ping>(answer.as_bytes())?;
    assert!(pong.reachable);
    println!("probe ok");
    Ok(())
}
"#;

fn cargo(copy: &Path, target: &Path, args: &[&str]) -> std::process::Output {
    let output = Command::new(env!("CARGO"))
        .current_dir(copy)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        // A build nobody debugs: without debug info or incremental state it is quicker.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .expect("runs cargo");
    assert!(
        output.status.success(),
        "cargo {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A child process stopped when it goes out of scope, on every path a test takes.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The copy of the workspace, removed when the test ends, passed or not.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One HTTP/1.1 exchange over loopback: the answer's body.
fn http(base: &str, method: &str, path_and_query: &str, body: &str) -> String {
    let address = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(address).expect("connects to the simulator");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .expect("sets a timeout");
    write!(
        stream,
        "{method} {path_and_query} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("sends the request");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("reads the answer");
    let (_, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    body.to_owned()
}

#[test]
fn a_new_endpoint_is_its_schema_files() {
    let scratch = Scratch(
        std::env::temp_dir().join(format!("wecom-rooms-add-endpoint-{}", std::process::id())),
    );
    let copy = scratch.0.clone();
    let _ = std::fs::remove_dir_all(&copy);
    copy_tree(&workspace(), &copy);
    let schema = copy.join("schema/meeting/rooms/ping");
    std::fs::create_dir_all(&schema).unwrap();
    std::fs::write(schema.join("request.schema.json"), REQUEST).unwrap();
    std::fs::write(schema.join("response.schema.json"), RESPONSE).unwrap();
    std::fs::write(copy.join("generated/examples/probe_ping.rs"), PROBE).unwrap();

    // Built apart from this workspace's own crates, whose paths differ; dependencies are
    // built once there and kept for the next run.
    let target = target_dir().join("add-an-endpoint");
    cargo(&copy, &target, &["codegen", "generate"]);
    assert!(
        copy.join("generated/src/schemas/meeting/rooms/ping/request.rs")
            .exists()
    );

    // The crate names it, and a user's program uses it with an id another endpoint yields.
    let probe = cargo(
        &copy,
        &target,
        &[
            "run",
            "--quiet",
            "-p",
            "wecom-rooms",
            "--example",
            "probe_ping",
        ],
    );
    assert_eq!(String::from_utf8_lossy(&probe.stdout).trim(), "probe ok");

    cargo(
        &copy,
        &target,
        &["build", "--quiet", "-p", "wecom-rooms-cli"],
    );
    let cli = target.join("debug/wecom-rooms");

    // `wecom-rooms schemas` lists it.
    let schemas = Command::new(&cli).arg("schemas").output().unwrap();
    let listed = String::from_utf8_lossy(&schemas.stdout);
    assert!(listed.contains("meeting/rooms/ping/request"), "{listed}");
    assert!(listed.contains("meeting/rooms/ping/response"), "{listed}");

    // The simulator answers it: a valid request gets the response schema's example.
    let capture = copy.join("capture.jsonl");
    let mut sim = Stopped(
        Command::new(&cli)
            .args(["sim", "--record"])
            .arg(&capture)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut first = String::new();
    BufReader::new(sim.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first.trim().to_owned();
    let token: serde_json::Value = serde_json::from_str(&http(
        &base,
        "GET",
        "/cgi-bin/gettoken?corpid=ww0123456789abcdef&corpsecret=booking-bot-secret",
        "",
    ))
    .unwrap();
    let token = token["access_token"].as_str().expect("a token").to_owned();
    let path = format!("/cgi-bin/meeting/rooms/ping?access_token={token}");
    let pong: serde_json::Value =
        serde_json::from_str(&http(&base, "POST", &path, r#"{"meeting_room_id": "R1"}"#)).unwrap();
    let refused: serde_json::Value =
        serde_json::from_str(&http(&base, "POST", &path, r#"{"meeting_room_id": ""}"#)).unwrap();
    drop(sim);
    assert_eq!(pong["errcode"], 0, "{pong}");
    assert_eq!(pong["reachable"], true, "{pong}");
    assert_eq!(refused["errcode"], 40058, "{refused}");
    let why = refused["errmsg"].as_str().unwrap_or_default();
    assert!(why.contains("/meeting_room_id"), "{refused}");

    // check-traffic routes the recorded exchanges to the new schemas: the valid one passes,
    // and the refused request is found breaking the request schema.
    let checked = Command::new(&cli)
        .args(["check-traffic", "--format", "json"])
        .arg(&capture)
        .output()
        .unwrap();
    let lines = String::from_utf8_lossy(&checked.stdout);
    let reports: Vec<serde_json::Value> = lines
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let pings: Vec<&serde_json::Value> = reports
        .iter()
        .filter(|r| r["request_schema"] == "meeting/rooms/ping/request")
        .collect();
    let [valid, invalid] = pings.as_slice() else {
        panic!("two ping exchanges routed: {lines}");
    };
    assert_eq!(valid["response_schema"], "meeting/rooms/ping/response");
    assert_eq!(valid["verdict"], "valid", "{lines}");
    assert_eq!(invalid["verdict"], "invalid", "{lines}");
    assert_eq!(invalid["errors"][0]["side"], "request", "{lines}");
}
