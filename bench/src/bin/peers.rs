//! `cargo bench-peers`: `wecom-rooms validate` against the JSON Schema command-line checkers that
//! are installed, whole process, on N generated files of one payload.
//!
//! Each tool checks the same folder of files against the same schema, in paired rounds (every
//! tool once per round, the order turning each round); the median wall time of each is
//! printed with its ratio to ours (their time / ours: above 1 means we are faster). A tool not
//! installed is skipped with a line saying how to install it. Every tool must accept every
//! file (exit status 0), or the run stops: a fast wrong answer is no figure.
//!
//! The peers get the schema bundled into one document (`common.json` embedded under its
//! `$id`), so that none of them needs to resolve a reference over the network.
//!
//! A floor runs beside them: this program again, reading every file of the set on every core
//! and checking nothing. No checker that reads each file can beat it, so a peer's time over
//! the floor's is the most any checker could be ahead of that peer on this machine.
//!
//! The payload keeps its members in the order the fixture has them, `errcode` first as WeCom
//! sends it: the typed decode reads the member that selects success or error first, and keeps
//! whatever comes before it as values.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::Value;

/// `wecom-rooms validate` against the installed peer CLIs, whole process.
#[derive(Debug, Parser)]
struct Args {
    /// Files per set.
    #[arg(long, default_value_t = 10_000)]
    files: usize,
    /// Paired rounds; each tool's median over them is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// The release `wecom-rooms` binary (`cargo build --release -p wecom-rooms-cli`).
    #[arg(long, default_value = "target/release/wecom-rooms")]
    binary: PathBuf,
    /// Where the sets are written (kept, so that a run can be repeated by hand).
    #[arg(long, default_value = "target/bench-peers")]
    dir: PathBuf,
    /// Read every `.json` file in this folder and exit: the floor, run as a process of its own.
    #[arg(long, hide = true)]
    read_only: Option<PathBuf>,
}

/// The payload: a get_info response with nothing to warn about, from the fixtures.
const PAYLOAD: &str = include_str!(
    "../../../tests/fixtures/meeting/rooms/get_info/response/valid/pmi-pwd-base64.json"
);
const SCHEMA_NAME: &str = "meeting/rooms/get_info/response";
const SCHEMA: &str = include_str!("../../../schema/meeting/rooms/get_info/response.schema.json");
const COMMON: &str = include_str!("../../../schema/common.json");

/// One way to check a folder: a name, how to learn its version, and its command line.
struct Tool {
    name: &'static str,
    install: &'static str,
    version: Vec<String>,
    /// What its `--help` says that another program of the same name would not.
    mark: &'static str,
    command: Vec<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if let Some(folder) = &args.read_only {
        read_all(folder)?;
        return Ok(());
    }
    if !args.binary.is_file() {
        return Err(format!(
            "{} not found: build it with `cargo build --release -p wecom-rooms-cli`, or pass --binary",
            args.binary.display()
        )
        .into());
    }
    std::fs::create_dir_all(&args.dir)?;
    let schema = args.dir.join("bundled.schema.json");
    std::fs::write(&schema, serde_json::to_string_pretty(&bundled()?)?)?;
    let sets = [
        ("compact", reformatted(PAYLOAD, false)?),
        ("indented", reformatted(PAYLOAD, true)?),
    ];
    for (set, text) in &sets {
        let folder = args.dir.join(set);
        write_set(&folder, text, args.files)?;
        println!(
            "\n{set}: {} files of {} bytes ({SCHEMA_NAME})",
            args.files,
            text.len()
        );
        let files = listed(&folder)?;
        let (mut tools, skipped) = tools(&args.binary, &schema, &folder, &files);
        for line in skipped {
            println!("  skipped {line}");
        }
        let times = measure(&mut tools, args.runs)?;
        let (ours, floor) = (times[0].as_secs_f64(), times[1].as_secs_f64());
        println!(
            "  {:<28} {:>10} {:>9} {:>9}  version",
            "tool", "median", "ratio", "÷ floor"
        );
        for (tool, time) in tools.iter().zip(&times) {
            let time = time.as_secs_f64();
            println!(
                "  {:<28} {:>8.3} s {:>8.2}× {:>8.2}×  {}",
                tool.name,
                time,
                time / ours,
                time / floor,
                version(tool)
            );
        }
    }
    Ok(())
}

/// `json` compact or indented, its members in the order they came.
fn reformatted(json: &str, indented: bool) -> Result<String, serde_json::Error> {
    let mut input = serde_json::Deserializer::from_str(json);
    let mut out = Vec::new();
    if indented {
        serde_transcode::transcode(&mut input, &mut serde_json::Serializer::pretty(&mut out))?;
    } else {
        serde_transcode::transcode(&mut input, &mut serde_json::Serializer::new(&mut out))?;
    }
    input.end()?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// The floor: every `.json` file in `folder`, in name order, read on every core into a buffer
/// per core; nothing is checked.
fn read_all(folder: &Path) -> std::io::Result<()> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    files.sort_unstable();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let share = files.len().div_ceil(cores).max(1);
    std::thread::scope(|scope| {
        let readers: Vec<_> = (files.chunks(share))
            .map(|part| scope.spawn(move || read_each(part)))
            .collect();
        for reader in readers {
            reader
                .join()
                .map_err(|_| std::io::Error::other("a reader panicked"))??;
        }
        Ok(())
    })
}

fn read_each(files: &[PathBuf]) -> std::io::Result<()> {
    let mut buffer = vec![0; 16 * 1024];
    for path in files {
        let mut file = std::fs::File::open(path)?;
        while std::io::Read::read(&mut file, &mut buffer)? > 0 {}
    }
    Ok(())
}

/// The schema with `common.json` embedded under its `$id`, where its references point.
fn bundled() -> Result<Value, serde_json::Error> {
    let mut schema: Value = serde_json::from_str(SCHEMA)?;
    let common: Value = serde_json::from_str(COMMON)?;
    schema["$defs"]["__common"] = common;
    Ok(schema)
}

fn write_set(folder: &Path, text: &str, files: usize) -> std::io::Result<()> {
    if folder.exists() {
        std::fs::remove_dir_all(folder)?;
    }
    std::fs::create_dir_all(folder)?;
    for n in 0..files {
        std::fs::write(folder.join(format!("{n:06}.json")), text)?;
    }
    Ok(())
}

fn listed(folder: &Path) -> std::io::Result<Vec<String>> {
    let mut files: Vec<String> = std::fs::read_dir(folder)?
        .map(|entry| entry.map(|e| e.path().display().to_string()))
        .collect::<Result<_, _>>()?;
    files.sort();
    Ok(files)
}

/// Ours first, then every peer found on the `PATH`; the peers not found, with how to install
/// them.
fn tools(
    binary: &Path,
    schema: &Path,
    folder: &Path,
    files: &[String],
) -> (Vec<Tool>, Vec<String>) {
    let s = |x: &str| x.to_owned();
    let schema = schema.display().to_string();
    let folder = folder.display().to_string();
    let binary = binary.display().to_string();
    let floor =
        std::env::current_exe().map_or_else(|_| s("bench-peers"), |exe| exe.display().to_string());
    let mut tools = vec![
        Tool {
            name: "wecom-rooms validate",
            install: "",
            version: vec![binary.clone(), s("--version")],
            mark: "",
            command: vec![
                binary,
                s("validate"),
                s("--schema"),
                s(SCHEMA_NAME),
                folder.clone(),
            ],
        },
        Tool {
            name: "floor (reads, checks nothing)",
            install: "",
            version: Vec::new(),
            mark: "",
            command: vec![floor, s("--read-only"), folder.clone()],
        },
    ];
    let many = |head: Vec<String>, flag: Option<&str>| {
        let mut command = head;
        for file in files {
            command.extend(flag.map(str::to_owned));
            command.push(file.clone());
        }
        command
    };
    let candidates = [
        Tool {
            name: "jsonschema-cli (Rust)",
            install: "cargo install jsonschema-cli",
            version: vec![s("jsonschema-cli"), s("--version")],
            mark: "validate",
            command: many(
                vec![
                    s("jsonschema-cli"),
                    s("validate"),
                    s("--errors-only"),
                    s("--offline"),
                    schema.clone(),
                    s("-i"),
                ],
                None,
            ),
        },
        Tool {
            name: "sourcemeta jsonschema",
            install: "npm install -g @sourcemeta/jsonschema",
            version: vec![s("jsonschema"), s("--version")],
            mark: "sourcemeta",
            command: vec![
                s("jsonschema"),
                s("validate"),
                schema.clone(),
                folder.clone(),
            ],
        },
        Tool {
            name: "ajv-cli",
            install: "npm install -g ajv-cli ajv-formats",
            version: vec![s("ajv"), s("--version")],
            mark: "ajv",
            command: vec![
                s("ajv"),
                s("validate"),
                s("--spec=draft2020"),
                s("--strict=false"),
                s("--errors=no"),
                s("-s"),
                schema.clone(),
                s("-d"),
                format!("{folder}/*.json"),
            ],
        },
        Tool {
            name: "check-jsonschema",
            install: "pip install check-jsonschema",
            version: vec![s("check-jsonschema"), s("--version")],
            mark: "schemafile",
            command: many(vec![s("check-jsonschema"), s("--schemafile"), schema], None),
        },
    ];
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for tool in candidates {
        if identified(&tool) {
            found.push(tool);
        } else {
            skipped.push(format!("{}: not installed ({})", tool.name, tool.install));
        }
    }
    tools.extend(found);
    (tools, skipped)
}

/// Whether the tool's program runs and is the tool meant: another program can have the same
/// name (Python's `jsonschema` package installs a `jsonschema` too), so its help must say what
/// the tool's help says.
fn identified(tool: &Tool) -> bool {
    let Ok(output) = Command::new(&tool.version[0]).arg("--help").output() else {
        return false;
    };
    let help = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    help.to_lowercase().contains(tool.mark)
}

fn version(tool: &Tool) -> String {
    let Some((program, arguments)) = tool.version.split_first() else {
        return String::new();
    };
    let Ok(output) = Command::new(program).args(arguments).output() else {
        return String::new();
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    line.trim().chars().take(40).collect()
}

/// Each tool's median wall time over `runs` paired rounds, after one untimed round; fails
/// when a tool does not accept the files.
fn measure(tools: &mut [Tool], runs: usize) -> Result<Vec<Duration>, String> {
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); tools.len()];
    for round in 0..=runs {
        for offset in 0..tools.len() {
            let index = (offset + round) % tools.len();
            let time = timed(&tools[index])?;
            if round > 0 {
                times[index].push(time);
            }
        }
    }
    Ok(times.into_iter().map(median).collect())
}

fn timed(tool: &Tool) -> Result<Duration, String> {
    let started = Instant::now();
    let output = Command::new(&tool.command[0])
        .args(&tool.command[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("{}: {e}", tool.name))?;
    let time = started.elapsed();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let excerpt: String = stderr.chars().take(400).collect();
        return Err(format!(
            "{} did not accept every file: {excerpt}",
            tool.name
        ));
    }
    Ok(time)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_median_is_the_middle_time() {
        let ms = Duration::from_millis;
        assert_eq!(median(vec![ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(median(vec![ms(4), ms(2)]), ms(4));
    }

    #[test]
    fn the_payload_keeps_its_member_order() {
        let compact = reformatted(PAYLOAD, false).unwrap();
        assert!(
            compact.starts_with(r#"{"errcode":0,"errmsg":"ok","basic_info":"#),
            "{compact}"
        );
        let indented = reformatted(PAYLOAD, true).unwrap();
        let reread: Value = serde_json::from_str(&indented).unwrap();
        assert_eq!(reread, serde_json::from_str::<Value>(PAYLOAD).unwrap());
        assert!(indented.contains("\n  \"errmsg\""), "{indented}");
    }

    #[test]
    fn the_bundle_holds_common_under_its_id() {
        let bundle = bundled().unwrap();
        assert_eq!(
            bundle["$defs"]["__common"]["$id"],
            json!("https://wecom-rooms.example/schema/common.json")
        );
    }
}
