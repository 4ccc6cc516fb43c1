//! `wecom-rooms sim` as a program in another language uses it: start the command, read the
//! base URL from its first line, drive it with Python's standard library, then check what it
//! recorded with `wecom-rooms check-traffic`.

use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_wecom-rooms");

/// The simulator's process, killed when the test ends however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A client in Python with nothing but the standard library: a token, every room, a booking,
/// the room's details, the release, and a refusal; it prints one line per step.
const CLIENT: &str = r#"
import json, sys, urllib.request
base = sys.argv[1]
def get(path):
    return json.load(urllib.request.urlopen(base + path, timeout=10))
def post(name, token, body):
    request = urllib.request.Request(
        f"{base}/cgi-bin/meeting/rooms/{name}?access_token={token}",
        data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request, timeout=10))
token = get("/cgi-bin/gettoken?corpid=ww0123456789abcdef&corpsecret=booking-bot-secret")["access_token"]
rooms = post("list", token, {"limit": 50})["meeting_room_list"]
print("rooms", len(rooms))
print("book", post("book", token, {"meetingid": "meeting-review", "meeting_room_id_list": ["room-2"]})["errcode"])
print("get_info", post("get_info", token, {"meeting_room_id": "room-2"})["errcode"])
print("release", post("release", token, {"meetingid": "meeting-review", "meeting_room_id_list": ["room-2"]})["errcode"])
print("bad token", post("get_info", "nope", {"meeting_room_id": "room-2"})["errcode"])
"#;

/// Reports the test skipped for want of python3, on the process's stderr (the harness captures
/// only `println!`), or fails it under `CI=true`, where nothing may be skipped.
fn skipped(test: &str) {
    let why = "python3 not on PATH; install with: apt-get install python3";
    if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
        panic!("FAILED {test}: {why} (CI=true allows no skipped test)");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

#[test]
fn a_python_client_drives_the_simulator_command_and_its_recording_checks_clean() {
    let Ok(version) = Command::new("python3").arg("--version").output() else {
        return skipped(
            "a_python_client_drives_the_simulator_command_and_its_recording_checks_clean",
        );
    };
    assert!(version.status.success());
    let dir = std::env::temp_dir().join(format!("wecom-rooms-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let capture = dir.join("capture.jsonl");

    let mut child = Command::new(BINARY)
        .args(["sim", "--addr", "127.0.0.1:0", "--seed", "3", "--record"])
        .arg(&capture)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let sim = Running(child);
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let base = first.trim();
    assert!(base.starts_with("http://127.0.0.1:"), "{first:?}");

    let client = Command::new("python3")
        .args(["-c", CLIENT, base])
        .env("NO_PROXY", "127.0.0.1")
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&client.stdout);
    assert!(
        client.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&client.stderr)
    );
    assert_eq!(
        printed.lines().collect::<Vec<_>>(),
        [
            "rooms 4",
            "book 0",
            "get_info 0",
            "release 0",
            "bad token 40014"
        ]
    );
    drop(sim);

    let checked = Command::new(BINARY)
        .args(["check-traffic", "--format", "json"])
        .arg(&capture)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&checked.stdout);
    assert_eq!(checked.status.code(), Some(0), "{report}");
    let lines: Vec<serde_json::Value> = report
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 6, "one line per exchange: {report}");
    // The capture holds the token the simulator granted; the report never shows it.
    let recorded = std::fs::read_to_string(&capture).unwrap();
    let first: serde_json::Value = serde_json::from_str(recorded.lines().next().unwrap()).unwrap();
    let token = first["response_body"]["access_token"].as_str().unwrap();
    assert!(recorded.contains(&format!("access_token={token}")));
    assert!(!report.contains(token), "{report}");
    assert!(report.contains("access_token=<redacted>"), "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}
