//! `page-facts write|check [--spec-dir DIR] [--facts-dir DIR]`: writes the fact files from the
//! official pages, or checks that the checked-in ones are what the pages give (exit status 1,
//! with a diff, when they are not; 2 for a usage error or a page that cannot be read).

use std::path::PathBuf;
use std::process::ExitCode;

use wecom_rooms_pages::{check_facts, extract_dir, facts_dir, spec_dir, write_facts};

const USAGE: &str = "usage: page-facts write|check [--spec-dir DIR] [--facts-dir DIR]
  write   rewrite pages/facts/*.json from the pages
  check   fail, with a diff, when pages/facts/*.json differ from what the pages give
DIR given to --spec-dir is the spec root, which holds rooms/ and meetings/; it defaults to
$WECOM_ROOMS_SPEC_DIR, else ../shared/spec from the workspace root.";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut command = None;
    let mut spec = spec_dir();
    let mut facts = facts_dir();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "write" | "check" if command.is_none() => command = Some(arg),
            "--spec-dir" | "--facts-dir" => {
                let Some(value) = args.next() else {
                    return usage(&format!("{arg} needs a folder"));
                };
                if arg == "--spec-dir" {
                    spec = PathBuf::from(value)
                } else {
                    facts = PathBuf::from(value)
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage(&format!("unexpected argument `{other}`")),
        }
    }
    let Some(command) = command else {
        return usage("missing command");
    };
    let extraction = match extract_dir(&spec) {
        Ok(extraction) => extraction,
        Err(e) => {
            report(&e);
            return ExitCode::from(2);
        }
    };
    for skipped in &extraction.skipped {
        eprintln!("note: {skipped} documents no endpoint; skipped");
    }
    let result = if command == "write" {
        write_facts(&extraction.facts, &facts).map(|changed| {
            for path in &changed {
                println!("wrote {}", path.display());
            }
            println!(
                "{} fact files, {} changed",
                extraction.facts.len(),
                changed.len()
            );
            ExitCode::SUCCESS
        })
    } else {
        check_facts(&extraction.facts, &facts).map(|stale| {
            if stale.is_empty() {
                println!("{} fact files are fresh", extraction.facts.len());
                return ExitCode::SUCCESS;
            }
            for s in &stale {
                print!("{}", s.diff);
            }
            eprintln!(
                "error: {} fact file(s) differ from the pages; run `cargo page-facts write`",
                stale.len()
            );
            ExitCode::FAILURE
        })
    };
    result.unwrap_or_else(|e| {
        report(&e);
        ExitCode::from(2)
    })
}

/// Prints `error` and its sources on one line.
fn report(error: &dyn std::error::Error) {
    let mut line = format!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    eprintln!("{line}");
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}\n{USAGE}");
    ExitCode::from(2)
}
