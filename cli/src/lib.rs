//! `wecom-rooms`: checks JSON files, such as recorded WeCom payloads kept as fixtures, against
//! the schemas of the `wecom-rooms` crate, and points at the line and column of every error.
//!
//! The binary is a thin shell over [`run`]; [`check::check`] checks one file,
//! [`position`] places findings and [`output`] prints them.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod check;
pub mod output;
pub mod position;

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, Parser, Subcommand};
use wecom_rooms::SCHEMAS;
use wecom_rooms_runtime::registry::SchemaEntry;

pub use crate::output::{Expect, Format};

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "wecom-rooms", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check JSON files against a schema, reporting every error at its line and column
    ///
    /// Exit status: 0 when every file meets --expect, 1 when any does not, 2 for a usage
    /// error or a path that cannot be read. A file that is not JSON (truncated, trailing
    /// garbage, invalid UTF-8, empty, or starting with a byte order mark, which RFC 8259
    /// forbids senders to add and serde_json rejects) fails with one `syntax` error at the
    /// fault.
    Validate(ValidateArgs),
    /// List every schema name with its title
    Schemas,
}

/// The arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The schema to check against (see `wecom-rooms schemas`)
    #[arg(long, value_name = "NAME", value_parser = schema_names())]
    pub schema: String,
    /// How to print findings
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Make the default verdict's tolerances (members the schema does not describe, base64
    /// that does not decode) errors instead of warnings
    #[arg(long)]
    pub strict: bool,
    /// The verdict every file must get; `invalid` is for negative fixtures
    #[arg(long, value_enum, default_value_t)]
    pub expect: Expect,
    /// Files, or directories searched recursively for `*.json`; none checks the schema's
    /// bundled examples
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

fn schema_names() -> PossibleValuesParser {
    PossibleValuesParser::new(
        SCHEMAS
            .iter()
            .map(|entry| PossibleValue::new(entry.name).help(entry.title)),
    )
}

/// Whether human output gets colour: only for a terminal, and never when `NO_COLOR` is set to
/// anything but the empty string (<https://no-color.org>).
pub fn use_color(terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    terminal && no_color.is_none_or(|value| value.is_empty())
}

/// How a run ended, as the process's exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Every file met the expectation: 0.
    Met,
    /// Some file did not: 1.
    NotMet,
    /// A usage error or a path that could not be read: 2.
    Trouble,
}

impl Status {
    /// The exit code.
    pub fn code(self) -> u8 {
        match self {
            Status::Met => 0,
            Status::NotMet => 1,
            Status::Trouble => 2,
        }
    }
}

/// Where output goes and how it looks.
pub struct Io<'a> {
    /// Findings (and the `schemas` list).
    pub out: &'a mut dyn Write,
    /// Paths that cannot be read, and the human summary.
    pub err: &'a mut dyn Write,
    /// Whether human output gets ANSI colours.
    pub color: bool,
}

impl fmt::Debug for Io<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Io")
            .field("color", &self.color)
            .finish_non_exhaustive()
    }
}

/// Runs a parsed command line.
///
/// # Errors
///
/// When output cannot be written.
pub fn run(cli: &Cli, io: Io<'_>) -> io::Result<Status> {
    match &cli.command {
        Command::Schemas => {
            let width = SCHEMAS.iter().map(|e| e.name.len()).max().unwrap_or(0);
            for entry in SCHEMAS {
                writeln!(io.out, "{:width$}  {}", entry.name, entry.title)?;
            }
            Ok(Status::Met)
        }
        Command::Validate(args) => validate(args, io),
    }
}

fn validate(args: &ValidateArgs, io: Io<'_>) -> io::Result<Status> {
    let Some(schema) = SCHEMAS.iter().find(|entry| entry.name == args.schema) else {
        // clap only lets registered names through.
        writeln!(io.err, "error: unknown schema {}", args.schema)?;
        return Ok(Status::Trouble);
    };
    let printer = output::Printer {
        format: args.format,
        color: io.color,
        expect: args.expect,
    };
    let mut tally = Tally::default();
    let each = |file: String, bytes: &[u8], out: &mut dyn Write| {
        let report = check::check(schema, file, bytes, args.strict);
        printer.print(&report, bytes, out)?;
        Ok::<_, io::Error>(report)
    };
    if args.paths.is_empty() {
        for (index, example) in schema.examples.iter().enumerate() {
            let file = format!("<bundled>/{}/example-{}.json", schema.name, index + 1);
            tally.count(&each(file, example.as_bytes(), io.out)?, args.expect);
        }
    } else {
        for path in &args.paths {
            for file in files(path) {
                match file.and_then(|file| read(&file).map(|bytes| (file, bytes))) {
                    Ok((file, bytes)) => {
                        let report = each(file.display().to_string(), &bytes, io.out)?;
                        tally.count(&report, args.expect);
                    }
                    Err(unreadable) => {
                        io.out.flush()?;
                        writeln!(io.err, "error: {unreadable}")?;
                        tally.unreadable += 1;
                    }
                }
            }
        }
    }
    io.out.flush()?;
    if args.format == Format::Human {
        writeln!(io.err, "{}", tally.summary(schema, args))?;
    }
    Ok(tally.status())
}

/// A path that could not be read, and why.
#[derive(Debug)]
struct Unreadable {
    path: PathBuf,
    reason: String,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for Unreadable {}

fn read(path: &Path) -> Result<Vec<u8>, Unreadable> {
    std::fs::read(path).map_err(|error| Unreadable {
        path: path.to_owned(),
        reason: error.to_string(),
    })
}

/// The files a PATH argument stands for: itself, or the `*.json` files under a directory in
/// name order, so that output is the same on every machine.
fn files(path: &Path) -> Box<dyn Iterator<Item = Result<PathBuf, Unreadable>> + '_> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Box::new(
            walkdir::WalkDir::new(path)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_map(|entry| match entry {
                    Ok(entry) => {
                        let json = entry.path().extension().is_some_and(|ext| ext == "json");
                        (json && entry.file_type().is_file()).then(|| Ok(entry.into_path()))
                    }
                    Err(error) => Some(Err(Unreadable {
                        path: error.path().unwrap_or(path).to_owned(),
                        reason: match error.io_error() {
                            Some(io) => io.to_string(),
                            None => error.to_string(),
                        },
                    })),
                }),
        ),
        // A file named outright is checked whatever its extension.
        Ok(_) => Box::new(std::iter::once(Ok(path.to_owned()))),
        Err(error) => Box::new(std::iter::once(Err(Unreadable {
            path: path.to_owned(),
            reason: error.to_string(),
        }))),
    }
}

#[derive(Debug, Default)]
struct Tally {
    valid: usize,
    invalid: usize,
    warnings: usize,
    not_met: usize,
    unreadable: usize,
}

impl Tally {
    fn count(&mut self, report: &check::FileReport, expect: Expect) {
        if report.valid {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        self.warnings += report.warnings.len();
        if !expect.is_met_by(report) {
            self.not_met += 1;
        }
    }

    fn status(&self) -> Status {
        if self.unreadable > 0 {
            Status::Trouble
        } else if self.not_met > 0 {
            Status::NotMet
        } else {
            Status::Met
        }
    }

    fn summary(&self, schema: &SchemaEntry, args: &ValidateArgs) -> String {
        let files = self.valid + self.invalid;
        let mut line = format!("checked {files} file{}", plural(files));
        if args.paths.is_empty() {
            line += &format!(" (the bundled examples of {})", schema.name);
        }
        line += &format!(": {} valid, {} invalid", self.valid, self.invalid);
        if self.warnings > 0 {
            line += &format!(", {} warning{}", self.warnings, plural(self.warnings));
        }
        if args.expect == Expect::Invalid && self.not_met > 0 {
            line += &format!("; {} expected to be invalid", self.not_met);
        }
        if self.unreadable > 0 {
            let paths = self.unreadable;
            line += &format!("; {paths} path{} could not be read", plural(paths));
        }
        line
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_needs_a_terminal_and_no_no_color() {
        use std::ffi::OsStr;
        assert!(use_color(true, None));
        assert!(use_color(true, Some(OsStr::new(""))));
        assert!(!use_color(true, Some(OsStr::new("1"))));
        assert!(!use_color(false, None));
    }
}
