//! Peak memory of `check-traffic` does not grow with the capture: the same capture (JSON Lines,
//! and HAR) at two sizes, each checked in a child process (this test binary run again for one test)
//! that reports its peak resident set (`VmHWM` in /proc/self/status).
#![cfg(target_os = "linux")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Parser;

const CHILD: &str = "WECOM_ROOMS_PEAK_MEMORY_CHILD";

/// One line per doc sample of every endpoint, requests and responses paired.
fn sample_lines() -> Vec<String> {
    let by_name = |name: &str| wecom_rooms::SCHEMAS.iter().find(|entry| entry.name == name);
    let mut lines = Vec::new();
    for schema in wecom_rooms::SCHEMAS {
        let Some(endpoint) = schema.endpoint else {
            continue;
        };
        if endpoint.request_in != wecom_rooms_runtime::registry::RequestIn::Body {
            continue;
        }
        let Some(response) = endpoint.response_schema.and_then(by_name) else {
            continue;
        };
        for (request, response) in schema.examples.iter().zip(response.examples.iter().cycle()) {
            let compact = |text: &str| {
                serde_json::from_str::<serde_json::Value>(text)
                    .expect("JSON")
                    .to_string()
            };
            let record = serde_json::json!({
                "method": endpoint.method,
                "url": format!("{}{}?access_token=T", endpoint.base_url, endpoint.path),
                "request_body": compact(request),
                "response_body": serde_json::from_str::<serde_json::Value>(response).expect("JSON"),
            });
            lines.push(record.to_string());
        }
    }
    lines
}

/// A capture of `lines` exchanges, as JSON Lines or as one HAR whose entries are the same
/// exchanges (one per line, so that it is as long as the JSON Lines one).
fn capture(lines: usize, har: bool) -> (PathBuf, u64) {
    let name = format!("memory-{lines}.{}", if har { "har" } else { "jsonl" });
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let samples = sample_lines();
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("created"));
    if har {
        writeln!(file, "{{\"log\": {{\"version\": \"1.2\", \"entries\": [").expect("written");
    }
    for (index, line) in samples.iter().cycle().take(lines).enumerate() {
        if !har {
            writeln!(file, "{line}").expect("written");
            continue;
        }
        let record: serde_json::Value = serde_json::from_str(line).expect("JSON");
        let entry = serde_json::json!({
            "request": {
                "method": record["method"],
                "url": record["url"],
                "postData": {"mimeType": "application/json", "text": record["request_body"]},
            },
            "response": {
                "status": 200,
                "content": {"mimeType": "application/json", "text": record["response_body"].to_string()},
            },
        });
        let comma = if index + 1 < lines { "," } else { "" };
        writeln!(file, "{entry}{comma}").expect("written");
    }
    if har {
        writeln!(file, "]}}}}").expect("written");
    }
    drop(file);
    let size = std::fs::metadata(&path).expect("written").len();
    (path, size)
}

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .expect("VmHWM");
    line.split_whitespace()
        .nth(1)
        .and_then(|kib| kib.parse().ok())
        .expect("a number")
}

/// In a child: checks the capture named by the environment and prints the peak resident set.
#[test]
fn child_checks_one_capture() {
    let Some(path) = std::env::var_os(CHILD) else {
        return;
    };
    let cli = wecom_rooms_cli::Cli::parse_from([
        "wecom-rooms".as_ref(),
        "check-traffic".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        path.as_os_str(),
    ]);
    let (mut out, mut err) = (std::io::sink(), std::io::sink());
    let io = wecom_rooms_cli::Io {
        out: &mut out,
        err: &mut err,
        color: false,
    };
    let status = wecom_rooms_cli::run(&cli, io).expect("runs");
    assert_eq!(status.code(), 0);
    println!("peak-kib={}", peak_kib());
}

fn peak_of_child(path: &Path) -> u64 {
    let output = Command::new(std::env::current_exe().expect("this test binary"))
        .args([
            "child_checks_one_capture",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, path)
        .output()
        .expect("the child runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The harness may print `test … ...` on the same line first.
    let peak = stdout.split("peak-kib=").nth(1).expect("a peak");
    let digits: String = peak.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().expect("a number")
}

#[test]
fn peak_memory_does_not_grow_with_the_capture() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    for har in [false, true] {
        let (small, small_bytes) = capture(4_000, har);
        let (large, large_bytes) = capture(80_000, har);
        let (small_peak, large_peak) = (peak_of_child(&small), peak_of_child(&large));
        println!(
            "{}: small: {} KiB capture, peak {small_peak} KiB; large: {} KiB capture, peak {large_peak} KiB",
            if har { "HAR" } else { "JSON Lines" },
            small_bytes / 1024,
            large_bytes / 1024
        );
        check_flat(small_bytes, large_bytes, small_peak, large_peak);
    }
}

fn check_flat(small_bytes: u64, large_bytes: u64, small_peak: u64, large_peak: u64) {
    let growth = large_bytes - small_bytes;
    assert!(
        growth > 30 << 20,
        "the captures differ by more than 30 MiB: {growth}"
    );
    // Proportional growth would add the twenty-fold capture's size; allow a tenth of it.
    assert!(
        large_peak.saturating_sub(small_peak) * 1024 < growth / 10,
        "peak grew from {small_peak} KiB to {large_peak} KiB for {growth} more bytes"
    );
    assert!(large_peak < 64 * 1024, "peak {large_peak} KiB");
}
