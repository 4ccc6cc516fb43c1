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
mod policy;
mod retry;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

use tracing::Instrument as _;
use wecom_rooms_runtime::{Endpoint, NonEmptyString, Outcome, Secret};

pub use error::{CallError, Cause};
pub use retry::RetryPolicy;

use self::policy::{Class, Step, Tried};
use crate::endpoint::{
    PreparedRequest, Success, build_request_to, build_token_request_to, read_answer,
};
use crate::endpoints::GetToken;
use crate::error::{ApiError, Error, InvalidRequest};
use crate::token::{AccessToken, App, Grant, MemoryStore, TokenCache, TokenStore};

/// The client: `Client::builder(corp_id, secret)…build()`, then [`call`](Self::call) any
/// endpoint of the family, or [`paginate`](Self::paginate) a list.
///
/// Each call validates the request before sending it, gets a token from the
/// [`TokenCache`] (fetching one through gettoken only when needed), reads the answer as
/// [`parse_response`](crate::parse_response) does (the same function: as tolerant as the
/// generated types), retries by its [`RetryPolicy`], refreshes the token once and tries again
/// when WeCom calls it invalid, and gives up after its timeout. Each call runs in a
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
        let inner = &self.inner;
        let mut tried = Tried::default();
        loop {
            *attempts += 1;
            tracing::Span::current().record("attempt", *attempts);
            let (cause, token) = match self.attempt(request).await {
                Ok(success) => return Ok(success),
                Err(failed) => failed,
            };
            let class = Class::of(&cause);
            if class == Class::TokenRefused
                && let Some(token) = &token
            {
                // Dropped whatever comes next, so that no later call uses it. A store failure
                // here only means the next call may reuse the bad token once more.
                let _ = inner.tokens.invalidate(&inner.app, token).await;
            }
            match policy::next(class, tried, &inner.retry) {
                Step::GiveUp => return Err(cause),
                Step::Refresh => {
                    tried.refreshed = true;
                    tracing::debug!("the token was refused: trying once more with a new one");
                }
                Step::Retry { rate_limited } => {
                    tried.retries += 1;
                    let delay = inner.retry.delay(tried.retries, rate_limited);
                    tracing::debug!(?delay, rate_limited, "retrying");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// One request: token, send, read. A failure comes with the token it used, if any.
    async fn attempt<E>(&self, request: &E) -> Result<Success<E>, (Cause, Option<AccessToken>)>
    where
        E: Endpoint<Response: Outcome<Failure: Into<ApiError>>> + Send + Sync,
    {
        let inner = &self.inner;
        let token = (inner.tokens)
            .token(&inner.app, self.fetch_token())
            .await
            .map_err(|e| (Cause::Token(e), None))?;
        let failed = |cause| (cause, Some(token.clone()));
        let prepared = build_request_to(&inner.base_url, request, &token)
            .map_err(|e| failed(Cause::InvalidRequest(e)))?;
        let (status, body) = send(&inner.http, prepared)
            .await
            .map_err(|e| failed(Cause::Connection(e)))?;
        read_answer::<E>(status, &body).map_err(|error| {
            let cause = match error {
                Error::Api(error) => {
                    tracing::Span::current().record("errcode", error.errcode());
                    Cause::Api(error)
                }
                Error::Decode(error) => Cause::Decode(error),
                // What is left of read_answer's errors: a status other than 2xx.
                error => Cause::Http(error),
            };
            failed(cause)
        })
    }

    /// The fetch the token cache runs when it needs a token: gettoken, once, read as any
    /// answer is.
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
                    let (status, body) = send(&inner.http, prepared)
                        .await
                        .map_err(|e| Error::Transport(Box::new(e)))?;
                    let granted = read_answer::<GetToken>(status, &body)?;
                    Grant::try_from(granted).map_err(|e| Error::Transport(Box::new(e)))
                }
                .instrument(tracing::info_span!("wecom_rooms.gettoken")),
            )
        }
    }
}

/// Sends `prepared`: the status and body of the answer, whatever the status. The error carries
/// no URL, so no token.
async fn send(
    http: &reqwest::Client,
    prepared: PreparedRequest,
) -> Result<(StatusCode, Vec<u8>), reqwest::Error> {
    let request = prepared.into_http();
    let request = reqwest::Request::try_from(request.map(reqwest::Body::from))
        .map_err(reqwest::Error::without_url)?;
    let response = http
        .execute(request)
        .await
        .map_err(reqwest::Error::without_url)?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(reqwest::Error::without_url)?;
    Ok((status, body.into()))
}
