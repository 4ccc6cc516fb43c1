//! An async client for the whole family (feature `client`): tokens, retries, timeouts and
//! pagination handled, over reqwest with rustls.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use wecom_rooms::client::Client;
//! use wecom_rooms::endpoints::GetInfo;
//!
//! let client = Client::builder("ww1234", std::env::var("WECOM_SECRET")?).build()?;
//! let room = client.call(GetInfo::new("RoomId001".parse()?)).await?;
//! println!("{}", room.basic_info.meeting_room_name);
//! # Ok(())
//! # }
//! ```

mod error;
mod paginate;
mod retry;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument as _;
use wecom_rooms_runtime::{Endpoint, NonEmptyString, Outcome, Secret};

pub use error::{CallError, Cause};
pub use retry::RetryPolicy;

use crate::endpoint::{PreparedRequest, Success, build_request_to, build_token_request_to};
use crate::endpoints::GetToken;
use crate::error::{ApiError, Error, ErrorKind, InvalidRequest};
use crate::token::{
    App, Grant, MemoryStore, TokenCache, TokenError, TokenStore, invalidates_token,
};

/// The client: `Client::builder(corp_id, secret)…build()`, then [`call`](Self::call) any
/// endpoint of the family, or [`paginate`](Self::paginate) a list.
///
/// Each call validates the request before sending it, gets a token from the
/// [`TokenCache`] (fetching one through gettoken only when needed), decodes the answer with
/// the validating decoder, retries by its [`RetryPolicy`], refreshes the token once and tries
/// again when WeCom calls it invalid, and gives up after its timeout. Each call runs in a
/// `tracing` span `wecom_rooms.call` with the endpoint, the attempt and WeCom's `errcode`;
/// no span or event shows the token or the secret.
///
/// Cloning is cheap and shares the connection pool and the tokens.
pub struct Client<S: TokenStore = MemoryStore> {
    inner: Arc<Inner<S>>,
}

struct Inner<S: TokenStore> {
    http: reqwest::Client,
    base_url: String,
    corp_id: String,
    secret: Secret<String>,
    app: App,
    tokens: TokenCache<S>,
    retry: RetryPolicy,
    timeout: Duration,
}

impl<S: TokenStore> Clone for Client<S> {
    fn clone(&self) -> Self {
        Client {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<S: TokenStore> fmt::Debug for Client<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("app", &self.inner.app)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]; see [`Client::builder`].
pub struct ClientBuilder<S: TokenStore = MemoryStore> {
    corp_id: String,
    secret: Secret<String>,
    base_url: Option<String>,
    tokens: TokenCache<S>,
    retry: RetryPolicy,
    timeout: Duration,
    http: Option<reqwest::Client>,
}

impl<S: TokenStore> fmt::Debug for ClientBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("corp_id", &self.corp_id)
            .field("base_url", &self.base_url)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The timeout of a whole call, retries included, unless set otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

impl Client {
    /// A builder for the application of `corp_id` with `secret` (应用的凭证密钥), talking to
    /// WeCom's server with an in-process token cache, the default [`RetryPolicy`] and a
    /// [`DEFAULT_TIMEOUT`] per call.
    pub fn builder(corp_id: impl Into<String>, secret: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            corp_id: corp_id.into(),
            secret: Secret::new(secret.into()),
            base_url: None,
            tokens: TokenCache::default(),
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            http: None,
        }
    }
}

impl<S: TokenStore> ClientBuilder<S> {
    /// Talks to another server than WeCom's, such as the local simulator or a proxy: scheme,
    /// authority and an optional path prefix, as for [`build_request_to`].
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Keeps tokens in `cache`, such as one over a store shared by every instance of a service.
    pub fn token_cache<T: TokenStore>(self, cache: TokenCache<T>) -> ClientBuilder<T> {
        ClientBuilder {
            corp_id: self.corp_id,
            secret: self.secret,
            base_url: self.base_url,
            tokens: cache,
            retry: self.retry,
            timeout: self.timeout,
            http: self.http,
        }
    }

    /// Retries by `policy`.
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Gives up on a call, retries included, after `timeout`.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends with `http`, a reqwest client configured as you need (proxy, pool, TLS).
    #[must_use]
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client.
    ///
    /// # Errors
    ///
    /// If the default reqwest client cannot be built (its TLS roots cannot be loaded).
    pub fn build(self) -> Result<Client<S>, reqwest::Error> {
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder().build()?,
        };
        let base_url = self
            .base_url
            .unwrap_or_else(|| <GetToken as Endpoint>::ENDPOINT.base_url.to_owned());
        let app = App::new(&self.corp_id, self.secret.expose());
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                corp_id: self.corp_id,
                secret: self.secret,
                app,
                tokens: self.tokens,
                retry: self.retry,
                timeout: self.timeout,
            }),
        })
    }
}

/// How one attempt ended, when it did not succeed.
enum Attempt {
    /// Try again after a delay (the bool: the delay of a rate limit).
    Retry(Cause, bool),
    /// The token was refused: drop it and try once more with a new one.
    Refresh(Cause),
    /// Give up.
    Fail(Cause),
}

impl<S: TokenStore> Client<S> {
    /// The token cache the client uses.
    pub fn tokens(&self) -> &TokenCache<S> {
        &self.inner.tokens
    }

    /// Calls the endpoint of `request`: what it gives on success, or a [`CallError`] naming
    /// the endpoint.
    pub async fn call<E>(&self, request: E) -> Result<Success<E>, CallError>
    where
        E: Endpoint<Response: Outcome<Failure: Into<ApiError>>> + Send + Sync,
    {
        let endpoint = E::ENDPOINT.path;
        let span = tracing::info_span!(
            "wecom_rooms.call",
            endpoint,
            attempt = tracing::field::Empty,
            errcode = tracing::field::Empty,
        );
        let timeout = self.inner.timeout;
        let mut attempts = 0;
        let calls = self.attempts(&request, &mut attempts).instrument(span);
        match tokio::time::timeout(timeout, calls).await {
            Ok(result) => result.map_err(|cause| CallError::new(endpoint, attempts, cause)),
            Err(_) => Err(CallError::new(endpoint, attempts, Cause::Timeout(timeout))),
        }
    }

    async fn attempts<E>(&self, request: &E, attempts: &mut u32) -> Result<Success<E>, Cause>
    where
        E: Endpoint<Response: Outcome<Failure: Into<ApiError>>> + Send + Sync,
    {
        let policy = &self.inner.retry;
        let mut refreshed = false;
        let mut retries = 0;
        loop {
            *attempts += 1;
            tracing::Span::current().record("attempt", *attempts);
            match self.attempt(request).await {
                Ok(success) => return Ok(success),
                Err(Attempt::Fail(cause)) => return Err(cause),
                Err(Attempt::Refresh(cause)) => {
                    if refreshed {
                        return Err(cause);
                    }
                    refreshed = true;
                    tracing::debug!("the token was refused: trying once more with a new one");
                }
                Err(Attempt::Retry(cause, rate_limited)) => {
                    retries += 1;
                    if retries >= policy.max_attempts {
                        return Err(cause);
                    }
                    let delay = policy.delay(retries, rate_limited);
                    tracing::debug!(?delay, rate_limited, "retrying");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// One request: token, send, read.
    async fn attempt<E>(&self, request: &E) -> Result<Success<E>, Attempt>
    where
        E: Endpoint<Response: Outcome<Failure: Into<ApiError>>> + Send + Sync,
    {
        let inner = &self.inner;
        let token = inner
            .tokens
            .token(&inner.app, self.fetch_token())
            .await
            .map_err(|e| {
                // gettoken answered "busy" or "too many calls", or did not answer: worth
                // another try, like any call.
                let kind = match &e {
                    TokenError::Fetch(cause) => match &**cause {
                        Error::Api(api) => Some(api.kind()),
                        Error::Transport(_) => Some(ErrorKind::Retryable),
                        Error::Http { status, .. } if status.is_server_error() => {
                            Some(ErrorKind::Retryable)
                        }
                        _ => None,
                    },
                    _ => None,
                };
                match kind {
                    Some(ErrorKind::Retryable) => Attempt::Retry(Cause::Token(e), false),
                    Some(ErrorKind::RateLimited) => Attempt::Retry(Cause::Token(e), true),
                    _ => Attempt::Fail(Cause::Token(e)),
                }
            })?;
        let prepared = build_request_to(&inner.base_url, request, &token)
            .map_err(|e| Attempt::Fail(Cause::InvalidRequest(e)))?;
        let body = send(&inner.http, prepared).await?;
        let response = E::decode_response(&body).map_err(|e| Attempt::Fail(Cause::Decode(e)))?;
        match response.into_result() {
            Ok(success) => Ok(success),
            Err(failure) => {
                let error: ApiError = failure.into();
                tracing::Span::current().record("errcode", error.errcode());
                if invalidates_token(error.errcode()) {
                    // A store failure here only means the next call may reuse the bad token
                    // once more; the retry below fetches a new one all the same.
                    let _ = inner.tokens.invalidate(&inner.app, &token).await;
                    return Err(Attempt::Refresh(Cause::Api(error)));
                }
                Err(match error.kind() {
                    ErrorKind::Retryable => Attempt::Retry(Cause::Api(error), false),
                    ErrorKind::RateLimited => Attempt::Retry(Cause::Api(error), true),
                    _ => Attempt::Fail(Cause::Api(error)),
                })
            }
        }
    }

    /// The fetch the token cache runs when it needs a token: gettoken, once.
    fn fetch_token(
        &self,
    ) -> impl FnOnce() -> futures_util::future::BoxFuture<'static, Result<Grant, Error>> + Send + 'static
    {
        let inner = Arc::clone(&self.inner);
        move || {
            Box::pin(
                async move {
                    // Empty credentials break gettoken's schema: refused here, never sent.
                    let empty = |parameter| InvalidRequest::EmptyCredential { parameter };
                    let corp_id = NonEmptyString::new(inner.corp_id.clone())
                        .ok_or_else(|| empty("corpid"))?;
                    let secret = NonEmptyString::new(inner.secret.expose().clone())
                        .ok_or_else(|| empty("corpsecret"))?;
                    let request = GetToken::new(corp_id, Secret::new(secret));
                    let prepared = build_token_request_to(&inner.base_url, &request)?;
                    let body =
                        send(&inner.http, prepared)
                            .await
                            .map_err(|attempt| match attempt {
                                Attempt::Retry(cause, _)
                                | Attempt::Refresh(cause)
                                | Attempt::Fail(cause) => match cause {
                                    Cause::Http(e) => e,
                                    Cause::Connection(e) => Error::Transport(Box::new(e)),
                                    other => Error::Transport(describe(&other).into()),
                                },
                            })?;
                    let granted = crate::parse_body::<GetToken>(&body)?;
                    Grant::try_from(granted).map_err(|e| Error::Transport(Box::new(e)))
                }
                .instrument(tracing::info_span!("wecom_rooms.gettoken")),
            )
        }
    }
}

/// Sends `prepared` and reads a 2xx body; a failed connection or a 5xx is worth retrying.
async fn send(http: &reqwest::Client, prepared: PreparedRequest) -> Result<Vec<u8>, Attempt> {
    let request = prepared.into_http();
    let request = reqwest::Request::try_from(request.map(reqwest::Body::from))
        .map_err(|e| Attempt::Fail(Cause::Connection(e.without_url())))?;
    let response = http
        .execute(request)
        .await
        .map_err(|e| Attempt::Retry(Cause::Connection(e.without_url()), false))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| Attempt::Retry(Cause::Connection(e.without_url()), false))?;
    if !status.is_success() {
        let error = Error::Http {
            status,
            body_excerpt: crate::endpoint::excerpt(&body),
        };
        let retry = status.is_server_error() || status == http::StatusCode::TOO_MANY_REQUESTS;
        return Err(if retry {
            Attempt::Retry(
                Cause::Http(error),
                status == http::StatusCode::TOO_MANY_REQUESTS,
            )
        } else {
            Attempt::Fail(Cause::Http(error))
        });
    }
    Ok(body.to_vec())
}

/// A cause in one line, with its sources, for an error that can only hold text.
fn describe(cause: &Cause) -> String {
    let error: &dyn std::error::Error = match cause {
        Cause::Connection(e) => return format!("connection failed: {}", with_sources(e)),
        Cause::Timeout(after) => return format!("timed out after {after:?}"),
        Cause::Pagination(why) => return why.clone(),
        Cause::Http(e) | Cause::InvalidRequest(e) => e,
        Cause::Api(e) => e,
        Cause::Token(e) => e,
        Cause::Decode(e) => e,
    };
    with_sources(error)
}

/// `error: source: source…`.
fn with_sources(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
