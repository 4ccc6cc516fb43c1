//! `wecom-rooms sim`: the local WeCom Rooms simulator (the `wecom-rooms-sim` crate) as a
//! command, for integration tests in any language.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use wecom_rooms_sim::SimConfig;

use crate::{Io, Status};

/// The arguments of `sim`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Where to listen; port 0 picks a free port
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub addr: SocketAddr,
    /// The state to start from (rooms, devices, controllers, meetings, inventory,
    /// applications, faults); the bundled example state when left out
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// The seed of the simulator's randomness (faults, tokens, cursors, invite ids)
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Record every exchange to FILE as JSON Lines, for `wecom-rooms check-traffic`
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

/// Serves until interrupted (Ctrl-C or SIGTERM's default), after printing the base URL, such
/// as `http://127.0.0.1:38017`, as the first line of standard output.
pub fn sim(args: &SimArgs, io: Io<'_>) -> io::Result<Status> {
    let config = match SimConfig::for_cli(Some(args.addr), args.state.as_deref(), args.seed) {
        Ok(config) => config,
        Err(error) => return trouble(io.err, &error),
    };
    let config = match &args.record {
        Some(path) => config.record(path),
        None => config,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let out = io.out;
    let mut printed = Ok(());
    let served = runtime.block_on(wecom_rooms_sim::run(config, |addr| {
        printed = writeln!(out, "http://{addr}").and_then(|()| out.flush());
    }));
    printed?;
    match served {
        Ok(()) => Ok(Status::Met),
        Err(error) => trouble(io.err, &error),
    }
}

/// Reports `error` with its causes on one line each, and exits 2.
pub(crate) fn trouble(err: &mut dyn Write, error: &dyn std::error::Error) -> io::Result<Status> {
    write!(err, "error: {error}")?;
    let mut source = error.source();
    while let Some(cause) = source {
        write!(err, ": {cause}")?;
        source = cause.source();
    }
    writeln!(err)?;
    Ok(Status::Trouble)
}
