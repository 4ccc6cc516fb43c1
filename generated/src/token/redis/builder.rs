//! [`RedisServer`] and [`RedisStoreBuilder`]: where a [`RedisStore`] connects, and how.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Client, ConnectionInfo, RedisError, Script};

use super::wire::{BEGIN, EXTEND, FINISH, INVALIDATE, WRITE_BACK};
use super::{Inner, RedisStore};
use crate::token::store::{MemoryStore, StoreError};

/// Where a [`RedisStore`] connects: a URL (`redis://[[user]:password@]host[:port][/db]`, or
/// `redis+unix:///path`), or a [`redis::Client`](::redis::Client) built however you need.
/// Neither its `Debug` nor a [`RedisStore`]'s shows the password.
pub struct RedisServer(Result<Client, RedisError>);

impl From<Client> for RedisServer {
    fn from(client: Client) -> Self {
        RedisServer(Ok(client))
    }
}

impl From<ConnectionInfo> for RedisServer {
    fn from(info: ConnectionInfo) -> Self {
        RedisServer(Client::open(info))
    }
}

impl From<&str> for RedisServer {
    fn from(url: &str) -> Self {
        RedisServer(Client::open(url))
    }
}

impl From<String> for RedisServer {
    fn from(url: String) -> Self {
        RedisServer(Client::open(url))
    }
}

impl From<&String> for RedisServer {
    fn from(url: &String) -> Self {
        RedisServer(Client::open(url.as_str()))
    }
}

impl fmt::Debug for RedisServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Ok(client) => f
                .debug_tuple("RedisServer")
                .field(&describe(client.get_connection_info()))
                .finish(),
            Err(_) => f.write_str("RedisServer(<invalid>)"),
        }
    }
}

/// `host:port/db`: where the server is, without the user or password.
pub(super) fn describe(info: &ConnectionInfo) -> String {
    format!("{}/{}", info.addr(), info.redis_settings().db())
}

/// Configures a [`RedisStore`]; from [`RedisStore::builder`].
#[derive(Debug)]
#[must_use]
pub struct RedisStoreBuilder {
    server: RedisServer,
    prefix: String,
    lock_ttl: Duration,
    wait_timeout: Duration,
    poll_interval: Duration,
    timeout: Duration,
    fallback_to_memory: bool,
}

impl RedisStoreBuilder {
    pub(super) fn new(server: RedisServer) -> Self {
        RedisStoreBuilder {
            server,
            prefix: RedisStore::DEFAULT_PREFIX.to_owned(),
            lock_ttl: RedisStore::DEFAULT_LOCK_TTL,
            wait_timeout: RedisStore::DEFAULT_WAIT_TIMEOUT,
            poll_interval: Duration::from_millis(25),
            timeout: RedisStore::DEFAULT_TIMEOUT,
            fallback_to_memory: false,
        }
    }

    /// The start of every key (default [`RedisStore::DEFAULT_PREFIX`]); stores with different
    /// prefixes share nothing.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long the refresh lock lives after its holder stops keeping it alive, because it
    /// crashed or stalled (default [`RedisStore::DEFAULT_LOCK_TTL`]): how long the others wait
    /// for a dead holder. A holder that is alive extends it every third of this while it
    /// fetches, so it need not exceed a gettoken call; it should exceed a pause the holder's
    /// process may take (a stalled holder costs a second fetch, see [`RedisStore`]).
    pub fn lock_ttl(mut self, ttl: Duration) -> Self {
        self.lock_ttl = ttl;
        self
    }

    /// How long [`begin_refresh`](crate::token::TokenStore::begin_refresh) waits for another process's
    /// refresh before failing (default [`RedisStore::DEFAULT_WAIT_TIMEOUT`]). Make it longer
    /// than the lock's ttl, so that a waiter outlives a crashed holder's lock.
    pub fn wait_timeout(mut self, timeout: Duration) -> Self {
        self.wait_timeout = timeout;
        self
    }

    /// How often a waiter looks for the token or a free lock (default 25 ms, at least 1 ms).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// How long one connection attempt or one command may take (default
    /// [`RedisStore::DEFAULT_TIMEOUT`]). A failed connection is tried once more.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// When a Redis command fails, serve from a store in this process's memory instead of
    /// failing (off by default). Every such fallback is counted
    /// ([`RedisStore::fallbacks`]) and logged as a `tracing` warning. Processes that fall back
    /// no longer share the token nor the refresh.
    pub fn fallback_to_memory(mut self, fallback: bool) -> Self {
        self.fallback_to_memory = fallback;
        self
    }

    /// The store. It does not connect yet (the first use does, and it reconnects after a
    /// failure), so a service starts while Redis is down; [`RedisStore::ping`] checks the
    /// connection. Fails on an invalid URL or settings, and outside a tokio runtime.
    pub async fn build(self) -> Result<RedisStore, StoreError> {
        let client = self
            .server
            .0
            .map_err(|e| StoreError::new("invalid redis url or connection info", e))?;
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(StoreError::msg("the redis store needs a tokio runtime"));
        }
        let lock_ttl_ms = u64::try_from(self.lock_ttl.as_millis()).unwrap_or(u64::MAX);
        if lock_ttl_ms == 0 {
            return Err(StoreError::msg(
                "the refresh lock's ttl must be at least 1 ms",
            ));
        }
        let server = describe(client.get_connection_info());
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500));
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| StoreError::new(format!("cannot set up redis at {server}"), e))?;
        Ok(RedisStore {
            inner: Arc::new(Inner {
                connection,
                server,
                prefix: self.prefix,
                lock_ttl_ms,
                lock_ttl: self.lock_ttl,
                wait_timeout: self.wait_timeout,
                poll_interval: self.poll_interval.max(Duration::from_millis(1)),
                timeout: self.timeout,
                fallback: self.fallback_to_memory.then(MemoryStore::new),
                fallbacks: AtomicU64::new(0),
                begin: Script::new(BEGIN),
                extend: Script::new(EXTEND),
                finish: Script::new(FINISH),
                invalidate: Script::new(INVALIDATE),
                write_back: Script::new(WRITE_BACK),
            }),
        })
    }
}
