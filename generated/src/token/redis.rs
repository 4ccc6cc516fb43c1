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
mod upkeep;
mod wire;

use std::fmt;
use std::future::Future;
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
///
/// # When Redis fails
///
/// - **Restarted** (tokens and locks gone, connections dropped): a command whose connection
///   dropped is sent once more over a new connection, so callers see no error once Redis is
///   back, and the next refresh costs one gettoken per application, as the first did. A
///   process whose token is still fresh does not notice at all.
/// - **Unreachable or paused** past [`timeout`](RedisStoreBuilder::timeout): each call fails
///   after that timeout with a store error, or with the fallback is served from memory. A token
///   fetched during the fallback is written to Redis in the background once Redis answers
///   again (unless a token that lives at least as long is stored by then), so that the other
///   processes use it instead of fetching their own. Commands sent before the pause still run
///   when it ends: a lock taken that way is nobody's and expires after `lock_ttl`.
///
/// # How many gettokens a refresh costs
///
/// One, whatever the number of processes, as long as the holder of the refresh lock keeps it:
/// while a [`TokenCache`](super::TokenCache) fetches, the store pushes the lock's expiry
/// another `lock_ttl` ahead every third of `lock_ttl`, by a script that extends the lock only
/// for the id that holds it. A holder that is slow (a gettoken retried several times) thus
/// keeps its lock; a holder that died stops extending, and its lock expires after at most
/// `lock_ttl`.
///
/// **At most two** when the holder stalls (a paused process, a host that stops answering)
/// for longer than `lock_ttl` mid-fetch, or Redis restarts mid-fetch: the lock expires (or is
/// gone), a waiter takes it and fetches, and the stalled holder, when it goes on, finishes its
/// own fetch, since the gettoken is already sent and cannot be called back. Not more: the new
/// holder is alive and keeps its lock, every other waiter then finds the stored token, and the
/// first holder's late token replaces the stored one only if it lives longer. Each further
/// holder that also stalled past `lock_ttl` would add one. The gettoken page does not say
/// that a new token revokes an earlier one (an older revision said a repeated gettoken returns
/// the same token); a process whose token WeCom rejects refreshes it in any case.
///
/// The lock is kept alive rather than `lock_ttl` being checked against the HTTP timeout at
/// build time, because the store does not know the fetch: [`TokenCache`](super::TokenCache)
/// runs whatever fetch it is given (with its own retries and timeouts), and the store is built
/// before, and apart from, any client. `lock_ttl` therefore only bounds how long a crashed
/// holder blocks the others; a holder keeps the lock for at most
/// [`wait_timeout`](RedisStoreBuilder::wait_timeout), so that a fetch that hangs does not
/// block them for ever.
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
    extend: Script,
    finish: Script,
    invalidate: Script,
    write_back: Script,
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
        self.retrying(|mut connection| async move {
            ::redis::cmd("PING")
                .query_async::<()>(&mut connection)
                .await
        })
        .await
        .map_err(|e| StoreError::new(format!("redis at {} does not answer", self.inner.server), e))
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
        let key = &self.token_key(app);
        let reply = self
            .retrying(|mut connection| async move {
                ::redis::cmd("GET")
                    .arg(key)
                    .query_async::<Option<Vec<u8>>>(&mut connection)
                    .await
            })
            .await;
        match reply {
            Ok(value) => value.map(|value| self.decode(app, &value)).transpose(),
            Err(e) => self.failed(app, "read the token", e)?.get(app).await,
        }
    }

    async fn begin_refresh(&self, app: &App) -> Result<Refresh, StoreError> {
        let (token_key, lock_key) = (&self.token_key(app), &self.lock_key(app));
        let deadline = Instant::now() + self.inner.wait_timeout;
        let id = &new_lock_id();
        loop {
            let reply = self
                .retrying(|mut connection| async move {
                    self.inner
                        .begin
                        .key(token_key)
                        .key(lock_key)
                        .arg(unix_ms(SystemTime::now()))
                        .arg(id)
                        .arg(self.inner.lock_ttl_ms)
                        .invoke_async::<Value>(&mut connection)
                        .await
                })
                .await;
            match reply {
                Ok(Value::BulkString(value)) => {
                    return Ok(Refresh::Fresh(self.decode(app, &value)?));
                }
                Ok(Value::Int(1)) => {
                    return Ok(Refresh::Yours(RefreshLock { id: id.clone() }));
                }
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
            let Some(memory) = &self.inner.fallback else {
                return Err(StoreError::msg(
                    "a fallback lock given to a store without fallback",
                ));
            };
            memory.finish_refresh(app, lock, token).await?;
            if let Some(token) = token {
                self.write_back(app, token);
            }
            return Ok(());
        }
        let (token_key, lock_key, id) = (&self.token_key(app), &self.lock_key(app), &lock.id);
        let (value, expires_at) = (
            &token.map(encode).unwrap_or_default(),
            token.map_or(0, |t| unix_ms(t.expires_at)),
        );
        let reply = self
            .retrying(|mut connection| async move {
                self.inner
                    .finish
                    .key(token_key)
                    .key(lock_key)
                    .arg(id)
                    .arg(value)
                    .arg(expires_at)
                    .invoke_async::<i64>(&mut connection)
                    .await
            })
            .await;
        match reply {
            Ok(1) => Ok(()),
            Ok(_) => {
                tracing::warn!(
                    app = %app.key(),
                    "the refresh lock was lost before the refresh finished (the process stalled \
                     past lock_ttl, or redis restarted): another process may have fetched too"
                );
                Ok(())
            }
            Err(e) => {
                let memory = self.failed(app, "store the token and release the refresh lock", e)?;
                memory.finish_refresh(app, lock, token).await?;
                if let Some(token) = token {
                    self.write_back(app, token);
                }
                Ok(())
            }
        }
    }

    async fn invalidate(&self, app: &App, token: &AccessToken) -> Result<(), StoreError> {
        if let Some(memory) = &self.inner.fallback {
            memory.invalidate(app, token).await?;
        }
        let (key, token) = (&self.token_key(app), token.expose());
        let reply = self
            .retrying(|mut connection| async move {
                self.inner
                    .invalidate
                    .key(key)
                    .arg(token)
                    .invoke_async::<i64>(&mut connection)
                    .await
            })
            .await;
        match reply {
            Ok(_) => Ok(()),
            Err(e) => self.failed(app, "invalidate the token", e).map(|_| ()),
        }
    }

    fn keep_alive(&self, app: &App, lock: &RefreshLock) -> impl Future<Output = ()> + Send {
        self.keep_lock(app, lock)
    }
}
