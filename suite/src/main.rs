//! `cargo suite`: the official JSON-Schema-Test-Suite (drafts 4, 6, 7, 2019-09 and 2020-12)
//! through validators made by wecom-rooms-codegen.
//!
//! 1. Gets the suite: `--suite DIR`, or Python jsonschema's sdist fetched with `pip download`
//!    and unpacked under `target/json-schema-test-suite/`.
//! 2. Generates one validator module per test case with the codegen library, in its draft's
//!    dialect unless the schema names one (the suite's `remotes/` registered under
//!    `http://localhost:1234/`, see `suite::remotes_for`); a case the generator declines is
//!    unsupported.
//! 3. Writes every draft's modules into one crate with a runner, builds it once (dropping the modules
//!    whose code does not compile, which are generator bugs, and building again), and runs
//!    every test's instance through `is_valid` and `validate(..).is_valid()`.
//! 4. Prints the counts per file, the optional tests on their own lines, every wrong verdict,
//!    the counts per draft, `wrong verdicts: N` and `N passed, N failed` for the required tests;
//!    writes `summary.json`. Exits non-zero iff a required or optional test got a wrong verdict
//!    (format tests aside: format is an annotation for the generator).

mod cases;
mod generate;
mod report;
mod run;
mod suite;
mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::cases::{Built, Module};
use crate::generate::Generated;
use crate::report::{CaseResult, FileResult, Outcome, TestResult, Unsupported};
use crate::run::{Ran, Verdict};
use crate::suite::Draft;
use wecom_rooms_suite::{corpus, fetch};

/// Tests whose expected verdict rests on what the generator cannot see, each with the reason
/// the harness counts it as unsupported: (draft, file, reason).
/// Both are behaviours the draft leaves open, which is why the suite calls them optional.
const DIVERGENCES: &[(Draft, &str, &str)] = &[
    (
        Draft::Draft4,
        "optional/zeroTerminatedFloats.json",
        "draft-4 `integer` telling 1.0 from 1 (the model's integer is by value)",
    ),
    (
        Draft::Draft7,
        "optional/content.json",
        "draft-7 content assertion (content is an annotation for the generator, as in 2019-09)",
    ),
];

/// Runs the JSON-Schema-Test-Suite (drafts 4, 6, 7, 2019-09, 2020-12) through generated
/// validators.
#[derive(Debug, Default, PartialEq, Eq, clap::Parser)]
#[command(name = "cargo suite")]
struct Args {
    /// The suite (a folder with tests/<draft>/ and remotes/); by default Python jsonschema's
    /// sdist is fetched with pip into target/json-schema-test-suite/.
    #[arg(long, value_name = "DIR")]
    suite: Option<PathBuf>,
    /// Only the test files whose `<draft>/<path>` contains TEXT (repeatable), such as
    /// `draft7/` or `ref.json`.
    #[arg(long, value_name = "TEXT")]
    only: Vec<String>,
    /// Build the generated crate in release mode (debug by default: it builds faster).
    #[arg(long)]
    release: bool,
    /// Where to write the JSON summary (default target/json-schema-test-suite/summary.json).
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Rewrite the per-keyword results table in FILE (between the `suite-coverage` markers).
    #[arg(long, value_name = "FILE", conflicts_with = "check_coverage")]
    write_coverage: Option<PathBuf>,
    /// Fail when the per-keyword results table in FILE is not what this run gives.
    #[arg(long, value_name = "FILE")]
    check_coverage: Option<PathBuf>,
    /// Instead of the suite, the corpus of real schemas: the CI-configuration schemas that
    /// check-jsonschema vendors (fetched with pip), each with its example files, which must
    /// get the jsonschema crate's verdicts.
    #[arg(long, conflicts_with_all = ["suite", "write_coverage", "check_coverage"])]
    corpus: bool,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, clap::Error> {
    use clap::Parser;
    // `cargo suite -- --release` passes the alias's `--` on.
    let args = args.into_iter().filter(|a| a != "--");
    Args::try_parse_from(std::iter::once("cargo suite".to_owned()).chain(args))
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("cargo suite: {e}");
            ExitCode::from(2)
        }
    }
}

/// The corpus of real schemas under `work`, written as a suite-shaped folder.
fn corpus_as_suite(work: &Path) -> Result<PathBuf, String> {
    let entries = corpus::load(work)?;
    let root = work.join("suite");
    let notes = corpus::write_suite(&root, &entries)?;
    let examples: usize = entries.iter().map(|e| e.examples.len()).sum();
    println!(
        "corpus: {} schemas (check-jsonschema {}'s vendored ones and {} from other packages), {examples} example files",
        entries.len(),
        corpus::CHECK_JSONSCHEMA_VERSION,
        entries
            .iter()
            .filter(|e| !e.source.starts_with("check-jsonschema"))
            .count()
    );
    for note in &notes {
        println!("note: {note}");
    }
    Ok(root)
}

/// The workspace this crate is in.
fn workspace() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn run(args: impl IntoIterator<Item = String>) -> Result<ExitCode, String> {
    let args = match parse_args(args) {
        Ok(args) => args,
        // Help, version and usage errors, printed and exited as clap does.
        Err(e) => e.exit(),
    };
    if (args.write_coverage.is_some() || args.check_coverage.is_some()) && !args.only.is_empty() {
        return Err("the coverage table needs the whole suite: drop --only".to_owned());
    }
    let started = Instant::now();
    let workspace = workspace();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let folder = if args.corpus {
        "check-jsonschema-corpus"
    } else {
        "json-schema-test-suite"
    };
    let work =
        std::path::absolute(target.join(folder)).map_err(|e| format!("no work directory: {e}"))?;
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;

    // 1. The suite, or the corpus written as one.
    let root = match &args.suite {
        Some(dir) => dir.clone(),
        None if args.corpus => corpus_as_suite(&work)?,
        None => fetch::suite(&work)?,
    };
    if !Draft::ALL
        .iter()
        .any(|d| suite::tests_dir(&root, *d).is_dir())
    {
        return Err(format!(
            "{} has no tests/draft2020-12/ (nor another draft's) folder: is it a JSON-Schema-Test-Suite?",
            root.display()
        ));
    }
    let files = suite::load(&root, &args.only)?;
    let remotes = suite::remotes(&root)?;
    let remotes: BTreeMap<Draft, Vec<(String, serde_json::Value)>> = Draft::ALL
        .into_iter()
        .map(|d| (d, suite::remotes_for(&remotes, d)))
        .collect();
    let fetched = started.elapsed();

    // 2. One module per case.
    let clock = Instant::now();
    let all: Vec<(usize, usize)> = files
        .iter()
        .enumerate()
        .flat_map(|(f, file)| (0..file.cases.len()).map(move |c| (f, c)))
        .collect();
    generate::quiet_panics();
    let scratch = work.join("scratch");
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let generated = generate::parallel(all.len(), threads, |n| {
        let (f, c) = all[n];
        let file = &files[f];
        let divergence = DIVERGENCES
            .iter()
            .find(|(draft, name, _)| *draft == file.draft && *name == file.name);
        if let Some((_, _, reason)) = divergence {
            return Generated::Declined {
                cause: (*reason).to_owned(),
                detail: format!("{reason}: a known divergence the harness does not run"),
            };
        }
        let id = cases::id(f, c);
        let schema = file.cases[c].schema.get();
        let dialect = file.draft.dialect();
        let assert_formats = file.group == suite::Group::Format;
        let remotes = &remotes[&file.draft];
        // The corpus's types are compiled and decode every example too (`decode_validated`).
        let types = args.corpus;
        generate::case(
            &scratch.join(&id),
            schema,
            dialect,
            assert_formats,
            types,
            remotes,
        )
    });
    let mut status: BTreeMap<(usize, usize), Generated> =
        all.iter().copied().zip(generated).collect();
    let generating = clock.elapsed();
    let mut modules: Vec<Module> = cases::share(status.iter().filter_map(|(&(f, c), g)| match g {
        Generated::Code(code) => Some((cases::id(f, c), code.clone())),
        _ => None,
    }));
    let generated = modules.iter().map(|m| m.cases.len()).sum::<usize>();
    println!(
        "{} test cases: {generated} generated ({} distinct modules), {} declined by the generator ({:.1} s)",
        all.len(),
        modules.len(),
        all.len() - generated,
        generating.as_secs_f64()
    );

    // 3. Build, dropping the modules that do not compile, and run.
    let clock = Instant::now();
    let crate_dir = work.join("cases");
    let target_dir = work.join("cases-target");
    let mut does_not_compile: BTreeMap<String, String> = BTreeMap::new();
    // The modules that do not compile are kept here for whoever fixes the generator.
    let rejected = work.join("does-not-compile");
    let _ = std::fs::remove_dir_all(&rejected);
    let (runner, module_warnings) = loop {
        let lines = cases::write(&crate_dir, &workspace, &modules)?;
        println!(
            "building {} modules in {} ({})",
            modules.len(),
            crate_dir.display(),
            if args.release { "release" } else { "debug" }
        );
        match cases::build(&crate_dir, &target_dir, args.release, &lines)? {
            Built::Runner(exe, warnings) => break (exe, warnings),
            Built::CaseErrors(errors) => {
                println!(
                    "the generated code of {} modules does not compile (kept in {}); building again without them",
                    errors.len(),
                    rejected.display()
                );
                let before = modules.len();
                for module in modules.iter().filter(|m| errors.contains_key(&m.id)) {
                    let path = rejected.join(format!("{}.rs", module.id));
                    std::fs::create_dir_all(&rejected)
                        .and_then(|()| std::fs::write(&path, &module.code))
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                }
                for module in modules.iter().filter(|m| errors.contains_key(&m.id)) {
                    for case in &module.cases {
                        does_not_compile.insert(case.clone(), errors[&module.id].clone());
                    }
                }
                modules.retain(|m| !errors.contains_key(&m.id));
                if modules.len() == before {
                    return Err(format!(
                        "the build blames cases that are not in the crate: {:?}",
                        errors.keys().collect::<Vec<_>>()
                    ));
                }
            }
        }
    };
    let building = clock.elapsed();
    // A module's warning is every case's that shares it.
    let warned: BTreeMap<&str, &String> = modules
        .iter()
        .filter_map(|m| Some((m, module_warnings.get(&m.id)?)))
        .flat_map(|(m, warning)| m.cases.iter().map(move |c| (c.as_str(), warning)))
        .collect();
    let clock = Instant::now();
    // The runner's table has an entry per module, run on the tests of all its cases in turn:
    // each case's tests start at an offset in its module's list.
    let mut slot: BTreeMap<(usize, usize), (usize, usize)> = BTreeMap::new();
    let instances: Vec<Vec<&str>> = modules
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let mut list = Vec::new();
            for id in &m.cases {
                let (f, c) = cases::parse_id(id).expect("ids are made by cases::id");
                slot.insert((f, c), (k, list.len()));
                list.extend(files[f].cases[c].tests.iter().map(|t| t.data.get()));
            }
            list
        })
        .collect();
    let tests_path = crate_dir.join("tests.json");
    let text = serde_json::to_string(&instances).map_err(|e| e.to_string())?;
    std::fs::write(&tests_path, text)
        .map_err(|e| format!("cannot write {}: {e}", tests_path.display()))?;
    let ran = run::run(&runner, &tests_path, run::PATIENCE)?;
    let running = clock.elapsed();

    // 4. Results.
    for (id, error) in &does_not_compile {
        let key = cases::parse_id(id).expect("made by cases::id");
        status.insert(
            key,
            Generated::Declined {
                cause: report::DOES_NOT_COMPILE.into(),
                detail: error.clone(),
            },
        );
    }
    let results: Vec<FileResult> = files
        .iter()
        .enumerate()
        .map(|(f, file)| FileResult {
            draft: file.draft,
            file: file.display(),
            group: file.group,
            cases: file
                .cases
                .iter()
                .enumerate()
                .map(|(c, case)| {
                    let unsupported = match &status[&(f, c)] {
                        Generated::Code(_) => None,
                        Generated::Declined { cause, detail } => Some(Unsupported {
                            cause: cause.clone(),
                            detail: detail.clone(),
                        }),
                        Generated::Panicked(message) => Some(Unsupported {
                            cause: report::GENERATOR_PANICKED.into(),
                            detail: message.clone(),
                        }),
                    };
                    let schema: serde_json::Value =
                        serde_json::from_str(case.schema.get()).unwrap_or_default();
                    let tests = case
                        .tests
                        .iter()
                        .enumerate()
                        .map(|(i, test)| {
                            let outcome = match (&unsupported, slot.get(&(f, c))) {
                                (Some(why), _) => Outcome::Unsupported(why.cause.clone()),
                                (None, Some(&(k, offset))) => {
                                    outcome(test.valid, ran.get(&(k, offset + i)))
                                }
                                (None, None) => Outcome::Unsupported("not run".into()),
                            };
                            TestResult {
                                description: test.description.clone(),
                                data: test.data.get().to_owned(),
                                valid: test.valid,
                                outcome,
                            }
                        })
                        .collect();
                    CaseResult {
                        description: case.description.clone(),
                        schema: case.schema.get().to_owned(),
                        module: cases::id(f, c),
                        keywords: suite::keywords(&schema).into_iter().collect(),
                        warning: warned.get(cases::id(f, c).as_str()).map(|w| (*w).clone()),
                        unsupported,
                        tests,
                    }
                })
                .collect(),
        })
        .collect();

    let summary = args.summary.unwrap_or_else(|| work.join("summary.json"));
    let by_keyword = report::by_draft_and_keyword(&results);
    let drafts: serde_json::Map<String, serde_json::Value> = report::drafts(&results)
        .into_iter()
        .map(|draft| {
            let tally = |group| report::draft_tally(&results, draft, group);
            let json = serde_json::json!({
                "required": tally(suite::Group::Required),
                "optional": tally(suite::Group::Optional),
                "optional/format": tally(suite::Group::Format),
                "keywords": by_keyword.get(&draft),
            });
            (draft.folder().to_owned(), json)
        })
        .collect();
    let json = serde_json::json!({
        "suite": root.display().to_string(),
        "required": report::group_tally(&results, suite::Group::Required),
        "optional": report::group_tally(&results, suite::Group::Optional),
        "optional/format": report::group_tally(&results, suite::Group::Format),
        "drafts": drafts,
        "files": results,
    });
    let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    std::fs::write(&summary, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", summary.display()))?;

    println!(
        "timings: suite {:.1} s, generating {:.1} s, building {:.1} s, running {:.1} s, total {:.1} s; summary in {}",
        fetched.as_secs_f64(),
        generating.as_secs_f64(),
        building.as_secs_f64(),
        running.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        summary.display()
    );
    println!();
    let (text, mut failed) = report::render(&results);
    print!("{text}");
    if args.corpus {
        let (table, corpus_failed) = report::corpus_table(&results);
        println!("\n{table}");
        failed |= corpus_failed;
    }
    let table = report::coverage_table(&by_keyword, &report::required_by_draft(&results));
    if let Some(path) = &args.write_coverage {
        report::write_coverage(path, &table)?;
        println!("wrote the keyword coverage table into {}", path.display());
    }
    if let Some(path) = &args.check_coverage
        && !report::coverage_is_current(path, &table)?
    {
        eprintln!(
            "the keyword coverage table in {} is not what the suite gives now; run `cargo suite --write-coverage {}`",
            path.display(),
            path.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The outcome of a test of a supported case from what running it gave.
fn outcome(expected: bool, ran: Option<&Ran>) -> Outcome {
    let want = if expected {
        Verdict::Valid
    } else {
        Verdict::Invalid
    };
    match ran {
        None => Outcome::Wrong("no verdict: the runner never reached this test".into()),
        Some(Ran::Verdicts {
            is_valid,
            validate,
            decode,
            panic,
        }) => {
            let typed_agrees = decode.is_none_or(|d| d == want);
            if *is_valid == want && *validate == want && typed_agrees {
                return Outcome::Passed;
            }
            let mut got = if is_valid == validate {
                is_valid.name().to_owned()
            } else {
                format!(
                    "{} from is_valid but {} from validate",
                    is_valid.name(),
                    validate.name()
                )
            };
            if let Some(decode) = decode.filter(|_| !typed_agrees) {
                got.push_str(&format!(", {} from decode_validated", decode.name()));
            }
            if let Some(message) = panic {
                got.push_str(&format!(" ({})", report::clip(message, 200)));
            }
            Outcome::Wrong(got)
        }
        Some(Ran::Unparsable(_)) => Outcome::Unsupported("instance serde_json cannot read".into()),
        Some(Ran::Crashed(how)) => Outcome::Wrong(format!("a crash of the runner: {how}")),
        Some(Ran::Hung) => {
            Outcome::Wrong(format!("no verdict within {} s", run::PATIENCE.as_secs()))
        }
    }
}

#[cfg(test)]
mod tests;
