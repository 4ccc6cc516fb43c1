//! Where tokens live between calls: [`TokenStore`], and the in-process [`MemoryStore`].

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use super::AccessToken;

/// An application whose tokens are kept apart from every other's: WeCom issues a token per
/// application, that is per corp ID and secret.
///
/// Its `Debug` and [`key`](Self::key) never show the secret: the key holds a digest of it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct App {
    corp_id: String,
    secret_digest: String,
}

impl App {
    /// The application of `corp_id` with `secret`.
    pub fn new(corp_id: &str, secret: &str) -> Self {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(secret.as_bytes());
        let secret_digest = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        App {
            corp_id: corp_id.to_owned(),
            secret_digest,
        }
    }

    /// The corp ID.
    pub fn corp_id(&self) -> &str {
        &self.corp_id
    }

    /// A name for the application that is safe to log and to use as a key in a shared store:
    /// the corp ID and the start of the secret's SHA-256.
    pub fn key(&self) -> String {
        format!("{}:{}", self.corp_id, self.secret_digest)
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("App").field(&self.key()).finish()
    }
}

/// A token with the times it should be replaced and stops being valid.
#[derive(Clone, Debug)]
pub struct CachedToken {
    /// The token.
    pub token: AccessToken,
    /// When to fetch a new one: a safety margin before `expires_at`.
    pub refresh_at: SystemTime,
    /// When WeCom stops accepting it: when it was issued plus its `expires_in`.
    pub expires_at: SystemTime,
}

impl CachedToken {
    /// A token issued at `now`, valid for `expires_in`, to be replaced `margin` before it
    /// expires (at most half its life before, so that a short-lived token is still used).
    pub fn issued(
        token: AccessToken,
        now: SystemTime,
        expires_in: Duration,
        margin: Duration,
    ) -> Self {
        let expires_at = now + expires_in;
        CachedToken {
            token,
            refresh_at: expires_at - margin.min(expires_in / 2),
            expires_at,
        }
    }

    /// Whether it is still to be used at `now`.
    pub fn is_fresh(&self, now: SystemTime) -> bool {
        now < self.refresh_at
    }
}

/// What [`TokenStore::begin_refresh`] found.
#[derive(Debug)]
#[non_exhaustive]
pub enum Refresh {
    /// Another caller stored a fresh token meanwhile: use it.
    Fresh(CachedToken),
    /// This caller holds the right to refresh: fetch a token, then call
    /// [`TokenStore::finish_refresh`] with this lock, whatever happened.
    Yours(RefreshLock),
}

/// The right to refresh one application's token, held until
/// [`TokenStore::finish_refresh`]. A shared store gives it an expiry, so that a holder that
/// dies does not block the others for longer than that.
#[derive(Debug)]
pub struct RefreshLock {
    /// What the store needs to release the lock it gave, and only that one.
    pub id: String,
}

/// Where tokens are kept, and who refreshes them.
///
/// [`MemoryStore`] keeps them in the process. A shared store (such as the Redis store of the
/// `redis` feature) lets every instance of a service use one token and refresh it once: it
/// gives the right to refresh to one caller at a time, across processes, with an expiry.
pub trait TokenStore: Send + Sync + 'static {
    /// The token stored for `app`, fresh or not.
    fn get(
        &self,
        app: &App,
    ) -> impl Future<Output = Result<Option<CachedToken>, StoreError>> + Send;

    /// Waits until either a fresh token is stored for `app` (returned) or this caller holds
    /// the right to refresh it.
    fn begin_refresh(&self, app: &App) -> impl Future<Output = Result<Refresh, StoreError>> + Send;

    /// Keeps `lock` from expiring for as long as the returned future is polled. The
    /// [`TokenCache`](super::TokenCache) polls it beside the fetch and drops it when the fetch
    /// ends, so a holder that is alive but slow keeps the lock, and one that died (and polls
    /// nothing) loses it when it expires. It may complete early, when the lock can no longer
    /// be kept. The default does nothing: a lock without an expiry needs no keeping.
    fn keep_alive(&self, app: &App, lock: &RefreshLock) -> impl Future<Output = ()> + Send {
        let _ = (app, lock);
        std::future::pending()
    }

    /// Stores `token` (if the refresh succeeded) and releases `lock`.
    fn finish_refresh(
        &self,
        app: &App,
        lock: RefreshLock,
        token: Option<&CachedToken>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Forgets `token` if it is still the one stored for `app` (WeCom said it is invalid).
    fn invalidate(
        &self,
        app: &App,
        token: &AccessToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// A shared store failed: it could not be reached, or answered what no store of ours writes.
#[derive(Debug)]
pub struct StoreError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StoreError {
    /// A failure described by `message`, caused by `source`.
    pub fn new(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        StoreError {
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// A failure described by `message` alone.
    pub fn msg(message: impl Into<String>) -> Self {
        StoreError {
            message: message.into(),
            source: None,
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

/// Tokens in this process's memory: the default store. Refreshes need no lock of their own
/// here, since the [`TokenCache`](super::TokenCache) lets one caller per process refresh.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    tokens: Arc<Mutex<HashMap<App, CachedToken>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn tokens(&self) -> std::sync::MutexGuard<'_, HashMap<App, CachedToken>> {
        // A panic while holding the lock cannot leave the map half-written: every write is
        // one insert or remove.
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl TokenStore for MemoryStore {
    async fn get(&self, app: &App) -> Result<Option<CachedToken>, StoreError> {
        Ok(self.tokens().get(app).cloned())
    }

    async fn begin_refresh(&self, app: &App) -> Result<Refresh, StoreError> {
        let now = SystemTime::now();
        Ok(match self.tokens().get(app) {
            Some(token) if token.is_fresh(now) => Refresh::Fresh(token.clone()),
            _ => Refresh::Yours(RefreshLock { id: String::new() }),
        })
    }

    async fn finish_refresh(
        &self,
        app: &App,
        _lock: RefreshLock,
        token: Option<&CachedToken>,
    ) -> Result<(), StoreError> {
        if let Some(token) = token {
            self.tokens().insert(app.clone(), token.clone());
        }
        Ok(())
    }

    async fn invalidate(&self, app: &App, token: &AccessToken) -> Result<(), StoreError> {
        let mut tokens = self.tokens();
        if tokens
            .get(app)
            .is_some_and(|stored| stored.token.expose() == token.expose())
        {
            tokens.remove(app);
        }
        Ok(())
    }
}
