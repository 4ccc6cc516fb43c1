//! `wecom-rooms`: checks JSON files, such as recorded WeCom payloads kept as fixtures, against
//! the schemas of the `wecom-rooms` crate, and points at the line and column of every error.
//!
//! This library is the binary's; its public surface is small on purpose:
//!
//! - the command line as a library ([`Cli`], [`Command`], [`run`], [`Io`], [`Status`],
//!   [`use_color`], [`Format`], [`Expect`]), for tests and benchmarks that run a command in
//!   process;
//! - [`check`], checking one document against a schema with every finding at its line and
//!   column, which the workspace's conformance tests, fuzz targets and benchmarks call directly.
//!
//! Everything else is the commands' own: `validate`, `check-traffic` (captures, read and
//! checked exchange by exchange), `sim` (the local WeCom simulator) and `proxy` (live traffic
//! checked between a service and WeCom), each routed by one function over the schemas'
//! endpoints. `output`, `pipeline` and `traffic` are reachable only for this crate's own examples
//! and the fuzz targets, and are not API.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod check;
#[doc(hidden)]
pub mod output;
#[doc(hidden)]
pub mod pipeline;
mod position;
mod proxy;
mod report;
mod route;
mod sim;
#[doc(hidden)]
pub mod traffic;
mod validate;

use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, Parser, Subcommand};
use wecom_rooms::SCHEMAS;

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
    /// Check recorded traffic (HAR files, JSON Lines logs) exchange by exchange
    ///
    /// Each exchange is picked by its URL path from the schemas' endpoints; its request (body,
    /// or gettoken's query string) and its response body are checked against the endpoint's
    /// schemas. Exit status: 0 when no exchange is invalid, 1 when one is, 2 for a usage error
    /// or a path that cannot be read.
    CheckTraffic(traffic::CheckTrafficArgs),
    /// Serve a local WeCom simulator: gettoken, the meeting endpoints and every Rooms endpoint, for tests
    ///
    /// Prints the base URL it listens on (such as `http://127.0.0.1:38017`) as its first line,
    /// then serves until interrupted. Exit status: 0 after Ctrl-C, 2 when the state file
    /// cannot be used or the address cannot be bound.
    Sim(sim::SimArgs),
    /// Sit between a service and WeCom: check every exchange against the schemas, log what
    /// breaks them, record and count it
    ///
    /// Prints the address it listens on (such as `http://127.0.0.1:38017`) as its first line
    /// and, with --metrics, the metrics URL as its second, then serves until interrupted.
    /// Exit status: 0 after Ctrl-C or SIGTERM, 2 when the upstream, the CA file or the
    /// capture cannot be used or an address cannot be bound.
    Proxy(proxy::ProxyArgs),
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
        Command::Validate(args) => validate::validate(args, io),
        Command::CheckTraffic(args) => traffic::check_traffic(args, io),
        Command::Sim(args) => sim::sim(args, io),
        Command::Proxy(args) => proxy::proxy(args, io),
    }
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
