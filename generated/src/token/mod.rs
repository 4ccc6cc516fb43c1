//! The access token's whole life: [`AccessToken`], kept out of logs; [`TokenCache`], which
//! fetches one per application only when needed; [`TokenStore`], where tokens are shared.
//!
//! # Choosing a store
//!
//! A [`TokenCache`] fetches a token once per process however many tasks ask; its store decides
//! who else shares that token.
//!
//! - [`MemoryStore`] (the default): the token lives in this process. Right for one instance of
//!   a service, or a few that can each afford their own gettoken call.
//! - `RedisStore` (feature `redis`, needs tokio): every process that uses the same Redis and
//!   key prefix shares one token and refreshes it once, under a lock that its holder keeps
//!   alive while it fetches and that expires when the holder dies, so that a crashed holder
//!   blocks the others only until then. Right for many instances, where per-instance fetches
//!   would waste WeCom's gettoken quota. A Redis failure is an error, unless
//!   `fallback_to_memory(true)` is set, which keeps serving from memory (and no longer shares
//!   the token) while Redis is unreachable, and writes a token fetched meanwhile back to Redis
//!   once it answers.
//!
//! Each process still needs its own [`TokenCache`] over the store, which is where a fresh
//! token costs no round trip.

mod cache;
#[cfg(feature = "redis")]
mod redis;
mod store;

use std::fmt;

#[cfg(feature = "redis")]
pub use self::redis::{RedisServer, RedisStore, RedisStoreBuilder};
pub use cache::{DEFAULT_MARGIN, Grant, TokenCache, TokenError, invalidates_token};
pub use store::{App, CachedToken, MemoryStore, Refresh, RefreshLock, StoreError, TokenStore};

/// 调用接口凭证: the access token that authorises a call, obtained from WeCom's `gettoken` API.
///
/// It travels in the `access_token` query parameter, never in the body. Neither `Debug` nor
/// `Display` shows it, so a token inside a struct that is logged, or in a panic message, stays
/// hidden; reading it takes a visible [`expose`](Self::expose):
///
/// ```
/// use wecom_rooms::AccessToken;
///
/// let token = AccessToken::new("t0ken-from-gettoken")?;
/// assert_eq!(format!("{token:?}"), r#"AccessToken("<redacted>")"#);
/// assert_eq!(token.to_string(), "<redacted access token>");
/// assert_eq!(token.expose(), "t0ken-from-gettoken");
/// let parsed: AccessToken = "t0ken-from-gettoken".parse()?;
/// assert_eq!(parsed.expose(), token.expose());
///
/// assert!(AccessToken::new("").is_err());
/// assert!(AccessToken::new("x".repeat(513)).is_err());
/// assert!(AccessToken::new("read-from-a-file\n").is_err());
/// # Ok::<(), wecom_rooms::InvalidAccessToken>(())
/// ```
///
/// There is deliberately no `PartialEq`: comparing tokens is rarely meant, and would not be
/// constant-time.
#[derive(Clone)]
pub struct AccessToken(String);

impl AccessToken {
    /// The longest token WeCom documents: 512 bytes.
    pub const MAX_LEN: usize = 512;

    /// Checks and wraps a token.
    ///
    /// Rejected: the empty string, more than [`MAX_LEN`](Self::MAX_LEN) bytes, and any
    /// whitespace or control character (a token read from a file or an environment variable
    /// with its line break still attached would otherwise fail later as "invalid token").
    /// Anything else is accepted and percent-encoded when it goes into a URL.
    pub fn new(token: impl Into<String>) -> Result<Self, InvalidAccessToken> {
        let token = token.into();
        if token.is_empty() {
            return Err(InvalidAccessToken::Empty);
        }
        if token.len() > Self::MAX_LEN {
            return Err(InvalidAccessToken::TooLong { len: token.len() });
        }
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidAccessToken::InvalidCharacter);
        }
        Ok(AccessToken(token))
    }

    /// The token, for where it is really needed.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for AccessToken {
    type Err = InvalidAccessToken;

    /// Same as [`AccessToken::new`].
    fn from_str(token: &str) -> Result<Self, Self::Err> {
        AccessToken::new(token)
    }
}

impl TryFrom<String> for AccessToken {
    type Error = InvalidAccessToken;

    /// Same as [`AccessToken::new`].
    fn try_from(token: String) -> Result<Self, Self::Error> {
        AccessToken::new(token)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AccessToken").field(&"<redacted>").finish()
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted access token>")
    }
}

/// Why [`AccessToken::new`] rejected a token. No variant holds any of the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidAccessToken {
    /// The token is empty.
    Empty,
    /// The token is longer than [`AccessToken::MAX_LEN`] bytes.
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// The token contains whitespace or a control character.
    InvalidCharacter,
}

impl fmt::Display for InvalidAccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidAccessToken::Empty => f.write_str("access token is empty"),
            InvalidAccessToken::TooLong { len } => write!(
                f,
                "access token is {len} bytes long, at most {} are allowed",
                AccessToken::MAX_LEN
            ),
            InvalidAccessToken::InvalidCharacter => {
                f.write_str("access token contains whitespace or a control character")
            }
        }
    }
}

impl std::error::Error for InvalidAccessToken {}
