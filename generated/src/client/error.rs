//! [`CallError`]: what went wrong in a call, and at which endpoint.

use std::fmt;
use std::time::Duration;

use crate::error::{ApiError, Error};
use crate::token::TokenError;

/// A call of the [`Client`](super::Client) failed. It names the endpoint and how many attempts
/// were made; [`cause`](Self::cause) says what went wrong, and `source()` leads to it.
#[derive(Debug)]
pub struct CallError {
    endpoint: &'static str,
    attempts: u32,
    cause: Cause,
}

/// What made a call fail.
#[derive(Debug)]
#[non_exhaustive]
pub enum Cause {
    /// WeCom answered with an error envelope, after any retries the policy allows.
    Api(ApiError),
    /// The request breaks its schema, or the base URL is not usable: nothing was sent.
    InvalidRequest(Error),
    /// No access token could be had.
    Token(TokenError),
    /// The connection failed (the error carries no URL, so no token).
    Connection(reqwest::Error),
    /// The server answered with a status other than 2xx ([`Error::Http`]).
    Http(Error),
    /// A 2xx answer is not a response of the endpoint: not JSON, or JSON its types cannot
    /// hold ([`Error::Decode`], as [`parse_response`](crate::parse_response) reports it).
    Decode(serde_json::Error),
    /// The call took longer than the client's timeout.
    Timeout(Duration),
    /// A listing went wrong between pages (such as a cursor handed out twice).
    Pagination(String),
}

impl CallError {
    pub(crate) fn new(endpoint: &'static str, attempts: u32, cause: Cause) -> Self {
        CallError {
            endpoint,
            attempts,
            cause,
        }
    }

    /// The endpoint's path, such as `/cgi-bin/meeting/rooms/get_info`.
    pub fn endpoint(&self) -> &'static str {
        self.endpoint
    }

    /// How many requests were sent (0 when none was).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// What went wrong.
    pub fn cause(&self) -> &Cause {
        &self.cause
    }

    /// The WeCom error, if WeCom answered with one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match &self.cause {
            Cause::Api(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endpoint = self.endpoint;
        match &self.cause {
            Cause::Api(_) => write!(f, "{endpoint}: wecom answered with an error"),
            Cause::InvalidRequest(_) => write!(f, "{endpoint}: request not sent"),
            Cause::Token(_) => write!(f, "{endpoint}: no access token"),
            Cause::Connection(_) => write!(f, "{endpoint}: connection failed"),
            Cause::Http(_) => write!(f, "{endpoint}: http error"),
            Cause::Decode(_) => write!(f, "{endpoint}: unreadable response"),
            Cause::Timeout(after) => write!(f, "{endpoint}: timed out after {after:?}"),
            Cause::Pagination(why) => write!(f, "{endpoint}: pagination failed: {why}"),
        }?;
        if self.attempts > 1 {
            write!(f, " ({} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for CallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.cause {
            Cause::Api(e) => Some(e),
            Cause::InvalidRequest(e) | Cause::Http(e) => Some(e),
            Cause::Connection(e) => Some(e),
            Cause::Token(e) => Some(e),
            Cause::Decode(e) => Some(e),
            Cause::Timeout(_) | Cause::Pagination(_) => None,
        }
    }
}
