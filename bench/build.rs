//! Records, for BENCHMARKS.md, the compiler that builds the benchmarks and the jsonschema
//! version they measure against.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = Command::new(&rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|text| text.trim().to_owned())
        .unwrap_or_else(|| "unknown rustc".to_owned());
    println!("cargo::rustc-env=BENCH_RUSTC_VERSION={version}");

    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let jsonschema = lock
        .split("[[package]]")
        .find(|entry| entry.contains("\nname = \"jsonschema\"\n"))
        .and_then(|entry| {
            entry
                .lines()
                .find_map(|l| l.strip_prefix("version = \""))
                .map(|v| v.trim_end_matches('"').to_owned())
        })
        .unwrap_or_else(|| "(version unknown)".to_owned());
    println!("cargo::rustc-env=BENCH_JSONSCHEMA_VERSION={jsonschema}");
    println!("cargo::rerun-if-changed=Cargo.lock");
    println!("cargo::rerun-if-env-changed=RUSTC");
}
