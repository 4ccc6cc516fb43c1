//! What can go wrong starting or running the simulator (not what it answers: that is protocol).

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the simulator could not start or keep running.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The state file could not be read.
    ReadState {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The state is not JSON of the state format.
    ParseState {
        /// Where and why.
        source: serde_json::Error,
    },
    /// The state parsed but contradicts itself (a duplicate id, an unknown owner or room, a
    /// fault share outside 0–1, two overlapping bookings of one room).
    InvalidState {
        /// What is wrong, in one line.
        reason: String,
    },
    /// The address could not be bound.
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The recording file could not be created.
    Record {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Waiting for Ctrl-C failed ([`run`](crate::run)).
    Signal {
        /// Why.
        source: std::io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::ReadState { path, .. } => {
                write!(f, "cannot read the state file {}", path.display())
            }
            Error::ParseState { .. } => f.write_str("the state is not valid simulator state"),
            Error::InvalidState { reason } => write!(f, "invalid simulator state: {reason}"),
            Error::Bind { addr, .. } => write!(f, "cannot listen on {addr}"),
            Error::Record { path, .. } => {
                write!(f, "cannot create the recording {}", path.display())
            }
            Error::Signal { .. } => f.write_str("cannot wait for ctrl-c"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::ReadState { source, .. }
            | Error::Record { source, .. }
            | Error::Bind { source, .. }
            | Error::Signal { source } => Some(source),
            Error::ParseState { source } => Some(source),
            Error::InvalidState { .. } => None,
        }
    }
}

impl Error {
    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Error::InvalidState {
            reason: reason.into(),
        }
    }
}
