//! [`RedisStore`]: tokens and the refresh lock in Redis, shared by every process that uses it.
//!
//! Keys, per application, with its [`App::key`] as a hash tag (so that both keys of one
//! application land on one cluster slot):
//!
//! - `{prefix}:{<app key>}:token`: the token as JSON, `{"token", "refresh_at", "expires_at"}`
//!   (Unix milliseconds), with the key's own expiry at `expires_at`;
//! - `{prefix}:{<app key>}:lock`: the refresh lock, `SET … NX PX <lock_ttl>` to a random id,
//!   deleted only by the holder of that id.
//!
//! Each step that reads and writes is one Lua script, so it is atomic: taking the lock checks
//! for a fresh token in the same step, and releasing it or invalidating a token compares before
//! deleting.

mod builder;
mod wire;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use ::redis::aio::ConnectionManager;
use ::redis::{RedisError, Script, Value};

pub use self::builder::{RedisServer, RedisStoreBuilder};
use self::wire::{MEMORY_LOCK, Stored, encode, from_unix_ms, new_lock_id, unix_ms};
use super::AccessToken;
use super::store::{App, CachedToken, MemoryStore, Refresh, RefreshLock, StoreError, TokenStore};

/// Tokens shared by every process through Redis (feature `redis`): one token per application,
/// and one refresh at a time across processes.
///
/// The refresh right is a lock key with an expiry ([`lock_ttl`](RedisStoreBuilder::lock_ttl)):
/// the other processes wait for the holder's token, and take over when a crashed holder's lock
/// expires. Put a [`TokenCache`](super::TokenCache) over it in each process; clones share one
/// connection, which reconnects by itself. It needs a tokio runtime.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use wecom_rooms::token::{RedisStore, TokenCache};
///
/// let store = RedisStore::builder("redis://:password@redis.internal:6379/0")
///     .prefix("my-service")
///     .lock_ttl(Duration::from_secs(10))
///     .build()
///     .await?;
/// store.ping().await?;
/// let cache = TokenCache::new(store);
/// # Ok(()) }
/// ```
///
/// A failure of Redis is a [`StoreError`] (`TokenError::Store` from the cache) whose `source()`
/// is the [`redis::RedisError`](::redis::RedisError), unless
/// [`fallback_to_memory`](RedisStoreBuilder::fallback_to_memory) is on.
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    connection: ConnectionManager,
    /// Where Redis is, without credentials: for messages and `Debug`.
    server: String,
    prefix: String,
    lock_ttl_ms: u64,
    lock_ttl: Duration,
    wait_timeout: Duration,
    poll_interval: Duration,
    timeout: Duration,
    fallback: Option<MemoryStore>,
    fallbacks: AtomicU64,
    begin: Script,
    finish: Script,
    invalidate: Script,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("RedisStore")
            .field("server", &inner.server)
            .field("prefix", &inner.prefix)
            .field("lock_ttl", &inner.lock_ttl)
            .field("wait_timeout", &inner.wait_timeout)
            .field("poll_interval", &inner.poll_interval)
            .field("timeout", &inner.timeout)
            .field("fallback_to_memory", &inner.fallback.is_some())
            .field("fallbacks", &self.fallbacks())
            .finish()
    }
}

impl RedisStore {
    /// Default key prefix.
    pub const DEFAULT_PREFIX: &'static str = "wecom-rooms";
    /// Default refresh lock ttl.
    pub const DEFAULT_LOCK_TTL: Duration = Duration::from_secs(10);
    /// Default longest wait for another process's refresh.
    pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(15);
    /// Default timeout of one connection attempt or command.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

    /// A builder for a store on `server`: a URL such as `redis://127.0.0.1:6379/0`, or a
    /// [`redis::Client`](::redis::Client).
    pub fn builder(server: impl Into<RedisServer>) -> RedisStoreBuilder {
        RedisStoreBuilder::new(server.into())
    }

    /// The key holding `app`'s token.
    pub fn token_key(&self, app: &App) -> String {
        format!("{}:{{{}}}:token", self.inner.prefix, app.key())
    }

    /// The key of `app`'s refresh lock.
    pub fn lock_key(&self, app: &App) -> String {
        format!("{}:{{{}}}:lock", self.inner.prefix, app.key())
    }

    /// How many operations were served from memory because Redis failed.
    pub fn fallbacks(&self) -> u64 {
        self.inner.fallbacks.load(Ordering::Relaxed)
    }

    /// Checks that Redis answers (never falls back).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut connection = self.inner.connection.clone();
        ::redis::cmd("PING")
            .query_async::<()>(&mut connection)
            .await
            .map_err(|e| {
                StoreError::new(format!("redis at {} does not answer", self.inner.server), e)
            })
    }

    /// Redis failed to `action` for `app`: the in-memory store to use instead, or the error.
    fn failed(
        &self,
        app: &App,
        action: &str,
        error: RedisError,
    ) -> Result<&MemoryStore, StoreError> {
        let message = format!(
            "cannot {action} of {} in redis at {}",
            app.key(),
            self.inner.server
        );
        match &self.inner.fallback {
            Some(memory) => {
                self.inner.fallbacks.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(error = %error, "{message}: serving from memory");
                Ok(memory)
            }
            None => Err(StoreError::new(message, error)),
        }
    }

    fn decode(&self, app: &App, value: &[u8]) -> Result<CachedToken, StoreError> {
        let invalid = || {
            StoreError::msg(format!(
                "redis key {} holds a value that is not a token of ours",
                self.token_key(app)
            ))
        };
        let stored: Stored = serde_json::from_slice(value).map_err(|_| invalid())?;
        Ok(CachedToken {
            token: AccessToken::new(stored.token).map_err(|_| invalid())?,
            refresh_at: from_unix_ms(stored.refresh_at),
            expires_at: from_unix_ms(stored.expires_at),
        })
    }
}

impl TokenStore for RedisStore {
    async fn get(&self, app: &App) -> Result<Option<CachedToken>, StoreError> {
        let mut connection = self.inner.connection.clone();
        let reply = ::redis::cmd("GET")
            .arg(self.token_key(app))
            .query_async::<Option<Vec<u8>>>(&mut connection)
            .await;
        match reply {
            Ok(value) => value.map(|value| self.decode(app, &value)).transpose(),
            Err(e) => self.failed(app, "read the token", e)?.get(app).await,
        }
    }

    async fn begin_refresh(&self, app: &App) -> Result<Refresh, StoreError> {
        let (token_key, lock_key) = (self.token_key(app), self.lock_key(app));
        let deadline = Instant::now() + self.inner.wait_timeout;
        let id = new_lock_id();
        let mut connection = self.inner.connection.clone();
        loop {
            let reply = self
                .inner
                .begin
                .key(&token_key)
                .key(&lock_key)
                .arg(unix_ms(SystemTime::now()))
                .arg(&id)
                .arg(self.inner.lock_ttl_ms)
                .invoke_async::<Value>(&mut connection)
                .await;
            match reply {
                Ok(Value::BulkString(value)) => {
                    return Ok(Refresh::Fresh(self.decode(app, &value)?));
                }
                Ok(Value::Int(1)) => return Ok(Refresh::Yours(RefreshLock { id })),
                Ok(Value::Int(0)) => {}
                Ok(other) => {
                    return Err(StoreError::msg(format!(
                        "redis at {} answered {other:?} to taking the refresh lock",
                        self.inner.server
                    )));
                }
                Err(e) => {
                    let memory = self.failed(app, "take the refresh lock", e)?;
                    return Ok(match memory.begin_refresh(app).await? {
                        Refresh::Yours(_) => Refresh::Yours(RefreshLock {
                            id: MEMORY_LOCK.to_owned(),
                        }),
                        fresh => fresh,
                    });
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(StoreError::msg(format!(
                    "gave up after {:?} waiting for another process to refresh the token of {}",
                    self.inner.wait_timeout,
                    app.key()
                )));
            }
            tokio::time::sleep(self.inner.poll_interval.min(deadline - now)).await;
        }
    }

    async fn finish_refresh(
        &self,
        app: &App,
        lock: RefreshLock,
        token: Option<&CachedToken>,
    ) -> Result<(), StoreError> {
        if lock.id == MEMORY_LOCK {
            return match &self.inner.fallback {
                Some(memory) => memory.finish_refresh(app, lock, token).await,
                None => Err(StoreError::msg(
                    "a fallback lock given to a store without fallback",
                )),
            };
        }
        let mut connection = self.inner.connection.clone();
        let reply = self
            .inner
            .finish
            .key(self.token_key(app))
            .key(self.lock_key(app))
            .arg(&lock.id)
            .arg(token.map(encode).unwrap_or_default())
            .arg(token.map_or(0, |t| unix_ms(t.expires_at)))
            .invoke_async::<i64>(&mut connection)
            .await;
        match reply {
            Ok(1) => Ok(()),
            Ok(_) => {
                tracing::warn!(
                    app = %app.key(),
                    "the refresh lock expired before the refresh finished: raise lock_ttl"
                );
                Ok(())
            }
            Err(e) => {
                let memory = self.failed(app, "store the token and release the refresh lock", e)?;
                memory.finish_refresh(app, lock, token).await
            }
        }
    }

    async fn invalidate(&self, app: &App, token: &AccessToken) -> Result<(), StoreError> {
        if let Some(memory) = &self.inner.fallback {
            memory.invalidate(app, token).await?;
        }
        let mut connection = self.inner.connection.clone();
        let reply = self
            .inner
            .invalidate
            .key(self.token_key(app))
            .arg(token.expose())
            .invoke_async::<i64>(&mut connection)
            .await;
        match reply {
            Ok(_) => Ok(()),
            Err(e) => self.failed(app, "invalidate the token", e).map(|_| ()),
        }
    }
}
