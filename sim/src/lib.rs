//! A local WeCom Rooms server for integration tests.
//!
//! It serves `GET /cgi-bin/gettoken` and every `POST /cgi-bin/meeting/rooms/<name>` over
//! in-memory state seeded from JSON ([`SeedState`]), with the protocol the `wecom-rooms`
//! schemas describe: every request body is checked with its generated request validator and
//! refused as WeCom refuses (HTTP 200, `errcode` and `errmsg`), every answer is checked with its
//! generated response validator before it leaves ([`RunningSimulator::schema_violations`]
//! counts the failures, which would be bugs), tokens expire on a clock the test moves
//! ([`SimClock`]), and faults come on demand, deterministic under a seed ([`Faults`]).
//!
//! `README.md` documents the state format, the behaviour model and every error code.
//!
//! ```no_run
//! use std::time::Duration;
//! use wecom_rooms_sim::{SimConfig, Simulator};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = Simulator::start(SimConfig::new()).await?;
//! let url = format!(
//!     "{}/cgi-bin/gettoken?corpid=ww0123456789abcdef&corpsecret=booking-bot-secret",
//!     sim.base_url()
//! );
//! // ... GET `url` with your client, call the Rooms endpoints with the token ...
//! sim.clock().advance(Duration::from_secs(7200)); // the token has now expired (42001)
//! assert_eq!(sim.schema_violations(), 0);
//! sim.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod calls;
mod clock;
mod error;
mod faults;
mod handlers;
#[doc(hidden)]
pub mod in_process;
mod protocol;
mod record;
mod running;
mod schedule;
mod seed;
mod server;
mod world;

pub use calls::{ANSWER_AFTER_SECS, NO_ANSWER_AFTER_SECS};
pub use clock::{DEFAULT_START, SimClock, format_cst};
pub use error::Error;
pub use faults::{FaultCounts, Faults, RateLimit};
pub use handlers::DEFAULT_LIMIT;
pub use handlers::booking::MAX_WINDOW_SECS;
pub use protocol::{Endpoint, codes};
pub use running::{RunningSimulator, Simulator, run, run_until};
pub use seed::{
    App, CallAnswer, EXAMPLE_SEED, Inventory, MeetingSeed, RoomDetails, RoomSeed, RoomSettings,
    SeedState,
};
pub use world::MAX_MEETING_SECS;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

/// The default largest request body, in bytes (1 MiB); larger bodies get 40058.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// gettoken's `expires_in` by default (7200 s, as WeCom's page says).
pub const DEFAULT_EXPIRES_IN: u32 = 7200;

/// How to start a simulator. [`SimConfig::new`] (= [`Default`]): `127.0.0.1:0`, the
/// [example state](SeedState::example), RNG seed 0, a [manual clock](SimClock::manual) at
/// [`DEFAULT_START`], tokens valid 7200 s, bodies up to 1 MiB.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SimConfig {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// The state to start from, faults included.
    pub state: SeedState,
    /// The seed of the fault RNG (and of the ids: tokens, cursors, invite ids).
    pub seed: u64,
    /// The clock; keep a clone to move it, or use [`RunningSimulator::clock`].
    pub clock: SimClock,
    /// gettoken's `expires_in`, in seconds of sim time.
    pub expires_in: u32,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Where to record every exchange as JSON Lines for `wecom-rooms check-traffic`, if
    /// anywhere.
    pub record: Option<std::path::PathBuf>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            state: SeedState::example(),
            seed: 0,
            clock: SimClock::default(),
            expires_in: DEFAULT_EXPIRES_IN,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            record: None,
        }
    }
}

impl SimConfig {
    /// The defaults (see [`SimConfig`]).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// What `wecom-rooms sim [--addr A] [--state FILE] [--seed N]` runs: the given address
    /// (default `127.0.0.1:0`), the state file (default: the example state), the seed (default
    /// 0), and a [system clock](SimClock::system), since programs that use the simulator from
    /// outside cannot move a manual one.
    ///
    /// # Errors
    ///
    /// The state file cannot be read or is not a state.
    pub fn for_cli(
        addr: Option<SocketAddr>,
        state: Option<&Path>,
        seed: Option<u64>,
    ) -> Result<Self, Error> {
        let mut config = SimConfig::new().clock(SimClock::system());
        if let Some(addr) = addr {
            config.addr = addr;
        }
        if let Some(path) = state {
            config.state = SeedState::from_file(path)?;
        }
        if let Some(seed) = seed {
            config.seed = seed;
        }
        Ok(config)
    }

    /// Records every exchange to `path` as JSON Lines (`method`, `url`, `request_body`,
    /// `response_body`), the shape `wecom-rooms check-traffic` reads.
    #[must_use]
    pub fn record(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.record = Some(path.into());
        self
    }

    /// Listens on `addr`.
    #[must_use]
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Starts from `state`.
    #[must_use]
    pub fn state(mut self, state: SeedState) -> Self {
        self.state = state;
        self
    }

    /// Starts from the state in the JSON file at `path`.
    ///
    /// # Errors
    ///
    /// The file cannot be read or is not a state.
    pub fn state_file(self, path: impl AsRef<Path>) -> Result<Self, Error> {
        Ok(self.state(SeedState::from_file(path)?))
    }

    /// Starts from the state in JSON text.
    ///
    /// # Errors
    ///
    /// The text is not a state.
    pub fn state_json(self, json: &[u8]) -> Result<Self, Error> {
        Ok(self.state(SeedState::from_json(json)?))
    }

    /// Seeds the fault RNG (and the ids) with `seed`.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Uses `clock`.
    #[must_use]
    pub fn clock(mut self, clock: SimClock) -> Self {
        self.clock = clock;
        self
    }

    /// Injects `faults` from the start (replacing the state's `faults`).
    #[must_use]
    pub fn faults(mut self, faults: Faults) -> Self {
        self.state.faults = faults;
        self
    }

    /// Makes gettoken say (and enforce) `secs` as `expires_in`.
    #[must_use]
    pub fn expires_in(mut self, secs: u32) -> Self {
        self.expires_in = secs;
        self
    }

    /// Refuses request bodies larger than `bytes` (40058, then the connection is closed).
    #[must_use]
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }
}
