//! Starting, inspecting, steering and stopping a simulator.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use wecom_rooms::meeting::rooms::list_meetings::response::MeetingInfo;

use crate::clock::SimClock;
use crate::faults::{FaultCounts, Faults};
use crate::record::Recorder;
use crate::server::{self, Shared};
use crate::world::World;
use crate::{Endpoint, Error, SimConfig};

/// Starts simulators.
#[derive(Debug)]
#[non_exhaustive]
pub struct Simulator;

impl Simulator {
    /// Builds the state, binds `config.addr` and serves on the current tokio runtime until the
    /// returned handle is shut down or dropped.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidState`] when the state contradicts itself, [`Error::Bind`] when the
    /// address cannot be bound.
    pub async fn start(config: SimConfig) -> Result<RunningSimulator, Error> {
        let world = World::new(config.state, config.seed, config.expires_in)?;
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| Error::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: config.addr,
            source,
        })?;
        let recorder = match &config.record {
            Some(path) => Some(Recorder::create(path)?),
            None => None,
        };
        let shared = Arc::new(Shared::new(
            world,
            config.clock,
            config.max_body_bytes,
            recorder,
        ));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared), stopped));
        Ok(RunningSimulator {
            addr,
            base_url: format!("http://{addr}"),
            shared,
            stop,
            task: Some(task),
        })
    }
}

/// A simulator serving in the background; [`shutdown`](Self::shutdown) (or dropping it)
/// stops it.
#[derive(Debug)]
pub struct RunningSimulator {
    addr: SocketAddr,
    base_url: String,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningSimulator {
    /// The address it listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, without a trailing slash: append `/cgi-bin/...`.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The simulator's clock: [`advance`](SimClock::advance) it to expire tokens, move calls
    /// along and open new rate-limit windows.
    #[must_use]
    pub fn clock(&self) -> &SimClock {
        &self.shared.clock
    }

    /// How many answers failed their endpoint's response schema; any is a bug in the
    /// simulator, so tests assert 0.
    #[must_use]
    pub fn schema_violations(&self) -> u64 {
        self.shared.violations()
    }

    /// The first answers that failed their schema, as `PATH: JSON` (at most 32).
    #[must_use]
    pub fn schema_violation_reports(&self) -> Vec<String> {
        self.shared.violation_reports()
    }

    /// How many requests reached an endpoint (whatever the answer, dropped ones included).
    #[must_use]
    pub fn requests(&self) -> u64 {
        self.shared.requests()
    }

    /// How many requests reached `endpoint` (whatever the answer, dropped ones included): how
    /// a test counts the token fetches or retries of the client it drives.
    #[must_use]
    pub fn requests_to(&self, endpoint: Endpoint) -> u64 {
        self.shared.requests_to(endpoint)
    }

    /// How many times each fault was injected.
    #[must_use]
    pub fn fault_counts(&self) -> FaultCounts {
        self.shared.fault_counts()
    }

    /// Replaces the faults from the next request on (the counts and the RNG carry on).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidState`] when a share is outside 0–1 or a rate window is 0 s.
    pub fn set_faults(&self, faults: Faults) -> Result<(), Error> {
        faults.check().map_err(Error::invalid)?;
        self.shared.world().faults = faults;
        Ok(())
    }

    /// The faults in force.
    #[must_use]
    pub fn faults(&self) -> Faults {
        self.shared.world().faults.clone()
    }

    /// Early invalidation: every token issued so far stops working (40014) at once.
    pub fn invalidate_tokens(&self) {
        self.shared.world().invalidate_tokens();
    }

    /// Adds a meeting created by the application named `owner`, as if it had been seeded
    /// (`meeting/create` makes one through the API).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidState`] when no app has that name or the meeting id is taken.
    pub fn add_meeting(&self, owner: &str, meeting: MeetingInfo) -> Result<(), Error> {
        self.shared
            .world()
            .add_seeded_meeting(crate::MeetingSeed::new(owner, meeting))
    }

    /// Every meeting's booked rooms, by meeting id, in booking order.
    #[must_use]
    pub fn bookings(&self) -> BTreeMap<String, Vec<String>> {
        let world = self.shared.world();
        world
            .meetings
            .iter()
            .map(|(id, meeting)| (id.clone(), meeting.rooms.clone()))
            .collect()
    }

    /// Stops accepting connections, lets requests in flight finish (up to a second), and
    /// returns when the server task has ended.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningSimulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Runs a simulator until `shutdown` completes: calls `on_listening` with the bound address
/// once it listens (a CLI prints `http://ADDR` there, as its first line), then serves.
///
/// # Errors
///
/// As [`Simulator::start`].
pub async fn run_until(
    config: SimConfig,
    on_listening: impl FnOnce(SocketAddr),
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    let running = Simulator::start(config).await?;
    on_listening(running.addr());
    shutdown.await;
    running.shutdown().await;
    Ok(())
}

/// Runs a simulator until Ctrl-C: what `wecom-rooms sim` does with
/// [`SimConfig::for_cli`]. `on_listening` gets the bound address once it listens.
///
/// # Errors
///
/// As [`Simulator::start`], and [`Error::Signal`] when Ctrl-C cannot be waited for.
pub async fn run(config: SimConfig, on_listening: impl FnOnce(SocketAddr)) -> Result<(), Error> {
    let running = Simulator::start(config).await?;
    on_listening(running.addr());
    let signal = tokio::signal::ctrl_c().await;
    running.shutdown().await;
    signal.map_err(|source| Error::Signal { source })
}
