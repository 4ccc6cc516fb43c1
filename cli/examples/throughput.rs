//! Throughput of the checker on this machine, in MB/s of input, next to the floor: serde_json
//! parsing the same bytes alone, on one thread.
//!
//! `cargo run --release -p wecom-rooms-cli --example throughput` (set `WECOM_ROOMS_BENCH_MB`
//! for the size of each input, 64 by default). It measures:
//!
//! - `validate --format json` over a JSON Lines file of the schemas' doc samples: what
//!   `validate` does to each file (parse, validate, print one JSON line), line by line on one
//!   thread, since `validate` takes one document per file;
//! - `check-traffic --format json` (the whole command, every core) over captures of several
//!   shapes: clean get_info exchanges as JSON Lines with bodies as objects and as strings, and as
//!   HAR; clean list exchanges of 50 rooms a page; every endpoint's doc samples, most of which
//!   carry a warning and so take the full report. Each is put beside serde_json parsing the
//!   same bytes into `Value`s on one thread, the floor.

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

    // check-traffic, per capture shape, against a one-core serde_json parse of the same bytes.
    let get_info = clean_get_info();
    let list = clean_list(50);
    let samples = exchanges();
    let shapes: [(&str, &str, &[Exchange], Shape); 5] = [
        (
            "get_info, JSON Lines, bodies as objects",
            "get_info-objects.jsonl",
            &get_info,
            Shape::Objects,
        ),
        (
            "get_info, JSON Lines, bodies as strings",
            "get_info-strings.jsonl",
            &get_info,
            Shape::Strings,
        ),
        ("get_info, HAR", "get_info.har", &get_info, Shape::Har),
        (
            "list with 50 rooms a page, JSON Lines, bodies as objects",
            "list-50.jsonl",
            &list,
            Shape::Objects,
        ),
        (
            "every endpoint's doc samples (most warn), JSON Lines, objects",
            "samples.jsonl",
            &samples,
            Shape::Objects,
        ),
    ];
    println!(
        "check-traffic --format json, whole command; floor: serde_json parsing the same bytes, 1 thread"
    );
    for (what, file, exchanges, shape) in shapes {
        let path = dir.join(file);
        let bytes = match shape {
            Shape::Har => write_har(&path, exchanges, target)?,
            Shape::Objects | Shape::Strings => write_jsonl(&path, exchanges, target, shape)?,
        };
        let floor = measure(|| match shape {
            Shape::Har => {
                let _: Value = serde_json::from_slice(&bytes).expect("JSON");
            }
            Shape::Objects | Shape::Strings => {
                for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                    let _: Value = serde_json::from_slice(line).expect("JSON");
                }
            }
        });
        let traffic = measure(|| check_traffic(&path));
        let mb = bytes.len() as f64 / 1e6;
        println!(
            "  {what}: {mb:.1} MB in {traffic:.3} s = {:.0} MB/s; floor {:.0} MB/s; {:.2}x the floor",
            mb / traffic,
            mb / floor,
            floor / traffic
        );
        // Bodies held as strings are scanned by the floor but must be parsed by the checker:
        // the floor that parses them too says what is left to gain.
        let with_bodies = match shape {
            Shape::Objects => continue,
            Shape::Strings => measure(|| {
                for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                    let record: Value = serde_json::from_slice(line).expect("JSON");
                    parse_bodies(&record["request_body"], &record["response_body"]);
                }
            }),
            Shape::Har => measure(|| {
                let har: Value = serde_json::from_slice(&bytes).expect("JSON");
                for entry in har["log"]["entries"].as_array().into_iter().flatten() {
                    let request = &entry["request"]["postData"]["text"];
                    parse_bodies(request, &entry["response"]["content"]["text"]);
                }
            }),
        };
        println!(
            "    floor with the bodies parsed too: {:.0} MB/s; {:.2}x that floor",
            mb / with_bodies,
            with_bodies / traffic
        );
    }
    Ok(())
}

/// How a capture holds its exchanges.
#[derive(Clone, Copy)]
enum Shape {
    /// JSON Lines records whose bodies are JSON values.
    Objects,
    /// JSON Lines records whose bodies are JSON text in strings.
    Strings,
    /// One HAR document (bodies are strings there).
    Har,
}

/// (method, url, request body, response body), bodies compact.
type Exchange = (String, String, String, String);

/// A fixture of the repository, compact.
fn fixture(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(path);
    compact(&std::fs::read_to_string(&path).expect("the fixture is there"))
}

/// get_info exchanges with nothing to report: a request and a full answer (1.2 KB).
fn clean_get_info() -> Vec<Exchange> {
    let url = "https://qyapi.weixin.qq.com/cgi-bin/meeting/rooms/get_info?access_token=T";
    vec![(
        "POST".to_owned(),
        url.to_owned(),
        fixture("meeting/rooms/get_info/request/valid/doc-sample.json"),
        fixture("meeting/rooms/get_info/response/valid/pmi-pwd-base64.json"),
    )]
}

/// list exchanges answering `rooms` rooms a page, nothing to report.
fn clean_list(rooms: usize) -> Vec<Exchange> {
    let url = "https://qyapi.weixin.qq.com/cgi-bin/meeting/rooms/list?access_token=T";
    let mut page: Value = serde_json::from_str(&fixture(
        "meeting/rooms/list/response/valid/doc-sample.json",
    ))
    .expect("JSON");
    let first = page["meeting_room_list"][0].clone();
    page["meeting_room_list"] = (0..rooms)
        .map(|n| {
            let mut room = first.clone();
            room["meeting_room_id"] = json!(format!("{}", 100_001 + n));
            room["meeting_room_name"] = json!(format!("会议室{n}"));
            room
        })
        .collect();
    vec![(
        "POST".to_owned(),
        url.to_owned(),
        r#"{"cursor":"CURSOR","limit":50}"#.to_owned(),
        page.to_string(),
    )]
}

/// Parses the bodies a capture holds as strings, as the checker must.
fn parse_bodies(request: &Value, response: &Value) {
    for body in [request, response] {
        if let Some(text) = body.as_str() {
            let _: Value = serde_json::from_str(text).expect("JSON");
        }
    }
}

fn compact(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .expect("a doc sample is JSON")
        .to_string()
}

/// (method, url, request body text, response body text) for every endpoint's doc samples.
fn exchanges() -> Vec<Exchange> {
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
    exchanges: &[Exchange],
    target: usize,
    shape: Shape,
) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    for (method, url, request, response) in exchanges.iter().cycle() {
        if bytes.len() >= target {
            break;
        }
        let record = match shape {
            Shape::Strings => {
                json!({"method": method, "url": url, "request_body": request, "response_body": response})
            }
            _ => {
                let body = |text: &str| serde_json::from_str::<Value>(text).expect("JSON");
                json!({"method": method, "url": url, "request_body": body(request), "response_body": body(response)})
            }
        };
        serde_json::to_writer(&mut bytes, &record)?;
        bytes.push(b'\n');
    }
    std::fs::write(path, &bytes)?;
    Ok(bytes)
}

fn write_har(path: &Path, exchanges: &[Exchange], target: usize) -> io::Result<Vec<u8>> {
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
