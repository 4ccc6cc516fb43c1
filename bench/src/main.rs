//! `cargo bench-compare`: measures wecom-rooms's generated validators and typed decoding against
//! the jsonschema crate in one run, prints one `ratio NAME VALUE` line per comparison (VALUE is
//! the other side's time divided by ours: above 1 means we are faster), times the generator on a
//! synthetic schema, and writes BENCHMARKS.md.
//!
//! Options: `--quick` (short measurements, for trying the driver out; its figures are not for
//! BENCHMARKS.md, which it writes only with `--out`), `--out PATH` (where to write the report;
//! BENCHMARKS.md at the repository root by default).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::{BenchmarkId, Criterion};
use wecom_rooms_bench as b;

/// Text below this line in an existing BENCHMARKS.md is kept when the report is rewritten.
const KEEP_MARKER: &str =
    "<!-- Everything below this line is kept when bench-compare rewrites the file. -->";

/// The number of `$defs` in the generator's synthetic schema.
const GENERATOR_DEFS: usize = 1_000;
/// Timed runs of the generator (after one untimed run).
const GENERATOR_RUNS: usize = 5;
/// The number of fixture files the checker is timed on.
const CHECKER_FILES: usize = 10_000;
/// Timed runs of each checker measurement (after one untimed run).
const CHECKER_RUNS: usize = 5;

struct Settings {
    quick: bool,
    out: Option<PathBuf>,
    warm_up: Duration,
    measurement: Duration,
    sample_size: usize,
}

fn settings() -> Settings {
    let mut quick = false;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--out" => out = Some(PathBuf::from(args.next().expect("--out needs a path"))),
            // `cargo run` passes `--bench` along when asked to; it means nothing here.
            "--bench" => {}
            "-h" | "--help" => {
                println!("usage: cargo bench-compare [--quick] [--out PATH]");
                std::process::exit(0);
            }
            other => panic!("unknown argument {other:?}; try --help"),
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ has a parent")
        .to_path_buf();
    if out.is_none() && !quick {
        out = Some(root.join("BENCHMARKS.md"));
    }
    if quick {
        Settings {
            quick,
            out,
            warm_up: Duration::from_millis(200),
            measurement: Duration::from_millis(500),
            sample_size: 10,
        }
    } else {
        Settings {
            quick,
            out,
            warm_up: Duration::from_secs(1),
            measurement: Duration::from_secs(3),
            sample_size: 50,
        }
    }
}

/// A side of a comparison: its id in criterion, and what it is.
const VALIDATION_SIDES: &[(&str, &str)] = &[
    ("ours_is_valid", "(a) ours: `response::is_valid(&Value)`"),
    (
        "ours_validate",
        "(b) ours: `response::validate(&Value)`, every error",
    ),
    (
        "jsonschema_runtime",
        "(c) jsonschema runtime `Validator::is_valid`",
    ),
    (
        "jsonschema_macro",
        "(d) jsonschema `#[validator]` macro `is_valid`",
    ),
    (
        "jsonschema_runtime_errors",
        "jsonschema runtime `iter_errors().collect()`, every error",
    ),
    (
        "jsonschema_macro_errors",
        "jsonschema macro `iter_errors().collect()`, every error",
    ),
];
const DECODE_SIDES: &[(&str, &str)] = &[
    (
        "ours_from_slice",
        "(e) ours: `Response::from_slice`, no validation",
    ),
    (
        "serde_from_slice",
        "(e') `serde_json::from_slice::<Response>`, no validation",
    ),
    (
        "ours_decode_validated",
        "(f) ours: `response::decode_validated`",
    ),
    (
        "value_jsonschema_from_value",
        "(g) `from_slice::<Value>` + jsonschema runtime `is_valid` + `from_value`",
    ),
];

fn measure(settings: &Settings, criterion_dir: &Path, payloads: &[b::Payload]) {
    let validator = b::runtime_validator();
    let mut c = Criterion::default()
        .output_directory(criterion_dir)
        .warm_up_time(settings.warm_up)
        .measurement_time(settings.measurement)
        .sample_size(settings.sample_size)
        .nresamples(20_000)
        .without_plots();
    // Sides that are compared run one right after the other, payload by payload, so that a
    // change in the machine's load hits both sides of a ratio alike as far as possible.
    for p in payloads {
        let mut group = c.benchmark_group("validate");
        let v = &p.value;
        group.bench_with_input(BenchmarkId::new("ours_is_valid", p.name), v, |bn, v| {
            bn.iter(|| b::ours_is_valid(black_box(v)))
        });
        group.bench_with_input(BenchmarkId::new("jsonschema_macro", p.name), v, |bn, v| {
            bn.iter(|| b::jsonschema_macro_is_valid(black_box(v)))
        });
        group.bench_with_input(
            BenchmarkId::new("jsonschema_runtime", p.name),
            v,
            |bn, v| bn.iter(|| b::jsonschema_runtime_is_valid(&validator, black_box(v))),
        );
        group.bench_with_input(BenchmarkId::new("ours_validate", p.name), v, |bn, v| {
            bn.iter(|| b::ours_validate(black_box(v)))
        });
        group.bench_with_input(
            BenchmarkId::new("jsonschema_macro_errors", p.name),
            v,
            |bn, v| bn.iter(|| b::jsonschema_macro_errors(black_box(v))),
        );
        group.bench_with_input(
            BenchmarkId::new("jsonschema_runtime_errors", p.name),
            v,
            |bn, v| bn.iter(|| b::jsonschema_runtime_errors(&validator, black_box(v))),
        );
        group.finish();
    }
    for p in payloads {
        let mut group = c.benchmark_group("decode");
        let bytes: &[u8] = &p.bytes;
        if p.valid {
            group.bench_with_input(
                BenchmarkId::new("ours_from_slice", p.name),
                bytes,
                |bn, x| bn.iter(|| b::ours_from_slice(black_box(x))),
            );
            group.bench_with_input(
                BenchmarkId::new("serde_from_slice", p.name),
                bytes,
                |bn, x| bn.iter(|| b::serde_from_slice(black_box(x))),
            );
        }
        group.bench_with_input(
            BenchmarkId::new("ours_decode_validated", p.name),
            bytes,
            |bn, x| bn.iter(|| b::ours_decode_validated(black_box(x))),
        );
        group.bench_with_input(
            BenchmarkId::new("value_jsonschema_from_value", p.name),
            bytes,
            |bn, x| bn.iter(|| b::value_jsonschema_from_value(&validator, black_box(x))),
        );
        group.finish();
    }
    c.final_summary();
}

/// A time in nanoseconds: criterion's median, with its 95% confidence interval.
#[derive(Clone, Copy)]
struct Time {
    median: f64,
    lower: f64,
    upper: f64,
}

fn read_time(criterion_dir: &Path, group: &str, side: &str, payload: &str) -> Time {
    let path = criterion_dir
        .join(group)
        .join(side)
        .join(payload)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no estimates at {}: {e}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text).expect("estimates are JSON");
    let median = &json["median"];
    let number = |v: &serde_json::Value| v.as_f64().expect("a number in estimates.json");
    Time {
        median: number(&median["point_estimate"]),
        lower: number(&median["confidence_interval"]["lower_bound"]),
        upper: number(&median["confidence_interval"]["upper_bound"]),
    }
}

/// What a ratio must reach, if it is a target.
#[derive(Clone, Copy)]
enum Target {
    /// Not a target: reported for information.
    None,
    /// The ratio (other / ours) must be at least this.
    AtLeast(f64),
}

struct Ratio {
    name: String,
    ours: (&'static str, Time),
    other: (&'static str, Time),
    target: Target,
    target_text: &'static str,
}

impl Ratio {
    fn value(&self) -> f64 {
        self.other.1.median / self.ours.1.median
    }
    fn verdict(&self) -> &'static str {
        match self.target {
            Target::None => "info",
            Target::AtLeast(min) if self.value() >= min => "met",
            Target::AtLeast(_) => "MISSED",
        }
    }
}

fn ratios(
    criterion_dir: &Path,
    payloads: &[b::Payload],
) -> (Vec<Ratio>, BTreeMap<(String, &'static str), Time>) {
    let mut times = BTreeMap::new();
    let mut out = Vec::new();
    let mut time = |group: &str, side: &'static str, payload: &str| {
        let t = read_time(criterion_dir, group, side, payload);
        times.insert((format!("{group}/{payload}"), side), t);
        t
    };
    for p in payloads {
        let is_valid = ("ours_is_valid", time("validate", "ours_is_valid", p.name));
        let validate = ("ours_validate", time("validate", "ours_validate", p.name));
        let mac = (
            "jsonschema_macro",
            time("validate", "jsonschema_macro", p.name),
        );
        let run = (
            "jsonschema_runtime",
            time("validate", "jsonschema_runtime", p.name),
        );
        let mac_errors = (
            "jsonschema_macro_errors",
            time("validate", "jsonschema_macro_errors", p.name),
        );
        let run_errors = (
            "jsonschema_runtime_errors",
            time("validate", "jsonschema_runtime_errors", p.name),
        );
        out.push(Ratio {
            name: format!("is_valid_vs_jsonschema_macro/{}", p.name),
            ours: is_valid,
            other: mac,
            target: Target::AtLeast(1.5),
            target_text: "≥ 1.5",
        });
        out.push(Ratio {
            name: format!("is_valid_vs_jsonschema_runtime/{}", p.name),
            ours: is_valid,
            other: run,
            target: Target::AtLeast(5.0),
            target_text: "≥ 5",
        });
        out.push(Ratio {
            name: format!("validate_vs_jsonschema_macro_errors/{}", p.name),
            ours: validate,
            other: mac_errors,
            target: Target::None,
            target_text: "",
        });
        out.push(Ratio {
            name: format!("validate_vs_jsonschema_runtime_errors/{}", p.name),
            ours: validate,
            other: run_errors,
            target: Target::None,
            target_text: "",
        });
    }
    for p in payloads {
        let validated = (
            "ours_decode_validated",
            time("decode", "ours_decode_validated", p.name),
        );
        let value_path = (
            "value_jsonschema_from_value",
            time("decode", "value_jsonschema_from_value", p.name),
        );
        if p.valid {
            let from_slice = ("ours_from_slice", time("decode", "ours_from_slice", p.name));
            let serde = (
                "serde_from_slice",
                time("decode", "serde_from_slice", p.name),
            );
            out.push(Ratio {
                name: format!("decode_validated_vs_from_slice/{}", p.name),
                ours: validated,
                other: from_slice,
                // (f) at most 1.25× the time of (e): (e) / (f) at least 1 / 1.25.
                target: Target::AtLeast(1.0 / 1.25),
                target_text: "≥ 0.8 (f ≤ 1.25× e)",
            });
            out.push(Ratio {
                name: format!("decode_validated_vs_value_jsonschema_from_value/{}", p.name),
                ours: validated,
                other: value_path,
                target: Target::AtLeast(2.0),
                target_text: "≥ 2",
            });
            out.push(Ratio {
                name: format!("decode_validated_vs_serde_from_slice/{}", p.name),
                ours: validated,
                other: serde,
                target: Target::None,
                target_text: "",
            });
            out.push(Ratio {
                name: format!("from_slice_vs_serde_from_slice/{}", p.name),
                ours: from_slice,
                other: serde,
                target: Target::None,
                target_text: "",
            });
        } else {
            out.push(Ratio {
                name: format!(
                    "reject_decode_validated_vs_value_jsonschema_from_value/{}",
                    p.name
                ),
                ours: validated,
                other: value_path,
                target: Target::None,
                target_text: "",
            });
        }
    }
    (out, times)
}

struct GeneratorFigure {
    median: Duration,
    min: Duration,
    max: Duration,
    schema_bytes: u64,
    output_bytes: usize,
}

/// Times the generator on a thread with a deep stack, as `Config::write_single_file` runs it:
/// type emission, syn and prettyplease follow the chain's nesting.
fn time_generator() -> (GeneratorFigure, GeneratorFigure) {
    std::thread::Builder::new()
        .stack_size(b::GENERATOR_STACK)
        .spawn(time_generator_here)
        .expect("spawns the generator thread")
        .join()
        .expect("the generator thread finishes")
}

fn time_generator_here() -> (GeneratorFigure, GeneratorFigure) {
    let dir = std::env::temp_dir().join(format!(
        "wecom-rooms-bench-generator-{}",
        std::process::id()
    ));
    b::write_synthetic_schema(&dir, GENERATOR_DEFS).expect("writes the synthetic schema");
    let schema_bytes = std::fs::metadata(dir.join("synthetic.schema.json"))
        .map(|m| m.len())
        .unwrap_or(0);
    let time = |generate: fn(&Path) -> usize| {
        // One untimed run: reads the file into the page cache, checks that generation succeeds.
        let output_bytes = generate(&dir);
        let mut runs: Vec<Duration> = (0..GENERATOR_RUNS)
            .map(|_| {
                let start = Instant::now();
                black_box(generate(black_box(&dir)));
                start.elapsed()
            })
            .collect();
        runs.sort();
        GeneratorFigure {
            median: runs[runs.len() / 2],
            min: runs[0],
            max: runs[runs.len() - 1],
            schema_bytes,
            output_bytes,
        }
    };
    let figures = (time(b::generate_for_build_script), time(b::generate));
    let _ = std::fs::remove_dir_all(&dir);
    figures
}

/// The median, fastest and slowest of `runs` timed calls of `f`, after one untimed call.
fn time_runs(runs: usize, mut f: impl FnMut() -> usize) -> Spread {
    black_box(f());
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    Spread {
        median: times[times.len() / 2],
        min: times[0],
        max: times[times.len() - 1],
    }
}

struct Spread {
    median: Duration,
    min: Duration,
    max: Duration,
}

impl Spread {
    fn text(&self) -> String {
        format!(
            "{:.1} ms (fastest {:.1} ms, slowest {:.1} ms)",
            self.median.as_secs_f64() * 1e3,
            self.min.as_secs_f64() * 1e3,
            self.max.as_secs_f64() * 1e3
        )
    }
}

/// The generator's and the checker's figures.
struct ToolFigures {
    /// The build-script path (unformatted).
    generator: GeneratorFigure,
    /// The formatted single file.
    formatted: GeneratorFigure,
    checker: CheckerFigure,
}

struct CheckerFigure {
    file_bytes: usize,
    /// `check` on the files' bytes in memory: the CPU beyond reading them.
    check: Spread,
    /// Listing and reading the files alone.
    read: Spread,
    /// The whole `validate` run through the CLI's library entry.
    run: Spread,
}

/// Times `wecom-rooms validate` on `CHECKER_FILES` copies of the doc sample.
fn time_checker() -> CheckerFigure {
    let dir =
        std::env::temp_dir().join(format!("wecom-rooms-bench-checker-{}", std::process::id()));
    let files = b::write_checker_fixtures(&dir, CHECKER_FILES).expect("writes the fixture files");
    let figure = CheckerFigure {
        file_bytes: files.first().map_or(0, |(_, bytes)| bytes.len()),
        check: time_runs(CHECKER_RUNS, || b::check_files(black_box(&files))),
        read: time_runs(CHECKER_RUNS, || b::read_files(black_box(&dir))),
        run: time_runs(CHECKER_RUNS, || b::run_checker(black_box(&dir))),
    };
    let _ = std::fs::remove_dir_all(&dir);
    figure
}

/// A duration in nanoseconds, in the unit that suits it.
fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// The date, UTC, from the system clock: `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3_600,
        rem % 3_600 / 60
    )
}

struct Machine {
    nproc: usize,
    cpu: String,
    rustc: &'static str,
    load_before: String,
    load_after: String,
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn report(
    settings: &Settings,
    machine: &Machine,
    payloads: &[b::Payload],
    ratios: &[Ratio],
    times: &BTreeMap<(String, &'static str), Time>,
    tools: &ToolFigures,
    kept: &str,
) -> String {
    let ToolFigures {
        generator,
        formatted,
        checker,
    } = tools;
    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "# Benchmarks\n");
    let _ = writeln!(
        w,
        "Written by `cargo bench-compare` (bench/): wecom-rooms's generated validators and typed \
         decoding against the jsonschema crate {}, its runtime validator and its compile-time \
         `#[jsonschema::validator]` macro, on the same schema \
         (schema/meeting/rooms/get_info/response.schema.json). Every figure below comes from the \
         one run described here. (The main workspace's tests use jsonschema 0.61.2; the registry \
         has no 0.61 release of jsonschema-macros, so both jsonschema sides here are 0.60.2.)\n",
        jsonschema_version()
    );
    let _ = writeln!(w, "## The run\n");
    let _ = writeln!(w, "- Date: {}", utc_now());
    let _ = writeln!(
        w,
        "- Machine: {} cores (`nproc`), {}",
        machine.nproc, machine.cpu
    );
    let _ = writeln!(
        w,
        "- Load average (1, 5, 15 min) before: {}; after: {} (the machine is shared: other jobs run beside this one)",
        machine.load_before, machine.load_after
    );
    let _ = writeln!(
        w,
        "- Compiler: {}; the release profile (opt-level 3, no LTO)",
        machine.rustc
    );
    let _ = writeln!(
        w,
        "- Criterion: {} warm-up, {} measurement, {} samples per benchmark{}; every time below is \
         criterion's median time per call with its 95% confidence interval",
        fmt_duration(settings.warm_up),
        fmt_duration(settings.measurement),
        settings.sample_size,
        if settings.quick {
            " (`--quick`: figures are rough)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        w,
        "- Rerun: `cargo bench-compare` from the repository root (about 5 minutes; it rewrites \
         this file above the kept-notes line); `cargo bench-compare --quick --out /tmp/b.md` \
         tries the driver out in under a minute\n"
    );
    let _ = writeln!(w, "## Payloads\n");
    let _ = writeln!(w, "| payload | valid | what |\n| --- | --- | --- |");
    for p in payloads {
        let _ = writeln!(
            w,
            "| `{}` | {} | {} |",
            p.name,
            if p.valid { "yes" } else { "no" },
            p.about
        );
    }
    let _ = writeln!(w, "\n## Targets\n");
    let _ = writeln!(
        w,
        "A ratio is the other side's time divided by ours: above 1 means we are faster.\n"
    );
    let _ = writeln!(
        w,
        "| ratio | value | target | verdict |\n| --- | ---: | --- | --- |"
    );
    for r in ratios.iter().filter(|r| !matches!(r.target, Target::None)) {
        let _ = writeln!(
            w,
            "| `{}` | {:.2} | {} | {} |",
            r.name,
            r.value(),
            r.target_text,
            r.verdict()
        );
    }
    let _ = writeln!(w, "\n## Other ratios (no target)\n");
    let _ = writeln!(
        w,
        "| ratio | value | ours | other side |\n| --- | ---: | --- | --- |"
    );
    for r in ratios.iter().filter(|r| matches!(r.target, Target::None)) {
        let _ = writeln!(
            w,
            "| `{}` | {:.2} | `{}` {} | `{}` {} |",
            r.name,
            r.value(),
            r.ours.0,
            human(r.ours.1.median),
            r.other.0,
            human(r.other.1.median)
        );
    }
    let _ = writeln!(w, "\n## Absolute times\n");
    for (title, group, sides) in [
        (
            "Validation of a parsed `Value`",
            "validate",
            VALIDATION_SIDES,
        ),
        ("Typed decoding from bytes", "decode", DECODE_SIDES),
    ] {
        let _ = writeln!(w, "{title}:\n");
        let _ = write!(w, "| side |");
        for p in payloads {
            let _ = write!(w, " `{}` |", p.name);
        }
        let _ = write!(w, "\n| --- |");
        for _ in payloads {
            let _ = write!(w, " ---: |");
        }
        let _ = writeln!(w);
        for (side, about) in sides {
            let _ = write!(w, "| {about} |");
            for p in payloads {
                match times.get(&(format!("{group}/{}", p.name), *side)) {
                    Some(t) => {
                        let _ = write!(
                            w,
                            " {} ({}–{}) |",
                            human(t.median),
                            human(t.lower),
                            human(t.upper)
                        );
                    }
                    None => {
                        let _ = write!(w, " – |");
                    }
                }
            }
            let _ = writeln!(w);
        }
        let _ = writeln!(w);
    }
    let _ = writeln!(
        w,
        "On invalid payloads only the two validating decoders, (f) and (g), are measured; (f) \
         then also builds the full error report, by design, where (g) only learns `false`.\n"
    );
    let _ = writeln!(w, "## The generator\n");
    let _ = writeln!(
        w,
        "What a build script runs, `wecom_rooms_codegen::Config::new(dir).write_single_file(path)`, \
         on a synthetic schema of {GENERATOR_DEFS} `$defs`, each an object with seven properties \
         (string, bounded integer, number, boolean, array of strings, string enum, `$ref` to the \
         next definition; {} bytes of schema, {} bytes of generated code, unformatted): **{:.3} s** \
         (median of {GENERATOR_RUNS} runs after one untimed run; fastest {:.3} s, slowest {:.3} s). \
         Target: under 1 s: {}.\n\n\
         The same schema through `generate()` then `single_file()`, formatted with prettyplease as \
         the checked-in code is ({} bytes): {:.3} s (fastest {:.3} s, slowest {:.3} s).\n\n\
         Both run on a thread with a {} MiB stack, as `Config::write_single_file` runs the \
         generator: type emission, syn and prettyplease follow the chain's nesting.\n",
        generator.schema_bytes,
        generator.output_bytes,
        generator.median.as_secs_f64(),
        generator.min.as_secs_f64(),
        generator.max.as_secs_f64(),
        if generator.median < Duration::from_secs(1) {
            "met"
        } else {
            "MISSED"
        },
        formatted.output_bytes,
        formatted.median.as_secs_f64(),
        formatted.min.as_secs_f64(),
        formatted.max.as_secs_f64(),
        b::GENERATOR_STACK >> 20
    );
    let _ = writeln!(w, "## The checker\n");
    let _ = writeln!(
        w,
        "`wecom-rooms validate` on {CHECKER_FILES} copies of the doc sample ({} bytes each), \
         median of {CHECKER_RUNS} runs after one untimed run:\n\n\
         - beyond reading the files (the span-aware parse, the validation and placing the \
         findings, on bytes in memory): **{}**; target: well under a second of CPU: {};\n\
         - the whole run through the CLI's library entry, `--format json` into memory (listing \
         the folder, reading, checking, printing one JSON line per file): {};\n\
         - listing and reading the files alone: {}.\n",
        checker.file_bytes,
        checker.check.text(),
        if checker.check.median < Duration::from_millis(500) {
            "met"
        } else {
            "MISSED"
        },
        checker.run.text(),
        checker.read.text()
    );
    let _ = writeln!(w, "## Method\n");
    let _ = writeln!(
        w,
        "- bench/ is a workspace of its own, excluded from the main one: the jsonschema crate's \
         `macros` feature turns on serde_json's `float_roundtrip`, and cargo would unify it into \
         every crate of the main workspace. Here every side, ours included, runs with it on.\n\
         - Every side gets the same input through `black_box` and returns its whole result, \
         which criterion drops inside the timed loop; the jsonschema runtime validator is built \
         once, before anything is timed (the macro validator and ours need no building).\n\
         - Before timing, the driver checks that every side gives every payload its expected \
         verdict and that every typed decode of a valid payload gives the same value.\n\
         - Sides compared by a ratio are measured one after the other, payload by payload.\n\
         - Criterion rather than divan: it can be driven from a plain binary, writes its \
         estimates (with confidence intervals) where this driver reads them back to compute \
         the ratios, and its statistics cope with a noisy, shared machine.\n\
         - Instruction counts, not seconds, for profiling: `cargo build --release \
         --manifest-path bench/Cargo.toml` then `valgrind --tool=callgrind \
         bench/target/release/bench-profile SIDE PAYLOAD ITERATIONS` (`bench-profile --help` \
         lists the sides and payloads).\n"
    );
    let _ = writeln!(w, "{KEEP_MARKER}");
    md.push_str(kept);
    md
}

fn fmt_duration(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn jsonschema_version() -> &'static str {
    env!("BENCH_JSONSCHEMA_VERSION")
}

fn main() {
    let settings = settings();
    let load_before = load_average();
    let payloads = b::payloads();
    let validator = b::runtime_validator();
    b::check_agreement(&validator, &payloads);
    drop(validator);

    let criterion_dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-compare/criterion");
    // Stale estimates from an earlier run must not leak into this one.
    let _ = std::fs::remove_dir_all(&criterion_dir);
    measure(&settings, &criterion_dir, &payloads);
    let (ratios, times) = ratios(&criterion_dir, &payloads);
    let (generator, formatted) = time_generator();
    let checker = time_checker();
    let machine = Machine {
        nproc: std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu: cpu_model(),
        rustc: env!("BENCH_RUSTC_VERSION"),
        load_before,
        load_after: load_average(),
    };

    println!();
    for r in &ratios {
        println!("ratio {} {:.2}", r.name, r.value());
    }
    println!();
    for r in ratios.iter().filter(|r| !matches!(r.target, Target::None)) {
        println!(
            "target {} {:.2} {}: {}",
            r.name,
            r.value(),
            r.target_text,
            r.verdict()
        );
    }
    println!(
        "generator {GENERATOR_DEFS} defs: {:.2} s (build script, unformatted); {:.2} s (formatted)",
        generator.median.as_secs_f64(),
        formatted.median.as_secs_f64()
    );
    println!(
        "checker {CHECKER_FILES} files: {:.1} ms beyond reading them; whole run {:.1} ms, reading alone {:.1} ms",
        checker.check.median.as_secs_f64() * 1e3,
        checker.run.median.as_secs_f64() * 1e3,
        checker.read.median.as_secs_f64() * 1e3
    );

    if let Some(out) = &settings.out {
        let kept = std::fs::read_to_string(out)
            .ok()
            .and_then(|old| {
                old.split_once(KEEP_MARKER)
                    .map(|(_, tail)| tail.trim_start_matches('\n').to_owned())
            })
            .map(|tail| {
                if tail.is_empty() {
                    tail
                } else {
                    format!("\n{tail}")
                }
            })
            .unwrap_or_default();
        let text = report(
            &settings,
            &machine,
            &payloads,
            &ratios,
            &times,
            &ToolFigures {
                generator,
                formatted,
                checker,
            },
            &kept,
        );
        std::fs::write(out, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
        println!("wrote {}", out.display());
    }
}
