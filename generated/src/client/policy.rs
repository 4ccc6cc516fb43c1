//! What the client does after a failed attempt, decided in one place: [`Class::of`] reads
//! what went wrong (an answer as [`read_answer`](crate::endpoint::read_answer) classified it,
//! a connection, a token), and [`next`] picks the step from that class, what was tried so far
//! and the [`RetryPolicy`]. Both are pure, so a table of cases tests them.

use http::StatusCode;

use super::{Cause, RetryPolicy};
use crate::error::{ApiError, Error, ErrorKind};
use crate::token::TokenError;

/// What a failure says about trying again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Another try may succeed after a short delay: WeCom busy (-1), a 5xx status, a
    /// connection that failed or dropped.
    Transient,
    /// Another try may succeed after a longer delay: a rate limit (45009, 45033, status 429).
    RateLimited,
    /// The access token was refused (40014, 41001, 42001): a new one may do.
    TokenRefused,
    /// Trying again cannot help.
    Final,
}

impl Class {
    /// The class of what made an attempt fail.
    pub(crate) fn of(cause: &Cause) -> Class {
        match cause {
            Cause::Api(error) => Self::of_api(error),
            Cause::Http(error) => Self::of_error(error),
            Cause::Connection(error) => Self::of_connection(error),
            // gettoken itself takes no token: a refusal there is not fixed by a new one.
            Cause::Token(TokenError::Fetch(error)) => match Self::of_error(error) {
                Class::TokenRefused => Class::Final,
                class => class,
            },
            Cause::Token(TokenError::Store(_))
            | Cause::InvalidRequest(_)
            | Cause::Decode(_)
            | Cause::Timeout(_)
            | Cause::Pagination(_) => Class::Final,
        }
    }

    /// The class of an [`Error`]: of an answer, or of a token fetch.
    fn of_error(error: &Error) -> Class {
        match error {
            Error::Api(error) => Self::of_api(error),
            Error::Http { status, .. } => Self::of_status(*status),
            Error::Transport(error) => match error.downcast_ref::<reqwest::Error>() {
                Some(error) => Self::of_connection(error),
                // Anything else the exchange reported, such as a granted token that is none.
                None => Class::Final,
            },
            Error::Decode(_) | Error::InvalidRequest(_) => Class::Final,
        }
    }

    fn of_api(error: &ApiError) -> Class {
        match error.kind() {
            ErrorKind::Retryable => Class::Transient,
            ErrorKind::RateLimited => Class::RateLimited,
            ErrorKind::InvalidToken => Class::TokenRefused,
            _ => Class::Final,
        }
    }

    fn of_status(status: StatusCode) -> Class {
        if status == StatusCode::TOO_MANY_REQUESTS {
            Class::RateLimited
        } else if status.is_server_error() {
            Class::Transient
        } else {
            Class::Final
        }
    }

    fn of_connection(error: &reqwest::Error) -> Class {
        // A request reqwest could not even build is no better the second time.
        if error.is_builder() {
            Class::Final
        } else {
            Class::Transient
        }
    }
}

/// What a call has tried so far, besides its first attempt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tried {
    /// Retries after a transient failure or a rate limit.
    pub(crate) retries: u32,
    /// Whether the token was refreshed already (it is, at most once per call).
    pub(crate) refreshed: bool,
}

/// The step after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Wait [`RetryPolicy::delay`] (the longer one after a rate limit), then try again.
    Retry {
        /// The failure was a rate limit.
        rate_limited: bool,
    },
    /// Drop the token, fetch a new one, and try again at once.
    Refresh,
    /// Give up with this failure.
    GiveUp,
}

/// The step after a failure of `class`: a refused token is refreshed once per call, whatever
/// the policy says; a transient failure or a rate limit is retried while the policy allows
/// another attempt; everything else gives up.
pub(crate) fn next(class: Class, tried: Tried, policy: &RetryPolicy) -> Step {
    let room = tried.retries.saturating_add(1) < policy.max_attempts;
    match class {
        Class::TokenRefused if !tried.refreshed => Step::Refresh,
        Class::Transient if room => Step::Retry {
            rate_limited: false,
        },
        Class::RateLimited if room => Step::Retry { rate_limited: true },
        _ => Step::GiveUp,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::error::InvalidRequest;
    use crate::token::{InvalidAccessToken, StoreError};

    fn http(status: u16) -> Error {
        Error::Http {
            status: StatusCode::from_u16(status).unwrap(),
            body_excerpt: String::new(),
        }
    }

    fn fetch(error: Error) -> Cause {
        Cause::Token(TokenError::Fetch(Arc::new(error)))
    }

    fn decode_error() -> serde_json::Error {
        serde_json::from_str::<serde_json::Value>("{").unwrap_err()
    }

    /// A reqwest error of a request that could not be built (no I/O needed to make one).
    fn builder_error() -> reqwest::Error {
        reqwest::Client::new().get("no url").build().unwrap_err()
    }

    #[test]
    fn each_cause_has_the_class_its_meaning_gives() {
        let api = |code| Cause::Api(ApiError::new(code, "m"));
        let cases: Vec<(&str, Cause, Class)> = vec![
            ("busy", api(-1), Class::Transient),
            ("frequency limit", api(45009), Class::RateLimited),
            ("concurrency limit", api(45033), Class::RateLimited),
            ("invalid token", api(40014), Class::TokenRefused),
            ("missing token", api(41001), Class::TokenRefused),
            ("expired token", api(42001), Class::TokenRefused),
            ("not permitted", api(48002), Class::Final),
            ("other code", api(40058), Class::Final),
            ("502", Cause::Http(http(502)), Class::Transient),
            ("500", Cause::Http(http(500)), Class::Transient),
            ("429", Cause::Http(http(429)), Class::RateLimited),
            ("404", Cause::Http(http(404)), Class::Final),
            ("301", Cause::Http(http(301)), Class::Final),
            ("unreadable", Cause::Decode(decode_error()), Class::Final),
            (
                "unbuildable request",
                Cause::Connection(builder_error()),
                Class::Final,
            ),
            (
                "invalid request",
                Cause::InvalidRequest(InvalidRequest::BaseUrl { url: "x".into() }.into()),
                Class::Final,
            ),
            ("timeout", Cause::Timeout(Duration::ZERO), Class::Final),
            ("pagination", Cause::Pagination("p".into()), Class::Final),
            (
                "gettoken busy",
                fetch(ApiError::new(-1, "m").into()),
                Class::Transient,
            ),
            (
                "gettoken rate limited",
                fetch(ApiError::new(45009, "m").into()),
                Class::RateLimited,
            ),
            (
                "gettoken refuses the secret",
                fetch(ApiError::new(40001, "m").into()),
                Class::Final,
            ),
            (
                "gettoken answers a token code",
                fetch(ApiError::new(42001, "m").into()),
                Class::Final,
            ),
            ("gettoken 503", fetch(http(503)), Class::Transient),
            ("gettoken 429", fetch(http(429)), Class::RateLimited),
            ("gettoken 403", fetch(http(403)), Class::Final),
            (
                "gettoken unreadable",
                fetch(Error::Decode(decode_error())),
                Class::Final,
            ),
            (
                "gettoken unbuildable",
                fetch(Error::Transport(Box::new(builder_error()))),
                Class::Final,
            ),
            (
                "gettoken grants no token",
                fetch(Error::Transport(Box::new(InvalidAccessToken::Empty))),
                Class::Final,
            ),
            (
                "gettoken not sent",
                fetch(
                    InvalidRequest::EmptyCredential {
                        parameter: "corpid",
                    }
                    .into(),
                ),
                Class::Final,
            ),
            (
                "token store down",
                Cause::Token(TokenError::Store(Arc::new(StoreError::msg("down")))),
                Class::Final,
            ),
        ];
        for (name, cause, class) in cases {
            assert_eq!(Class::of(&cause), class, "{name}: {cause:?}");
        }
    }

    #[test]
    fn the_step_follows_the_class_what_was_tried_and_the_policy() {
        let three = RetryPolicy::attempts(3);
        let once = RetryPolicy::never();
        let tried = |retries, refreshed| Tried { retries, refreshed };
        let retry = Step::Retry {
            rate_limited: false,
        };
        let back_off = Step::Retry { rate_limited: true };
        let cases = [
            (Class::Transient, tried(0, false), &three, retry),
            (Class::Transient, tried(1, false), &three, retry),
            (Class::Transient, tried(2, false), &three, Step::GiveUp),
            (Class::Transient, tried(1, true), &three, retry),
            (Class::Transient, tried(0, false), &once, Step::GiveUp),
            (Class::RateLimited, tried(0, false), &three, back_off),
            (Class::RateLimited, tried(2, false), &three, Step::GiveUp),
            (Class::RateLimited, tried(0, false), &once, Step::GiveUp),
            // A refused token is refreshed once, whatever the policy allows.
            (Class::TokenRefused, tried(0, false), &three, Step::Refresh),
            (Class::TokenRefused, tried(0, false), &once, Step::Refresh),
            (Class::TokenRefused, tried(2, false), &three, Step::Refresh),
            (Class::TokenRefused, tried(0, true), &three, Step::GiveUp),
            (Class::Final, tried(0, false), &three, Step::GiveUp),
            (Class::Final, tried(0, false), &once, Step::GiveUp),
            (
                Class::Transient,
                tried(u32::MAX, false),
                &three,
                Step::GiveUp,
            ),
        ];
        for (class, tried, policy, step) in cases {
            assert_eq!(
                next(class, tried, policy),
                step,
                "{class:?} after {tried:?} with {} attempts",
                policy.max_attempts
            );
        }
    }
}
