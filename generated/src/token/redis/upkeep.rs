//! What keeps a [`RedisStore`] working through Redis's failures: a command sent again once
//! after its connection dropped, the refresh lock kept alive while its holder fetches, and a
//! token fetched during a fallback written back once Redis answers again.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ::redis::RedisError;
use ::redis::aio::ConnectionManager;

use super::wire::{MEMORY_LOCK, encode, unix_ms};
use super::{Inner, RedisStore};
use crate::token::store::{App, CachedToken, RefreshLock};

/// The first wait before writing a fallback token back, doubled after each failure.
const WRITE_BACK_FIRST_DELAY: Duration = Duration::from_millis(100);
/// The longest wait between two attempts to write a fallback token back.
const WRITE_BACK_MAX_DELAY: Duration = Duration::from_secs(5);

impl RedisStore {
    /// Runs `command` on the shared connection, and once more if it failed because the
    /// connection dropped (Redis restarted, or a proxy closed it): the connection manager is
    /// reconnecting by then, and the second try waits for that. Every script is safe to run
    /// twice.
    pub(super) async fn retrying<T, F, Fut>(&self, command: F) -> Result<T, RedisError>
    where
        F: Fn(ConnectionManager) -> Fut,
        Fut: Future<Output = Result<T, RedisError>>,
    {
        match command(self.inner.connection.clone()).await {
            Err(e) if e.is_unrecoverable_error() => {
                tracing::debug!(error = %e, "redis connection dropped: sending again");
                command(self.inner.connection.clone()).await
            }
            reply => reply,
        }
    }

    /// Pushes the lock's expiry ahead every third of its ttl while the holder fetches, for at
    /// most `wait_timeout` (by then every waiter has given up, and a fetch that hangs must not
    /// hold the lock for ever). Completes when the lock is no longer this holder's.
    pub(super) async fn keep_lock(&self, app: &App, lock: &RefreshLock) {
        if lock.id == MEMORY_LOCK {
            // The fallback's lock is this process's single flight: nothing expires.
            return std::future::pending().await;
        }
        let inner = &self.inner;
        let period = (inner.lock_ttl / 3).max(Duration::from_millis(1));
        let until = Instant::now() + inner.wait_timeout;
        let (key, id) = (&self.lock_key(app), &lock.id);
        loop {
            tokio::time::sleep(period).await;
            if Instant::now() >= until {
                tracing::warn!(
                    app = %app.key(),
                    "the token fetch outlasted wait_timeout: no longer keeping the refresh lock"
                );
                return;
            }
            let reply = self
                .retrying(|mut connection| async move {
                    inner
                        .extend
                        .key(key)
                        .arg(id)
                        .arg(inner.lock_ttl_ms)
                        .invoke_async::<i64>(&mut connection)
                        .await
                })
                .await;
            match reply {
                Ok(1) => {}
                Ok(_) => {
                    tracing::warn!(
                        app = %app.key(),
                        "the refresh lock expired or was lost while the token was fetched"
                    );
                    return;
                }
                // The lock may still be there: try again at the next period.
                Err(e) => tracing::warn!(error = %e, "cannot extend the refresh lock"),
            }
        }
    }

    /// Writes `token`, fetched while Redis failed, to Redis once it answers again, so that the
    /// other processes use it instead of fetching their own. Runs in the background with a
    /// growing delay, until written, until a token that lives at least as long is stored, until
    /// `token` is due for refresh, or until the store is dropped.
    pub(super) fn write_back(&self, app: &App, token: &CachedToken) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let inner = Arc::downgrade(&self.inner);
        let (key, app_key) = (self.token_key(app), app.key());
        let (value, expires_at, refresh_at) =
            (encode(token), unix_ms(token.expires_at), token.refresh_at);
        runtime.spawn(async move {
            let mut delay = WRITE_BACK_FIRST_DELAY;
            loop {
                tokio::time::sleep(delay).await;
                if SystemTime::now() >= refresh_at {
                    return;
                }
                let Some(inner) = inner.upgrade() else {
                    return;
                };
                match write(&inner, &key, &value, expires_at).await {
                    Ok(1) => {
                        tracing::info!(
                            app = %app_key,
                            "redis answers again: wrote back the token fetched during the fallback"
                        );
                        return;
                    }
                    // A token that lives at least as long is stored: the others use that.
                    Ok(_) => return,
                    Err(_) => {}
                }
                delay = (delay * 2).min(WRITE_BACK_MAX_DELAY);
            }
        });
    }
}

async fn write(inner: &Inner, key: &str, value: &str, expires_at: u64) -> Result<i64, RedisError> {
    let mut connection = inner.connection.clone();
    inner
        .write_back
        .key(key)
        .arg(value)
        .arg(expires_at)
        .invoke_async::<i64>(&mut connection)
        .await
}
