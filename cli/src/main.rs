//! The `wecom-rooms` binary; everything but the process's own concerns is in the library.
#![forbid(unsafe_code)]

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use wecom_rooms_cli::{Cli, Io, Status, run, use_color};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = io::stdout();
    let color = use_color(
        stdout.is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let mut out = io::BufWriter::new(stdout.lock());
    // Not locked for the whole run: `proxy` logs to standard error from other threads.
    let mut err = io::stderr();
    let streams = Io {
        out: &mut out,
        err: &mut err,
        color,
    };
    let status = match run(&cli, streams) {
        Ok(status) => status,
        // A closed pipe (`| head`) is the reader's choice, not a failure worth a message.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Status::Trouble,
        Err(error) => {
            let _ = writeln!(io::stderr(), "error: cannot write output: {error}");
            Status::Trouble
        }
    };
    ExitCode::from(status.code())
}
