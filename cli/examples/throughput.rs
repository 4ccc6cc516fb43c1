//! Throughput of the checker on this machine, in MB/s of input, next to the floor: serde_json
//! parsing the same bytes alone, on one thread.
//!
//! `cargo run --release -p wecom-rooms-cli --example throughput` (set `WECOM_ROOMS_BENCH_MB`
//! for the size of each input, 64 by default). It measures:
//!
//! - `validate --format json` over a JSON Lines file of the schemas' doc samples: what
//!   `validate` does to each file (parse, validate, print one JSON line), line by line on one
//!   thread, since `validate` takes one document per file;
//! - `check-traffic --format json` over a JSON Lines capture of records and over a HAR of the
//!   same exchanges (the whole command, every core).

use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use clap::Parser;
use serde_json::{Value, json};
use wecom_rooms::SCHEMAS;
use wecom_rooms_cli::output::{Expect, Format, Printer};

fn main() -> io::Result<()> {
    let megabytes: usize = std::env::var("WECOM_ROOMS_BENCH_MB")
        .ok()
        .and_then(|mb| mb.parse().ok())
        .unwrap_or(64);
    let target = megabytes << 20;
    let dir = std::env::temp_dir().join("wecom-rooms-throughput");
    std::fs::create_dir_all(&dir)?;
    println!(
        "inputs of about {megabytes} MB each in {}; {} worker threads",
        dir.display(),
        wecom_rooms_cli::pipeline::workers()
    );

    // The doc samples, one per line, each with its schema.
    let samples: Vec<(usize, String)> = (SCHEMAS.iter().enumerate())
        .flat_map(|(index, schema)| {
            schema
                .examples
                .iter()
                .map(move |text| (index, compact(text)))
        })
        .collect();
    let mut docs = Vec::new();
    let mut schemas = Vec::new();
    for (schema, line) in samples.iter().cycle() {
        if docs.len() >= target {
            break;
        }
        docs.extend_from_slice(line.as_bytes());
        docs.push(b'\n');
        schemas.push(*schema);
    }
    let floor = measure(|| {
        for line in docs.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let _: Value = serde_json::from_slice(line).expect("JSON");
        }
    });
    let printer = Printer {
        format: Format::Json,
        color: false,
        expect: Expect::Valid,
    };
    let validate = measure(|| {
        let mut sink = io::sink();
        let lines = docs.split(|&b| b == b'\n').filter(|l| !l.is_empty());
        for (line, &schema) in lines.zip(&schemas) {
            let report =
                wecom_rooms_cli::check::check(&SCHEMAS[schema], String::new(), line, false);
            printer.print(&report, line, &mut sink).expect("sink");
        }
    });
    report(
        "validate --format json, doc samples (JSON Lines, 1 thread)",
        docs.len(),
        validate,
        floor,
    );

    let exchanges = exchanges();
    let (jsonl, har) = (dir.join("capture.jsonl"), dir.join("capture.har"));
    let jsonl_bytes = write_jsonl(&jsonl, &exchanges, target)?;
    let floor = measure(|| {
        for line in jsonl_bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let _: Value = serde_json::from_slice(line).expect("JSON");
        }
    });
    let traffic = measure(|| check_traffic(&jsonl));
    report(
        "check-traffic --format json, JSON Lines capture",
        jsonl_bytes.len(),
        traffic,
        floor,
    );
    let with_bodies = measure(|| {
        for line in jsonl_bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let record: Value = serde_json::from_slice(line).expect("JSON");
            parse_bodies(&record["request_body"], &record["response_body"]);
        }
    });
    floor_with_bodies(jsonl_bytes.len(), with_bodies);

    let har_bytes = write_har(&har, &exchanges, target)?;
    let floor = measure(|| {
        let _: Value = serde_json::from_slice(&har_bytes).expect("JSON");
    });
    let traffic = measure(|| check_traffic(&har));
    report(
        "check-traffic --format json, HAR capture",
        har_bytes.len(),
        traffic,
        floor,
    );
    let with_bodies = measure(|| {
        let har: Value = serde_json::from_slice(&har_bytes).expect("JSON");
        for entry in har["log"]["entries"].as_array().into_iter().flatten() {
            let request = &entry["request"]["postData"]["text"];
            parse_bodies(request, &entry["response"]["content"]["text"]);
        }
    });
    floor_with_bodies(har_bytes.len(), with_bodies);
    Ok(())
}

/// Parses the bodies a capture holds as strings, as the checker must.
fn parse_bodies(request: &Value, response: &Value) {
    for body in [request, response] {
        if let Some(text) = body.as_str() {
            let _: Value = serde_json::from_str(text).expect("JSON");
        }
    }
}

fn floor_with_bodies(bytes: usize, seconds: f64) {
    let mb = bytes as f64 / 1e6;
    println!(
        "  serde_json parsing the capture and then its bodies, 1 thread: {:.0} MB/s",
        mb / seconds
    );
}

fn compact(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .expect("a doc sample is JSON")
        .to_string()
}

/// (method, url, request body text, response body text) for every endpoint's doc samples.
fn exchanges() -> Vec<(String, String, String, String)> {
    let by_name = |name: &str| SCHEMAS.iter().find(|entry| entry.name == name);
    let mut all = Vec::new();
    for schema in SCHEMAS {
        let Some(endpoint) = schema.endpoint else {
            continue;
        };
        let Some(response) = endpoint.response_schema.and_then(by_name) else {
            continue;
        };
        if endpoint.request_in != wecom_rooms_runtime::registry::RequestIn::Body {
            continue;
        }
        for (request, response) in schema.examples.iter().zip(response.examples.iter().cycle()) {
            let url = format!("{}{}?access_token=T", endpoint.base_url, endpoint.path);
            all.push((
                endpoint.method.to_owned(),
                url,
                compact(request),
                compact(response),
            ));
        }
    }
    all
}

fn write_jsonl(
    path: &Path,
    exchanges: &[(String, String, String, String)],
    target: usize,
) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    for (method, url, request, response) in exchanges.iter().cycle() {
        if bytes.len() >= target {
            break;
        }
        let record = json!({"method": method, "url": url, "request_body": request, "response_body": response});
        serde_json::to_writer(&mut bytes, &record)?;
        bytes.push(b'\n');
    }
    std::fs::write(path, &bytes)?;
    Ok(bytes)
}

fn write_har(
    path: &Path,
    exchanges: &[(String, String, String, String)],
    target: usize,
) -> io::Result<Vec<u8>> {
    let mut entries = Vec::new();
    let mut size = 0;
    for (method, url, request, response) in exchanges.iter().cycle() {
        if size >= target {
            break;
        }
        let entry = json!({
            "startedDateTime": "2025-01-01T00:00:00.000Z", "time": 12.5,
            "request": {"method": method, "url": url, "httpVersion": "HTTP/1.1",
                "headers": [{"name": "Content-Type", "value": "application/json"}], "queryString": [{"name": "access_token", "value": "T"}],
                "cookies": [], "headersSize": -1, "bodySize": request.len(),
                "postData": {"mimeType": "application/json", "text": request}},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                "headers": [{"name": "Content-Type", "value": "application/json; charset=UTF-8"}], "cookies": [],
                "content": {"size": response.len(), "mimeType": "application/json", "text": response},
                "redirectURL": "", "headersSize": -1, "bodySize": response.len()},
            "cache": {}, "timings": {"send": 0.1, "wait": 12, "receive": 0.4},
        });
        size += entry.to_string().len();
        entries.push(entry);
    }
    let bytes = serde_json::to_vec_pretty(
        &json!({"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": entries}}),
    )?;
    std::fs::write(path, &bytes)?;
    Ok(bytes)
}

fn check_traffic(path: &Path) {
    let cli = wecom_rooms_cli::Cli::parse_from([
        "wecom-rooms".as_ref(),
        "check-traffic".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        path.as_os_str(),
    ]);
    let (mut out, mut err) = (io::sink(), io::sink());
    let io = wecom_rooms_cli::Io {
        out: &mut out,
        err: &mut err,
        color: false,
    };
    wecom_rooms_cli::run(&cli, io).expect("runs");
}

/// The best of three runs, in seconds.
fn measure(mut run: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn report(what: &str, bytes: usize, seconds: f64, floor: f64) {
    let mb = bytes as f64 / 1e6;
    let mut out = io::stdout().lock();
    let _ = writeln!(
        out,
        "{what}: {:.1} MB in {seconds:.3} s = {:.0} MB/s; serde_json parsing alone: {:.0} MB/s",
        mb,
        mb / seconds,
        mb / floor
    );
}
