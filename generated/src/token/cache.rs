//! [`TokenCache`]: a token per application, fetched only when needed, by one caller at a time.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use futures_util::future::{BoxFuture, Either, FutureExt, Shared};

use super::AccessToken;
use super::store::{App, CachedToken, MemoryStore, Refresh, StoreError, TokenStore};
use crate::codes;
use crate::error::Error;

/// A token as gettoken granted it.
#[derive(Clone, Debug)]
pub struct Grant {
    /// The token.
    pub token: AccessToken,
    /// How long it is valid from now: gettoken's `expires_in`.
    pub expires_in: Duration,
}

impl TryFrom<crate::gettoken::response::AccessTokenGranted> for Grant {
    type Error = super::InvalidAccessToken;

    fn try_from(
        granted: crate::gettoken::response::AccessTokenGranted,
    ) -> Result<Self, Self::Error> {
        let token = AccessToken::new(granted.access_token.expose().as_str())?;
        Ok(Grant {
            token,
            expires_in: Duration::from_secs(u64::from(granted.expires_in)),
        })
    }
}

/// Why [`TokenCache::token`] could not give a token. Every caller waiting on the same fetch
/// gets the same error.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum TokenError {
    /// gettoken failed; the next caller tries again.
    Fetch(Arc<Error>),
    /// The token store failed.
    Store(Arc<StoreError>),
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Fetch(_) => f.write_str("cannot fetch an access token"),
            TokenError::Store(_) => f.write_str("the token store failed"),
        }
    }
}

impl std::error::Error for TokenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TokenError::Fetch(e) => Some(&**e),
            TokenError::Store(e) => Some(&**e),
        }
    }
}

impl From<StoreError> for TokenError {
    fn from(error: StoreError) -> Self {
        TokenError::Store(Arc::new(error))
    }
}

type Flight = Shared<BoxFuture<'static, Result<CachedToken, TokenError>>>;

/// Access tokens per application: used until a safety margin before they expire, fetched only
/// when needed, and dropped as soon as WeCom says one is invalid.
///
/// However many tasks ask for a token at once, a process fetches it once: the first caller
/// runs the fetch and the others wait for its result, success or error (single flight). A
/// shared [`TokenStore`] extends that to every process that uses it.
///
/// The cache does no I/O of its own: the caller passes the fetch, typically gettoken sent with
/// its HTTP client, and the cache decides whether to run it.
///
/// ```
/// # futures_executor::block_on(async {
/// use std::time::Duration;
/// use wecom_rooms::token::{App, Grant, TokenCache};
/// use wecom_rooms::AccessToken;
///
/// let cache = TokenCache::default();
/// let app = App::new("ww1234", "s3cret");
/// let granted = AccessToken::new("t0ken")?;
/// let fetch = move || async move {
///     // Send gettoken here; see `build_token_request`.
///     Ok(Grant { token: granted, expires_in: Duration::from_secs(7200) })
/// };
/// let token = cache.token(&app, fetch).await?;
/// assert_eq!(token.expose(), "t0ken");
/// // Fresh for nearly two hours: the next call does not fetch.
/// let again = cache.token(&app, || async { unreachable!("no second fetch") }).await?;
/// assert_eq!(again.expose(), "t0ken");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub struct TokenCache<S: TokenStore = MemoryStore> {
    inner: Arc<Inner<S>>,
}

struct Inner<S> {
    store: S,
    margin: Duration,
    /// Tokens this process fetched or loaded, so that a fresh one costs no store round trip.
    local: Mutex<HashMap<App, CachedToken>>,
    /// The fetch under way per application, with a number that tells it from later ones.
    flights: Mutex<HashMap<App, (u64, Flight)>>,
    next_flight: std::sync::atomic::AtomicU64,
}

impl<S: TokenStore> Clone for TokenCache<S> {
    fn clone(&self) -> Self {
        TokenCache {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<S: TokenStore> fmt::Debug for TokenCache<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("margin", &self.inner.margin)
            .field("applications", &lock(&self.inner.local).len())
            .finish_non_exhaustive()
    }
}

impl Default for TokenCache<MemoryStore> {
    fn default() -> Self {
        TokenCache::new(MemoryStore::new())
    }
}

/// The margin a token is replaced before it expires, unless set otherwise.
pub const DEFAULT_MARGIN: Duration = Duration::from_secs(300);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section is one insert, remove or lookup: a panic cannot leave a map
    // half-written.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<S: TokenStore> TokenCache<S> {
    /// A cache over `store`, replacing tokens [`DEFAULT_MARGIN`] before they expire.
    pub fn new(store: S) -> Self {
        Self::with_margin(store, DEFAULT_MARGIN)
    }

    /// A cache over `store`, replacing tokens `margin` before they expire (at most half their
    /// life before, so that a short-lived token is still used).
    pub fn with_margin(store: S, margin: Duration) -> Self {
        TokenCache {
            inner: Arc::new(Inner {
                store,
                margin,
                local: Mutex::new(HashMap::new()),
                flights: Mutex::new(HashMap::new()),
                next_flight: std::sync::atomic::AtomicU64::new(0),
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.inner.store
    }

    /// A fresh token of `app`: the cached one, or one that `fetch` gets, run by one caller
    /// while the others wait for its result.
    pub async fn token<F, Fut>(&self, app: &App, fetch: F) -> Result<AccessToken, TokenError>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<Grant, Error>> + Send + 'static,
    {
        if let Some(cached) = lock(&self.inner.local).get(app)
            && cached.is_fresh(SystemTime::now())
        {
            return Ok(cached.token.clone());
        }
        let (number, flight) = {
            let mut flights = lock(&self.inner.flights);
            match flights.get(app) {
                Some(running) => running.clone(),
                None => {
                    let number = self
                        .inner
                        .next_flight
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let flight = self.flight(app.clone(), fetch).boxed().shared();
                    flights.insert(app.clone(), (number, flight.clone()));
                    (number, flight)
                }
            }
        };
        let result = flight.await;
        {
            let mut flights = lock(&self.inner.flights);
            if flights.get(app).is_some_and(|(n, _)| *n == number) {
                flights.remove(app);
            }
        }
        let cached = result?;
        lock(&self.inner.local).insert(app.clone(), cached.clone());
        Ok(cached.token)
    }

    /// The refresh one caller runs: take the store's refresh right (or a token another
    /// process stored meanwhile), fetch, store, release.
    fn flight<F, Fut>(
        &self,
        app: App,
        fetch: F,
    ) -> impl Future<Output = Result<CachedToken, TokenError>> + Send + 'static
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<Grant, Error>> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        async move {
            let lock = match inner.store.begin_refresh(&app).await? {
                Refresh::Fresh(token) => return Ok(token),
                Refresh::Yours(lock) => lock,
            };
            // The store keeps the lock alive while the fetch runs; if it stops early (it
            // lost the lock), the fetch still finishes.
            let fetched = {
                let fetch = std::pin::pin!(fetch());
                let keep_alive = std::pin::pin!(inner.store.keep_alive(&app, &lock));
                match futures_util::future::select(fetch, keep_alive).await {
                    Either::Left((fetched, _)) => fetched,
                    Either::Right(((), fetch)) => fetch.await,
                }
            };
            match fetched {
                Ok(grant) => {
                    let cached = CachedToken::issued(
                        grant.token,
                        SystemTime::now(),
                        grant.expires_in,
                        inner.margin,
                    );
                    inner
                        .store
                        .finish_refresh(&app, lock, Some(&cached))
                        .await?;
                    Ok(cached)
                }
                Err(error) => {
                    // The fetch's error is what callers need; a failure to release the lock
                    // only delays the next refresh until the lock expires.
                    let _ = inner.store.finish_refresh(&app, lock, None).await;
                    Err(TokenError::Fetch(Arc::new(error)))
                }
            }
        }
    }

    /// Drops `token` of `app` here and in the store, if it is still the current one: call it
    /// when WeCom answers that the token is invalid ([`invalidates_token`]).
    pub async fn invalidate(&self, app: &App, token: &AccessToken) -> Result<(), TokenError> {
        {
            let mut local = lock(&self.inner.local);
            if local
                .get(app)
                .is_some_and(|cached| cached.token.expose() == token.expose())
            {
                local.remove(app);
            }
        }
        self.inner.store.invalidate(app, token).await?;
        Ok(())
    }
}

/// Whether WeCom's `errcode` means the token used is no good: invalid (40014), expired
/// (42001), or missing (41001).
pub const fn invalidates_token(errcode: i32) -> bool {
    matches!(
        errcode,
        codes::INVALID_ACCESS_TOKEN | codes::ACCESS_TOKEN_EXPIRED | codes::ACCESS_TOKEN_MISSING
    )
}
