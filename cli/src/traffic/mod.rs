//! `wecom-rooms check-traffic`: recorded captures (HAR files, JSON Lines logs), checked
//! exchange by exchange against the schemas of the endpoint each URL path names.
//!
//! One thread reads the captures ([`source`], streaming [`har`] and [`jsonl`]) into batches,
//! a worker per core checks them ([`exchange`]) and this thread prints them in order
//! ([`mod@print`]), through the bounded [`crate::pipeline`].

pub mod exchange;
pub mod har;
pub mod jsonl;
pub mod print;
pub mod redact;
pub mod source;
mod window;

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;

use clap::Args;

use self::exchange::{ExchangeReport, Side, TrafficFinding, Verdict};
use self::source::{Item, Raw};
use crate::output::Format;
use crate::report::{self, Document};
use crate::validate::plural;
use crate::{Io, Status, pipeline};

/// The arguments of `check-traffic`.
#[derive(Debug, Args)]
pub struct CheckTrafficArgs {
    /// How to print findings
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Make warnings (undescribed members, base64 that does not decode) and notes (unknown
    /// paths, missing responses) errors
    #[arg(long)]
    pub strict: bool,
    /// HAR files (`*.har`), JSON Lines files (`*.jsonl`, `*.ndjson`), folders searched
    /// recursively for them, or `-` for standard input; a file of another name is told by
    /// its content
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

/// What the workers hand back, in order.
#[derive(Debug)]
pub enum Outcome {
    /// A capture starts.
    Start(String),
    /// The report on one exchange (or on a capture that cannot be read as one).
    Report(ExchangeReport),
    /// A path that cannot be read.
    Unreadable(String),
}

/// Batches in flight at once: with batches of at most about a megabyte, this bounds memory.
const IN_FLIGHT: usize = 8;

/// Runs `check-traffic`.
///
/// # Errors
///
/// When output cannot be written.
pub fn check_traffic(args: &CheckTrafficArgs, io: Io<'_>) -> io::Result<Status> {
    let mut tally = Tally::default();
    let whole = matches!(args.format, Format::Junit | Format::Sarif);
    let mut document = Document::new("check-traffic", []);
    let Io { out, err, color } = io;
    pipeline::run(
        pipeline::workers(),
        IN_FLIGHT,
        |send| source::produce(&args.paths, send),
        |batch: Vec<Item>| {
            batch
                .into_iter()
                .map(|item| work(item, args.strict))
                .collect::<Vec<_>>()
        },
        |outcomes| {
            for outcome in outcomes {
                match outcome {
                    Outcome::Start(file) => {
                        tally.captures += 1;
                        if whole {
                            document.suites.push(report::Suite {
                                name: file,
                                cases: Vec::new(),
                            });
                        }
                    }
                    Outcome::Report(report) => {
                        tally.count(&report);
                        if whole {
                            let suite = document.suites.len().saturating_sub(1);
                            document.push(suite, print::case(&report));
                        } else {
                            print::print(args.format, color, &report, out)?;
                        }
                    }
                    Outcome::Unreadable(message) => {
                        out.flush()?;
                        writeln!(err, "error: {message}")?;
                        tally.unreadable += 1;
                    }
                }
            }
            Ok(())
        },
    )?;
    report::write(args.format, &document, out)?;
    out.flush()?;
    if args.format == Format::Human {
        writeln!(err, "{}", tally.summary())?;
    }
    Ok(tally.status())
}

/// Checks one item.
pub fn work(item: Item, strict: bool) -> Outcome {
    let file = &*item.file;
    let entry = |line: Option<usize>,
                 keyword: &'static str,
                 message: String,
                 place: Option<(usize, usize)>| {
        let mut finding = TrafficFinding::new(Side::Entry, None, keyword, message);
        (finding.line, finding.column) = (place.map(|p| p.0), place.map(|p| p.1));
        Outcome::Report(ExchangeReport::broken(
            file,
            Some(item.index),
            line,
            finding,
        ))
    };
    match item.raw {
        Raw::Start => Outcome::Start(file.to_owned()),
        Raw::Unreadable(message) => Outcome::Unreadable(message),
        Raw::Line(number, bytes) => match jsonl::exchange(&bytes) {
            Ok(exchange) => Outcome::Report(exchange::check(
                file,
                item.index,
                Some(number),
                &exchange,
                strict,
            )),
            Err((keyword, message, column)) => {
                entry(Some(number), keyword, message, Some((number, column)))
            }
        },
        Raw::TooLong(number, length) => {
            let message = format!(
                "the line is {length} bytes long, over the limit of {} bytes; not checked",
                jsonl::MAX_LINE
            );
            entry(Some(number), "entry", message, Some((number, 1)))
        }
        Raw::Entry(text) => match har::exchange_of(&text) {
            Ok(exchange) => {
                Outcome::Report(exchange::check(file, item.index, None, &exchange, strict))
            }
            Err(message) => entry(None, "entry", message, None),
        },
        Raw::Problem(problem) => {
            let mut finding =
                TrafficFinding::new(Side::Entry, None, problem.keyword, problem.message);
            (finding.line, finding.column) =
                (problem.place.map(|p| p.0), problem.place.map(|p| p.1));
            Outcome::Report(ExchangeReport::broken(file, None, None, finding))
        }
    }
}

/// Unknown paths listed by name, at most.
const LISTED_PATHS: usize = 50;

#[derive(Debug, Default)]
struct Tally {
    captures: usize,
    valid: usize,
    invalid: usize,
    unknown: usize,
    warnings: usize,
    notes: usize,
    unreadable: usize,
    unknown_paths: BTreeMap<String, usize>,
    unlisted: usize,
}

impl Tally {
    fn count(&mut self, report: &ExchangeReport) {
        match report.verdict {
            Verdict::Valid => self.valid += 1,
            Verdict::Invalid => self.invalid += 1,
            Verdict::Unknown => self.unknown += 1,
        }
        self.warnings += report.warnings.len();
        self.notes += report.notes.len();
        let unknown = report
            .errors
            .iter()
            .chain(&report.notes)
            .any(|f| f.keyword == "unknown-endpoint");
        if unknown {
            let path = path_of(&report.url);
            if let Some(count) = self.unknown_paths.get_mut(&path) {
                *count += 1;
            } else if self.unknown_paths.len() < LISTED_PATHS {
                self.unknown_paths.insert(path, 1);
            } else {
                self.unlisted += 1;
            }
        }
    }

    fn status(&self) -> Status {
        if self.unreadable > 0 {
            Status::Trouble
        } else if self.invalid > 0 {
            Status::NotMet
        } else {
            Status::Met
        }
    }

    fn summary(&self) -> String {
        let exchanges = self.valid + self.invalid + self.unknown;
        let mut line = format!(
            "checked {exchanges} exchange{} in {} capture{}: {} valid, {} invalid, {} unknown",
            plural(exchanges),
            self.captures,
            plural(self.captures),
            self.valid,
            self.invalid,
            self.unknown
        );
        for (count, what) in [(self.warnings, "warning"), (self.notes, "note")] {
            if count > 0 {
                line += &format!(", {count} {what}{}", plural(count));
            }
        }
        if self.unreadable > 0 {
            let paths = self.unreadable;
            line += &format!("; {paths} path{} could not be read", plural(paths));
        }
        if !self.unknown_paths.is_empty() {
            let listed: Vec<String> = (self.unknown_paths.iter())
                .map(|(path, count)| format!("{path} ({count})"))
                .collect();
            line += &format!("\nunknown paths: {}", listed.join(", "));
            if self.unlisted > 0 {
                line += &format!(" and {} more exchanges", self.unlisted);
            }
        }
        line
    }
}

/// The path of a URL (absolute, or relative to the root).
fn path_of(url: &str) -> String {
    let base = url::Url::parse("http://localhost").ok();
    let parsed = url::Url::parse(url)
        .or_else(|_| base.map_or(Err(url::ParseError::EmptyHost), |b| b.join(url)));
    parsed.map_or_else(|_| url.to_owned(), |parsed| parsed.path().to_owned())
}
