//! When the client tries a call again, and how long it waits first.

use std::time::Duration;

/// How [`Client`](super::Client) retries: WeCom's "system busy" (-1), a connection that fails
/// or a 5xx status, with jittered exponential backoff and a bounded number of attempts; a rate
/// limit (45009, 45033, or HTTP status 429) the same way from a longer base delay. Anything
/// else (another status, an answer that is not the endpoint's, any other `errcode`) is not
/// retried. An invalid token is not retried
/// here: the client refreshes the token and tries once more, whatever this policy says.
///
/// Retries apply to every endpoint alike. A book, release or call whose connection dropped may
/// have been carried out before the answer was lost; tried again, it can come back refused
/// (for example, the room already booked). Use [`RetryPolicy::never`] where that matters.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 never retries.
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles for each further one.
    pub base_delay: Duration,
    /// The wait before the first retry after a rate limit.
    pub rate_limit_delay: Duration,
    /// No wait is longer than this.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, 100 ms doubling, 1 s after a rate limit, at most 5 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            rate_limit_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// `attempts` in all, with the default delays.
    pub fn attempts(attempts: u32) -> Self {
        RetryPolicy {
            max_attempts: attempts.max(1),
            ..Self::default()
        }
    }

    /// These delays (`base` doubling, `rate_limit` after a rate limit, at most `max`).
    #[must_use]
    pub fn delays(mut self, base: Duration, rate_limit: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.rate_limit_delay = rate_limit;
        self.max_delay = max;
        self
    }

    /// The wait before retry number `retry` (1 for the first), "full jitter": a random time up
    /// to the exponential delay, so that clients that failed together do not retry together.
    pub(crate) fn delay(&self, retry: u32, rate_limited: bool) -> Duration {
        let base = if rate_limited {
            self.rate_limit_delay
        } else {
            self.base_delay
        };
        let exponential = base
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
            .min(self.max_delay);
        let millis = u64::try_from(exponential.as_millis()).unwrap_or(u64::MAX);
        // At least half the delay, so that a rate limit is always given some room.
        Duration::from_millis(millis / 2 + fastrand::u64(0..=millis / 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_stay_bounded_and_vary() {
        let policy = RetryPolicy::default();
        for retry in 1..40 {
            let d = policy.delay(retry, false);
            let cap = (policy.base_delay * 2u32.pow(retry.min(16) - 1)).min(policy.max_delay);
            assert!(d <= cap && d >= cap / 2, "{retry}: {d:?} outside {cap:?}");
        }
        assert!(policy.delay(1, true) >= policy.rate_limit_delay / 2);
        let seen: std::collections::BTreeSet<Duration> =
            (0..50).map(|_| policy.delay(3, false)).collect();
        assert!(seen.len() > 1, "no jitter");
    }
}
