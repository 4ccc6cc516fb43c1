//! Faults on demand: what the simulator does wrong, on purpose, and how often it did.

use serde::{Deserialize, Serialize};

/// Which faults the simulator injects; all off by default.
///
/// Set in the state file (its `faults` member, same names) or through
/// [`SimConfig::faults`](crate::SimConfig::faults) and, at run time,
/// [`RunningSimulator::set_faults`](crate::RunningSimulator::set_faults).
///
/// The random faults (`drop_rate`, `delay_rate`, `error_rate`) draw from one RNG seeded with
/// [`SimConfig::seed`](crate::SimConfig::seed), in the order requests arrive: the same seed and
/// the same sequence of requests give the same faults. The rate limit and the token lifetime
/// follow the [`SimClock`](crate::SimClock) and draw nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Faults {
    /// Share of requests (0.0–1.0) answered `{"errcode": -1, "errmsg": "system busy"}`
    /// (系统繁忙) instead of being served.
    pub error_rate: f64,
    /// Share of requests whose connection is closed without an answer.
    pub drop_rate: f64,
    /// Share of requests answered only after [`delay_ms`](Self::delay_ms) milliseconds of
    /// real time (the request is served normally otherwise).
    pub delay_rate: f64,
    /// How long a slow answer waits, in real milliseconds.
    pub delay_ms: u64,
    /// A per-token call limit; calls over it get 45009 (接口调用超过限制).
    pub rate_limit: Option<RateLimit>,
    /// Early invalidation: a token stops working (40014) this many seconds of sim time after
    /// it was issued, although gettoken said `expires_in` 7200.
    pub token_lifetime_secs: Option<u64>,
    /// Every answer leaves with its `errcode` as a string (`"0"` for `0`), which no response
    /// schema allows: a contract break on purpose, for testing what checks traffic in front
    /// of the simulator. The simulator's own check counts each one in
    /// [`RunningSimulator::schema_violations`](crate::RunningSimulator::schema_violations).
    pub off_schema: bool,
}

/// At most `calls` calls per access token in each window of `window_secs` seconds of sim time
/// (windows are aligned to multiples of `window_secs` since the Unix epoch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RateLimit {
    /// Calls allowed per window.
    pub calls: u32,
    /// The window's length in seconds (at least 1).
    pub window_secs: u64,
}

impl RateLimit {
    /// At most `calls` calls per token every `window_secs` seconds of sim time.
    #[must_use]
    pub fn new(calls: u32, window_secs: u64) -> Self {
        RateLimit { calls, window_secs }
    }
}

impl Faults {
    /// No faults.
    #[must_use]
    pub fn none() -> Self {
        Self::default()
    }

    /// Answers this share of requests with errcode -1.
    #[must_use]
    pub fn with_error_rate(mut self, share: f64) -> Self {
        self.error_rate = share;
        self
    }

    /// Closes the connection of this share of requests without answering.
    #[must_use]
    pub fn with_drop_rate(mut self, share: f64) -> Self {
        self.drop_rate = share;
        self
    }

    /// Answers this share of requests `delay_ms` real milliseconds late.
    #[must_use]
    pub fn with_delay(mut self, share: f64, delay_ms: u64) -> Self {
        self.delay_rate = share;
        self.delay_ms = delay_ms;
        self
    }

    /// Limits each token to `limit`.
    #[must_use]
    pub fn with_rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Makes tokens stop working `secs` seconds of sim time after they were issued.
    #[must_use]
    pub fn with_token_lifetime(mut self, secs: u64) -> Self {
        self.token_lifetime_secs = Some(secs);
        self
    }

    /// Sends every answer off its response schema (`errcode` as a string).
    #[must_use]
    pub fn with_off_schema_answers(mut self) -> Self {
        self.off_schema = true;
        self
    }

    /// Why these faults make no sense, if they do not.
    pub(crate) fn check(&self) -> Result<(), String> {
        for (name, share) in [
            ("error_rate", self.error_rate),
            ("drop_rate", self.drop_rate),
            ("delay_rate", self.delay_rate),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return Err(format!(
                    "faults.{name} must be between 0 and 1, found {share}"
                ));
            }
        }
        if let Some(limit) = self.rate_limit
            && limit.window_secs == 0
        {
            return Err("faults.rate_limit.window_secs must be at least 1".to_owned());
        }
        Ok(())
    }
}

/// How many times each fault was injected since the simulator started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FaultCounts {
    /// Requests answered with errcode -1.
    pub errors: u64,
    /// Requests refused with 45009 by the rate limit.
    pub rate_limited: u64,
    /// Requests answered late.
    pub delayed: u64,
    /// Connections closed without an answer.
    pub dropped: u64,
    /// Requests refused with 40014 because their token was invalidated early (by
    /// `token_lifetime_secs` or [`RunningSimulator::invalidate_tokens`](crate::RunningSimulator::invalidate_tokens)).
    pub invalidated_tokens: u64,
    /// Answers sent off their response schema by the `off_schema` fault.
    pub off_schema: u64,
}

/// Breaks `answer`'s contract the way [`Faults::off_schema`] says: its `errcode` becomes a
/// string.
pub(crate) fn off_schema(answer: &mut serde_json::Value) {
    if let Some(code) = answer.get_mut("errcode") {
        *code = serde_json::Value::String(code.to_string());
    }
}

/// What the random faults decided for one request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Draw {
    pub drop: bool,
    pub delay_ms: Option<u64>,
    pub error: bool,
}

/// Draws the random faults for one request: three draws per request, always, so that
/// changing one share does not shift the others' sequence.
pub(crate) fn draw(faults: &Faults, rng: &mut fastrand::Rng) -> Draw {
    let (drop, delay, error) = (rng.f64(), rng.f64(), rng.f64());
    Draw {
        drop: drop < faults.drop_rate,
        delay_ms: (delay < faults.delay_rate).then_some(faults.delay_ms),
        error: error < faults.error_rate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_deterministic_under_a_seed() {
        let faults = Faults::none().with_error_rate(0.5).with_drop_rate(0.2);
        let run = |seed| {
            let mut rng = fastrand::Rng::with_seed(seed);
            (0..100)
                .map(|_| draw(&faults, &mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn shares_outside_zero_to_one_are_refused() {
        assert!(Faults::none().with_error_rate(1.5).check().is_err());
        assert!(
            Faults::none()
                .with_rate_limit(RateLimit::new(1, 0))
                .check()
                .is_err()
        );
        assert!(Faults::none().with_delay(1.0, 5).check().is_ok());
    }

    #[test]
    fn an_off_schema_answer_has_a_string_errcode() {
        let mut answer = serde_json::json!({"errcode": 0, "errmsg": "ok"});
        off_schema(&mut answer);
        assert_eq!(answer, serde_json::json!({"errcode": "0", "errmsg": "ok"}));
    }
}
